import nbformat, os, re, glob
V4 = nbformat.v4
# Writes notebooks/00_overview.ipynb and one notebook per scripts/[SEQX]N_*.java (outputs empty: run notebooks/run.sh after).
#   /usr/bin/python3 notebooks/make_notebooks.py && bash notebooks/run.sh
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KS = {"name": "java", "display_name": "Java (rapaio 3.0.1)", "language": "java"}
SETUP = "%jar .kernel/lib\n%classpath .kernel/classes"
LOAD = r'''import java.nio.file.*;
import java.util.*;
import tech.tablesaw.api.*;
import tech.tablesaw.io.csv.CsvReadOptions;
import org.knowm.xchart.BitmapEncoder;
import lab.*;
import lab.report.*;

// The data folder: ../data (the reference run) unless LAB_DATA points elsewhere (notebooks/run.sh --data DIR).
Path data = Path.of(System.getenv().getOrDefault("LAB_DATA", "../data"));

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
System.out.println("data: " + data);'''

def md(s): return V4.new_markdown_cell(s)
def code(s):
    c = V4.new_code_cell(s)
    if s == SETUP: c.metadata["tags"] = ["setup"]
    return c

def write(name, cells):
    nb = V4.new_notebook()
    nb.metadata.kernelspec = KS
    nb.metadata.language_info = {"name": "java"}
    nb.cells = cells
    nbformat.write(nb, os.path.join(root, 'notebooks', name))

# ---------------------------------------------------------------- overview
write('00_overview.ipynb', [
    md("# POC #1 — Redis as the L2 cache: overview\n\n"
       "Loads every `data/<script>/metrics.csv` with Tablesaw, shows the criteria and computes the seed's decision "
       "with the same code as `RESULTS.md` (`lab.Decision`).\n\n"
       "Re-run: `./jbang scripts/RunAll.java` (or one script), then `bash notebooks/run.sh` (executes every notebook headless "
       "and saves the outputs). `bash notebooks/install.sh` prepares the Java kernel once."),
    code(SETUP),
    code(LOAD),
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
    md("`RESULTS.md` is generated from the same files; its decision line must be the one above."),
    code('''Path results = Path.of(System.getenv().getOrDefault("LAB_RESULTS", "../RESULTS.md"));
if (Files.exists(results)) {
    boolean same = Files.readString(results).contains("**" + d.outcomeText() + "**");
    System.out.println("RESULTS.md (" + results + ") states the same decision: " + same);
} else {
    System.out.println("no " + results + " yet: ./jbang scripts/Report.java");
}'''),
])

# ---------------------------------------------------------------- per script
def header_comment(path):
    lines = open(path).read().splitlines()
    out = []
    for l in lines[1:40]:
        if l.startswith('//') and not l.startswith('//JAVA') and not l.startswith('//DEPS') and not l.startswith('//SOURCES'):
            out.append(l[2:].strip() if len(l) > 2 else '')
        elif l.startswith('import') or l.startswith('@') or l.startswith('public'):
            break
    return '\n'.join(out).strip()

scripts = sorted([os.path.basename(p)[:-5] for p in glob.glob(root + '/scripts/*.java') if re.match(r'[SEQX][0-9]+_', os.path.basename(p))],
                 key=lambda n: ("SEQX".index(n[0]), n))
for i, s in enumerate(scripts, start=1):
    about = header_comment(root + '/scripts/' + s + '.java')
    write('%s.ipynb' % s, [
        md("# " + s + "\n\nFrom the header of `scripts/" + s + ".java`:\n\n```\n" + about + "\n```\n\n"
           "## Change the experiment, re-run\n\n"
           "- `./jbang scripts/" + s + ".java --help` lists its options (sizes, rates, clients...); `--quick` runs it in seconds.\n"
           "- A changed question (another rate, payload, TTL, client) is an option or a constant at the top of the script: "
           "edit it, run `./jbang scripts/" + s + ".java` (writes `data/" + s + "/`), then `./jbang scripts/Report.java` "
           "and `bash notebooks/run.sh` to refresh `RESULTS.md` and these charts.\n"
           "- To keep the reference data untouched, write elsewhere: `--out /tmp/" + s + "`, then "
           "`bash notebooks/run.sh --data /tmp` (the folder holding `" + s + "/`)."),
        code(SETUP),
        code(LOAD),
        code('''Path dir = data.resolve("%s");
Table metrics = null;
if (!Files.exists(dir.resolve("metrics.csv"))) {
    System.out.println("no data yet in " + dir + ": run ./jbang scripts/%s.java");
} else {
    metrics = readMetrics(dir.resolve("metrics.csv"));
    Table checks = metrics.where(metrics.stringColumn("status").isNotEqualTo("INFO"));
    System.out.println(checks.selectColumns("test", "client", "metric", "value", "unit", "comparator", "target", "status").printAll());
}''' % (s, s)),
        md("## Other measurements"),
        code('''if (metrics != null) {
    System.out.println(metrics.where(metrics.stringColumn("status").isEqualTo("INFO")).selectColumns("test", "client", "metric", "value", "unit").printAll());
}'''),
        md("## Charts\n\nEvery CSV table of the folder, drawn by `lab.Charts` (the same charts as in `RESULTS.md`)."),
        code('''if (Files.isDirectory(dir)) {
    for (Charts.Named c : Charts.forFolder(dir)) {
        System.out.println(c.title());
        org.rapaio.jupyter.kernel.global.Global.display(BitmapEncoder.getBufferedImage(c.chart()));
    }
}'''),
    ])
print(scripts)
