package lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RunAll: each script as its own JVM, summary table, report regenerated; bad selections are one-line errors. */
class RunAllTest {

    @Test
    void runsTheChosenScriptsAsSubprocessesThenTheReport(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("d");
        ScriptRun.Outcome o = ScriptRun.inProcess("RunAll", "--quick", "--out", root.toString(), "--only", "S1_basic");
        assertTrue(o.exitCode() == 0 || o.exitCode() == 1, o.all());
        assertTrue(o.stdout().contains("== RunAll — summary =="), o.stdout());
        assertTrue(o.stdout().lines().anyMatch(l -> l.startsWith("S1_basic") && (l.contains("PASS") || l.contains("FAIL"))), o.stdout());
        // the script's own exit code decides RunAll's
        String status = ScriptRun.csv(root.resolve("S1_basic/run.csv")).stream().filter(r -> r.get("key").equals("passed")).findFirst().orElseThrow().get("value");
        assertEquals(status.equals("true") ? 0 : 1, o.exitCode());
        assertTrue(Files.exists(root.resolve("S1_basic/metrics.csv")));
        String md = Files.readString(root.resolve("RESULTS.md"));
        assertTrue(md.contains("## S1_basic"), md);

        // --report-only regenerates without running anything
        ScriptRun.Outcome again = ScriptRun.inProcess("RunAll", "--report-only", "--out", root.toString());
        assertEquals(0, again.exitCode(), again.all());
        assertFalse(again.stdout().contains("summary"), again.stdout());
        assertTrue(again.stdout().contains("unchanged"), again.stdout());
    }

    @Test
    void serversMatrixInterleavesPerScriptAndTheReportComparesThem(@TempDir Path dir) throws Exception {
        lab.redis.ServerIdentityTest.assumeValkey();
        Path root = dir.resolve("d");
        ScriptRun.Outcome o = ScriptRun.inProcess("RunAll", "--quick", "--out", root.toString(), "--only", "S1_basic", "--servers", "redis,valkey");
        assertTrue(o.exitCode() == 0 || o.exitCode() == 1, o.all());
        assertTrue(o.stderr().indexOf("S1_basic [redis]") >= 0 && o.stderr().indexOf("S1_basic [redis]") < o.stderr().indexOf("S1_basic [valkey]"), o.stderr());
        for (var e : java.util.Map.of("S1_basic", "redis", "valkey/S1_basic", "valkey").entrySet()) {
            String server = ScriptRun.csv(root.resolve(e.getKey()).resolve("run.csv")).stream().filter(r -> r.get("key").equals("server_name"))
                    .findFirst().orElseThrow().get("value");
            assertEquals(e.getValue(), server, e.getKey());
        }
        String md = Files.readString(root.resolve("RESULTS.md"));
        assertTrue(md.contains("## Servers side by side") && md.contains("### The decision tree on each server"), md);
        assertTrue(md.contains("**Dragonfly: not measured on this machine.**"), md);
    }

    @Test
    void networksMatrixWritesEachProfileInItsFolderAndTheReportComparesThem(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("d");
        ScriptRun.Outcome o = ScriptRun.inProcess("RunAll", "--quick", "--out", root.toString(), "--only", "S1_basic", "--networks", "loopback,lan");
        assertTrue(o.exitCode() == 0 || o.exitCode() == 1, o.all());
        assertTrue(o.stderr().indexOf("S1_basic [loopback]") >= 0 && o.stderr().indexOf("S1_basic [loopback]") < o.stderr().indexOf("S1_basic [lan]"), o.stderr());
        // loopback where a plain run writes, lan one level down; each run.csv says which network it had
        for (var e : java.util.Map.of("S1_basic", "loopback", "network/lan/S1_basic", "lan").entrySet()) {
            var meta = ScriptRun.csv(root.resolve(e.getKey()).resolve("run.csv"));
            assertEquals(e.getValue(), meta.stream().filter(r -> r.get("key").equals("network_profile")).findFirst().orElseThrow().get("value"), e.getKey());
            assertEquals(e.getValue().equals("lan"), meta.stream().anyMatch(r -> r.get("key").equals("network_added_rtt_p50_ms")), e.getKey() + " records the measured round trip");
        }
        String md = Files.readString(root.resolve("RESULTS.md"));
        assertTrue(md.contains("## On a network") && md.contains("| Quantity | Target | loopback | lan (+0.25 ms) | zone (+1 ms) |"), md);
        assertTrue(md.contains("Not measured:") && md.contains("--networks loopback,lan,zone --only"), "S3, S4, E4 and zone are not measured here: " + md);
        String page = Files.readString(root.resolve("docs/results/network.md"));
        assertTrue(page.contains("| S1_basic | lan *q* | 0.25 ms |"), "the quick lan run's round trip, labelled quick: " + page);
        assertFalse(Files.exists(root.resolve("docs/results/network/S1_basic.md")), "a profile's folder is not a script of the main report");
    }

    @Test
    void networkFoldersFollowTheServerFolders() throws Exception {
        var outDir = Class.forName("RunAll").getDeclaredMethod("outDir", Path.class, CommonOptions.Server.class, lab.net.NetworkProfile.class, String.class);
        outDir.setAccessible(true);
        Path root = Path.of("ROOT");
        Object[][] cases = {
                {null, null, "ROOT/S1_basic"},
                {CommonOptions.Server.redis, lab.net.NetworkProfile.loopback, "ROOT/S1_basic"},
                {null, lab.net.NetworkProfile.lan, "ROOT/network/lan/S1_basic"},
                {CommonOptions.Server.redis, lab.net.NetworkProfile.zone, "ROOT/network/zone/S1_basic"},
                {CommonOptions.Server.valkey, null, "ROOT/valkey/S1_basic"},
                {CommonOptions.Server.valkey, lab.net.NetworkProfile.loopback, "ROOT/valkey/S1_basic"},
                {CommonOptions.Server.valkey, lab.net.NetworkProfile.zone, "ROOT/valkey/network/zone/S1_basic"}};
        for (Object[] c : cases) assertEquals(Path.of((String) c[2]), outDir.invoke(null, root, c[0], c[1], "S1_basic"), c[0] + " " + c[1]);
    }

    @Test
    void unknownScriptOrEmptySelectionIsAnError(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("RunAll", "--quick", "--out", dir.toString(), "--only", "S9_nothing");
        assertEquals(2, o.exitCode());
        assertTrue(o.stderr().contains("no script 'S9_nothing'"), o.stderr());
        ScriptRun.Outcome e = ScriptRun.inProcess("RunAll", "--out", dir.toString(), "--only", "S1_basic", "--skip", "S1_basic");
        assertEquals(2, e.exitCode());
        ScriptRun.Outcome r = ScriptRun.inProcess("RunAll", "--report-only", "--out", dir.resolve("none").toString());
        assertEquals(2, r.exitCode(), r.all());
        assertTrue(r.stderr().contains("report failed"), r.stderr());
    }

    @Test
    void discoversScriptsByFileNamePattern() throws Exception {
        var names = (java.util.List<?>) Class.forName("RunAll").getDeclaredMethod("discover", Path.class).invoke(null, Path.of("scripts"));
        assertTrue(names.contains("S1_basic"), names.toString());
        assertFalse(names.contains("Report"));
        assertFalse(names.contains("RunAll"));
        assertEquals("S1_basic", names.get(0));
    }
}
