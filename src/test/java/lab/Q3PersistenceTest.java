package lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Q3_persistence --quick: three persistence modes, each on its own lab-started Redis. */
class Q3PersistenceTest {

    @TempDir static Path dir;
    static ScriptRun.Outcome run;
    static List<Map<String, String>> metrics;
    static Map<String, String> meta;

    @BeforeAll
    static void runQuick() {
        run = ScriptRun.inProcess("Q3_persistence", "--quick", "--out", dir.toString());
        metrics = ScriptRun.csv(dir.resolve("metrics.csv"));
        meta = new java.util.HashMap<>();
        for (Map<String, String> r : ScriptRun.csv(dir.resolve("run.csv"))) meta.put(r.get("key"), r.get("value"));
    }

    @Test
    void completesWithAVerdict() {
        // pass or fail is the measurement's business (no timing assertion); an error is not
        assertTrue(run.exitCode() == Lab.EXIT_PASS || run.exitCode() == Lab.EXIT_FAIL, run.all());
        for (String client : List.of("jedis", "lettuce")) {
            Map<String, String> row = metrics.stream().filter(r -> r.get("test").equals("rdb_delta") && r.get("client").equals(client)
                    && r.get("metric").equals("set_p99_rdb_on_minus_off")).findFirst().orElseThrow();
            assertEquals("RDB_DELTA_MS", row.get("criterion"));
            assertNotEquals("MISSING", row.get("status"), "delta not measured for " + client);
        }
    }

    @Test
    void eachModeRanOnAServerReallyInThatMode() {
        // CONFIG GET as recorded by the script, not the requested configuration
        assertEquals("", meta.get("rdb_off_config_save"));
        assertEquals("no", meta.get("rdb_off_config_appendonly"));
        assertEquals("1 1", meta.get("rdb_on_config_save"));
        assertEquals("no", meta.get("rdb_on_config_appendonly"));
        assertEquals("", meta.get("aof_everysec_config_save"));
        assertEquals("yes", meta.get("aof_everysec_config_appendonly"));
        assertEquals("everysec", meta.get("aof_everysec_config_appendfsync"));
        assertEquals(0, ScriptRun.metric(metrics, "rdb_off", "server", "rdb_save_rules"));
        assertEquals(1, ScriptRun.metric(metrics, "rdb_on", "server", "rdb_save_rules"));
        assertEquals(0, ScriptRun.metric(metrics, "rdb_off", "server", "aof_enabled"));
        assertEquals(1, ScriptRun.metric(metrics, "aof_everysec", "server", "aof_enabled"));
        // three different servers
        assertNotEquals(meta.get("rdb_off_server"), meta.get("rdb_on_server"));
        assertNotEquals(meta.get("rdb_on_server"), meta.get("aof_everysec_server"));
    }

    @Test
    void rdbOnReallyForksAndRdbOffDoesNot() {
        for (String client : List.of("jedis", "lettuce")) {
            assertEquals(0, ScriptRun.metric(metrics, "rdb_off", client, "forks_during_measure"), "rdb_off forked");
            // a background save ran in the measured window: it forked there, or one forked just before and was still writing
            double forks = ScriptRun.metric(metrics, "rdb_on", client, "forks_during_measure");
            assertTrue(forks >= 1 || ScriptRun.metric(metrics, "rdb_on", client, "rdb_bgsave_in_progress_samples") >= 1,
                    "no background save during rdb_on/" + client);
            if (forks >= 1) assertTrue(ScriptRun.metric(metrics, "rdb_on", client, "latest_fork_max") > 0);
            assertEquals(0, ScriptRun.metric(metrics, "rdb_off", client, "rdb_bgsave_in_progress_samples"));
            String bgsave = meta.get("rdb_on_" + client + "_explicit_bgsave");
            assertTrue(bgsave != null && !bgsave.isBlank(), "explicit BGSAVE not sent for " + client);
        }
        assertTrue(ScriptRun.metric(metrics, "rdb_on", "server", "used_memory_bytes") > 15 * (1 << 20), "dataset too small for a fork to matter");
    }

    @Test
    void loadWasServedAndCountsAddUp() {
        for (String mode : List.of("rdb_off", "rdb_on", "aof_everysec")) {
            for (String client : List.of("jedis", "lettuce")) {
                double scheduled = ScriptRun.metric(metrics, mode, client, "scheduled");
                double ok = ScriptRun.metric(metrics, mode, client, "ok");
                double errors = ScriptRun.metric(metrics, mode, client, "errors");
                double unfinished = ScriptRun.metric(metrics, mode, client, "unfinished");
                assertTrue(scheduled > 0 && ok > 0, mode + "/" + client);
                assertEquals(scheduled, ok + errors + unfinished, mode + "/" + client + ": requests do not add up");
                assertTrue(errors + unfinished < scheduled / 2, mode + "/" + client + ": most SETs failed"); // timeouts on a loaded machine are possible
                assertTrue(ScriptRun.metric(metrics, mode, client, "response_time_p99") > 0);
                assertEquals(ok, ScriptRun.metric(metrics, mode, client, "response_time_count"));
            }
        }
    }

    @Test
    void csvSchemasAndNoServerLeft() {
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(metrics.get(0).keySet()));
        assertEquals(List.of("scenario", "test", "client", "t_s", "ok", "errors", "p50_ms", "p99_ms", "max_ms"),
                List.copyOf(ScriptRun.csv(dir.resolve("timeline.csv")).get(0).keySet()));
        assertEquals(List.of("scenario", "test", "client", "op", "percentile", "value_ns", "count_at_or_below"),
                List.copyOf(ScriptRun.csv(dir.resolve("spectra.csv")).get(0).keySet()));
        assertTrue(ScriptRun.ownServers().isEmpty(), "lab Redis left running: " + ScriptRun.ownServers());
    }

    @Test
    void refusesAServerItDidNotStart(@TempDir Path other) {
        ScriptRun.Outcome o = ScriptRun.inProcess("Q3_persistence", "--quick", "--out", other.toString(), "--redis-url", "redis://127.0.0.1:6379");
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
        String err = o.stderr().strip();
        assertTrue(err.startsWith("error: ") && !err.contains("\n"), "expected one error line, got: " + err);
        assertTrue(!Files.exists(other.resolve("metrics.csv")));
    }

    @Test
    void unknownModeIsOneLine(@TempDir Path other) {
        ScriptRun.Outcome o = ScriptRun.inProcess("Q3_persistence", "--quick", "--out", other.toString(), "--modes", "rdb_sometimes");
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
        assertTrue(o.stderr().strip().startsWith("error: unknown mode"), o.stderr());
    }

}
