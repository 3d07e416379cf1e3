package lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.redis.RedisBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S3_pool on a real spawned Redis: exhaustion counted not crashed, a real restart and resumed requests, CSV schema. */
class S3PoolTest {

    static final int BURSTS = 3;

    @Test
    void quickRunMeasuresLoadExhaustionAndARealRestart(@TempDir Path out) throws Exception {
        ScriptRun.Outcome o = ScriptRun.inProcess("S3_pool", "--quick", "--out", out.toString(), "--duration-s", "1", "--bursts", Integer.toString(BURSTS),
                "--restart-variants", "jedis,lettuce", "--restart-run-s", "4");
        assertTrue(o.exitCode() == 0 || o.exitCode() == 1, "ran to the end (criteria may fail on a busy machine): " + o.all());
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(ScriptRun.csv(out.resolve("metrics.csv")).get(0).keySet()));
        List<Map<String, String>> m = ScriptRun.csv(out.resolve("metrics.csv"));

        // sustained: every scheduled request is accounted for, for each client
        for (String c : List.of("jedis", "lettuce", "lettuce-pool")) {
            double scheduled = ScriptRun.metric(m, "sustained", c, "scheduled");
            assertTrue(scheduled > 0);
            assertEquals(scheduled, ScriptRun.metric(m, "sustained", c, "ok") + ScriptRun.metric(m, "sustained", c, "errors")
                    + ScriptRun.metric(m, "sustained", c, "unfinished"), 1e-9, c);
            assertTrue(ScriptRun.metric(m, "harness", c, "scheduler_cpu") >= 0, c);
        }

        // exhaustion: 20 concurrent per burst, every request either succeeded or was a counted error; pool never grew past 5
        for (String c : List.of("jedis", "lettuce", "lettuce-pool")) {
            double requests = ScriptRun.metric(m, "exhaustion", c, "requests");
            assertEquals(BURSTS * 20, requests, 1e-9, c);
            assertEquals(requests, ScriptRun.metric(m, "exhaustion", c, "burst_get_count") + ScriptRun.metric(m, "exhaustion", c, "errors"), 1e-9, c);
        }
        assertTrue(ScriptRun.metric(m, "exhaustion", "jedis", "pool_created") <= 5);
        assertTrue(ScriptRun.metric(m, "exhaustion", "jedis", "pool_max_borrow_wait") >= 0);

        // the borrow wait covers every borrow attempt (one per request), failed ones included, and says how many failed
        for (String c : List.of("jedis", "lettuce-pool")) {
            assertEquals(ScriptRun.metric(m, "exhaustion", c, "requests"), ScriptRun.metric(m, "exhaustion", c, "borrow_attempts"), 1e-9, c);
            assertEquals(ScriptRun.metric(m, "exhaustion", c, "borrow_attempts"), ScriptRun.metric(m, "exhaustion", c, "borrow_wait_count"), 1e-9, c);
            double failed = ScriptRun.metric(m, "exhaustion", c, "borrow_failed");
            assertTrue(failed >= 0 && failed <= ScriptRun.metric(m, "exhaustion", c, "borrow_attempts"), c);
            if (failed > 0) assertTrue(!status(m, "exhaustion", c, "pool_max_borrow_wait").equals("PASS"), c + ": " + failed + " borrows failed, yet the max wait passed");
        }

        // every criterion row rests on trials: the median with its interval, or a zero count with its bound and per-trial counts
        List<Map<String, String>> trials = ScriptRun.csv(out.resolve("trials.csv"));
        List<Map<String, String>> criteria = m.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertTrue(criteria.size() >= 3 * 4 + 2 + 2 * 2, "sustained x 3 clients, exhaustion, restart x 2: " + criteria.size());
        for (Map<String, String> r : criteria) {
            String what = r.get("test") + "/" + r.get("client") + "/" + r.get("metric");
            ScriptRun.assertInterval(r);
            long perTrial = ScriptRun.trialCount(trials, r);
            assertEquals(3, perTrial, "every trial's value is in trials.csv (3 trials in --quick): " + what);
            if (!r.get("interval").startsWith("clopper-pearson")) {
                assertEquals("3", r.get("trials"), what);
                assertEquals(Trials.MIN_MAX, r.get("interval"), what);
            }
        }
        Csv.metrics(out.resolve("metrics.csv")); // every stored verdict re-derives from its interval (an unbounded wait included)

