package lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S5_eviction --quick against lab-started Redis servers (allkeys-lru x2, steady state x2, noeviction). */
class S5EvictionTest {

    static final int QUICK_TRIALS = 3;

    @TempDir static Path dir;
    static ScriptRun.Outcome run;
    static List<Map<String, String>> metrics, trials;

    @BeforeAll
    static void runQuick() {
        run = ScriptRun.inProcess("S5_eviction", "--quick", "--out", dir.toString());
        metrics = ScriptRun.csv(dir.resolve("metrics.csv"));
        trials = ScriptRun.csv(dir.resolve("trials.csv"));
    }

    /** Every trial's value of test/jedis/metric, in trial order, from trials.csv. */
    static double[] perTrial(String test, String metric) {
        return trials.stream().filter(t -> t.get("test").equals(test) && t.get("client").equals("jedis") && t.get("metric").equals(metric))
                .mapToDouble(t -> Double.parseDouble(t.get("value"))).toArray();
    }

    static double m(String test, String metric) {
        return ScriptRun.metric(metrics, test, "jedis", metric);
    }

    @Test
    void overfillingEvictsWithoutErrors() {
        // 1.5 x maxmemory written: eviction must happen, and no OOM error may reach the client
        assertNotEquals(Lab.EXIT_ERROR, run.exitCode(), run.all());
        for (String test : List.of("lru_samples5", "lru_samples10")) {
            assertTrue(m(test, "evicted_keys") > 0, test + ": no eviction");
            assertEquals(0, m(test, "oom_errors"), test + ": OOM errors reached the client under allkeys-lru");
            assertEquals(1, m(test, "setup_policy_is_allkeys_lru"), test);
            assertEquals("INFO", status(test, "setup_policy_is_allkeys_lru"), "a check of the lab's set-up, not a criterion");
            double rate = m(test, "eviction_rate");
            assertTrue(rate > 10, test + ": writing 150% of maxmemory must evict more than 10% of keys, got " + rate);
            double[] rates = perTrial(test, "eviction_rate"), written = perTrial(test, "keys_written"), evicted = perTrial(test, "evicted_keys"),
                    left = perTrial(test, "keys_end"), peak = perTrial(test, "used_memory_peak_bytes");
            assertEquals(QUICK_TRIALS, rates.length, test + ": one eviction rate per trial");
            double total = 0;
            for (int i = 0; i < QUICK_TRIALS; i++) {
                assertEquals(100.0 * evicted[i] / written[i], rates[i], 1e-6, test + " trial " + (i + 1) + ": rate definition");
                // every key written is either still there or was evicted
                assertEquals(written[i], left[i] + evicted[i], test + " trial " + (i + 1) + ": keys do not add up");
                assertTrue(peak[i] <= m(test, "maxmemory_bytes") * 1.1, test + " trial " + (i + 1) + ": used_memory far above maxmemory");
                total += written[i];
            }
            assertEquals(total, m(test, "keys_written_all_trials"), test);
            assertEquals("FAIL", status(test, "eviction_rate"), "the plan's fill (150 % of maxmemory) judged against Risk 5's 10 %");
            assertEquals("PASS", status(test, "oom_errors"));
        }
    }

    /**
     * The criteria rest on trials: the eviction rate is the median of 3 fills (quick) with min..max, each in
     * trials.csv; OOM errors are a zero count out of every SET of every fill, each fill's count in trials.csv.
     */
    @Test
    void criteriaRestOnTrialsOrOnAZeroCountOutOfTheWrites() {
        Csv.metrics(dir.resolve("metrics.csv")); // every stored verdict re-derives from its interval
        List<Map<String, String>> criteria = metrics.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertEquals(4, criteria.size(), criteria.toString());
        for (Map<String, String> r : criteria) {
            String test = r.get("test"), what = test + "/" + r.get("metric");
            assertFalse(r.get("ci_low").equals("NaN") || r.get("ci_high").equals("NaN") || r.get("interval").isEmpty(), "interval: " + what);
            double[] values = perTrial(test, r.get("metric"));
            assertEquals(QUICK_TRIALS, values.length, "every trial's value is in trials.csv: " + what);
            if (r.get("criterion").equals("OOM_ERRORS")) {
                assertEquals("clopper-pearson-95 of " + Results.num(m(test, "keys_written_all_trials")), r.get("interval"), what);
                for (double v : values) assertEquals(0, v, what);
            } else {
                assertEquals("EVICTION_RATE_PCT", r.get("criterion"), what);
                assertEquals(Integer.toString(QUICK_TRIALS), r.get("trials"), what);
                assertEquals(Trials.MIN_MAX, r.get("interval"), what);
                Trials.Estimate e = Trials.of(values);
                assertEquals(e.median(), Double.parseDouble(r.get("value")), 1e-9, what);
                assertEquals(Verdict.judge(Criterion.EVICTION_RATE_PCT, e).status().name(), r.get("status"), what);
            }
        }
    }

