package lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S3_pool on a real spawned Redis: exhaustion counted not crashed, a real restart and resumed requests, CSV schema. */
class S3PoolTest {

    static final int BURSTS = 3;

    @Test
    void quickRunMeasuresLoadExhaustionAndARealRestart(@TempDir Path out) throws Exception {
        ScriptRun.Outcome o = ScriptRun.inProcess("S3_pool", "--quick", "--out", out.toString(), "--duration-s", "1", "--bursts", Integer.toString(BURSTS),
                "--restart-variants", "jedis,lettuce", "--restart-run-s", "8");
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