        // the harness's own cost: the bare loop ran in the same 3 rounds, and each client's P50 over it is a ratio per trial
        Map<String, String> bare = row(m, "reference", "bare-jedis", "get_p50_trials");
        ScriptRun.assertInterval(bare);
        assertEquals(3, ScriptRun.trialCount(trials, bare), "the bare loop's P50 of every round is in trials.csv");
        assertPositiveFinite(bare.get("value"), "bare-jedis get_p50_trials");
        boolean benchmark = RedisBenchmark.available();
        for (String c : List.of("jedis", "lettuce", "lettuce-pool")) {
            Map<String, String> r = row(m, "reference", c, "get_p50_fixed_rate_vs_bare_loop");
            assertEquals("ratio", r.get("unit"), c);
            assertEquals("INFO", r.get("status"), c);
            ScriptRun.assertInterval(r);
            assertEquals(Trials.MIN_MAX, r.get("interval"), c);
            assertEquals("3", r.get("trials"), c);
            assertEquals(3, ScriptRun.trialCount(trials, r), c + ": one ratio per round in trials.csv");
            for (String col : List.of("value", "ci_low", "ci_high")) assertPositiveFinite(r.get(col), c + " " + col);
            trials.stream().filter(t -> t.get("test").equals("reference") && t.get("client").equals(c) && t.get("metric").equals("get_p50_fixed_rate_vs_bare_loop"))
                    .forEach(t -> assertPositiveFinite(t.get("value"), c + " trial " + t.get("trial")));
            // the server's benchmark tool once per run, when it is installed (without it: skipped, said in run.csv)
            if (benchmark) assertPositiveFinite(Double.toString(ScriptRun.metric(m, "reference", c, "get_p50_vs_redis_benchmark")), c + " vs redis-benchmark");
        }
        if (benchmark) assertPositiveFinite(Double.toString(ScriptRun.metric(m, "reference", "bare-jedis", "get_p50_vs_redis_benchmark")), "bare-jedis vs redis-benchmark");
        else assertTrue(Files.readString(out.resolve("run.csv")).contains("not installed"), "run.csv says why there is no benchmark reference");
        assertTrue(o.stdout().contains("GET P50 with the fixed-rate harness / bare loop"), o.stdout());

        // past maxWait: BLPOPs holding all 5 connections make other borrowers time out, counted, and the pool survives
        double timeouts = ScriptRun.metric(m, "maxwait", "jedis", "borrow_timeouts");
        assertTrue(timeouts > 0, "borrowers past maxWait must fail with a counted error");
        assertEquals(ScriptRun.metric(m, "maxwait", "jedis", "requests"), ScriptRun.metric(m, "maxwait", "jedis", "ok") + timeouts, 1e-9);
        assertEquals(timeouts, ScriptRun.metric(m, "maxwait", "jedis", "errors_NoSuchElementException"), 1e-9);
        assertEquals(1, ScriptRun.metric(m, "maxwait", "jedis", "pool_usable_after"));

