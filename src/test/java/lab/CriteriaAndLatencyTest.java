package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unit tests of the criteria table, the percentile summaries and the metrics CSV. */
class CriteriaAndLatencyTest {

    @Test
    void comparatorsFollowTheSeedTargets() {
        assertEquals(Criterion.Status.PASS, Criterion.GET_P50_MS.evaluate(4.99));
        assertEquals(Criterion.Status.FAIL, Criterion.GET_P50_MS.evaluate(5.0)); // "<5ms" is strict
        assertEquals(Criterion.Status.PASS, Criterion.TTL_ERROR_MS.evaluate(100)); // "within ±100ms" includes 100
        assertEquals(Criterion.Status.FAIL, Criterion.TTL_ERROR_MS.evaluate(100.01));
        assertEquals(Criterion.Status.PASS, Criterion.POOL_ERRORS.evaluate(0));
        assertEquals(Criterion.Status.FAIL, Criterion.POOL_ERRORS.evaluate(1));
        assertEquals(Criterion.Status.PASS, Criterion.THROUGHPUT_RPS.evaluate(99.6));
        assertEquals(Criterion.Status.FAIL, Criterion.THROUGHPUT_RPS.evaluate(99.4));
        assertEquals("< 5 ms", Criterion.GET_P50_MS.targetText());
    }

    @Test
    void notMeasuredIsMissingNeverPass() {
        for (Criterion c : Criterion.values()) assertEquals(Criterion.Status.MISSING, c.evaluate(Double.NaN), c.name());
    }

    @Test
    void summaryComesFromTheHistogram() {
        Histogram h = Latency.newHistogram();
        for (int i = 1; i <= 1000; i++) Latency.record(h, i * 1_000_000L); // 1..1000 ms
        Latency.Summary s = Latency.summarize(h);
        assertEquals(1000, s.count());
        assertEquals(500, s.p50Millis(), 1.0);
        assertEquals(990, s.p99Millis(), 1.0);
        assertEquals(1000, s.maxMillis(), 1.0);
        assertEquals(500.5, s.meanMillis(), 1.0);
        List<Latency.Point> spectrum = Latency.spectrum(h);
        assertEquals(100.0, spectrum.get(spectrum.size() - 1).percentile(), 1e-9);
        assertEquals(1000, spectrum.get(spectrum.size() - 1).countAtOrBelow());
        assertEquals(0, Latency.summarize(Latency.newHistogram()).count());
    }

    @Test
    void metricsCsvHasTheDocumentedColumnsAndExitCodeFollowsCriteria(@TempDir Path dir) {
        Results ok = new Results("T", dir.resolve("ok"));
        ok.check("t", "jedis", "get_p50", 0.1, Criterion.GET_P50_MS);
        ok.info("t", "jedis", "note, with comma", "count", 3);
        assertEquals(Lab.EXIT_PASS, ok.finish());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("ok/metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        assertEquals("PASS", rows.get(0).get("status"));
        assertEquals("GET_P50_MS", rows.get(0).get("criterion"));
        assertEquals("note, with comma", rows.get(1).get("metric"));
        assertEquals("INFO", rows.get(1).get("status"));

        Results bad = new Results("T", dir.resolve("bad"));
        bad.check("t", "jedis", "get_p50", 7, Criterion.GET_P50_MS);
        assertEquals(Lab.EXIT_FAIL, bad.finish());

        Results none = new Results("T", dir.resolve("none"));
        none.info("t", "x", "m", "ms", 1);
        assertEquals(Lab.EXIT_FAIL, none.finish(), "a run that judged nothing has not passed");

        Map<String, String> meta = new java.util.HashMap<>();
        ScriptRun.csv(dir.resolve("ok/run.csv")).forEach(r -> meta.put(r.get("key"), r.get("value")));
        for (String k : List.of("started_utc", "git_commit", "jvm", "os", "cores", "jedis_version", "lettuce_version", "passed")) {
            assertTrue(meta.containsKey(k), "run.csv lacks " + k);
        }
        assertEquals("8.0.2", meta.get("jedis_version"));
    }

    @Test
    void numbersAreWrittenPlainly() {
        assertEquals("5", Results.num(5.0));
        assertEquals("0.125", Results.num(0.125));
        assertEquals("NaN", Results.num(Double.NaN));
        assertEquals("0.000001", Results.num(1e-6));
    }
}