    @Test
    void lruKeepsTheHotKeys() {
        // Sampled LRU is approximate, so no exact number: recently read keys must survive at least as
        // often as the cold ones, and more often than a random eviction would keep them.
        for (String test : List.of("lru_samples5", "lru_samples10")) {
            double hot = m(test, "hot_survival_pct"), cold = m(test, "cold_survival_pct"), all = m(test, "all_survival_pct");
            assertTrue(hot >= cold, test + ": hot " + hot + "% < cold " + cold + "%");
            assertTrue(hot > all, test + ": hot keys survive no better than random eviction (" + hot + " vs " + all + ")");
            assertTrue(cold > 0 && cold < 100, test + ": cold survival " + cold);
        }
        // survival.csv: per decile counts add up to the keys written
        List<Map<String, String>> s = ScriptRun.csv(dir.resolve("survival.csv"));
        assertEquals(List.of("scenario", "test", "age_decile", "cold_written", "cold_survived", "hot_written", "hot_survived"), List.copyOf(s.get(0).keySet()));
        double written = s.stream().filter(r -> r.get("test").equals("lru_samples5"))
                .mapToDouble(r -> Double.parseDouble(r.get("cold_written")) + Double.parseDouble(r.get("hot_written"))).sum();
        assertEquals(m("lru_samples5", "keys_written_all_trials"), written, "survival.csv sums every trial's keys");
    }

    @Test
    void steadyStateThatFitsDoesNotEvict() {
        assertEquals(0, m("steady_fit", "evicted_keys"));
        assertEquals("INFO", status("steady_fit", "eviction_rate"), "steady states are context for Risk 5");
        assertTrue(m("steady_overflow", "evicted_keys") > 0, "a working set of 120% of maxmemory must evict");
        assertTrue(m("steady_overflow", "hit_rate_pct") < 100);
    }

    @Test
    void noevictionRefusesWritesWithOom() throws Exception {
        assertTrue(m("noeviction", "oom_errors") > 0, "noeviction must refuse writes when full");
        assertEquals(0, m("noeviction", "evicted_keys"));
        assertEquals(m("noeviction", "writes_attempted"), m("noeviction", "writes_ok") + m("noeviction", "oom_errors"));
        assertEquals("INFO", status("noeviction", "oom_errors"), "the contrast is context, not a criterion");
        List<Map<String, String>> runCsv = ScriptRun.csv(dir.resolve("run.csv"));
        String msg = runCsv.stream().filter(r -> r.get("key").equals("noeviction_error_message")).findFirst().orElseThrow().get("value");
        assertTrue(msg.startsWith("OOM"), msg);
        String policy = runCsv.stream().filter(r -> r.get("key").equals("noeviction_config")).findFirst().orElseThrow().get("value");
        assertTrue(policy.contains("maxmemory-policy=noeviction"), policy);
    }

    @Test
    void csvSchemasAndNoServerLeft() throws Exception {
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(metrics.get(0).keySet()));
        List<Map<String, String>> t = ScriptRun.csv(dir.resolve("eviction_timeline.csv"));
        assertEquals(List.of("scenario", "test", "t_s", "written_mb", "used_memory_mb", "evicted_keys", "keys"), List.copyOf(t.get(0).keySet()));
        assertTrue(t.stream().anyMatch(r -> r.get("test").equals("lru_samples5") && Double.parseDouble(r.get("evicted_keys")) > 0));
        assertTrue(Files.exists(dir.resolve("run.csv")));
        assertTrue(ScriptRun.ownServers().isEmpty(), "lab Redis left running: " + ScriptRun.ownServers());
    }

    @Test
    void refusesAServerWithAnotherPolicy(@TempDir Path other) {
        // The shared Redis is not configured for this scenario (and is only read: CONFIG GET, never SET).
        ScriptRun.Outcome o = ScriptRun.inProcess("S5_eviction", "--quick", "--out", other.toString(), "--redis-url", "redis://127.0.0.1:6379");
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
        String err = o.stderr().strip();
        assertTrue(err.startsWith("error: ") && !err.contains("\n"), "expected one error line, got: " + err);
        assertTrue(!Files.exists(other.resolve("metrics.csv")), "no results for a refused server");
    }

    @Test
    void badInputIsOneLine(@TempDir Path other) {
        ScriptRun.Outcome o = ScriptRun.inProcess("S5_eviction", "--quick", "--out", other.toString(), "--samples", "0");
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
        assertTrue(o.stderr().strip().startsWith("error: --samples"), o.stderr());
    }

    static String status(String test, String metric) {
        return metrics.stream().filter(r -> r.get("test").equals(test) && r.get("metric").equals(metric))
                .findFirst().orElseThrow().get("status");
    }

}