        // restart: the real process was killed and replaced, and requests resumed afterwards
        for (String v : List.of("jedis", "lettuce")) {
            assertEquals(1, ScriptRun.metric(m, "restart", v, "server_kills"), v);
            assertEquals(1, ScriptRun.metric(m, "restart", v, "server_pid_changed"), v + ": a new redis-server process");
            assertTrue(ScriptRun.metric(m, "restart", v, "ok_after_restart") > 0, v + ": requests succeed after the restart");
            double scheduled = ScriptRun.metric(m, "restart", v, "scheduled");
            assertEquals(scheduled, ScriptRun.metric(m, "restart", v, "ok") + ScriptRun.metric(m, "restart", v, "failed_requests"), 1e-9, v);
            assertTrue(m.stream().anyMatch(r -> r.get("test").equals("restart") && r.get("client").equals(v) && r.get("criterion").equals("RECONNECT_MS")));
            assertTrue(m.stream().anyMatch(r -> r.get("test").equals("restart") && r.get("client").equals(v) && r.get("criterion").equals("FAILED_REQUESTS_PCT")));
            // the failed share is judged over the plan's test (100 req/s x 60 s = 6000 requests), the run's own share beside it
            double judgedTrial1 = trials.stream().filter(t -> t.get("test").equals("restart") && t.get("client").equals(v)
                    && t.get("metric").equals("failed_requests_pct") && t.get("trial").equals("1")).mapToDouble(t -> Double.parseDouble(t.get("value"))).findFirst().orElseThrow();
            assertEquals(100.0 * ScriptRun.metric(m, "restart", v, "failed_requests") / Math.max(scheduled, 6000), judgedTrial1, 1e-5, v + " (CSV keeps 6 decimals)");
            assertTrue(m.stream().anyMatch(r -> r.get("test").equals("restart") && r.get("client").equals(v) && r.get("metric").equals("failed_requests_pct_of_run_trials")), v);
        }

