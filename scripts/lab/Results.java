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
 *       (scenario,test,client,metric,unit,value,target,comparator,status,criterion,trials,ci_low,ci_high,interval);
 *       a quantity measured over trials has the median across trials as its value and its 95 % interval
 *       ({@link Trials}), and is judged on the interval ({@link Verdict});</li>
 *   <li>{@code trials.csv}: every trial's value of those quantities (scenario,test,client,metric,trial,value);</li>
 *   <li>{@code run.csv}: run metadata as key,value rows (time, git commit, backend, server
 *       version and config, client versions, JVM, OS, cores);</li>
 *   <li>any chart table the script adds with {@link #table} (e.g. {@code spectra.csv}).</li>
 * </ul>
 * Also prints the console summary and computes the exit code.
 */
public final class Results {

    public static final List<String> METRICS_COLUMNS = List.of(
            "scenario", "test", "client", "metric", "unit", "value", "target", "comparator", "status", "criterion",
            "trials", "ci_low", "ci_high", "interval");

    /** The columns of metrics.csv files written before trials and intervals existed (still readable). */
    public static final List<String> METRICS_COLUMNS_V1 = METRICS_COLUMNS.subList(0, 10);

    /**
     * One row of metrics.csv. {@code trials} is 1 and the interval NaN for a single value; {@code interval}
     * names the interval's method ({@link Trials}) or how a count was bounded ({@link Verdict#zeroCount}).
     */
    public record Row(String scenario, String test, String client, String metric, String unit, double value,
                      Criterion criterion, Criterion.Status status, int trials, double ciLow, double ciHigh, String interval) {

        /** A single value without an interval. */
        public Row(String scenario, String test, String client, String metric, String unit, double value,
                   Criterion criterion, Criterion.Status status) {
            this(scenario, test, client, metric, unit, value, criterion, status, 1, Double.NaN, Double.NaN, "");
        }

        public boolean hasInterval() {
            return trials > 1 && !Double.isNaN(ciLow);
        }
    }

    private final String scenario;
    private final Path dir;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> meta = new LinkedHashMap<>();
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Instant started = Instant.now();
    private final List<String> notes = new ArrayList<>();

    private static volatile Results current;

    /**
     * The results of a script, named by its {@code @Command} (see {@link Script}), in the output folder the
     * common options choose ({@link CommonOptions#outDir}), with the mode (quick or full) recorded in run.csv.
     */
    public Results(Object command, CommonOptions common) {
        this(Script.of(command), common);
    }

    private Results(Script script, CommonOptions common) {
        this(script.name(), script.title(), common.outDir(script.name()));
        meta.put("mode", common.quick ? "quick" : "full");
        if (common.quick && common.out == null && System.getenv("LAB_OUT_ROOT") == null) {
            Progress.line("quick run: results go to " + dir + " (kept out of data/; --out DIR to choose)");
        }
    }

    public Results(String scenario, Path dir) {
        this(scenario, null, dir);
    }

    /** Checks at once that {@code dir} can be written, so a bad folder costs no measurement. */
    private Results(String scenario, String title, Path dir) {
        requireWritable(dir);
        this.scenario = scenario;
        this.dir = dir;
        meta.put("scenario", scenario);
        if (title != null) meta.put("title", title);
        meta.put("started_utc", started.toString());
        RunInfo.environment(meta);
        current = this;
    }

    /** The results of the script running in this JVM (for the error handler that saves a partial run). */
    public static Results current() {
        return current;
    }

    static void clearCurrent() {
        current = null;
    }

    /** Creates {@code dir} and writes and deletes a probe file in it; a one-line error with the OS's reason otherwise. */
    public static void requireWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new LabException("cannot write results to " + dir + ": " + reason(e).replace(" (" + dir + ")", "") + " (choose another folder with --out)");
        }
    }

    /** The OS's reason for a failed file operation ("Permission denied", "Read-only file system", "Not a directory"...). */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String where = f.getFile() == null ? "" : " (" + f.getFile() + ")";
            if (f.getReason() != null) return f.getReason() + where;
            if (f instanceof java.nio.file.AccessDeniedException) return "Permission denied" + where;
            if (f instanceof java.nio.file.NoSuchFileException) return "No such file or directory" + where;
            if (f instanceof java.nio.file.FileAlreadyExistsException) return "Not a directory: a file has that name" + where;
        }
        return String.valueOf(e.getMessage());
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

    /**
     * A quantity measured over trials, judged on its interval (PASS / FAIL / INCONCLUSIVE / MISSING); the
     * row's value is the median across trials and every trial's value goes to trials.csv.
     */
    public Verdict check(String test, String client, String metric, Trials.Estimate e, Criterion c) {
        Verdict v = Verdict.judge(c, e);
        rows.add(new Row(scenario, test, client, metric, c.unit, e.median(), c, v.status(), e.trials(), e.low(), e.high(), e.method()));
        trialValues(test, client, metric, e);
        if (v.status() == Criterion.Status.INCONCLUSIVE) notes.add(test + " " + client + " " + metric + ": " + v.text());
        return v;
    }

    /**
     * A count that must be zero (lost messages, errors, 5xx) out of {@code outOf} attempts: any nonzero
     * count FAILs; the row's value is the count in the criterion's unit ("%" criteria: 100 * count / outOf),
     * the interval is the 95 % Clopper-Pearson bound on the rate in that same unit (for "count" criteria,
     * in events per {@code outOf}), and the bound is printed as text.
     */
    public Verdict checkZero(String test, String client, String metric, long count, long outOf, Criterion c) {
        Verdict v = Verdict.zeroCount(c, count, outOf);
        double scale = c.unit.equals("%") ? 100.0 / Math.max(1, outOf) : 1.0;
        double lo = outOf > 0 ? Verdict.lowerBound(count, outOf) * outOf * scale : Double.NaN;
        double hi = outOf > 0 ? Verdict.upperBound(count, outOf) * outOf * scale : Double.NaN;
        double value = outOf > 0 ? count * scale : Double.NaN;
        rows.add(new Row(scenario, test, client, metric, c.unit, value, c, v.status(), 1, lo, hi,
                "clopper-pearson-95 of " + outOf));
        info(test, client, metric + "_rate_upper95", "%", outOf > 0 ? 100 * Verdict.upperBound(count, outOf) : Double.NaN);
        notes.add(test + " " + client + " " + metric + ": " + v.text());
        return v;
    }

    /** Every trial's value of a quantity, to trials.csv. */
    public void trialValues(String test, String client, String metric, Trials.Estimate e) {
        Table t = table("trials.csv", "scenario", "test", "client", "metric", "trial", "value");
        double[] v = e.values();
        for (int i = 0; i < v.length; i++) t.row(scenario, test, client, metric, i + 1, v[i]);
    }

    /** A line printed under the summary table beside the criteria (what a row alone cannot say: failed attempts, a bound). */
    public void note(String test, String client, String metric, String text) {
        notes.add(test + " " + client + " " + metric + ": " + text);
    }

    /**
     * A latency that equals a timeout the lab set (a pool's borrow limit, a command or socket timeout, a
     * breaker's open window) measures that parameter, not the server. When {@code valueMillis} is from 90 %
     * to 120 % (+ 2 ms: a timeout fires a little late) of {@code timeoutMillis}: an INFO row {@code <metric>_set_by_timeout}
     * with the timeout (ms), run.csv {@code timeout_<timeoutName>_ms}, and a note under the summary. Returns whether it applied.
     */
    public boolean timeoutBound(String test, String client, String metric, double valueMillis, String timeoutName, double timeoutMillis) {
        if (Double.isNaN(valueMillis) || !(timeoutMillis > 0) || valueMillis < 0.9 * timeoutMillis || valueMillis > 1.2 * timeoutMillis + 2) return false;
        info(test, client, metric + "_set_by_timeout", "ms", timeoutMillis);
        meta("timeout_" + timeoutName + "_ms", num(timeoutMillis));
        note(test, client, metric, num(valueMillis) + " ms is set by the lab's " + timeoutName + " (" + num(timeoutMillis) + " ms), not by the server");
        return true;
    }

    /** An INFO quantity over trials (no target): median, interval and trials, like a judged one. */
    public void info(String test, String client, String metric, String unit, Trials.Estimate e) {
        rows.add(new Row(scenario, test, client, metric, unit, e.median(), null, Criterion.Status.INFO, e.trials(), e.low(), e.high(), e.method()));
        trialValues(test, client, metric, e);
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

    /** A server that can say where it came from and how it is configured (kept abstract so the core loads no client). */
    public interface Server {
        void describeInto(Results out);
    }

    /** Records where the server came from and how it is configured. */
    public void server(Server s) {
        s.describeInto(this);
    }

    private final List<lab.net.NetworkPath> paths = new ArrayList<>();

    /**
     * Records a network path: its round trip, measured now (once per path) and printed, loudly when
     * it misses its profile's target; and, at {@link #finish}, every fault done on it (faults.csv).
     */
    public void network(lab.net.NetworkPath path) {
        if (paths.contains(path)) return;
        paths.add(path);
        lab.net.NetworkPath.Rtt r = path.rtt();
        r.meta().forEach(this::meta);
        if (r.withinTolerance()) {
            Progress.step(r.toString());
        } else if (r.targetMillis() <= 0) {
            // a loopback path exists only to do faults on it: what it costs is part of what this run measured
            Progress.step(r + " -- the fault path's own cost, in every latency measured through it");
        } else {
            System.out.println("WARNING: " + r + " -- this run does not have the '" + r.profile() + "' network it asked for; its latencies are not that profile's");
        }
    }

    /** A named chart table; rows are added with {@link Table#row}. */
    public Table table(String fileName, String... columns) {
        return tables.computeIfAbsent(fileName, f -> new Table(List.of(columns)));
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /**
     * PASS when every criterion row passed and there is at least one. INCONCLUSIVE and MISSING are not a
     * pass: the exit code is 0 only when everything passed, 1 otherwise (the summary says which rows were
     * FAIL and which INCONCLUSIVE).
     */
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
        meta("partial", false);
        write();
        printSummary();
        return passed() ? Lab.EXIT_PASS : Lab.EXIT_FAIL;
    }

    /**
     * Writes the rows measured so far when the run cannot go on (the server was lost): run.csv says
     * {@code partial,true} and the phase it stopped in, so the report never takes it for a whole run.
     */
    public void finishPartial(String phase, String error) {
        meta("partial", true);
        meta("partial_phase", phase);
        meta("partial_error", error);
        write();
    }

    private void write() {
        meta("finished_utc", Instant.now().toString());
        meta("duration_s", String.format(Locale.ROOT, "%.1f", (System.currentTimeMillis() - started.toEpochMilli()) / 1000.0));
        meta("passed", passed());
        recordFaults();
        try {
            Files.createDirectories(dir);
            Table m = new Table(METRICS_COLUMNS);
            for (Row r : rows) {
                m.row(r.scenario(), r.test(), r.client(), r.metric(), r.unit(), r.value(),
                        r.criterion() == null ? "" : r.criterion().target, r.criterion() == null ? "" : r.criterion().cmp.symbol,
                        r.status(), r.criterion() == null ? "" : r.criterion().name(),
                        r.trials(), r.ciLow(), r.ciHigh(), r.interval());
            }
            m.write(dir.resolve("metrics.csv"));
            Table run = new Table(List.of("key", "value"));
            meta.forEach(run::row);
            run.write(dir.resolve("run.csv"));
            for (Map.Entry<String, Table> e : tables.entrySet()) e.getValue().write(dir.resolve(e.getKey()));
        } catch (IOException e) {
            throw new LabException("cannot write results to " + dir + ": " + reason(e));
        }
    }

    private void printSummary() {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"test", "client", "criterion", "measured", "target", "status"});
        for (Row r : rows) {
            if (r.criterion() == null) continue;
            lines.add(new String[] {r.test(), r.client(), r.criterion().description, measured(r),
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
        for (String n : notes) b.append("  ").append(n).append('\n');
        long failed = rows.stream().filter(r -> r.status() == Criterion.Status.FAIL).count();
        long undecided = rows.stream().filter(r -> r.criterion() != null && r.status() == Criterion.Status.INCONCLUSIVE).count();
        long missing = rows.stream().filter(r -> r.criterion() != null && r.status() == Criterion.Status.MISSING).count();
        if (passed()) b.append("ALL CRITERIA PASSED");
        else if (failed > 0) b.append("SOME CRITERIA FAILED (" + failed + " FAIL, " + undecided + " INCONCLUSIVE, " + missing + " MISSING)");
        else if (undecided > 0 || missing > 0) b.append("NOT ALL CRITERIA DECIDED (" + undecided + " INCONCLUSIVE, " + missing + " MISSING; exit 1)");
        else b.append("NO CRITERION MEASURED");
        b.append("  ->  ").append(dir.resolve("metrics.csv")).append('\n');
        System.out.print(b);
    }

    private void recordFaults() {
        int n = 0;
        Table t = null;
        for (lab.net.NetworkPath p : paths) {
            for (lab.net.NetworkPath.Fault f : p.faults()) {
                if (t == null) t = table("faults.csv", "fault", "target", "direction", "extra_delay_us", "started_utc", "ended_utc", "duration_ms");
                t.row(f.kind, f.target, f.direction, f.extraMicros, f.startedAt, f.endedAt() == null ? "" : f.endedAt(), f.durationMillis());
                meta("fault_" + (++n), f.toString());
            }
        }
        if (n > 0) meta("faults", n);
    }

    /**
     * "0.045 ms" or, over trials, "0.045123 [0.0411, 0.0521] ms (6 trials)": the value exactly as in the
     * CSV, the interval's bounds to 3 significant digits.
     */
    public static String measured(Row r) {
        if (Double.isNaN(r.value())) return "MISSING";
        if (!r.hasInterval()) return num(r.value()) + " " + r.unit();
        String bounds = new Trials.Estimate(r.value(), r.ciLow(), r.ciHigh(), r.interval(), new double[r.trials()]).text(r.unit());
        return num(r.value()) + bounds.substring(bounds.indexOf(' '));
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
