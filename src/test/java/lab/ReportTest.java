package lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RESULTS.md: generated only from data/, numbers traceable to CSV rows, deterministic, clear errors on bad CSV. */
class ReportTest {

    @TempDir static Path shared;
    static Path data;

    /** A data folder as the scripts write it: a real S1 quick run plus synthetic S2/S3/S4 runs through {@link Results}. */
    @BeforeAll
    static void data() {
        data = shared.resolve("data");
        ScriptRun.Outcome s1 = ScriptRun.inProcess("S1_basic", "--quick", "--out", data.resolve("S1_basic").toString());
        assertTrue(s1.exitCode() == 0 || s1.exitCode() == 1, s1.all());

        Results s2 = new Results("S2_pubsub", data.resolve("S2_pubsub"));
        s2.meta("mode", "quick"); // like the real S1 run beside it: the report refuses a quick/full mix
        s2.check("propagation", "lettuce", "propagation_p99", 1.234567, Criterion.PUBSUB_P99_MS);
        s2.check("propagation", "lettuce", "lost_pct", 0, Criterion.PUBSUB_LOSS_PCT);
        s2.info("propagation", "lettuce", "messages", "count", 5000);
        Results.Table timeline = s2.table("timeline.csv", "scenario", "test", "client", "t_s", "ok", "errors", "p50_ms", "p99_ms", "max_ms");
        for (int t = 0; t < 10; t++) timeline.row("S2_pubsub", "restart", "jedis", t, 100, t == 4 ? 7 : 0, 0.2 + t / 100.0, 1.5, 3.0);
        Results.Table spectra = s2.table("spectra.csv", "scenario", "test", "client", "op", "percentile", "value_ns", "count_at_or_below");
        for (double p : new double[] {0, 50, 90, 99, 99.9, 100}) spectra.row("S2_pubsub", "basic", "lettuce", "propagation", p, (long) (100_000 * (1 + p)), (long) (p * 50));
        s2.finish();

        Results s3 = new Results("S3_pool", data.resolve("S3_pool"));
        s3.meta("mode", "quick"); // like the real S1 run beside it: the report refuses a quick/full mix
        s3.check("sustained", "lettuce", "errors", 0, Criterion.POOL_ERRORS);
        s3.check("sustained", "lettuce", "achieved_rate", 99.97, Criterion.THROUGHPUT_RPS);
        s3.check("sustained", "lettuce", "get_p99", 2.75, Criterion.GET_P99_MS);
        s3.check("restart", "lettuce", "reconnect", 512.5, Criterion.RECONNECT_MS);
        s3.check("restart", "lettuce", "failed_requests_pct", 0.4, Criterion.FAILED_REQUESTS_PCT);
        Results.Table curve = s3.table("knee.csv", "scenario", "client", "rate_rps", "p99_ms", "errors");
        for (int r = 100; r <= 500; r += 100) curve.row("S3_pool", "lettuce", r, r / 50.0, 0);
        s3.finish();

        Results s4 = new Results("S4_degradation", data.resolve("S4_degradation"));
        s4.meta("mode", "quick"); // like the real S1 run beside it: the report refuses a quick/full mix
        s4.check("runtime", "api", "http_5xx", 0, Criterion.DEGRADED_5XX);
        s4.check("runtime", "api", "uncaught", 0, Criterion.UNCAUGHT_EXCEPTIONS);
        s4.finish();
    }

    static ScriptRun.Outcome report(Path dataDir, Path out) {
        return ScriptRun.inProcess("Report", "--data", dataDir.toString(), "--out", out.toString());
    }

    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (var s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
        return m;
    }

