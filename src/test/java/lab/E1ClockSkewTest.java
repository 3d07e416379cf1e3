package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edge case 1 on a spawned Redis: the simulated skew shows up with the sign physics says, only in the
 * strategies that trust the instances' clocks. Offsets are 2 s, so signs are far above any noise.
 */
class E1ClockSkewTest {

    static final int QUICK_TRIALS = 3;

    @TempDir static Path dir;
    static ScriptRun.Outcome run;
    static List<Map<String, String>> rows;

    @BeforeAll
    static void runOnce() {
        run = ScriptRun.inProcess("E1_clock_skew", "--quick", "--samples", "2", "--out", dir.toString());
        rows = ScriptRun.csv(dir.resolve("metrics.csv"));
    }

    @Test
    void serverTimeIsJudgedAndSkewedClocksAreTheContrast() {
        assertTrue(run.exitCode() == Lab.EXIT_PASS || run.exitCode() == Lab.EXIT_FAIL, run.all());
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        // every strategy measured is judged: the local-clock ones fail (2 s of skew), they are not left as context
        assertEquals("FAIL", status("absolute_pxat"));
        assertEquals("FAIL", status("logical_local"));
        assertEquals(Lab.EXIT_FAIL, run.exitCode(), "a failed strategy fails the run");
        // 2 s of skew cannot hide: trusting the local clock is off by more than the 500 ms tolerance
        assertTrue(ScriptRun.metric(rows, "absolute_pxat", "all-instances", "max_abs_error") > 500);
        assertTrue(ScriptRun.metric(rows, "logical_local", "all-instances", "max_abs_error") > 500);
        for (String serverTime : List.of("relative_px", "logical_server")) assertNotEquals("INFO", status(serverTime), serverTime);
        // the seed's mitigation (server time) comes out on top, in either form
        for (String serverTime : List.of("relative_px", "logical_server")) assertTrue(ScriptRun.metric(rows, "ranking", serverTime, "rank_by_max_abs_error") <= 2, serverTime);
        assertTrue(ScriptRun.ownServers().isEmpty(), "a Redis started by this run is still running: " + ScriptRun.ownServers());
    }

    /** Every strategy's criterion row is the median of its 3 trials' max |error| (quick), with min..max, each trial in trials.csv. */
    @Test
    void everyCriterionRestsOnInterleavedTrials() {
        Csv.metrics(dir.resolve("metrics.csv")); // every stored verdict re-derives from its interval
        List<Map<String, String>> trials = ScriptRun.csv(dir.resolve("trials.csv"));
        List<Map<String, String>> criteria = rows.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertEquals(4, criteria.size(), "one row per strategy: " + criteria);
        for (Map<String, String> r : criteria) {
            assertEquals("CLOCK_SKEW_EXPIRY_ERROR_MS", r.get("criterion"), r.toString());
            assertEquals(Integer.toString(QUICK_TRIALS), r.get("trials"), r.toString());
            assertEquals(Trials.MIN_MAX, r.get("interval"), r.toString());
            assertFalse(r.get("ci_low").equals("NaN") || r.get("ci_high").equals("NaN"), r.toString());
            double[] values = trials.stream().filter(t -> t.get("test").equals(r.get("test")) && t.get("client").equals(r.get("client"))
                    && t.get("metric").equals(r.get("metric"))).mapToDouble(t -> Double.parseDouble(t.get("value"))).toArray();
            assertEquals(QUICK_TRIALS, values.length, "every trial is in trials.csv: " + r);
            Trials.Estimate e = Trials.of(values);
            assertEquals(e.median(), Double.parseDouble(r.get("value")), 1e-9, r.toString());
            assertEquals(Verdict.judge(Criterion.CLOCK_SKEW_EXPIRY_ERROR_MS, e).status().name(), r.get("status"), r.toString());
        }
        // each trial's max |error| is the worst of that trial's samples
        List<Map<String, String>> s = ScriptRun.csv(dir.resolve("expiry_samples.csv"));
        for (int trial = 1; trial <= QUICK_TRIALS; trial++) {
            String tr = Integer.toString(trial);
            double worst = s.stream().filter(x -> x.get("strategy").equals("absolute_pxat") && x.get("trial").equals(tr))
                    .mapToDouble(x -> Math.abs(Double.parseDouble(x.get("error_ms")))).max().orElseThrow();
            double recorded = trials.stream().filter(t -> t.get("test").equals("absolute_pxat") && t.get("trial").equals(tr))
                    .mapToDouble(t -> Double.parseDouble(t.get("value"))).findFirst().orElseThrow();
            assertEquals(worst, recorded, 1e-3, "trial " + tr);
        }
    }

