//DEPS org.knowm.xchart:xchart:3.8.8
package lab.report;

import java.io.IOException;
import lab.Csv;
import lab.LabException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Charts of a data folder's tables (XChart), shared by the report (PNG files) and the notebooks (inline).
 * Charts are chosen by file name and columns, never by script, so a new script's tables are drawn
 * without changes here:
 *
 * <ul>
 *   <li>{@code spectra.csv}: percentile spectrum, one chart per test, one series per client/op;</li>
 *   <li>{@code timeline.csv}: fixed-rate P50/P99 latency per window over time, one chart per test;</li>
 *   <li>any other table: x = {@code t_s} when present (a time series), else its first numeric column;
 *       every other numeric column is a y, grouped into one chart per unit (the {@code _ms}, {@code _mb},
 *       {@code _pct}... part of its name; columns without a unit are counts); series are the
 *       combinations of the text columns (scenario excluded).</li>
 * </ul>
 */
public final class Charts {
    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** A chart and a file-name-safe id, unique within a data folder. */
    public record Named(String id, String title, XYChart chart) {}

    static final int WIDTH = 900, HEIGHT = 480;
    /** Name parts read as a unit, so columns with the same unit share an axis. */
    static final Set<String> UNITS = Set.of("ms", "s", "us", "ns", "mb", "kb", "bytes", "pct", "percent", "rps", "ratio");
    /**
     * The y columns of a table where drawing every numeric column would hide the point (e.g. the TTL
     * samples: the error, not the 1000 ms lifetime around it).
     */
    static final java.util.Map<String, List<String>> Y_COLUMNS = java.util.Map.of("ttl_samples.csv", List.of("error_ms"));
    /** Tables that are not charted (the metrics, the run metadata). */
    static final Set<String> SKIP = Set.of("metrics.csv", "run.csv");

    /** Every chart of one data folder, in a stable order (file name, then test/group). */
    public static List<Named> forFolder(Path folder) {
        List<Named> out = new ArrayList<>();
        List<Path> files;
        try (var s = Files.list(folder)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".csv") && !SKIP.contains(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new LabException("cannot list " + folder + ": " + e.getMessage());
        }
        for (Path f : files) out.addAll(forTable(Csv.read(f)));
        return out;
    }

    /** The charts of one table (empty when it has nothing numeric to draw). */
    public static List<Named> forTable(Csv.Table t) {
        String name = t.file().getFileName().toString();
        String stem = name.substring(0, name.length() - 4);
        if (t.rows().isEmpty()) return List.of();
        if (name.equals("spectra.csv") || (t.has("percentile") && t.has("value_ns"))) return spectra(t, stem);
        if (name.equals("timeline.csv") || (t.has("t_s") && t.has("p99_ms") && t.has("p50_ms"))) return timeline(t, stem);
        return generic(t, stem);
    }

    // ------------------------------------------------------------------ percentile spectrum

