package lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lab.report.NetworkComparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network comparison (RESULTS.md "On a network", docs/results/network.md) on synthetic data folders
 * laid out as RunAll --networks writes them: rows per profile, "not measured" with the command for an
 * absent profile, the L3 / L2 ratio, the round trip and its tolerance, runs grouped by run.csv.
 */
class NetworkComparisonTest {

    /** An S1 run with GET/SET rows over 6 trials (interval), on a profile with the given measured added round trip. */
    static void s1(Path dir, String profile, double addedP50, boolean withinTolerance, double getP50) {
        Results r = new Results("S1_basic", dir);
        r.meta("mode", "full");
        r.meta("server_name", "redis");
        network(r, profile, addedP50, withinTolerance);
        double[] trials = {getP50 * 0.98, getP50 * 0.99, getP50, getP50, getP50 * 1.01, getP50 * 1.02};
        r.info("ops", "jedis", "get_p50", "ms", getP50 * 0.5); // S1's pooled INFO row under the judged row's name
        r.check("ops", "jedis", "get_p50", new Trials.Estimate(getP50, getP50 * 0.98, getP50 * 1.02, Trials.ORDER_STATISTIC, trials), Criterion.GET_P50_MS);
        r.check("ops", "lettuce", "get_p50", new Trials.Estimate(getP50 * 1.2, getP50 * 1.1, getP50 * 1.3, Trials.ORDER_STATISTIC, trials), Criterion.GET_P50_MS);
        r.check("ops", "jedis", "get_p99", new Trials.Estimate(getP50 * 3, getP50 * 2.5, getP50 * 3.5, Trials.ORDER_STATISTIC, trials), Criterion.GET_P99_MS);
        r.check("ops", "jedis", "set_p50", new Trials.Estimate(getP50, getP50 * 0.9, getP50 * 1.1, Trials.ORDER_STATISTIC, trials), Criterion.SET_P50_MS);
        r.finish();
    }

    static void network(Results r, String profile, double addedP50, boolean withinTolerance) {
        r.meta("network_profile", profile);
        if (profile.equals("loopback")) return;
        r.meta("network_rtt_target_ms", lab.net.NetworkProfile.valueOf(profile).addedRttTargetMillis());
        r.meta("network_rtt_pings", 400);
        r.meta("network_rtt_direct_p50_ms", 0.03);
        r.meta("network_rtt_p50_ms", 0.03 + addedP50);
        r.meta("network_rtt_p99_ms", 0.09 + addedP50);
        r.meta("network_added_rtt_p50_ms", addedP50);
        r.meta("network_added_rtt_p99_ms", addedP50 + 0.06);
        r.meta("network_rtt_within_tolerance", withinTolerance);
    }

    /** An S4 run with its tier reads: L2 and L3 P50 and the ratio. */
    static void s4(Path dir, String profile, double l2P50, double l3P50, String pgProfile) {
        Results r = new Results("S4_degradation", dir);
        r.meta("mode", "full");
        network(r, profile, profile.equals("zone") ? 1.01 : 0.25, true);
        if (pgProfile != null) r.meta("pg_network_profile", pgProfile);
        r.info("tiers", "direct", "l1_read_p50", "ms", 0.0008);
        r.info("tiers", "jedis", "l2_read_p50", "ms", l2P50);
        r.info("tiers", "direct", "l3_read_p50", "ms", l3P50);
        r.info("tiers", "direct", "l3_over_l2_p50", "ratio", l3P50 / l2P50);
        r.check("redis_down", "jedis", "http_5xx_or_failed", 0, Criterion.DEGRADED_5XX);
        r.finish();
    }