    @Test
    void absoluteExpiryFromAClockAheadExpiresLateAndFromAClockBehindEarly() {
        assertTrue(mean("absolute_pxat", "w+2000ms") > 1000, "writer ahead: deadline too far: late");
        assertTrue(mean("absolute_pxat", "w-2000ms") < -1000, "writer behind: deadline too near: early");
        // relative TTLs are counted by Redis: the writer's clock does not move them
        for (String w : List.of("w+2000ms", "w-2000ms")) {
            assertTrue(Math.abs(mean("relative_px", w)) < Math.abs(mean("absolute_pxat", w)), w);
        }
    }

    @Test
    void appSideExpiryDependsOnTheReadersClockUnlessServerTimeIsUsed() {
        assertTrue(mean("logical_local", "w+0ms/r+2000ms") < -1000, "reader ahead sees the value expire early");
        assertTrue(mean("logical_local", "w+0ms/r-2000ms") > 1000, "reader behind keeps it too long");
        double ahead = mean("logical_server", "w+0ms/r+2000ms"), behind = mean("logical_server", "w+0ms/r-2000ms");
        assertTrue(Math.abs(ahead - behind) < 1000, "with Redis TIME the reader's clock does not matter: " + ahead + " vs " + behind);
    }

    @Test
    void samplesTableHasOneRowPerProbe() {
        List<Map<String, String>> s = ScriptRun.csv(dir.resolve("expiry_samples.csv"));
        assertEquals(List.of("scenario", "strategy", "writer_offset_ms", "reader_offset_ms", "sample", "ttl_ms", "observed_ms", "error_ms",
                "expected_error_ms", "poll_gap_ms", "trial"), List.copyOf(s.get(0).keySet()));
        // per trial: 3 instances x 2 samples for the Redis-decided strategies, 3 x 3 pairs x 2 for the app-side ones
        assertEquals(QUICK_TRIALS * (2 * 3 * 2 + 2 * 9 * 2), s.size());
        for (int trial = 1; trial <= QUICK_TRIALS; trial++) {
            String tr = Integer.toString(trial);
            assertEquals(2 * 3 * 2 + 2 * 9 * 2, s.stream().filter(r -> r.get("trial").equals(tr)).count(), "trial " + tr);
        }
        for (Map<String, String> r : s) {
            assertTrue(Double.parseDouble(r.get("observed_ms")) >= 0, r.toString());
            assertEquals(Double.parseDouble(r.get("observed_ms")) - Double.parseDouble(r.get("ttl_ms")), Double.parseDouble(r.get("error_ms")), 1e-3);
        }
    }

    @Test
    void badInputIsAOneLineError() {
        ScriptRun.Outcome o = ScriptRun.inProcess("E1_clock_skew", "--ttl-ms", "10", "--out", dir.resolve("bad").toString());
        assertEquals(Lab.EXIT_ERROR, o.exitCode());
        assertTrue(o.stderr().contains("--ttl-ms"), o.stderr());
    }

    static String status(String strategy) {
        return rows.stream().filter(r -> r.get("test").equals(strategy) && r.get("metric").equals("max_abs_error"))
                .map(r -> r.get("status")).findFirst().orElseThrow();
    }

    static double mean(String strategy, String who) {
        return ScriptRun.metric(rows, strategy, who, "error_mean");
    }

}
