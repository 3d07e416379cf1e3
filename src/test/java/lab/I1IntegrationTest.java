package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import lab.async.BlockingCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Integration criteria (I1_integration) end to end, always in a JVM of its own (BlockHound is global to a
 * JVM and needs a JVM flag, so it never goes into the test JVM; run in-process, the script starts one): the rows exist, the API leaves no connection on the
 * server after shutdown, the detector's negative control is detected, and a real blocking call injected on
 * the event-loop path is counted (so the criterion can fail). No timing assertions.
 */
class I1IntegrationTest {

    /** The flag through the launcher's environment, so the script does not need to start itself again. */
    static final Map<String, String> FLAG = Map.of("JDK_JAVA_OPTIONS", BlockingCalls.JVM_FLAG);

    private Set<Long> before;

    @BeforeEach
    void serversOfOthers() {
        before = ScriptRun.labServers().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @AfterEach
    void nothingLeftBehind() {
        List<String> left = ScriptRun.labServers().stream().filter(p -> !before.contains(p.pid()))
                .filter(p -> p.parent().map(pp -> pp.pid() == 1 || pp.pid() == ProcessHandle.current().pid()).orElse(true))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
        assertEquals(List.of(), left, "no redis-server or postgres of the lab may outlive a run");
    }

    static List<Map<String, String>> row(List<Map<String, String>> rows, String test, String client, String metric) {
        return rows.stream().filter(r -> r.get("test").equals(test) && r.get("client").equals(client) && r.get("metric").equals(metric)).toList();
    }

    @Test
    void quickRunHasEveryRowClosesEveryConnectionAndDetectsTheControl(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.subprocess(600, FLAG, "I1_integration", "--quick", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, "ran to the end: " + o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        for (String client : List.of("jedis", "lettuce")) {
            for (String m : List.of("connections_at_startup", "connections_under_load", "client_threads_started")) {
                assertEquals(1, row(rows, "lifecycle", client, m).size(), client + " " + m);
            }
            Map<String, String> conns = row(rows, "lifecycle", client, "connections_after_shutdown").get(0);
            assertEquals("LIFECYCLE_CONNECTIONS_LEFT", conns.get("criterion"));
            assertEquals(0.0, Double.parseDouble(conns.get("value")), client + ": connections left on the server after shutdown");
            assertEquals("PASS", conns.get("status"));
            assertTrue(ScriptRun.metric(rows, "lifecycle", client, "connections_under_load") >= 1, client + ": the API used Redis");
            assertTrue(ScriptRun.metric(rows, "lifecycle", client, "client_threads_started") >= 1, client + ": the API's threads were seen");
            assertEquals("LIFECYCLE_THREADS_LEFT", row(rows, "lifecycle", client, "threads_left_after_shutdown").get(0).get("criterion"));
            // the faults were really done and the requests counted
            assertEquals("FAULT_REQUESTS_FAILED", row(rows, "faults", client, "http_5xx_or_failed").get(0).get("criterion"));
            assertEquals("UNCAUGHT_EXCEPTIONS", row(rows, "faults", client, "uncaught_exceptions").get(0).get("criterion"));
            assertTrue(ScriptRun.metric(rows, "faults", client, "requests") > 0, client);
            assertTrue(ScriptRun.metric(rows, "l2_corrupt", client, "l2_values_corrupted") > 0, client);
        }
        // the async path under the detector, with its negative control detected in the same run
        assertTrue(ScriptRun.metric(rows, "setup_check", "lettuce", "negative_control_on_event_loop") >= 1);
        assertTrue(ScriptRun.metric(rows, "setup_check", "lettuce", "negative_control_detected") >= 1, "the detector saw its control");
        Map<String, String> control = row(rows, "setup_check", "lettuce", "negative_control_detected").get(0);
        assertEquals("", control.get("criterion"), "the control is a set-up check, not a criterion");
        assertEquals("INFO", control.get("status"));
        assertEquals("EVENT_LOOP_BLOCKING_CALLS", row(rows, "load", "lettuce", "event_loop_blocking_calls").get(0).get("criterion"));
        assertTrue(ScriptRun.metric(rows, "load", "lettuce", "async_requests") > 0);
        assertTrue(row(rows, "load", "jedis", "event_loop_blocking_calls").isEmpty(), "jedis has no event loop");
        // every detection is in blocking_calls.csv, the control's among them
        List<Map<String, String>> calls = ScriptRun.csv(dir.resolve("blocking_calls.csv"));
        assertTrue(calls.stream().anyMatch(c -> c.get("phase").equals("lettuce:control") && c.get("method").contains("sleep")), calls.toString());
        // the rows are what lab.Decision reads as the plan's Integration table
        for (Criterion c : List.of(Criterion.LIFECYCLE_CONNECTIONS_LEFT, Criterion.LIFECYCLE_THREADS_LEFT, Criterion.EVENT_LOOP_BLOCKING_CALLS,
                Criterion.FAULT_REQUESTS_FAILED, Criterion.UNCAUGHT_EXCEPTIONS)) {
            assertTrue(Decision.gates(c), c + " is in the plan's Success Criteria");
            assertEquals(Decision.Category.STABILITY, Decision.category(c), c.name());
        }
    }

    @Test
    void aBlockingCallInjectedOnTheEventLoopPathIsCounted(@TempDir Path dir) {
        // in this JVM, which lacks the flag, as RunAll's classpath launcher and the Valkey matrix run it: the run goes on in a child JVM
        ScriptRun.Outcome o = ScriptRun.inProcess("I1_integration", "--quick", "--out", dir.toString(), "--clients", "lettuce", "--inject-blocking");
        assertEquals(Lab.EXIT_FAIL, o.exitCode(), o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        Map<String, String> r = row(rows, "load", "lettuce", "event_loop_blocking_calls").get(0);
        assertTrue(Double.parseDouble(r.get("value")) > 0, "the injected JDBC query on the event loop was counted: " + r);
        assertEquals("FAIL", r.get("status"));
        List<Map<String, String>> calls = ScriptRun.csv(dir.resolve("blocking_calls.csv"));
        assertTrue(calls.stream().anyMatch(c -> c.get("phase").equals("lettuce:load") && BlockingCalls.onEventLoop(new Thread(c.get("thread")))), calls.toString());
    }
}
