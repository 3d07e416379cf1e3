package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lab.redis.RedisProvisioningTest;
import lab.redis.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 1 end to end, as a user runs it, plus the lab's behaviour on bad input, Ctrl-C and crashes. */
class S1BasicTest {

    static final String[] SMALL = {"--quick", "--ops", "60", "--ttl-samples", "3"};

    static String[] args(Path out, String... more) {
        String[] a = new String[SMALL.length + 2 + more.length];
        System.arraycopy(SMALL, 0, a, 0, SMALL.length);
        a[SMALL.length] = "--out";
        a[SMALL.length + 1] = out.toString();
        System.arraycopy(more, 0, a, SMALL.length + 2, more.length);
        return a;
    }

    @Test
    void quickRunOnASpawnedRedisWritesPlausibleTidyData(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("S1_basic", args(dir, "--redis-backend", "binary"));
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, "ran to the end: " + o.all());
        checkData(dir, "binary", 60);
    }

    @Test
    void quickRunOnTheEmbeddedFallbackWarnsAboutRedis62(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("S1_basic", args(dir, "--redis-backend", "embedded"));
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, o.all());
        assertTrue(o.stderr().contains("WARNING") && o.stderr().contains("6.2"), o.stderr());
        checkData(dir, "embedded", 60);
    }

    static void checkData(Path dir, String backend, int ops) {
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        for (String client : List.of("jedis", "lettuce")) {
            for (String op : List.of("set", "get", "del")) {
                assertEquals(ops, ScriptRun.metric(rows, "ops", client, op + "_count"), client + " " + op);
                double p50 = ScriptRun.metric(rows, "ops", client, op + "_p50");
                double p99 = ScriptRun.metric(rows, "ops", client, op + "_p99");
                double max = ScriptRun.metric(rows, "ops", client, op + "_max");
                assertTrue(p50 > 0 && p50 <= p99 && p99 <= max, client + " " + op + ": " + p50 + " " + p99 + " " + max);
                assertTrue(max < 60_000, "a latency above a minute is a unit bug: " + max);
            }
            assertEquals(0, ScriptRun.metric(rows, "json", client, "values_not_bit_exact"));
            assertEquals(3, ScriptRun.metric(rows, "ttl", client, "ttl_samples"));
            double ttlError = ScriptRun.metric(rows, "ttl", client, "ttl_abs_error_max");
            assertTrue(ttlError >= 0 && ttlError < 1000, "expiry was observed near 1 s: " + ttlError);
        }
        // every criterion row carries its target and a verdict; latency verdicts rest on trials and their interval
        List<Map<String, String>> trials = ScriptRun.csv(dir.resolve("trials.csv"));
        rows.stream().filter(r -> !r.get("criterion").isEmpty()).forEach(r -> {
            assertTrue(List.of("PASS", "FAIL", "INCONCLUSIVE").contains(r.get("status")), r.toString());
            assertFalse(r.get("target").isEmpty(), r.toString());
            Criterion c = Criterion.valueOf(r.get("criterion"));
            int n = Integer.parseInt(r.get("trials"));
            if (r.get("test").equals("ttl")) {
                assertEquals("max-abs-error-poll-gap-bounds", r.get("interval"), r.toString());
                double lo = Double.parseDouble(r.get("ci_low")), hi = Double.parseDouble(r.get("ci_high")), v = Double.parseDouble(r.get("value"));
                assertTrue(lo <= v && v <= hi, "the max |error| lies within its poll-gap bounds: " + r);
            } else if (n > 1) {
                double[] values = trials.stream().filter(t -> t.get("test").equals(r.get("test")) && t.get("client").equals(r.get("client"))
                        && t.get("metric").equals(r.get("metric"))).mapToDouble(t -> Double.parseDouble(t.get("value"))).toArray();
                assertEquals(n, values.length, "every trial is in trials.csv: " + r);
                Trials.Estimate e = Trials.of(values);
                assertEquals(e.median(), Double.parseDouble(r.get("value")), 1e-9, r.toString());
                assertEquals(Verdict.judge(c, e).status().name(), r.get("status"), "status recomputes from the trials: " + r);
            } else {
                assertEquals("JSON_LOSS", r.get("criterion"), "only zero-count rows are single values: " + r);
            }
        });
        assertTrue(ScriptRun.metric(rows, "reference", "lettuce", "get_p50_vs_bare_loop") > 0, "bare-loop ratio in the same run");
        List<Map<String, String>> ttl = ScriptRun.csv(dir.resolve("ttl_samples.csv"));
        assertEquals(6, ttl.size());
        assertFalse(ScriptRun.csv(dir.resolve("spectra.csv")).isEmpty());
        Map<String, String> meta = new HashMap<>();
        ScriptRun.csv(dir.resolve("run.csv")).forEach(r -> meta.put(r.get("key"), r.get("value")));
        assertEquals(backend, meta.get("redis_backend"));
        assertNotNull(meta.get("redis_version"));
    }

    @Test
    void againstAUserUrlTheRunLeavesNoKeysBehind(@TempDir Path dir) {
        // A server the run did not start (here: started by the test, with an unrelated key in it) must
        // keep its data: S1 removes exactly its own keys and nothing else.
        try (RedisServer theirs = RedisServer.provision(RedisProvisioningTest.opts("binary", null), RedisServer.Needs.none());
             var j = theirs.admin()) {
            j.set("someone:else", "keep me");
            ScriptRun.Outcome o = ScriptRun.inProcess("S1_basic", args(dir, "--redis-url", theirs.url()));
            assertTrue(o.exitCode() != Lab.EXIT_ERROR, o.all());
            assertEquals(java.util.Set.of("someone:else"), j.keys("*"), "S1 left keys behind or removed others'");
            Map<String, String> meta = new HashMap<>();
            ScriptRun.csv(dir.resolve("run.csv")).forEach(r -> meta.put(r.get("key"), r.get("value")));
            assertEquals("url", meta.get("redis_backend"));
        }
    }

    @Test
    void badInputGivesOneLineAndExit2(@TempDir Path dir) {
        ScriptRun.Outcome unknown = ScriptRun.inProcess("S1_basic", "--no-such-flag");
        assertEquals(Lab.EXIT_ERROR, unknown.exitCode());
        assertTrue(unknown.stderr().contains("Unknown option: '--no-such-flag'"), unknown.stderr());

        int port = Processes.freePort();
        ScriptRun.Outcome unreachable = ScriptRun.inProcess("S1_basic", args(dir, "--redis-url", "redis://127.0.0.1:" + port));
        assertEquals(Lab.EXIT_ERROR, unreachable.exitCode());
        assertEquals(1, unreachable.stderr().strip().lines().count(), unreachable.stderr());
        assertTrue(unreachable.stderr().startsWith("error: cannot reach Redis"), unreachable.stderr());

        ScriptRun.Outcome badClient = ScriptRun.inProcess("S1_basic", args(dir, "--clients", "jedis,redisson"));
        assertEquals(Lab.EXIT_ERROR, badClient.exitCode());
        assertTrue(badClient.stderr().contains("unknown client 'redisson'"), badClient.stderr());

        ScriptRun.Outcome help = ScriptRun.inProcess("S1_basic", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("--quick") && help.stdout().contains("--redis-url"), help.stdout());
    }

    @Test
    void wrongPasswordIsAOneLineErrorInASeparateJvm(@TempDir Path dir) {
        try (RedisServer secured = RedisServer.provision(RedisProvisioningTest.opts("binary", null),
                RedisServer.Needs.none().config("requirepass", "s3cret"))) {
            ScriptRun.Outcome o = ScriptRun.subprocess(60, Map.of(), "S1_basic",
                    args(dir, "--redis-url", "redis://:nope@127.0.0.1:" + secured.port()));
            assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.stdout());
            assertTrue(o.stdout().contains("error: Redis at redis://:***@127.0.0.1:" + secured.port() + " refused the user name or password"), o.stdout());
            assertFalse(o.stdout().contains("\tat "), "no stack trace: " + o.stdout());
        }
    }

    @Test
    void ctrlCAndCrashLeaveNoServerBehind(@TempDir Path dir) throws Exception {
        for (String signal : List.of("INT", "KILL")) {
            // a full-size run, interrupted while it measures
            Process p = ScriptRun.start(dir.resolve(signal + ".log"), Map.of(), "S1_basic", "--out", dir.resolve(signal).toString(),
                    "--redis-backend", "binary", "--ops", "1000000");
            ProcessHandle server = null;
            try {
                server = awaitChildServer(p, dir.resolve(signal + ".log"));
                new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "script did not stop on SIG" + signal);
                // after SIGINT the shutdown hook kills it; after SIGKILL the watchdog does (polls every 0.5 s)
                assertTrue(RedisServer.awaitExit(server, 15_000), "redis-server " + server.pid() + " survived SIG" + signal + " of its script");
            } finally {
                // whatever failed above, this test leaves nothing running
                if (server != null) server.destroyForcibly();
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    static ProcessHandle awaitChildServer(Process p, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            var s = p.toHandle().descendants().filter(d -> d.info().command().orElse("").contains("redis")).findFirst();
            // wait until the run works the server (the server answered and the first client's warm-up loop started)
            if (s.isPresent() && Files.exists(log) && Files.readString(log).contains("warm-up jedis_ops")) return s.get();
            if (!p.isAlive()) fail("script ended early: " + Files.readString(log));
            Thread.sleep(100);
        }
        throw new AssertionError("no redis-server child appeared: " + Files.readString(log));
    }
}
