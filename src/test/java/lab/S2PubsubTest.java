package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 2 end to end on a spawned Redis: every message accounted for, the reconnection really exercised. */
class S2PubsubTest {

    static final List<String> CLIENTS = List.of("jedis", "lettuce");

    @Test
    void quickRunAccountsForEveryMessageAndReallyReconnects(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("S2_pubsub", "--quick", "--messages", "40", "--seconds", "2", "--ramp-max", "400",
                "--redis-backend", "binary", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, "ran to the end: " + o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));

        for (String client : CLIENTS) {
            assertEquals(40, ScriptRun.metric(rows, "basic", client, "published"), client);
            for (String test : List.of("basic", "high_frequency", "reconnect")) {
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
            assertEquals(1, ScriptRun.metric(rows, "reconnect", client, "resubscribe_count"), client + ": one measured resubscription");
            // the controls (A publishes, C is never killed) lose nothing
            assertEquals(0, ScriptRun.metric(rows, "reconnect", client, "lost_C"), client);
            double lat = ScriptRun.metric(rows, "basic", client, "propagation_p99");
            assertTrue(lat > 0 && lat < 60_000, client + ": propagation p99 is a plausible time in ms: " + lat);
        }
        // criteria rows recompute from their values
        rows.stream().filter(r -> !r.get("criterion").isEmpty()).forEach(r ->
                assertEquals(Criterion.valueOf(r.get("criterion")).evaluate(Double.parseDouble(r.get("value"))).name(), r.get("status"), r.toString()));
        assertTrue(rows.stream().anyMatch(r -> r.get("test").equals("reconnect") && r.get("criterion").equals("PUBSUB_LOSS_PCT")));
        // loss is a zero-count criterion: the count with the 95 % upper bound on the rate it allows
        rows.stream().filter(r -> r.get("criterion").equals("PUBSUB_LOSS_PCT")).forEach(r -> {
            assertTrue(r.get("interval").startsWith("clopper-pearson-95"), r.toString());
            assertTrue(Double.parseDouble(r.get("ci_high")) > Double.parseDouble(r.get("value")), "upper bound above the count: " + r);
        });
        List<Map<String, String>> ramp = ScriptRun.csv(dir.resolve("ramp.csv"));
        assertFalse(ramp.isEmpty());
        for (Map<String, String> r : ramp) assertTrue(Double.parseDouble(r.get("published")) > 0, r.toString());
        List<Map<String, String>> kills = ScriptRun.csv(dir.resolve("reconnects.csv"));
        assertEquals(2, kills.size());
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