    @Test
    void everyMetricValueAndTheDecisionTraceToTheCsv(@TempDir Path outDir) throws IOException {
        Path out = outDir.resolve("RESULTS.md");
        ScriptRun.Outcome o = report(data, out);
        assertEquals(0, o.exitCode(), o.all());
        String md = Files.readString(out);

        List<Results.Row> rows = new ArrayList<>();
        for (String s : List.of("S1_basic", "S2_pubsub", "S3_pool", "S4_degradation")) {
            assertTrue(md.contains("### " + s), "section " + s);
            assertTrue(md.contains("(docs/results/" + s + ".md)"), "RESULTS.md links the page of " + s);
            List<Results.Row> r = Csv.metrics(data.resolve(s).resolve("metrics.csv"));
            rows.addAll(r);
            // every value of every metrics row is printed, as written in the CSV, on the script's page
            String page = Files.readString(outDir.resolve("docs/results/" + s + ".md"));
            assertTrue(page.startsWith("# " + s), page.lines().findFirst().orElse(""));
            for (Map<String, String> raw : ScriptRun.csv(data.resolve(s).resolve("metrics.csv"))) {
                assertTrue(page.contains(raw.get("value")), s + " " + raw.get("metric") + " = " + raw.get("value") + " not on its page");
            }
        }
        String s1 = Files.readString(outDir.resolve("docs/results/S1_basic.md"));
        assertTrue(s1.contains("| ops | jedis | get | "), "S1 latency table");
        assertTrue(Files.readString(outDir.resolve("docs/results/S2_pubsub.md")).contains("1.234567 ms"), "S2 propagation value");

        Decision.Result d = Decision.evaluate(rows);
        assertTrue(md.contains("**" + d.outcomeText() + "**"), "decision line: " + d.outcomeText());
        assertTrue(o.stdout().contains("Decision: " + d.outcomeText()));
        // the S2/S3/S4 runs answer decision points 2-4 from the CSV
        for (Decision.Point p : d.points()) assertTrue(md.contains("| " + p.number() + " | " + p.title() + " |"), "point " + p.number());
        assertEquals(Decision.Answer.YES, d.points().get(1).answer());
        assertEquals(Decision.Answer.YES, d.points().get(2).answer());
        assertEquals(Decision.Answer.YES, d.points().get(3).answer());

        // the overview chart of the decision, and the charts that answer each script's question
        Path charts = outDir.resolve("docs/charts");
        assertTrue(md.contains("(docs/charts/overview.png)"), "overview chart in RESULTS.md");
        assertTrue(Files.size(charts.resolve("overview.png")) > 1000);
        for (String png : List.of("S1_basic/get_spectrum.png", "S1_basic/set_spectrum.png", "S1_basic/del_spectrum.png",
                "S2_pubsub/propagation_spectrum.png", "S3_pool/restart_failed_pct.png")) {
            assertTrue(Files.size(charts.resolve(png)) > 1000, png);
            String page = Files.readString(outDir.resolve("docs/results/" + png.substring(0, png.indexOf('/')) + ".md"));
            assertTrue(page.contains("(../charts/" + png + ")"), "page links " + png);
        }
        // the key charts are in RESULTS.md itself
        assertTrue(md.contains("(docs/charts/S1_basic/get_spectrum.png)"), "S1 key chart");
        assertTrue(md.contains("Jedis 8.0.2"), "client versions from run.csv");
    }

    /** The reference data (data/ of the repository): a short RESULTS.md linking every page, every script with its charts. */
    @Test
    void referenceRunGivesAShortResultsPageAndChartsForEveryScript(@TempDir Path outDir) throws IOException {
        Path reference = Path.of("data");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(reference), "no data/ in the working directory");
        Path out = outDir.resolve("RESULTS.md");
        ScriptRun.Outcome o = report(reference, out);
        assertEquals(0, o.exitCode(), o.all());
        String md = Files.readString(out);
        assertTrue(Files.size(out) < 40 * 1024, "RESULTS.md is " + Files.size(out) + " bytes, over 40 KB");
        assertTrue(md.contains("(docs/charts/overview.png)"), "overview chart");
        List<String> scripts;
        try (var s = Files.list(reference)) {
            scripts = s.filter(p -> Files.isRegularFile(p.resolve("metrics.csv"))).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertFalse(scripts.isEmpty());
        for (String s : scripts) {
            assertTrue(md.contains("(docs/results/" + s + ".md)"), "RESULTS.md links " + s);
            Path dir = outDir.resolve("docs/charts").resolve(s);
            long pngs;
            try (var f = Files.list(dir)) {
                pngs = f.filter(p -> p.toString().endsWith(".png")).count();
            }
            assertTrue(pngs >= 1 && pngs <= 3, s + " has " + pngs + " charts (one to three answer its question)");
            assertTrue(md.contains("(docs/charts/" + s + "/"), s + " shows a key chart in RESULTS.md");
        }
    }