    @Test
    void profilesSideBySideWithIntervalsRatioAndWhatIsNotMeasured(@TempDir Path data) throws IOException {
        s1(data.resolve("S1_basic"), "loopback", 0, true, 0.054);
        s1(data.resolve("network/lan/S1_basic"), "lan", 0.251, true, 0.3);
        s4(data.resolve("S4_degradation"), "loopback", 0.057, 0.113, null);
        s4(data.resolve("network/lan/S4_degradation"), "lan", 0.32, 0.40, null);

        String md = NetworkComparison.section(data);
        assertTrue(md.startsWith("## On a network"), md);
        assertTrue(md.contains("| Quantity | Target | loopback | lan (+0.25 ms) | zone (+1 ms) |"), md);
        // the measured round trip, within tolerance; loopback has no proxy
        assertTrue(md.contains("| Added round trip P50 / P99 (measured) | profile ± 20 % at P50 | none (no proxy) | 0.251 / 0.311 ms ✅ | not measured |"), md);
        // S1's worst client with its interval, judged against the plan's target (lab.Criterion)
        assertTrue(md.contains("| S1 Get latency (P50), worst client | < 5 ms | 0.0648 [0.0594, 0.0702] ms ✅ (lettuce) | 0.36 [0.33, 0.39] ms ✅ (lettuce) | not measured |"), md);
        // L3 / L2 per profile, against the plan's 100x claim; lan's PostgreSQL was not behind the path
        assertTrue(md.contains("| S4 L3 / L2 at P50 (plan: L2 100× faster) | claim 100× | 1.982× | 1.25× | not measured |"), md);
        assertTrue(md.contains("| 0.4 ms † |") && md.contains("†: PostgreSQL was reached directly"), md);
        // zone absent; loopback and lan lack S3 and E4: the exact command that measures them, and where it writes
        assertTrue(md.contains("Not measured: loopback (S3_pool, E4_embedding_size); lan (S3_pool, E4_embedding_size); zone."), md);
        assertTrue(md.contains("`./jbang scripts/RunAll.java --networks loopback,lan,zone --only S1_basic,S3_pool,S4_degradation,E4_embedding_size`"), md);
        assertTrue(md.contains("loopback into `" + data.getFileName() + "/<script>/`, another profile into `" + data.getFileName() + "/network/<profile>/<script>/`"), md);
        assertTrue(md.contains("| S3 GET P99 at 100 req/s, worst client | < 20 ms | not measured | not measured | not measured |"), md);
        assertFalse(md.contains("*q*"), "full runs are not labelled quick: " + md);

        String page = NetworkComparison.page(data);
        assertTrue(page.contains("| S1_basic | lan | 0.25 ms | 0.251 ms | 0.311 ms | 0.03 ms | 0.281 / 0.341 ms | 400 | ✅ |"), page);
        assertTrue(page.contains("| ops | jedis | get_p50 | < 5 ms | 0.054 [0.0529, 0.0551] ms ✅ | 0.3 [0.294, 0.306] ms ✅ | not measured |"), "the judged row, not the pooled one: " + page);
        assertTrue(page.contains("| ops | jedis | get_p99 | < 20 ms | 0.162 [0.135, 0.189] ms ✅ | 0.9 [0.75, 1.05] ms ✅ | not measured |"), page);
        assertTrue(page.contains("| tiers | direct | l3_over_l2_p50 |  | 1.982 ratio | 1.25 ratio † | not measured |"), page);
        assertTrue(page.contains("### S3_pool\n\nNot measured on any profile."), page);
    }

    @Test
    void theRatioIsTheNetworksWhenPostgresIsBehindTheSamePathAndOffTargetRoundTripsAreFlagged(@TempDir Path data) throws IOException {
        s1(data.resolve("S1_basic"), "loopback", 0, true, 0.05);
        // a zone run whose proxy missed its target: flagged, not silently used
        s1(data.resolve("network/zone/S1_basic"), "zone", 1.6, false, 1.7);
        s4(data.resolve("network/zone/S4_degradation"), "zone", 1.1, 1.21, "zone");
        String md = NetworkComparison.section(data);
        assertTrue(md.contains("1.6 / 1.66 ms ⚠️ off target"), md);
        assertTrue(md.contains("| 1.21 ms |") && !md.contains("†"), "L3 behind the same round trip carries no mark: " + md);
        assertTrue(md.contains("| 1.1× |"), md);
        assertTrue(md.contains("Not measured: loopback (S3_pool, S4_degradation, E4_embedding_size); lan; zone (S3_pool, E4_embedding_size)."), md);
    }

    @Test
    void runsAreGroupedByTheirRunCsvAndQuickRunsAreLabelled(@TempDir Path data) throws IOException {
        s1(data.resolve("S1_basic"), "loopback", 0, true, 0.05);
        // a lan run left in a loopback-looking folder is still lan's; a quick run is labelled
        Path odd = data.resolve("elsewhere/S1_basic");
        s1(odd, "lan", 0.24, true, 0.3);
        Files.writeString(odd.resolve("run.csv"), Files.readString(odd.resolve("run.csv")).replace("mode,full", "mode,quick"));
        String md = NetworkComparison.section(data);
        assertTrue(md.contains("0.24 / 0.3 ms ✅ *q*"), md);
        assertTrue(md.contains("*q*: from a `--quick` run"), md);
        assertEquals(2, NetworkComparison.load(data).size());
    }

    @Test
    void noRunOfTheseScriptsGivesNoSectionAndTheReportWritesThePage(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        Results s2 = new Results("S2_pubsub", data.resolve("S2_pubsub"));
        s2.check("basic", "jedis", "propagation_p99", 1.2, Criterion.PUBSUB_P99_MS);
        s2.finish();
        assertEquals("", NetworkComparison.section(data));
        assertEquals("", NetworkComparison.page(data));

        s1(data.resolve("S1_basic"), "loopback", 0, true, 0.05);
        s1(data.resolve("network/zone/S1_basic"), "zone", 1.0, true, 1.1);
        ScriptRun.Outcome o = ScriptRun.inProcess("Report", "--data", data.toString(), "--out", dir.resolve("RESULTS.md").toString(), "--readme", "none");
        assertEquals(0, o.exitCode(), o.all());
        String results = Files.readString(dir.resolve("RESULTS.md"));
        assertTrue(results.contains("## On a network") && results.contains("(docs/results/network.md)"), results);
        String page = Files.readString(dir.resolve("docs/results/network.md"));
        assertTrue(page.startsWith("# On a network: every row per profile"), page);
        // the profile folders are not taken for scripts of the main report
        assertFalse(results.contains("## network") || Files.exists(dir.resolve("docs/results/network/S1_basic.md")), results);
    }
}
