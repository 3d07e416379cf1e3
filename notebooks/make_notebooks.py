import nbformat, os, re, glob, sys
V4 = nbformat.v4
# Writes notebooks/00_overview.ipynb and one notebook per scripts/[SEQXI]N_*.java (outputs empty: run notebooks/run.sh after).
#   /usr/bin/python3 notebooks/make_notebooks.py && bash notebooks/run.sh
#   /usr/bin/python3 notebooks/make_notebooks.py S2_pubsub.ipynb   only the notebooks named (the others keep their outputs)
# Every notebook: setup, shared helpers (HELPERS), then its own question, analysis and charts (SPECS below),
# then "change it and re-run": the script runs as a child process with --quick and one changed option into a
# scratch folder, and the same analysis and charts are redrawn from that folder next to the reference.
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ONLY = set(sys.argv[1:])
KS = {"name": "java", "display_name": "Java (rapaio 3.0.1)", "language": "java"}
SETUP = "%jar .kernel/lib\n%classpath .kernel/classes"
HELPERS = r'''import java.nio.file.*;
import java.util.*;
import java.util.concurrent.TimeUnit;
import java.awt.Color;
import java.awt.image.BufferedImage;
import tech.tablesaw.api.*;
import tech.tablesaw.io.csv.CsvReadOptions;
import static tech.tablesaw.aggregate.AggregateFunctions.*;
import org.knowm.xchart.*;
import org.knowm.xchart.style.*;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.knowm.xchart.internal.chartpart.Chart;
import lab.*;

// The data folder: ../data (the reference run) unless LAB_DATA points elsewhere (notebooks/run.sh --data DIR).
Path data = Path.of(System.getenv().getOrDefault("LAB_DATA", "../data")).toAbsolutePath().normalize();
// The repository (where ./jbang and scripts/ are): the re-run cells start the scripts from there.
Path repo = Path.of(System.getenv().getOrDefault("LAB_ROOT", "..")).toAbsolutePath().normalize();

// Any CSV of a data folder, column types guessed from every row; "" = missing.
Table csv(Path file) throws Exception {
    return Table.read().csv(CsvReadOptions.builder(file.toFile()).missingValueIndicator("").sample(false).build());
}

// metrics.csv with Tablesaw: every column is text except value (NaN = not measured).
Table readMetrics(Path file) throws Exception {
    ColumnType[] types = new ColumnType[Results.METRICS_COLUMNS.size()];
    Arrays.fill(types, ColumnType.STRING);
    types[Results.METRICS_COLUMNS.indexOf("value")] = ColumnType.DOUBLE;
    return Table.read().csv(CsvReadOptions.builder(file.toFile()).columnTypes(types).missingValueIndicator("").build());
}

// The same rows as lab.Results.Row, for the shared decision code (lab.Decision).
List<Results.Row> rows(Table t) {
    List<Results.Row> out = new ArrayList<>();
    for (tech.tablesaw.api.Row r : t) {
        double v = r.getDouble("value");
        out.add(Csv.metricRow(t.name() + " row " + r.getRowNumber(), r.getString("scenario"), r.getString("test"), r.getString("client"),
                r.getString("metric"), r.getString("unit"), Double.isNaN(v) ? "NaN" : Double.toString(v), r.getString("status"), r.getString("criterion")));
    }
    return out;
}

// True when the folder holds every file the analysis reads.
boolean has(Path dir, String... files) {
    for (String f : files) if (!Files.exists(dir.resolve(f))) return false;
    return true;
}

// Rows whose text column equals a value; the distinct values of a text column in order of appearance.
Table only(Table t, String column, String value) { return t.where(t.stringColumn(column).isEqualTo(value)); }
List<String> distinct(Table t, String column) { return new ArrayList<>(new LinkedHashSet<>(t.stringColumn(column).asList())); }
double[] col(Table t, String column) { return t.numberColumn(column).asDoubleArray(); }

// "reference" for the data folder, "re-run" for a scratch folder: the charts' titles say which run they show.
String which(Path dir) { return dir.toAbsolutePath().normalize().startsWith(data) ? "reference" : "re-run"; }

XYChart xy(String title, String xTitle, String yTitle) {
    XYChart c = new XYChartBuilder().width(800).height(440).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setMarkerSize(5);
    return c;
}

CategoryChart bars(String title, String xTitle, String yTitle) {
    CategoryChart c = new CategoryChartBuilder().width(800).height(440).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setLabelsVisible(true);
    return c;
}

// A plan threshold: a dashed red horizontal line from x0 to x1, named "plan < 5 ms (GET_P50_MS)".
void threshold(XYChart c, Criterion k, double x0, double x1) {
    XYSeries s = c.addSeries("plan " + k.targetText() + " (" + k.name() + ")", new double[] {x0, x1}, new double[] {k.target, k.target});
    s.setMarker(SeriesMarkers.NONE); s.setLineStyle(SeriesLines.DASH_DASH); s.setLineColor(Color.RED);
}

// An event on a timeline (a kill, a restart): a vertical dotted line from y0 to y1.
void event(XYChart c, String name, double x, double y0, double y1, Color color) {
    XYSeries s = c.addSeries(name, new double[] {x, x}, new double[] {y0, y1});
    s.setMarker(SeriesMarkers.NONE); s.setLineStyle(SeriesLines.DOT_DOT); s.setLineColor(color);
}

// Latency spectra: x in "nines" (0 = P0, 1 = P90, 2 = P99, 3 = P99.9), labelled as percentiles
// (XChart needs distinct tick labels, so the half-way ticks say P68, P97... rather than nothing).
XYChart spectrum(String title) {
    XYChart c = xy(title, "percentile", "latency (ms, log)");
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setxAxisTickLabelsFormattingFunction(x -> {
        double p = 100 - 100 / Math.pow(10, x);
        return p < 99 ? String.format("P%.0f", p) : String.format("P%s", Double.toString(Math.round(p * 1000) / 1000.0));
    });
    return c;
}
double spectrumSeries(XYChart c, String name, Table spectra) {
    Table t = spectra.where(spectra.numberColumn("percentile").isLessThan(100).and(spectra.numberColumn("value_ns").isGreaterThan(0)));
    double[] p = col(t, "percentile"), ms = col(t, "value_ns");
    double[] nines = new double[p.length];
    for (int i = 0; i < p.length; i++) { nines[i] = -Math.log10(1 - p[i] / 100); ms[i] /= 1e6; }
    c.addSeries(name, nines, ms).setMarker(SeriesMarkers.NONE);
    return nines.length == 0 ? 0 : Arrays.stream(nines).max().getAsDouble();
}

// Charts as one image, side by side (reference | re-run), shown in the cell's output.
void show(Chart<?, ?>... charts) {
    List<BufferedImage> images = new ArrayList<>();
    for (Chart<?, ?> c : charts) if (c != null) images.add(BitmapEncoder.getBufferedImage(c));
    if (images.isEmpty()) return;
    int w = images.stream().mapToInt(BufferedImage::getWidth).sum(), h = images.stream().mapToInt(BufferedImage::getHeight).max().getAsInt();
    BufferedImage all = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = all.createGraphics();
    g.setColor(Color.WHITE); g.fillRect(0, 0, w, h);
    int x = 0;
    for (BufferedImage i : images) { g.drawImage(i, x, 0, null); x += i.getWidth(); }
    g.dispose();
    org.rapaio.jupyter.kernel.global.Global.display(all);
}

// Runs a script as a user would (./jbang scripts/NAME.java --quick --out SCRATCH OPTIONS...) from the repository,
// into a new scratch folder under java.io.tmpdir, and returns that folder. Exit 0/1 (criteria passed / some failed)
// are results; 2 or more is an error and stops the notebook. The console output goes to SCRATCH.log.
Path rerun(String script, String... options) throws Exception {
    Path scratch = Files.createTempDirectory("lab-notebook-" + script + "-");
    List<String> cmd = new ArrayList<>(List.of("./jbang", "scripts/" + script + ".java", "--quick", "--out", scratch.toString()));
    cmd.addAll(List.of(options));
    System.out.println("$ " + String.join(" ", cmd));
    Path log = Path.of(scratch + ".log");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        throw new IllegalStateException(script + " did not finish in 10 min; its output: " + log);
    }
    List<String> lines = Files.readAllLines(log);
    lines.subList(Math.max(0, lines.size() - 4), lines.size()).forEach(l -> System.out.println("  | " + l));
    if (p.exitValue() > 1) throw new IllegalStateException(script + " failed with exit " + p.exitValue() + "; its output: " + log);
    System.out.printf("exit %d (0 = every criterion passed, 1 = some failed) after %.0f s%n", p.exitValue(), (System.nanoTime() - t0) / 1e9);
    System.out.println("scratch folder: " + scratch);
    try (var s = Files.list(scratch)) {
        for (Path f : s.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
            System.out.println("  " + f.getFileName() + ": " + csv(f).rowCount() + " rows");
        }
    }
    return scratch;
}
System.out.println("data: " + data + "\nrepository: " + repo);'''


