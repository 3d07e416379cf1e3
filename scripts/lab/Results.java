package lab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Everything a script writes, in the tidy formats documented in data/README.md:
 *
 * <ul>
 *   <li>{@code metrics.csv}: one row per measured metric
 *       (scenario,test,client,metric,unit,value,target,comparator,status,criterion);</li>
 *   <li>{@code run.csv}: run metadata as key,value rows (time, git commit, backend, server
 *       version and config, client versions, JVM, OS, cores);</li>
 *   <li>any chart table the script adds with {@link #table} (e.g. {@code spectra.csv}).</li>
 * </ul>
 * Also prints the console summary and computes the exit code.
 */
public final class Results {

    public static final List<String> METRICS_COLUMNS = List.of(
            "scenario", "test", "client", "metric", "unit", "value", "target", "comparator", "status", "criterion");

    /** One row of metrics.csv. */
    public record Row(String scenario, String test, String client, String metric, String unit, double value,
                      Criterion criterion, Criterion.Status status) {}

    private final String scenario;
    private final Path dir;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> meta = new LinkedHashMap<>();
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Instant started = Instant.now();

    public Results(String scenario, Path dir) {
        this.scenario = scenario;
        this.dir = dir;
        meta.put("scenario", scenario);
        meta.put("started_utc", started.toString());
        RunInfo.environment(meta);
    }

    public Path dir() {
        return dir;
    }

    public String scenario() {
        return scenario;
    }

    /** A metric judged against a seed criterion; returns its status. */
    public Criterion.Status check(String test, String client, String metric, double value, Criterion c) {
        Criterion.Status st = c.evaluate(value);
        rows.add(new Row(scenario, test, client, metric, c.unit, value, c, st));
        return st;
    }

    /** A metric with no target (context, reference, ratio...). */
    public void info(String test, String client, String metric, String unit, double value) {
        rows.add(new Row(scenario, test, client, metric, unit, value, null, Criterion.Status.INFO));
    }

    /** The usual latency rows of a histogram: count, mean, p50, p90, p99, p99.9, max (ms). */
    public Latency.Summary latency(String test, String client, String op, Histogram h) {
        Latency.Summary s = Latency.summarize(h);
        info(test, client, op + "_count", "count", s.count());
        info(test, client, op + "_mean", "ms", s.meanMillis());
        info(test, client, op + "_p50", "ms", s.p50Millis());
        info(test, client, op + "_p90", "ms", s.p90Millis());
        info(test, client, op + "_p99", "ms", s.p99Millis());
        info(test, client, op + "_p999", "ms", s.p999Millis());
        info(test, client, op + "_max", "ms", s.maxMillis());
        return s;
    }

    /** Adds the percentile spectrum of a histogram to spectra.csv (test,client,op,percentile,value_ns,count). */
    public void spectrum(String test, String client, String op, Histogram h) {
        Table t = table("spectra.csv", "scenario", "test", "client", "op", "percentile", "value_ns", "count_at_or_below");
        for (Latency.Point p : Latency.spectrum(h)) {
            t.row(scenario, test, client, op, p.percentile(), p.valueNanos(), p.countAtOrBelow());
        }
    }

    public void meta(String key, Object value) {
        meta.put(key, String.valueOf(value));
    }

    /** Records where the server came from and how it is configured. */
    public void server(RedisServer s) {
        meta("redis_backend", s.backend());
        meta("redis_server", s.describe());
        meta("redis_version", s.version()); // what the server reports for Redis compatibility (Valkey 8.0: 7.2.4)
        RedisServer.Identity id = s.identity();
        meta("server_name", id.name());
        meta("server_version", id.version());
        for (String k : List.of("maxmemory", "maxmemory-policy", "save", "appendonly", "io-threads")) {
            String v = s.configGet(k);
            if (v != null) meta("redis_config_" + k, v);
        }
    }

    /** A named chart table; rows are added with {@link Table#row}. */
    public Table table(String fileName, String... columns) {
        return tables.computeIfAbsent(fileName, f -> new Table(List.of(columns)));
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** PASS when every criterion row passed and there is at least one. */
    public boolean passed() {
        boolean any = false;
        for (Row r : rows) {
            if (r.criterion() == null) continue;
            any = true;
            if (r.status() != Criterion.Status.PASS) return false;
        }
        return any;
    }

    /** Writes every file, prints the summary table, returns the exit code. */
    public int finish() {
        meta("finished_utc", Instant.now().toString());
        meta("duration_s", String.format(Locale.ROOT, "%.1f", (System.currentTimeMillis() - started.toEpochMilli()) / 1000.0));
        meta("passed", passed());
        try {
            Files.createDirectories(dir);
            Table m = new Table(METRICS_COLUMNS);
            for (Row r : rows) {
                m.row(r.scenario(), r.test(), r.client(), r.metric(), r.unit(), r.value(),
                        r.criterion() == null ? "" : r.criterion().target, r.criterion() == null ? "" : r.criterion().cmp.symbol,
                        r.status(), r.criterion() == null ? "" : r.criterion().name());
            }
            m.write(dir.resolve("metrics.csv"));
            Table run = new Table(List.of("key", "value"));
            meta.forEach(run::row);
            run.write(dir.resolve("run.csv"));
            for (Map.Entry<String, Table> e : tables.entrySet()) e.getValue().write(dir.resolve(e.getKey()));
        } catch (IOException e) {
            throw new LabException("cannot write results to " + dir + ": " + e.getMessage());
        }
        printSummary();
        return passed() ? Lab.EXIT_PASS : Lab.EXIT_FAIL;
    }

    private void printSummary() {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"test", "client", "criterion", "measured", "target", "status"});
        for (Row r : rows) {
            if (r.criterion() == null) continue;
            lines.add(new String[] {r.test(), r.client(), r.criterion().description, num(r.value()) + " " + r.unit(),
                    r.criterion().targetText(), r.status().name()});
        }
        int[] w = new int[6];
        for (String[] l : lines) for (int i = 0; i < 6; i++) w[i] = Math.max(w[i], l[i].length());
        StringBuilder b = new StringBuilder("\n== " + scenario + " — criteria ==\n");
        for (int li = 0; li < lines.size(); li++) {
            String[] l = lines.get(li);
            for (int i = 0; i < 6; i++) b.append(String.format("%-" + w[i] + "s", l[i])).append(i < 5 ? "  " : "\n");
            if (li == 0) b.append("-".repeat(w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + 10)).append('\n');
        }
        b.append(passed() ? "ALL CRITERIA PASSED" : "SOME CRITERIA FAILED (or none measured)");
        b.append("  ->  ").append(dir.resolve("metrics.csv")).append('\n');
        System.out.print(b);
    }

    /** Plain decimal for CSV and console: no exponent, no trailing zeros. */
    public static String num(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String s = String.format(Locale.ROOT, "%.6f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** A CSV table in memory (RFC 4180 quoting), written at finish. */
    public static final class Table {
        private final List<String> columns;
        private final List<List<String>> data = new ArrayList<>();

        Table(List<String> columns) {
            this.columns = columns;
        }

        public synchronized Table row(Object... values) {
            if (values.length != columns.size()) {
                throw new IllegalArgumentException("row has " + values.length + " values, table has " + columns.size() + " columns " + columns);
            }
            List<String> r = new ArrayList<>();
            for (Object v : values) r.add(v instanceof Double d ? num(d) : v instanceof Float f ? num(f) : String.valueOf(v));
            data.add(r);
            return this;
        }

        public int size() {
            return data.size();
        }

        synchronized void write(Path file) throws IOException {
            try (BufferedWriter w = Files.newBufferedWriter(file)) {
                w.write(line(columns));
                for (List<String> r : data) w.write(line(r));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }

        private static String line(List<String> cells) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cells.size(); i++) {
                String c = cells.get(i);
                if (i > 0) b.append(',');
                if (c.contains(",") || c.contains("\"") || c.contains("\n")) b.append('"').append(c.replace("\"", "\"\"")).append('"');
                else b.append(c);
            }
            return b.append('\n').toString();
        }
    }
}