    @Test
    void regeneratingWithoutNewDataChangesNothing(@TempDir Path outDir) throws IOException {
        Path out = outDir.resolve("RESULTS.md");
        assertEquals(0, report(data, out).exitCode());
        Map<String, byte[]> first = files(outDir);
        Map<Path, FileTime> mtimes = new TreeMap<>();
        try (var s = Files.walk(outDir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000_000_000L));
                mtimes.put(p, Files.getLastModifiedTime(p));
            }
        }
        ScriptRun.Outcome again = report(data, out);
        assertEquals(0, again.exitCode());
        assertTrue(again.stdout().contains("unchanged"), again.stdout());
        Map<String, byte[]> second = files(outDir);
        assertEquals(first.keySet(), second.keySet());
        for (String k : first.keySet()) assertArrayEquals(first.get(k), second.get(k), k);
        for (Map.Entry<Path, FileTime> e : mtimes.entrySet()) assertEquals(e.getValue(), Files.getLastModifiedTime(e.getKey()), "rewritten: " + e.getKey());
    }

    @Test
    void malformedCsvIsAOneLineError(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("data/S9_bad");
        Files.createDirectories(bad);
        Files.copy(data.resolve("S2_pubsub/run.csv"), bad.resolve("run.csv"));
        Files.writeString(bad.resolve("metrics.csv"), String.join(",", Results.METRICS_COLUMNS_V1) + "\nS9_bad,t,jedis,get_p50,ms,0.5,5,<\n");
        assertOneLineError(report(dir.resolve("data"), dir.resolve("RESULTS.md")), "malformed CSV", "line 2");

        Files.writeString(bad.resolve("metrics.csv"), String.join(",", Results.METRICS_COLUMNS_V1) + "\nS9_bad,t,jedis,get_p50,ms,fast,5,<,PASS,GET_P50_MS\n");
        assertOneLineError(report(dir.resolve("data"), dir.resolve("RESULTS.md")), "malformed CSV", "not a number");

        Files.writeString(bad.resolve("metrics.csv"), "scenario,value\nS9_bad,1\n");
        assertOneLineError(report(dir.resolve("data"), dir.resolve("RESULTS.md")), "malformed CSV", "columns");

        Files.writeString(bad.resolve("metrics.csv"), String.join(",", Results.METRICS_COLUMNS_V1) + "\nS9_bad,t,jedis,get_p50,ms,0.5,5,<,PASS,NO_SUCH_CRITERION\n");
        assertOneLineError(report(dir.resolve("data"), dir.resolve("RESULTS.md")), "malformed CSV", "unknown criterion");
        assertFalse(Files.exists(dir.resolve("RESULTS.md")), "no report from bad data");
    }

    @Test
    void missingCsvIsAOneLineError(@TempDir Path dir) throws IOException {
        Path half = dir.resolve("data/S9_half");
        Files.createDirectories(half);
        Files.copy(data.resolve("S2_pubsub/metrics.csv"), half.resolve("metrics.csv"));
        assertOneLineError(report(dir.resolve("data"), dir.resolve("RESULTS.md")), "missing CSV", "run.csv");

        Path noMetrics = dir.resolve("data2/S9_nometrics");
        Files.createDirectories(noMetrics);
        Files.copy(data.resolve("S2_pubsub/timeline.csv"), noMetrics.resolve("timeline.csv"));
        assertOneLineError(report(dir.resolve("data2"), dir.resolve("RESULTS.md")), "missing CSV", "metrics.csv");

        Files.createDirectories(dir.resolve("empty"));
        assertOneLineError(report(dir.resolve("empty"), dir.resolve("RESULTS.md")), "missing CSV", "metrics.csv");
        assertOneLineError(report(dir.resolve("nowhere"), dir.resolve("RESULTS.md")), "no data folder", "nowhere");
        assertFalse(Files.exists(dir.resolve("RESULTS.md")));
    }

    static void assertOneLineError(ScriptRun.Outcome o, String... parts) {
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
        String err = o.stderr().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
        assertEquals(1, o.stderr().lines().filter(l -> l.startsWith("error: ") || l.contains("Exception") || l.startsWith("\tat ")).count(), o.stderr());
        for (String p : parts) assertTrue(err.contains(p), "'" + p + "' not in: " + err);
    }
}