def md(s): return V4.new_markdown_cell(s)


def code(s, tag=None):
    c = V4.new_code_cell(s.strip("\n"))
    if s == SETUP: c.metadata["tags"] = ["setup"]
    if tag: c.metadata["tags"] = [tag]
    return c


def write(name, cells):
    if ONLY and name not in ONLY: return
    nb = V4.new_notebook()
    nb.metadata.kernelspec = KS
    nb.metadata.language_info = {"name": "java"}
    nb.cells = cells
    nbformat.write(nb, os.path.join(root, 'notebooks', name))


# ---------------------------------------------------------------- overview
OVERVIEW_CHART = r'''// Every criterion as measured / threshold on a log axis, oriented so that < 1 passes for every comparator
// ("<", "<=": measured / target; ">", ">=": target / measured; "== 0": measured + 1; "== N": the larger of the two ratios).
// One point per script and criterion (its worst row, as the decision reads it); one series per table of the plan.
double margin(Criterion k, double v) {
    return switch (k.cmp) {
        case LT, LE -> v / k.target;
        case GT, GE -> k.target / v;
        case EQ -> k.target == 0 ? v + 1 : Math.max(v / k.target, k.target / v);
    };
}
String planTable(Criterion k) {
    String s = k.seedSection;
    return s.startsWith("Success Criteria") ? s.replaceAll(" \\(.*", "") : s.startsWith("Scenario") ? "Scenario metrics" : "Edge cases and deep questions";
}
XYChart overviewChart(Table all) {
    Table crit = all.where(all.stringColumn("criterion").isNotMissing().and(all.stringColumn("status").isNotEqualTo("INFO")));
    // worst row per script and criterion, tables of the plan in order
    Map<String, Map<String, Double>> groups = new TreeMap<>(Comparator.comparing((String g) -> g.startsWith("Success") ? "0" + g : "1" + g));
    for (tech.tablesaw.api.Row r : crit) {
        Criterion k = Criterion.valueOf(r.getString("criterion"));
        double m = Double.isNaN(r.getDouble("value")) ? Double.NaN : margin(k, r.getDouble("value"));
        String label = r.getString("scenario").replaceAll("_.*", "") + " " + k.name();
        groups.computeIfAbsent(planTable(k), g -> new TreeMap<>()).merge(label, m, (a, b) -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b));
    }
    List<String> labels = new ArrayList<>();
    groups.values().forEach(g -> labels.addAll(g.keySet()));
    XYChart c = new XYChartBuilder().width(1000).height(160 + 18 * labels.size()).title("Every criterion: measured / threshold (left of the red line passes; on it for == criteria; missing values not drawn)")
            .xAxisTitle("measured / threshold (log; for >= criteria threshold / measured; for == 0 criteria measured + 1)").yAxisTitle("").build();
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    c.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    c.getStyler().setMarkerSize(9);
    c.getStyler().setYAxisMin(-1.0); c.getStyler().setYAxisMax((double) labels.size());
    c.getStyler().setYAxisTicksVisible(false);
    double lo = 1e-4, hi = 10;
    for (Map<String, Double> g : groups.values()) for (double m : g.values()) if (!Double.isNaN(m) && !Double.isInfinite(m) && m > 0) { lo = Math.min(lo, m / 2); hi = Math.max(hi, m * 2); }
    // an unbounded value (a borrow that never got a connection) is drawn at the right edge and says so
    Set<String> unbounded = new HashSet<>();
    for (Map<String, Double> g : groups.values()) g.forEach((label, m) -> { if (Double.isInfinite(m)) unbounded.add(label); });
    // the criteria's names sit in a band of 4 decades left of the data (XChart has no text axis for XY charts)
    double labelsFrom = lo / 1e4;
    for (int i = 0; i < labels.size(); i++) c.addAnnotation(new AnnotationText(labels.get(i) + (unbounded.contains(labels.get(i)) ? " (unbounded: at the edge)" : ""), lo / 100, labels.size() - 1 - i, false));
    XYSeries pass = c.addSeries("passing side (< 1)", new double[] {lo, 1}, new double[] {labels.size(), labels.size()});
    pass.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area); pass.setMarker(SeriesMarkers.NONE);
    pass.setFillColor(new Color(0, 160, 0, 40)); pass.setLineColor(new Color(0, 160, 0, 120));
    XYSeries one = c.addSeries("threshold", new double[] {1, 1}, new double[] {-1, labels.size()});
    one.setMarker(SeriesMarkers.NONE); one.setLineColor(Color.RED); one.setLineStyle(SeriesLines.DASH_DASH);
    for (Map.Entry<String, Map<String, Double>> g : groups.entrySet()) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (Map.Entry<String, Double> e : g.getValue().entrySet()) {
            if (Double.isNaN(e.getValue())) continue;
            xs.add(Math.min(Math.max(e.getValue(), lo), hi)); // a perfect "== 0" (margin 1) sits on the line; 0 is clipped to the axis, unbounded to its end
            ys.add((double) (labels.size() - 1 - labels.indexOf(e.getKey())));
        }
        if (xs.isEmpty()) continue;
        XYSeries s = c.addSeries(g.getKey(), xs, ys);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    }
    c.getStyler().setXAxisMin(labelsFrom); c.getStyler().setXAxisMax(hi);
    return c;
}
if (all != null) show(overviewChart(all));'''

