package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edge case 2 on a spawned Redis: the cut really happens, every invalidation is accounted for, the mitigations are judged. */
class E2PartitionTest {

    @Test
    void aCutSubscriberMissesEveryInvalidationAndOnlyTheUnmitigatedL1ServesStaleReads(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("E2_partition", "--quick", "--faults", "kill", "--cut-seconds", "1", "--observe-seconds", "0.5",
                "--redis-backend", "binary", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, "ran to the end: " + o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        for (String client : List.of("jedis", "lettuce")) {
            for (String variant : List.of("none", "version_check", "flush_on_reconnect")) {
                String what = client + " " + variant;
                assertTrue(ScriptRun.metric(rows, variant, client, "disconnects") >= 1, what + ": the cut killed a connection");
                double published = ScriptRun.metric(rows, variant, client, "published");
                assertEquals(12, published, what);
                for (String node : List.of("B", "C")) {
                    assertEquals(published, ScriptRun.metric(rows, variant, client, "received_" + node) + ScriptRun.metric(rows, variant, client, "lost_" + node), what + " " + node);
                }
                // B was really cut off for the whole window (held-off reconnect), C never was
                assertEquals(published, ScriptRun.metric(rows, variant, client, "lost_B"), what + ": B heard nothing while cut");
                assertEquals(0, ScriptRun.metric(rows, variant, client, "lost_C"), what + ": the control heard everything");
                assertTrue(ScriptRun.metric(rows, variant, client, "reads_after_reconnect") > 0, what);
                assertTrue(ScriptRun.metric(rows, variant, client, "resubscribed_after_heal") >= 0, what);
            }
            // without mitigation the L1 of the cut instance serves what it missed; with either mitigation it does not
            assertTrue(ScriptRun.metric(rows, "none", client, "stale_reads_after_reconnect") > 0, client + ": unmitigated stale reads are measured, not assumed away");
            assertEquals(ScriptRun.metric(rows, "none", client, "stale_keys"), ScriptRun.metric(rows, "none", client, "still_stale_at_end"), client);
            assertTrue(ScriptRun.metric(rows, "flush_on_reconnect", client, "l1_flushes_B") >= 1, client + ": the flush ran on resubscribe");
        }
        rows.stream().filter(r -> r.get("criterion").equals("STALE_READS_MITIGATED")).forEach(r ->
                assertEquals(Criterion.STALE_READS_MITIGATED.evaluate(Double.parseDouble(r.get("value"))).name(), r.get("status"), r.toString()));
        assertEquals(4, rows.stream().filter(r -> r.get("criterion").equals("STALE_READS_MITIGATED")).count());
        // each verdict is a zero count out of the reads B served after it was back, with its Clopper-Pearson bound
        for (String client : List.of("jedis", "lettuce")) {
            for (String variant : List.of("version_check", "flush_on_reconnect")) {
                assertZeroCountOutOf(rows, variant, client, "stale_reads_after_reconnect", ScriptRun.metric(rows, variant, client, "reads_after_reconnect"));
            }
        }
        Csv.metrics(dir.resolve("metrics.csv")); // every stored verdict re-derives from its row
        assertTrue(ScriptRun.ownServers().isEmpty(), "no server left behind");
    }

    /** The criterion row of a zero count: its denominator is {@code outOf} (> 0), its interval a 95 % Clopper-Pearson bound, never NaN. */
    static void assertZeroCountOutOf(List<Map<String, String>> rows, String test, String client, String metric, double outOf) {
        Map<String, String> r = rows.stream().filter(x -> x.get("test").equals(test) && x.get("client").equals(client) && x.get("metric").equals(metric)
                && x.get("criterion").equals("STALE_READS_MITIGATED")).findFirst().orElseThrow(() -> new AssertionError("no criterion row " + test + "/" + client + "/" + metric));
        String what = test + "/" + client + "/" + metric;
        assertTrue(outOf > 0, what + ": B read something in the observed window");
        assertEquals("clopper-pearson-95 of " + (long) outOf, r.get("interval"), what);
        assertFalse(r.get("ci_low").equals("NaN") || r.get("ci_high").equals("NaN"), what + ": " + r);
        assertTrue(Double.parseDouble(r.get("ci_high")) >= Double.parseDouble(r.get("value")) && Double.parseDouble(r.get("ci_high")) > 0, what + ": the upper bound is at or above the count: " + r);
        assertEquals(r.get("value").equals("0") ? "PASS" : "FAIL", r.get("status"), what);
    }

    @Test
    void aSilentPartitionIsNotNoticedWithoutAHeartbeatAndItsTimingIsRecorded(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("E2_partition", "--quick", "--faults", "partition", "--clients", "jedis",
                "--partition-seconds", "4", "--observe-seconds", "0.5", "--redis-backend", "binary", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, "ran to the end: " + o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        for (String m : List.of("none", "version_check", "flush_on_reconnect", "heartbeat")) {
            String test = "partition_4s:" + m;
            assertEquals(12, ScriptRun.metric(rows, test, "jedis", "invalidations_published"), test);
            // every invalidation is accounted for: on time, late (after the heal) or never
            assertEquals(12, ScriptRun.metric(rows, test, "jedis", "invalidations_on_time") + ScriptRun.metric(rows, test, "jedis", "invalidations_late")
                    + ScriptRun.metric(rows, test, "jedis", "invalidations_never"), test);
            assertEquals(0, ScriptRun.metric(rows, test, "jedis", "invalidations_on_time"), test + ": nothing crosses a partition");
            assertTrue(ScriptRun.metric(rows, test, "jedis", "partition_ms") >= 4000, test);
            assertEquals(1, ScriptRun.metric(rows, test, "jedis", "server_kept_frozen_subscriber"), test + ": silent, so the server kept the connection");
        }
        // nothing tells the client without a heartbeat: no reconnect, the L1 serves what it missed
        assertEquals(0, ScriptRun.metric(rows, "partition_4s:none", "jedis", "noticed"));
        assertEquals(0, ScriptRun.metric(rows, "partition_4s:none", "jedis", "reconnects_B"));
        assertTrue(ScriptRun.metric(rows, "partition_4s:none", "jedis", "stale_reads_during_partition") > 0);
        assertEquals(0, ScriptRun.metric(rows, "partition_4s:version_check", "jedis", "stale_reads_during_partition"));
        // 1 s interval, 2 s timeout: noticed 2-3 s into the partition, so a 4 s one is always noticed
        assertEquals(1, ScriptRun.metric(rows, "partition_4s:heartbeat", "jedis", "noticed"), "the heartbeat noticed");
        assertTrue(ScriptRun.metric(rows, "partition_4s:heartbeat", "jedis", "l1_flushes_B") >= 1);
        // the mitigated rows: zero counts out of the reads B served from the heal on; the unmitigated one is context only
        for (String m : List.of("version_check", "flush_on_reconnect", "heartbeat")) {
            String test = "partition_4s:" + m;
            assertZeroCountOutOf(rows, test, "jedis", "stale_reads_after_heal", ScriptRun.metric(rows, test, "jedis", "reads_after_heal"));
        }
        assertEquals(3, rows.stream().filter(r -> r.get("criterion").equals("STALE_READS_MITIGATED")).count());
        Csv.metrics(dir.resolve("metrics.csv"));
        // the fault and its timing
        List<Map<String, String>> faults = ScriptRun.csv(dir.resolve("faults.csv"));
        assertEquals(4, faults.stream().filter(f -> f.get("fault").equals("partition")).count(), faults.toString());
        for (Map<String, String> f : faults) {
            assertFalse(f.get("ended_utc").isEmpty(), "every partition ended: " + f);
            assertTrue(f.get("target").contains("-B-sub"), "only B's subscriber: " + f);
        }
        Map<String, String> run = new java.util.HashMap<>();
        ScriptRun.csv(dir.resolve("run.csv")).forEach(r -> run.put(r.get("key"), r.get("value")));
        assertEquals("4", run.get("faults"));
        assertTrue(run.get("fault_1").startsWith("partition "), run.toString());
        assertEquals("loopback", run.get("network_profile"));
        assertTrue(ScriptRun.ownServers().isEmpty(), "no server left behind");
    }
    @Test
    void tcpKeepaliveNoticesAKernelPartitionThatTheOsDefaultNeverNotices(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("E2_partition", "--quick", "--faults", "keepalive", "--partition-seconds", "2,6",
                "--observe-seconds", "3", "--redis-backend", "binary", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, "ran to the end: " + o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        String why = lab.redis.NamespacedRedis.unavailable(CommonOptions.Server.redis);
        assertEquals(why == null ? 1 : 0, ScriptRun.metric(rows, "keepalive_setup", "all", "kernel_partition_available"), o.all());
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, "kernel partition not available: " + why);

        String stated = "tcp keepalive (idle 1 s, interval 1 s, count 3)";
        String osDefault = lab.net.KeepAlive.osDefault().label();
        for (String client : List.of("jedis", "lettuce")) {
            for (String test : List.of("partition_2s:" + stated, "partition_6s:" + stated, "partition_2s:" + osDefault)) {
                String what = client + " " + test;
                assertEquals(12, ScriptRun.metric(rows, test, client, "invalidations_published"), what);
                assertEquals(12, ScriptRun.metric(rows, test, client, "invalidations_on_time") + ScriptRun.metric(rows, test, client, "invalidations_late")
                        + ScriptRun.metric(rows, test, client, "invalidations_never"), what + ": every invalidation accounted for");
                assertEquals(0, ScriptRun.metric(rows, test, client, "invalidations_on_time"), what + ": nothing crosses the kernel partition");
                assertTrue(ScriptRun.metric(rows, test, client, "stale_reads_during_partition") > 0, what + ": the L1 served what it missed");
            }
            // idle 1 s + 3 probes 1 s apart: the kernel gives up ~4 s into the partition, so within 6 s, never within 2 s
            String noticed = "partition_6s:" + stated;
            assertEquals(1, ScriptRun.metric(rows, noticed, client, "noticed"), client + ": keepalive noticed the 6 s partition");
            assertTrue(ScriptRun.metric(rows, noticed, client, "reconnects_B") >= 1, client + ": resubscribed after the heal");
            assertTrue(ScriptRun.metric(rows, noticed, client, "l1_flushes_B") >= 1, client + ": the flush on resubscribe fired");
            assertEquals(0, ScriptRun.metric(rows, "partition_2s:" + stated, client, "noticed"), client + ": a 2 s partition ends before the probes give up");
            for (String test : List.of("partition_2s:" + stated, noticed)) {
                assertZeroCountOutOf(rows, test, client, "stale_reads_after_heal", ScriptRun.metric(rows, test, client, "reads_after_heal"));
            }
            // the OS default (7200 s idle) never notices: the connection survives the partition, the late invalidations arrive
            String never = "partition_2s:" + osDefault;
            assertEquals(0, ScriptRun.metric(rows, never, client, "noticed"), client);
            assertEquals(0, ScriptRun.metric(rows, never, client, "reconnects_B"), client);
            assertEquals(1, ScriptRun.metric(rows, never, client, "server_kept_frozen_subscriber"), client + ": silent, so the server kept the connection");
            assertEquals(1, ScriptRun.metric(rows, never, client, "old_subscriber_connection_at_end"), client + ": the same connection carries on after the heal");
        }
        List<Map<String, String>> partition = ScriptRun.csv(dir.resolve("partition.csv"));
        assertEquals(6, partition.stream().filter(r -> r.get("mitigation").startsWith("tcp keepalive (")).count(), partition.toString());
        List<Map<String, String>> faults = ScriptRun.csv(dir.resolve("faults.csv"));
        assertEquals(6, faults.stream().filter(f -> f.get("fault").equals("kernel_partition")).count(), faults.toString());
        for (Map<String, String> f : faults) assertFalse(f.get("ended_utc").isEmpty(), "every partition ended: " + f);
        String mine = "labns-" + ProcessHandle.current().pid() + "-";
        assertTrue(lab.net.NetNamespace.labNamespaces().stream().noneMatch(n -> n.startsWith(mine)), "no namespace left: " + lab.net.NetNamespace.labNamespaces());
        assertTrue(ScriptRun.ownServers().isEmpty(), "no server left behind");
    }
}
