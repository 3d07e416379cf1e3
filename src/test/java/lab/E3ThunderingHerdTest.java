package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edge case 3 (thundering herd) end to end against a Redis and a PostgreSQL the lab spawns: coalescing turns
 * each herd of 100 misses into one query, counted at the loader; every herd is a trial in trials.csv and the
 * criterion judges the worst herd, with the Clopper-Pearson bound on the share of herds off target beside it.
 */
class E3ThunderingHerdTest {

    static final int HERDS = 3;

    @Test
    void coalescingTurnsEveryHerdIntoOneQueryJudgedOnTheWorstHerd(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("E3_thundering_herd", "--quick", "--rounds", Integer.toString(HERDS), "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        Csv.metrics(dir.resolve("metrics.csv")); // every stored verdict re-derives from its interval
        assertEquals(1, ScriptRun.metric(rows, "herd", "coalesced", "db_queries_per_round_max"));
        assertEquals(HERDS, ScriptRun.metric(rows, "herd", "coalesced", "db_queries_total"));
        assertTrue(ScriptRun.metric(rows, "herd", "uncoalesced", "db_queries_total") >= HERDS, "each uncoalesced round queried at least once");
        assertEquals(HERDS * 100, ScriptRun.metric(rows, "herd", "coalesced", "request_count"));
        List<Map<String, String>> rounds = ScriptRun.csv(dir.resolve("herd_rounds.csv"));
        assertEquals(2 * HERDS, rounds.size());
        rounds.stream().filter(r -> r.get("variant").equals("coalesced")).forEach(r -> {
            assertEquals("1", r.get("db_queries"), r.toString());
            assertTrue(Long.parseLong(r.get("coalesced_waits")) <= 99, "the leader does not wait on itself: " + r);
        });

        // the criterion row: the worst of the herds, every herd's count in trials.csv, a bound on the share off target
        List<Map<String, String>> trials = ScriptRun.csv(dir.resolve("trials.csv"));
        List<Map<String, String>> criteria = rows.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertEquals(1, criteria.size(), criteria.toString());
        Map<String, String> c = criteria.get(0);
        assertEquals("HERD_DB_QUERIES", c.get("criterion"));
        assertEquals(Integer.toString(HERDS), c.get("trials"), c.toString());
        assertEquals("worst-of-trials", c.get("interval"), c.toString());
        assertEquals("1", c.get("ci_low"), c.toString());
        assertEquals("1", c.get("ci_high"), c.toString());
        assertEquals("PASS", c.get("status"), c.toString());
        for (String metric : List.of("db_queries_per_round_max", "db_queries_per_round")) {
            double[] v = trials.stream().filter(t -> t.get("test").equals("herd") && t.get("client").equals("coalesced") && t.get("metric").equals(metric))
                    .mapToDouble(t -> Double.parseDouble(t.get("value"))).toArray();
            assertEquals(HERDS, v.length, metric + ": every herd is a trial in trials.csv");
            for (double x : v) assertEquals(1, x, metric);
        }
        assertEquals(0, ScriptRun.metric(rows, "herd", "coalesced", "herds_not_one_query"));
        assertEquals(100 * Verdict.upperBound(0, HERDS), ScriptRun.metric(rows, "herd", "coalesced", "herds_not_one_query_rate_upper95"), 1e-6);
        // a herd that reached PostgreSQL twice fails the criterion: the worst herd, not a median that hides it
        double[] leak = {1, 1, 2, 1, 1, 1, 1, 1, 1, 1};
        assertEquals(Criterion.Status.PASS, Verdict.judge(Criterion.HERD_DB_QUERIES, Trials.of(leak)).status(), "the median across herds would pass it");
        assertEquals(Criterion.Status.FAIL, Verdict.judge(Criterion.HERD_DB_QUERIES, new Trials.Estimate(2, 2, 2, "worst-of-trials", leak)).status());
        assertTrue(ScriptRun.ownServers().isEmpty(), "no server left behind: " + ScriptRun.ownServers());
    }
}
