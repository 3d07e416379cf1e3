package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deep question 1 (warming) end to end against a Redis and a PostgreSQL the lab spawns: warming fills Redis
 * before the first request, and the start-up criterion rests on interleaved trials and their interval.
 * No timing assertions: the machine is shared.
 */
class Q1WarmingTest {

    static final int QUICK_TRIALS = 3, QUICK_FIRST_REQUESTS = 30;

    @Test
    void warmingFillsRedisBeforeTheFirstRequestAndStartUpRestsOnTrials(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("Q1_warming", "--quick", "--sizes", "100", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        Csv.metrics(dir.resolve("metrics.csv")); // every stored verdict re-derives from its interval
        assertEquals(100, ScriptRun.metric(rows, "n100_warm", "jedis", "warmed"));
        assertEquals(0, ScriptRun.metric(rows, "n100_cold", "jedis", "warmed"));
        assertEquals(100, ScriptRun.metric(rows, "n100_warm", "jedis", "first_requests_hit_rate"));
        assertTrue(ScriptRun.metric(rows, "n100_cold", "jedis", "first_requests_hit_rate") < 100, "a cold start misses");
        for (String test : List.of("n100_warm", "n100_cold")) {
            assertEquals(QUICK_TRIALS * QUICK_FIRST_REQUESTS, ScriptRun.metric(rows, test, "jedis", "first_requests_count"), test + ": every trial's first requests, pooled");
        }

        // the one criterion row: median of 3 interleaved starts with its min..max interval, every start in trials.csv
        List<Map<String, String>> trials = ScriptRun.csv(dir.resolve("trials.csv"));
        List<Map<String, String>> criteria = rows.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertEquals(1, criteria.size(), criteria.toString());
        Map<String, String> r = criteria.get(0);
        assertEquals("WARM_STARTUP_MS", r.get("criterion"));
        assertEquals("n100_warm", r.get("test"));
        assertEquals(Integer.toString(QUICK_TRIALS), r.get("trials"), r.toString());
        assertEquals(Trials.MIN_MAX, r.get("interval"), r.toString());
        assertFalse(r.get("ci_low").equals("NaN") || r.get("ci_high").equals("NaN"), r.toString());
        double[] values = trials.stream().filter(t -> t.get("test").equals("n100_warm") && t.get("client").equals("jedis")
                && t.get("metric").equals("startup_ms")).mapToDouble(t -> Double.parseDouble(t.get("value"))).toArray();
        assertEquals(QUICK_TRIALS, values.length, "every start is in trials.csv");
        Trials.Estimate e = Trials.of(values);
        assertEquals(e.median(), Double.parseDouble(r.get("value")), 1e-9);
        assertEquals(Verdict.judge(Criterion.WARM_STARTUP_MS, e).status().name(), r.get("status"));
        // the cold starts ran as often, interleaved with the warm ones
        assertEquals(QUICK_TRIALS, trials.stream().filter(t -> t.get("test").equals("n100_cold") && t.get("metric").equals("startup_ms")).count());
        assertTrue(ScriptRun.ownServers().isEmpty(), "no server left behind: " + ScriptRun.ownServers());
    }
}