    static List<Named> spectra(Csv.Table t, String stem) {
        List<Named> out = new ArrayList<>();
        String scenario = t.str(t.rows().get(0), "scenario");
        for (Map.Entry<String, List<List<String>>> test : groupBy(t, List.of("test")).entrySet()) {
            XYChart c = chart(scenario + " " + test.getKey() + ": latency by percentile", "percentile as -log10(1 - p): 1 = P90, 2 = P99, 3 = P99.9", "latency (ms)");
            c.getStyler().setYAxisLogarithmic(true);
            // x = log10(1/(1-p)): 0 = P0, 1 = P90, 2 = P99, 3 = P99.9 (HdrHistogram's plot). Tick labels stay
            // numeric: XChart's custom label function can loop while fitting labels on this axis.
            c.getStyler().setXAxisDecimalPattern("0.#");
            c.getStyler().setMarkerSize(0);
            Map<String, List<double[]>> series = new TreeMap<>();
            Csv.Table sub = new Csv.Table(t.file(), t.columns(), test.getValue());
            for (List<String> r : test.getValue()) {
                double p = t.num(r, "percentile");
                if (p >= 100) continue;
                String key = sub.has("op") ? t.str(r, "client") + " " + t.str(r, "op") : t.str(r, "client");
                series.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {Math.log10(1 / (1 - p / 100)), t.num(r, "value_ns") / 1e6});
            }
            if (add(c, series)) out.add(new Named(id(stem, test.getKey()), c.getTitle(), c));
        }
        return out;
    }

    // ------------------------------------------------------------------ fixed-rate latency over time

    static List<Named> timeline(Csv.Table t, String stem) {
        List<Named> out = new ArrayList<>();
        String scenario = t.str(t.rows().get(0), "scenario");
        for (Map.Entry<String, List<List<String>>> test : groupBy(t, t.has("test") ? List.of("test") : List.of()).entrySet()) {
            XYChart c = chart(scenario + " " + test.getKey() + ": latency per window over time", "time (s)", "latency (ms)");
            Map<String, List<double[]>> series = new TreeMap<>();
            for (List<String> r : test.getValue()) {
                String client = t.has("client") ? t.str(r, "client") + " " : "";
                double x = t.num(r, "t_s");
                for (String col : List.of("p50_ms", "p99_ms", "max_ms")) {
                    if (t.has(col)) series.computeIfAbsent(client + col.replace("_ms", ""), k -> new ArrayList<>()).add(new double[] {x, t.num(r, col)});
                }
            }
            if (add(c, series)) out.add(new Named(id(stem, test.getKey()), c.getTitle(), c));
            if (t.has("errors")) {
                XYChart e = chart(scenario + " " + test.getKey() + ": ok and failed requests per window", "time (s)", "requests");
                Map<String, List<double[]>> es = new TreeMap<>();
                for (List<String> r : test.getValue()) {
                    String client = t.has("client") ? t.str(r, "client") + " " : "";
                    es.computeIfAbsent(client + "errors", k -> new ArrayList<>()).add(new double[] {t.num(r, "t_s"), t.num(r, "errors")});
                    if (t.has("ok")) es.computeIfAbsent(client + "ok", k -> new ArrayList<>()).add(new double[] {t.num(r, "t_s"), t.num(r, "ok")});
                }
                if (add(e, es)) out.add(new Named(id(stem, test.getKey(), "requests"), e.getTitle(), e));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ any other table

    static List<Named> generic(Csv.Table t, String stem) {
        List<String> numeric = new ArrayList<>(), text = new ArrayList<>();
        for (String col : t.columns()) {
            if (col.equals("scenario")) continue;
            boolean isNum = t.rows().stream().allMatch(r -> isNumber(r.get(t.col(col))));
            (isNum ? numeric : text).add(col);
        }
        if (numeric.size() < 2) return List.of();
        String x = numeric.contains("t_s") ? "t_s" : numeric.get(0);
        // a column that never changes (a parameter repeated on every row) is not a curve
        numeric.removeIf(col -> !col.equals(x) && t.rows().stream().map(r -> r.get(t.col(col))).distinct().count() <= 1);
        List<String> only = Y_COLUMNS.get(t.file().getFileName().toString());
        if (only != null) numeric.removeIf(col -> !col.equals(x) && !only.contains(col));
        String scenario = t.has("scenario") ? t.str(t.rows().get(0), "scenario") : stem;
        Map<String, List<String>> byUnit = new TreeMap<>();
        for (String col : numeric) if (!col.equals(x)) byUnit.computeIfAbsent(unit(col), u -> new ArrayList<>()).add(col);
        List<Named> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> u : byUnit.entrySet()) {
            Named one = genericChart(t, stem, scenario, x, text, u.getKey(), u.getValue(), u.getKey());
            if (one != null) {
                out.add(one);
                continue;
            }
            // too many series for one chart: one chart per column of that unit
            for (String y : u.getValue()) {
                Named single = genericChart(t, stem, scenario, x, text, u.getKey(), List.of(y), y);
                if (single != null) out.add(single);
            }
        }
        return out;
    }

    /** One chart of the y columns against x, a series per text-column combination; null when it would be unreadable. */
    static Named genericChart(Csv.Table t, String stem, String scenario, String x, List<String> text, String unit, List<String> ys, String idPart) {
        XYChart c = chart(scenario + " " + stem + ": " + String.join(", ", ys) + " by " + x, x.equals("t_s") ? "time (s)" : x,
                unit.equals("count") ? "count" : unit);
        Map<String, List<double[]>> series = new TreeMap<>();
        for (List<String> r : t.rows()) {
            List<String> labels = new ArrayList<>();
            for (String tc : text) labels.add(t.str(r, tc));
            String prefix = String.join(" ", labels);
            for (String y : ys) {
                String key = (prefix.isEmpty() ? "" : prefix + " ") + (ys.size() > 1 || prefix.isEmpty() ? y : "");
                series.computeIfAbsent(key.trim(), k -> new ArrayList<>()).add(new double[] {t.num(r, x), t.num(r, y)});
            }
        }
        if (series.size() > 24) return null;
        return add(c, series) ? new Named(id(stem, idPart), c.getTitle(), c) : null;
    }

    static String unit(String column) {
        String[] parts = column.toLowerCase(Locale.ROOT).split("_");
        if (parts.length == 1 && UNITS.contains(parts[0])) return parts[0];
        for (int i = parts.length - 1; i >= 1; i--) if (parts[i - 1].equals("per") && UNITS.contains(parts[i])) return "per " + parts[i];
        for (int i = parts.length - 1; i >= 1; i--) if (UNITS.contains(parts[i])) return parts[i];
        return "count";
    }

    static boolean isNumber(String s) {
        if (s.isEmpty() || s.equals("NaN")) return true;
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ common

    static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setMarkerSize(3);
        return c;
    }

    /** Adds the series (NaN points dropped); a series whose x goes back is drawn as points. False if nothing to draw. */
    static boolean add(XYChart c, Map<String, List<double[]>> series) {
        boolean any = false;
        for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
            List<double[]> pts = s.getValue().stream().filter(p -> !Double.isNaN(p[0]) && !Double.isNaN(p[1])).toList();
            if (c.getStyler().isYAxisLogarithmic()) pts = pts.stream().filter(p -> p[1] > 0).toList();
            if (pts.isEmpty()) continue;
            double[] xs = pts.stream().mapToDouble(p -> p[0]).toArray(), ys = pts.stream().mapToDouble(p -> p[1]).toArray();
            XYSeries xy = c.addSeries(s.getKey().isEmpty() ? "value" : s.getKey(), xs, ys);
            boolean monotonic = true;
            for (int i = 1; i < xs.length; i++) if (xs[i] < xs[i - 1]) monotonic = false;
            if (!monotonic || xs.length == 1) {
                xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                xy.setMarker(SeriesMarkers.CIRCLE);
            }
            any = true;
        }
        return any;
    }

    static Map<String, List<List<String>>> groupBy(Csv.Table t, List<String> cols) {
        Map<String, List<List<String>>> m = new LinkedHashMap<>();
        for (List<String> r : t.rows()) {
            List<String> key = new ArrayList<>();
            for (String c : cols) if (t.has(c)) key.add(t.str(r, c));
            m.computeIfAbsent(String.join(" ", key), k -> new ArrayList<>()).add(r);
        }
        return new TreeMap<>(m);
    }

    static String id(String... parts) {
        return String.join("_", Arrays.stream(parts).filter(p -> !p.isEmpty()).map(p -> p.replaceAll("[^A-Za-z0-9.-]+", "-")).toList());
    }

    /** The chart as PNG bytes (the same data gives the same bytes on the same machine). */
    public static byte[] png(XYChart c) {
        try {
            return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new LabException("cannot encode chart '" + c.getTitle() + "': " + e.getMessage());
        }
    }

    /** Writes the PNG only when its bytes differ from the file's, so an unchanged chart is never rewritten. */
    public static boolean writeIfChanged(Path file, byte[] png) {
        try {
            if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), png)) return false;
            Files.createDirectories(file.getParent());
            Files.write(file, png);
            return true;
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