        List<Map<String, String>> timeline = ScriptRun.csv(out.resolve("timeline.csv"));
        assertTrue(timeline.stream().anyMatch(r -> r.get("test").equals("restart") && r.get("client").equals("jedis")));
        List<Map<String, String>> pool = ScriptRun.csv(out.resolve("pool_timeline.csv"));
        assertEquals(List.of("scenario", "test", "client", "t_s", "active", "idle", "waiters", "created", "destroyed", "mean_borrow_wait_ms", "max_borrow_wait_ms"),
                List.copyOf(pool.get(0).keySet()));
        assertTrue(pool.stream().anyMatch(r -> r.get("client").equals("jedis") && r.get("test").equals("sustained")));
        String run = Files.readString(out.resolve("run.csv"));
        assertTrue(run.contains("restart_settings_jedis") && run.contains("restart_settings_lettuce") && run.contains("testOnBorrow"), run);
        assertTrue(ScriptRun.ownServers().isEmpty(), "no Redis left behind: " + ScriptRun.ownServers());
    }

    /**
     * A pool of 1 that never waits (borrow timeout 0) under bursts of 4: borrows fail. The borrow wait counts
     * them and its verdict can never be a PASS: FAIL (or MISSING) when every trial had a failed borrow.
     */
    @Test
    void failedBorrowsNeverPassTheBorrowWait(@TempDir Path out) {
        ScriptRun.Outcome o = ScriptRun.inProcess("S3_pool", "--quick", "--out", out.toString(), "--clients", "jedis,lettuce-pool", "--duration-s", "1",
                "--exhaust-pool", "1", "--exhaust-borrow-timeout-ms", "0", "--bursts", "6", "--maxwait-rounds", "1", "--restart-variants", "");
        assertEquals(Lab.EXIT_FAIL, o.exitCode(), o.all());
        List<Map<String, String>> m = ScriptRun.csv(out.resolve("metrics.csv"));
        List<Map<String, String>> trials = ScriptRun.csv(out.resolve("trials.csv"));
        for (String c : List.of("jedis", "lettuce-pool")) {
            double failed = ScriptRun.metric(m, "exhaustion", c, "borrow_failed");
            assertTrue(failed > 0, c + ": a pool of 1 that never waits fails borrows under bursts of 4: " + o.all());
            assertEquals(ScriptRun.metric(m, "exhaustion", c, "requests"), ScriptRun.metric(m, "exhaustion", c, "borrow_attempts"), 1e-9, c);
            String st = status(m, "exhaustion", c, "pool_max_borrow_wait");
            assertTrue(!st.equals("PASS"), c + ": " + st);
            boolean everyTrialFailed = trials.stream().filter(t -> t.get("test").equals("exhaustion") && t.get("client").equals(c)
                    && t.get("metric").equals("borrow_failed")).allMatch(t -> Double.parseDouble(t.get("value")) > 0);
            if (everyTrialFailed) assertTrue(st.equals("FAIL") || st.equals("MISSING"), c + ": " + st);
            assertTrue(o.stdout().contains("borrow attempts failed"), "the printed line says how many borrows failed: " + o.stdout());
        }
        Csv.metrics(out.resolve("metrics.csv"));
        assertTrue(ScriptRun.ownServers().isEmpty());
    }

    /** Unbounded per-trial waits (a borrow that never got a connection) judge as FAIL, never as a pass or as nothing. */
    @Test
    void unboundedWaitsFail() {
        double inf = Double.POSITIVE_INFINITY;
        assertEquals(Criterion.Status.FAIL, Verdict.judge(Criterion.POOL_MAX_WAIT_MS, Trials.of(inf, inf, inf, inf, inf)).status());
        assertEquals(Criterion.Status.INCONCLUSIVE, Verdict.judge(Criterion.POOL_MAX_WAIT_MS, Trials.of(1, 2, inf, inf, inf)).status());
        assertEquals(Criterion.Status.MISSING, Verdict.judge(Criterion.POOL_MAX_WAIT_MS, Trials.of(Double.NaN, Double.NaN)).status());
        assertEquals(Criterion.Status.PASS, Verdict.judge(Criterion.POOL_MAX_WAIT_MS, Trials.of(1, 2, 3, 4, 5)).status());
    }

    /** A latency at a lab timeout is reported with that timeout as the parameter that sets it; one well below it is not. */
    @Test
    void latencyAtATimeoutNamesTheTimeout(@TempDir Path out) throws Exception {
        Results r = new Results("S3_pool", out);
        assertTrue(r.timeoutBound("exhaustion", "jedis", "borrow_wait_max", 2000.4, "exhaust_borrow_timeout", 2000));
        assertTrue(!r.timeoutBound("exhaustion", "lettuce-pool", "borrow_wait_max", 0.1, "exhaust_borrow_timeout", 2000));
        assertTrue(!r.timeoutBound("exhaustion", "jedis", "borrow_wait_max", Double.NaN, "exhaust_borrow_timeout", 2000));
        assertTrue(!r.timeoutBound("maxwait", "jedis", "pool_max_borrow_wait", 149, "maxwait_borrow_timeout", 20), "far past the timeout: not set by it");
        assertTrue(!r.timeoutBound("exhaustion", "jedis", "borrow_wait_max", 0.01, "exhaust_borrow_timeout", 0), "no timeout, nothing it sets");
        r.finish();
        List<Map<String, String>> m = ScriptRun.csv(out.resolve("metrics.csv"));
        assertEquals(2000, ScriptRun.metric(m, "exhaustion", "jedis", "borrow_wait_max_set_by_timeout"), 1e-9);
        assertTrue(m.stream().noneMatch(x -> x.get("client").equals("lettuce-pool")));
        assertTrue(Files.readString(out.resolve("run.csv")).contains("timeout_exhaust_borrow_timeout_ms,2000"));
    }

    static Map<String, String> row(List<Map<String, String>> m, String test, String client, String metric) {
        return m.stream().filter(r -> r.get("test").equals(test) && r.get("client").equals(client) && r.get("metric").equals(metric))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + test + "/" + client + "/" + metric));
    }

    static void assertPositiveFinite(String value, String what) {
        double v = Double.parseDouble(value);
        assertTrue(v > 0 && Double.isFinite(v), what + ": " + value);
    }

    static String status(List<Map<String, String>> m, String test, String client, String metric) {
        return m.stream().filter(r -> r.get("test").equals(test) && r.get("client").equals(client) && r.get("metric").equals(metric)
                && !r.get("criterion").isEmpty()).map(r -> r.get("status")).findFirst().orElseThrow(() -> new AssertionError("no criterion row " + metric));
    }

    @Test
    void badInputIsAOneLineError(@TempDir Path out) {
        ScriptRun.Outcome o = ScriptRun.inProcess("S3_pool", "--quick", "--out", out.toString(), "--clients", "redis-py");
        assertEquals(Lab.EXIT_ERROR, o.exitCode());
        assertTrue(o.stderr().contains("unknown client 'redis-py'"), o.stderr());
        o = ScriptRun.inProcess("S3_pool", "--quick", "--out", out.toString(), "--restart-variants", "nope");
        assertEquals(Lab.EXIT_ERROR, o.exitCode());
        assertTrue(ScriptRun.ownServers().isEmpty());
    }

}