from specs import OVERVIEW_SERVERS  # noqa: E402  (the servers side by side, lab.report.ServerComparison)
write('00_overview.ipynb', [
    md("# POC #1 — Redis as the L2 cache: overview\n\n"
       "Loads every `data/<script>/metrics.csv` with Tablesaw, shows the criteria, computes the plan's decision "
       "with the same code as `RESULTS.md` (`lab.Decision`) and draws every criterion against its threshold.\n\n"
       "Re-run: `./jbang scripts/RunAll.java` (or one script), then `bash notebooks/run.sh` (executes every notebook headless "
       "and saves the outputs). `bash notebooks/install.sh` prepares the Java kernel once. Each script's own notebook "
       "re-runs that script with a changed option."),
    code(SETUP),
    code(HELPERS),
    md("## Every metrics table"),
    code('''List<Path> folders = new ArrayList<>();
if (Files.isDirectory(data)) {
    try (var s = Files.list(data)) {
        s.filter(d -> Files.exists(d.resolve("metrics.csv"))).sorted().forEach(folders::add);
    }
}
Table all = null;
for (Path f : folders) {
    Table t = readMetrics(f.resolve("metrics.csv"));
    all = all == null ? t.copy() : all.append(t);
}
System.out.println(folders.size() + " data folders: " + folders.stream().map(p -> p.getFileName().toString()).toList());
if (all != null) {
    all.setName("metrics");
    System.out.println(all.countBy("scenario", "status").sortOn("scenario", "status").printAll());
}'''),
    md("## Criteria (rows with a target)"),
    code('''if (all != null) {
    Table criteria = all.where(all.stringColumn("status").isNotEqualTo("INFO"))
            .selectColumns("scenario", "test", "client", "metric", "value", "unit", "comparator", "target", "status", "criterion");
    System.out.println(criteria.printAll());
}'''),
    md("## The decision (lab.Decision, as in RESULTS.md)"),
    code('''Decision.Result d = Decision.evaluate(all == null ? List.of() : rows(all));
System.out.println("Decision: " + d.outcomeText());
System.out.println("Path: " + d.path());
System.out.println();
for (Decision.Point p : d.points()) System.out.println("Decision point " + p.number() + " (" + p.title() + "): " + p.answer() + " -> " + p.choice());
System.out.println();
for (Decision.CriterionResult c : d.criteria()) {
    System.out.printf("%-8s %-11s %-4s %s%n", c.status(), c.category().name().toLowerCase(), c.gate() ? "gate" : "", c.criterion().description);
}'''),
    md("## Every criterion against its threshold\n\n"
       "How far each measurement is from the plan's threshold, on one log axis: left of the red line (shaded) passes. "
       "Grouped by the plan's tables: the *Success Criteria* (performance, functional, integration), the per-scenario metrics "
       "with targets, and the edge cases / deep questions."),
    code(OVERVIEW_CHART),
    md("`RESULTS.md` is generated from the same files; its decision line must be the one above."),
    code('''Path results = Path.of(System.getenv().getOrDefault("LAB_RESULTS", "../RESULTS.md"));
if (Files.exists(results)) {
    boolean same = Files.readString(results).contains("**" + d.outcomeText() + "**");
    System.out.println("RESULTS.md (" + results + ") states the same decision: " + same);
} else {
    System.out.println("no " + results + " yet: ./jbang scripts/Report.java");
}'''),
] + [md(c) if kind == "md" else code(c) for kind, c in OVERVIEW_SERVERS])

