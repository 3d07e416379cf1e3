package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every experiment script once on Valkey, quick, as a user runs it ({@code --quick --server valkey}):
 * it runs to its verdict (exit 0 or 1, never an error), records the server it measured, writes metrics,
 * and leaves no server behind. The scripts that kill, pause or reconfigure their own server are in it.
 * Skipped without valkey-server (failed under CI=true, where .ci/run installs it).
 */
@Tag("valkey")
class ValkeyMatrixTest {

    static Stream<String> scripts() throws Exception {
        return RunAllScripts.list().stream();
    }

    @ParameterizedTest(name = "{0} on valkey")
    @MethodSource("scripts")
    void runsOnValkeyAndRecordsIt(String script, @org.junit.jupiter.api.io.TempDir Path dir) {
        lab.redis.ServerIdentityTest.assumeValkey();
        ScriptRun.Outcome o = ScriptRun.inProcess(script, "--quick", "--server", "valkey", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, script + " on valkey ended in error: " + o.all());
        Map<String, String> meta = new HashMap<>();
        ScriptRun.csv(dir.resolve("run.csv")).forEach(r -> meta.put(r.get("key"), r.get("value")));
        assertEquals("valkey", meta.get("server_name"), script + " run.csv: " + meta);
        assertFalse(meta.getOrDefault("server_version", "").isEmpty(), script + " run.csv: " + meta);
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        assertFalse(rows.isEmpty(), script + " wrote no metrics");
    }

    @AfterEach
    void noServerLeft() {
        assertEquals(List.of(), ScriptRun.ownServers(), "servers left running");
    }

    /** The experiment scripts RunAll runs, found the same way. */
    static final class RunAllScripts {
        @SuppressWarnings("unchecked")
        static List<String> list() throws Exception {
            return (List<String>) Class.forName("RunAll").getDeclaredMethod("discover", Path.class).invoke(null, Path.of("scripts"));
        }
    }
}
