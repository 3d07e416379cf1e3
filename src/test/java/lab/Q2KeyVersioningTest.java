package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deep question 2 on a spawned Redis: versioned readers never see the other schema; unversioned ones do. */
class Q2KeyVersioningTest {

    static final List<String> READERS = List.of("v1-strict", "v1-lenient", "v2-strict", "v2-lenient");

    @TempDir static Path dir;
    static ScriptRun.Outcome run;
    static List<Map<String, String>> rows;

    @BeforeAll
    static void runOnce() {
        run = ScriptRun.inProcess("Q2_key_versioning", "--quick", "--keys", "400", "--instances", "2", "--out", dir.toString());
        rows = ScriptRun.csv(dir.resolve("metrics.csv"));
    }

    @Test
    void versionedKeysPassAndNoServerIsLeft() {
        assertEquals(Lab.EXIT_PASS, run.exitCode(), run.all());
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        assertTrue(ScriptRun.ownServers().isEmpty(), "a Redis started by this run is still running: " + ScriptRun.ownServers());
    }

    @Test
    void versionedReadersNeverDeserializeTheOtherSchema() {
        for (String r : READERS) {
            int own = r.startsWith("v1") ? 1 : 2, other = 3 - own;
            assertEquals(0, m("compat_versioned", r, "written_v" + other + "_wrong") + m("compat_versioned", r, "written_v" + other + "_failed"), r);
            assertTrue(m("compat_versioned", r, "written_v" + other + "_miss") > 0, r + ": the other version is a miss");
            assertTrue(m("compat_versioned", r, "written_v" + own + "_ok") > 0, r);
            // unversioned: strict readers fail on the other schema, lenient ones decode it wrongly
            String bad = r.endsWith("strict") ? "_failed" : "_wrong";
            assertEquals(m("compat_unversioned", r, "written_v" + own + "_ok"), m("compat_unversioned", r, "written_v" + other + bad), r);
        }
    }

    @Test
    void rollingDeployCountsAddUp() {
        List<Map<String, String>> t = ScriptRun.csv(dir.resolve("rolling.csv"));
        assertEquals(List.of("scenario", "scheme", "window", "v2_instances", "requests", "hit_rate_pct", "misses", "failed", "wrong", "l3_loads"),
                List.copyOf(t.get(0).keySet()));
        for (Map<String, String> r : t) {
            long misses = l(r, "misses"), failed = l(r, "failed"), wrong = l(r, "wrong");
            assertEquals(misses + failed, l(r, "l3_loads"), r.toString());
            double hits = Double.parseDouble(r.get("hit_rate_pct")) / 100 * l(r, "requests");
            assertEquals(l(r, "requests"), Math.round(hits) + misses + failed + wrong, r.toString());
            if (r.get("scheme").equals("versioned")) assertEquals(0, failed + wrong, r.toString());
            if (l(r, "v2_instances") == 0) assertEquals(0, failed + wrong, "no mixed schemas before the deploy: " + r);
        }
        assertTrue(m("rolling", "unversioned-lenient", "wrong_reads_served") > 0);
        assertTrue(m("rolling", "unversioned-strict", "failed_reads") > 0);
        assertTrue(m("rolling", "versioned", "l3_loads_from_deploy_on") > 0, "the new namespace starts cold");
    }

    /**
     * Both criterion rows are zero counts out of the reads really made (compat: 4 readers x 2 x 200 keys;
     * rolling: 10 windows of 200 reads with 2 instances), bounded by Clopper-Pearson, never a bare 0.
     */
    @Test
    void wrongReadsAreAZeroCountOutOfTheReads() {
        List<Map<String, String>> criteria = rows.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertEquals(2, criteria.size(), criteria.toString());
        Map<String, Long> reads = Map.of("compat", 4L * 2 * 200, "rolling", 10L * 200);
        for (Map<String, String> r : criteria) {
            assertEquals("VERSIONED_WRONG_READS", r.get("criterion"));
            assertEquals("versioned", r.get("client"));
            assertEquals("PASS", r.get("status"), r.toString());
            assertEquals(0, Double.parseDouble(r.get("value")), r.toString());
            long n = reads.get(r.get("test"));
            assertEquals("clopper-pearson-95 of " + n, r.get("interval"), r.toString());
            assertEquals(0, Double.parseDouble(r.get("ci_low")), r.toString());
            assertEquals(Verdict.upperBound(0, n) * n, Double.parseDouble(r.get("ci_high")), 1e-5, r.toString());
            assertTrue(m(r.get("test"), "versioned", "wrong_plus_failed_rate_upper95") > 0, r.toString());
        }
        assertEquals(4 * 2 * 200, m("compat", "versioned", "reads"));
        assertEquals(10 * 200, m("rolling", "versioned", "requests"));
        Csv.metrics(dir.resolve("metrics.csv")); // every stored verdict re-derives
    }

    @Test
    void invalidationRemovesExactlyTheOldVersion() {
        assertEquals(400, m("invalidation_400", "jedis", "keys_removed"));
        assertTrue(m("invalidation_400", "jedis", "keyspace_scanned") >= 800);
    }

    static double m(String test, String client, String metric) {
        return ScriptRun.metric(rows, test, client, metric);
    }

    static long l(Map<String, String> r, String col) {
        return Long.parseLong(r.get(col));
    }

}