# ---------------------------------------------------------------- per script
from specs import SPECS  # noqa: E402  (per-question analysis and charts, one entry per script)


def header_comment(path):
    lines = open(path).read().splitlines()
    out = []
    for l in lines[1:40]:
        if l.startswith('//') and not l.startswith('//JAVA') and not l.startswith('//DEPS') and not l.startswith('//SOURCES'):
            out.append(l[2:].strip() if len(l) > 2 else '')
        elif l.startswith('import') or l.startswith('@') or l.startswith('public'):
            break
    return '\n'.join(out).strip()


scripts = sorted([os.path.basename(p)[:-5] for p in glob.glob(root + '/scripts/*.java') if re.match(r'[SEQXI][0-9]+_', os.path.basename(p))],
                 key=lambda n: ("SEQXI".index(n[0]), n))
missing = [s for s in scripts if s not in SPECS]
if missing: raise SystemExit("no notebook spec for " + ", ".join(missing) + " in notebooks/specs.py")
for s in scripts:
    spec = SPECS[s]
    about = header_comment(root + '/scripts/' + s + '.java')
    files = ", ".join('"%s"' % f for f in spec["files"])
    charts = spec["charts"]  # method names taking the data folder
    cells = [
        md("# " + s + "\n\n**Question.** " + spec["question"] + "\n\n"
           "<details><summary>From the header of <code>scripts/" + s + ".java</code></summary>\n\n```\n" + about + "\n```\n</details>"),
        code(SETUP),
        code(HELPERS),
        md("## Criteria\n\nThe rows of `metrics.csv` judged against the plan (`lab.Criterion`)."),
        code('''Path dir = data.resolve("%s");
boolean reference = has(dir, %s);
if (!reference) {
    System.out.println("no reference data in " + dir + " (run ./jbang scripts/%s.java): the re-run below still draws its own");
} else {
    Table metrics = readMetrics(dir.resolve("metrics.csv"));
    Table checks = metrics.where(metrics.stringColumn("status").isNotEqualTo("INFO"));
    System.out.println(checks.selectColumns("test", "client", "metric", "value", "unit", "comparator", "target", "status").printAll());
}''' % (s, files, s)),
        md("## Analysis\n\n" + spec["analysis_md"]),
        code(spec["analysis"] + '\nif (reference) analyse(dir);'),
        md("## Charts\n\n" + spec["charts_md"]),
        code(spec["chart_code"] + '\nif (reference) show(' + charts[0] + '(dir));' +
             ''.join('\nif (reference) show(%s(dir));' % c for c in charts[1:])),
        md("## Change it and re-run\n\n" + spec["rerun_md"] + "\n\n"
           "The cell runs the script as a child process from the repository root, `--quick` into a new scratch folder under "
           "`java.io.tmpdir` (the reference data is not touched), then the same analysis and charts are drawn from it, "
           "next to the reference. Edit the options (`./jbang scripts/" + s + ".java --help` lists them) and run the cells again. "
           "A full-size run writes `data/" + s + "/`: `./jbang scripts/" + s + ".java`, then `bash notebooks/run.sh`."),
        code('Path scratch = rerun("%s", %s);' % (s, ", ".join('"%s"' % o for o in spec["rerun"])), tag="rerun"),
        code('System.out.println("redrawn from the scratch folder " + scratch);\nanalyse(scratch);' +
             ''.join('\nshow(reference ? %s(dir) : null, %s(scratch));' % (c, c) for c in charts), tag="redraw"),
    ]
    write('%s.ipynb' % s, cells)
print(scripts)
