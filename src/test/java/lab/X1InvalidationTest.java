package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mechanism comparison on a spawned Redis: every combination measured or marked MISSING, the books add up. */
class X1InvalidationTest {

    static final List<String> MECHANISMS = List.of("pubsub", "streams", "tracking", "tracking_bcast");

    @Test
    void everyCombinationIsMeasuredOrMarkedMissingAndEveryMessageIsAccountedFor(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("X1_invalidation", "--quick", "--messages", "20", "--seconds", "1", "--cut-seconds", "0.5",
                "--redis-backend", "binary", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, "ran to the end: " + o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        List<Map<String, String>> cmp = ScriptRun.csv(dir.resolve("comparison.csv"));
        assertEquals(List.of("mechanism", "client", "metric", "unit", "value", "status"), List.copyOf(cmp.get(0).keySet()));

        int measured = 0;
        for (String m : MECHANISMS) {
            for (String client : List.of("jedis", "lettuce")) {
                List<Map<String, String>> mine = cmp.stream().filter(r -> r.get("mechanism").equals(m) && r.get("client").equals(client)).toList();
                assertFalse(mine.isEmpty(), m + "/" + client + " has a row (measured or MISSING)");
                if (mine.stream().anyMatch(r -> r.get("status").equals("MISSING"))) continue;
                measured++;
                for (String phase : List.of("single", "rate", "cut", "after_cut")) {
                    String test = m + ":" + phase;
                    double published = ScriptRun.metric(rows, test, client, "published");
                    assertTrue(published > 0, test + " " + client);
                    List<String> nodes = phase.startsWith("cut") || phase.equals("after_cut") ? List.of("B") : List.of("B", "C");
                    for (String node : nodes) {
                        assertEquals(published, ScriptRun.metric(rows, test, client, "received_" + node) + ScriptRun.metric(rows, test, client, "lost_" + node),
                                test + " " + client + " " + node + ": received + lost == published");
                    }
                }
                assertTrue(ScriptRun.metric(rows, m + ":cut", client, "disconnects") >= 1, m + "/" + client + ": the cut killed a connection");
            }
        }
        assertTrue(measured >= 6, "pubsub, streams and tracking are measured for both clients: " + measured);

        // every criterion row rests on trials: the median of 3 per-trial P99s with its interval, or a zero count with its
        // Clopper-Pearson bound and each trial's loss in trials.csv
        List<Map<String, String>> trials = ScriptRun.csv(dir.resolve("trials.csv"));
        List<Map<String, String>> criteria = rows.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertEquals(2 * measured, criteria.size(), "a latency and a loss criterion per measured combination: " + criteria);
        for (Map<String, String> r : criteria) {
            String what = r.get("test") + "/" + r.get("client") + "/" + r.get("metric");
            ScriptRun.assertInterval(r);
            long perTrial = ScriptRun.trialCount(trials, r);
            assertEquals(3, perTrial, "every trial's value is in trials.csv (3 trials in --quick): " + what);
            if (r.get("metric").equals("loss_pct")) {
                assertTrue(r.get("interval").startsWith("clopper-pearson"), what);
                String test = r.get("test"), client = r.get("client");
                double lost = ScriptRun.metric(rows, test, client, "lost_B") + ScriptRun.metric(rows, test, client, "lost_C");
                double perTrialLost = trials.stream().filter(t -> t.get("test").equals(test) && t.get("client").equals(client) && t.get("metric").equals("lost_trials"))
                        .mapToDouble(t -> Double.parseDouble(t.get("value"))).sum();
                assertEquals(lost, perTrialLost, 1e-9, "the trials' lost counts add up to the books: " + what);
                assertTrue(r.get("interval").endsWith(" of " + Math.round(2 * ScriptRun.metric(rows, test, client, "published"))),
                        "lost out of every delivery sent (published x 2 receivers): " + what + " " + r.get("interval"));
            } else {
                assertEquals("propagation_p99", r.get("metric"), what);
                assertEquals("3", r.get("trials"), what);
                assertEquals(Trials.MIN_MAX, r.get("interval"), what);
            }
        }
        Csv.metrics(dir.resolve("metrics.csv")); // every stored verdict re-derives from its interval
        // Streams catch up after the cut, Pub/Sub cannot: the comparison must show the difference, not assume it
        for (String client : List.of("jedis", "lettuce")) {
            assertEquals(0, ScriptRun.metric(rows, "streams:cut", client, "lost_B"), client + " streams catch up from the last ID");
            assertEquals(ScriptRun.metric(rows, "pubsub:cut", client, "published"), ScriptRun.metric(rows, "pubsub:cut", client, "lost_B"), client + " pubsub loses the cut");
        }
        assertTrue(ScriptRun.ownServers().isEmpty(), "no server left behind");
    }
}
