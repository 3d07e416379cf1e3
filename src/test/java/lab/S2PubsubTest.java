package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 2 end to end on a spawned Redis: every message accounted for, the reconnection and the silent partition really exercised, every verdict on trials. */
class S2PubsubTest {

    static final List<String> CLIENTS = List.of("jedis", "lettuce");
    /** The quick run's silent partition (2 s). */
    static final String PARTITION = "partition_2s";
    /** The quick run's trials of tests 1 and 2, and its kills per client in test 3. */
    static final int TRIALS = 3, KILLS = 3;

    @Test
    void quickRunAccountsForEveryMessageAndReallyReconnects(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("S2_pubsub", "--quick", "--messages", "40", "--seconds", "2", "--ramp-max", "400",
                "--redis-backend", "binary", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, "ran to the end: " + o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));

        for (String client : CLIENTS) {
            assertEquals(40, ScriptRun.metric(rows, "basic", client, "published"), client);
            for (String test : List.of("basic", "high_frequency", "reconnect", PARTITION)) {
                double published = ScriptRun.metric(rows, test, client, "published");
                assertTrue(published > 0, client + " " + test + " published something");
                for (String node : List.of("A", "B", "C")) {
                    double received = ScriptRun.metric(rows, test, client, "received_" + node);
                    double lost = ScriptRun.metric(rows, test, client, "lost_" + node);
                    assertEquals(published, received + lost, client + " " + test + " " + node + ": received + lost == published");
                }
            }
            // the basic test evicts from L1 exactly the keys whose message arrived
            for (String node : List.of("A", "B", "C")) {
                assertEquals(ScriptRun.metric(rows, "basic", client, "received_" + node), ScriptRun.metric(rows, "basic", client, "evicted_" + node), client + " " + node);
            }
            // the reconnection path was exercised: a connection was killed on the server and came back
            assertTrue(ScriptRun.metric(rows, "reconnect", client, "disconnects") >= 1, client + ": no CLIENT KILL happened");
            assertTrue(ScriptRun.metric(rows, "reconnect", client, "reconnects_seen_by_client") >= 1, client + ": the client never reconnected");
            assertEquals(KILLS, ScriptRun.metric(rows, "reconnect", client, "resubscribe_count"), client + ": one measured resubscription per kill");
            // the controls (A publishes, C is never killed) lose nothing
            assertEquals(0, ScriptRun.metric(rows, "reconnect", client, "lost_C"), client);
            // the silent partition (quick: 2 s): every message published during it on time, late or lost
            double during = ScriptRun.metric(rows, PARTITION, client, "published_during_partition");
            assertTrue(during > 0, client + ": published during the partition");
            assertEquals(during, ScriptRun.metric(rows, PARTITION, client, "on_time_B") + ScriptRun.metric(rows, PARTITION, client, "late_B")
                    + ScriptRun.metric(rows, PARTITION, client, "lost_during_partition_B"), client + ": on time + late + lost == published during the partition");
            assertTrue(ScriptRun.metric(rows, PARTITION, client, "late_B") > 0, client + ": the frozen path really held B's messages back");
            assertTrue(ScriptRun.metric(rows, PARTITION, client, "partition_ms") >= 2000, client);
            // silent: nothing reset, so the server kept the subscriber and the client never made a new one
            assertEquals(0, ScriptRun.metric(rows, PARTITION, client, "server_dropped_subscriber"), client);
            assertEquals(0, ScriptRun.metric(rows, PARTITION, client, "resubscribed_on_server"), client);
            assertEquals(0, ScriptRun.metric(rows, PARTITION, client, "noticed"), client);
            assertEquals(0, ScriptRun.metric(rows, PARTITION, client, "lost_C"), client + ": the control on its own connection");
            double lat = ScriptRun.metric(rows, "basic", client, "propagation_p99");
            assertTrue(lat > 0 && lat < 60_000, client + ": propagation p99 is a plausible time in ms: " + lat);
        }
        // every stored verdict re-derives from its interval (or, for a zero count, from its value)
        Csv.metrics(dir.resolve("metrics.csv"));
        // every criterion row rests on trials: the median across 3 trials (kills) with its interval, every trial's
        // value in trials.csv, or a zero count over every message with its Clopper-Pearson bound (and, where the
        // test ran trials, each trial's loss in trials.csv)
        List<Map<String, String>> trials = ScriptRun.csv(dir.resolve("trials.csv"));
        List<Map<String, String>> criteria = rows.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertEquals(CLIENTS.size() * (2 * 2 + 2 + 1), criteria.size(), "per client: basic and high_frequency P99 and loss, reconnect time and loss, one partition's loss");
        for (Map<String, String> r : criteria) {
            String what = r.get("test") + "/" + r.get("client") + "/" + r.get("metric");
            assertTrue(!r.get("ci_low").equals("NaN") && !r.get("ci_high").equals("NaN") && !r.get("interval").isEmpty(), "interval: " + what);
            long perTrial = trials.stream().filter(x -> x.get("test").equals(r.get("test")) && x.get("client").equals(r.get("client"))
                    && x.get("metric").equals(r.get("metric"))).count();
            if (r.get("interval").startsWith("clopper-pearson")) {
                assertEquals(r.get("test").startsWith("partition_") ? 0 : TRIALS, perTrial, "a zero count's per-trial (per-kill) losses; a partition is one trial: " + what);
            } else {
                assertEquals(String.valueOf(TRIALS), r.get("trials"), what);
                assertEquals(Trials.MIN_MAX, r.get("interval"), what);
                assertEquals(TRIALS, perTrial, "every trial's value is in trials.csv (3 trials, 3 kills in --quick): " + what);
            }
        }
        for (String client : CLIENTS) {
            for (String test : List.of("basic", "high_frequency")) {
                assertTrue(criteria.stream().anyMatch(r -> r.get("test").equals(test) && r.get("client").equals(client) && r.get("metric").equals("propagation_p99")
                        && r.get("criterion").equals("PUBSUB_P99_MS") && r.get("trials").equals(String.valueOf(TRIALS))), test + " " + client + ": P99 judged on trials");
            }
            assertTrue(criteria.stream().anyMatch(r -> r.get("test").equals("reconnect") && r.get("client").equals(client) && r.get("metric").equals("resubscribe_ms")
                    && r.get("criterion").equals("PUBSUB_RECONNECT_MS") && r.get("trials").equals(String.valueOf(KILLS))), client + ": resubscription judged over the kills");
        }
        // both faults are judged with the same loss criterion
        for (String test : List.of("reconnect", PARTITION)) {
            for (String client : CLIENTS) {
                assertTrue(rows.stream().anyMatch(r -> r.get("test").equals(test) && r.get("client").equals(client) && r.get("metric").equals("loss_pct_B")
                        && r.get("criterion").equals("PUBSUB_LOSS_PCT")), test + " " + client);
            }
        }
        // loss is a zero-count criterion: the count with the 95 % upper bound on the rate it allows
        rows.stream().filter(r -> r.get("criterion").equals("PUBSUB_LOSS_PCT")).forEach(r -> {
            assertTrue(r.get("interval").startsWith("clopper-pearson-95"), r.toString());
            assertTrue(Double.parseDouble(r.get("ci_high")) > Double.parseDouble(r.get("value")), "upper bound above the count: " + r);
        });
        List<Map<String, String>> ramp = ScriptRun.csv(dir.resolve("ramp.csv"));
        assertFalse(ramp.isEmpty());
        for (Map<String, String> r : ramp) assertTrue(Double.parseDouble(r.get("published")) > 0, r.toString());
        List<Map<String, String>> kills = ScriptRun.csv(dir.resolve("reconnects.csv"));
        assertEquals(CLIENTS.size() * KILLS, kills.size());
        // the kills alternate between the clients: jedis lettuce, then lettuce jedis, ...
        assertEquals(List.of("jedis", "lettuce", "lettuce", "jedis", "jedis", "lettuce"), kills.stream().map(r -> r.get("client")).toList());
        List<Map<String, String>> parts = ScriptRun.csv(dir.resolve("partitions.csv"));
        assertEquals(CLIENTS, parts.stream().map(r -> r.get("client")).toList());
        for (Map<String, String> r : parts) {
            assertEquals(Double.parseDouble(r.get("published_during")), Double.parseDouble(r.get("on_time")) + Double.parseDouble(r.get("late"))
                    + Double.parseDouble(r.get("lost")), r.toString());
        }
        // the fault and its start and end, in faults.csv and run.csv: one partition per client, all healed, B's subscriber only
        List<Map<String, String>> faults = ScriptRun.csv(dir.resolve("faults.csv"));
        assertEquals(2, faults.size(), faults.toString());
        for (Map<String, String> f : faults) {
            assertEquals("partition", f.get("fault"));
            assertEquals("both", f.get("direction"));
            assertTrue(f.get("target").endsWith("-B-sub"), "only B's subscriber: " + f);
            assertFalse(f.get("started_utc").isEmpty() || f.get("ended_utc").isEmpty(), "started and healed: " + f);
        }
        Map<String, String> run = new java.util.HashMap<>();
        ScriptRun.csv(dir.resolve("run.csv")).forEach(r -> run.put(r.get("key"), r.get("value")));
        assertEquals("2", run.get("faults"));
        assertTrue(run.get("fault_1").startsWith("partition ") && run.get("fault_1").contains(" to "), run.get("fault_1"));
        assertEquals("[2000]", run.get("partition_ms"));
        // no network path left: its accept and connection threads are gone with it
        List<String> pathThreads = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("lab-net-")).toList();
        assertTrue(pathThreads.isEmpty(), "network path threads left: " + pathThreads);
        assertTrue(ScriptRun.ownServers().isEmpty(), "no server left behind: " + ScriptRun.ownServers());
    }


    @Test
    void badInputIsOneLineAndExit2() {
        ScriptRun.Outcome o = ScriptRun.inProcess("S2_pubsub", "--quick", "--clients", "redisson");
        assertEquals(Lab.EXIT_ERROR, o.exitCode());
        assertTrue(o.stderr().contains("unknown client 'redisson'"), o.stderr());
        assertFalse(o.stderr().contains("\tat "), "no stack trace");
    }
}
