package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import lab.pg.ChunkApi;
import lab.pg.ChunkTable;
import lab.pg.Postgres;
import lab.pg.TieredCache;
import java.util.Set;
import java.util.stream.Collectors;
import lab.redis.RedisProvisioningTest;
import lab.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 4 (graceful degradation) end to end against a Redis and a PostgreSQL the lab spawns; plus the
 * API's answers to bad input and the one-line error for an unreachable PostgreSQL (edge case 3 and deep
 * question 1: E3ThunderingHerdTest, Q1WarmingTest). No timing assertions: the machine is shared.
 */
class S4DegradationTest {

    private Set<Long> before;

    @BeforeEach
    void serversOfOthers() {
        before = ScriptRun.labServers().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** Lab servers that are ours (children of this JVM) or orphans (re-parented to init); other runs' live servers are not. */
    @AfterEach
    void nothingLeftBehind() {
        long me = ProcessHandle.current().pid();
        List<String> left = ScriptRun.labServers().stream()
                .filter(p -> !before.contains(p.pid()))
                .filter(p -> p.parent().map(pp -> pp.pid() == me || pp.pid() == 1).orElse(true))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?") + " " + state(p.pid())).toList();
        assertEquals(List.of(), left, "no redis-server or postgres of the lab may outlive a run");
    }

    static String state(long pid) {
        try {
            return java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("State")).findFirst().orElse("");
        } catch (Exception e) {
            return "gone";
        }
    }

    /**
     * Every criterion row carries its interval. A zero count (5xx, uncaught exceptions) is judged on the count
     * summed over the trials; any other criterion on its trials: trials.csv holds one value per trial, and the
     * row's median, interval and verdict are what lab.Trials and lab.Verdict make of them.
     */
    static void tidy(List<Map<String, String>> rows, List<Map<String, String>> trials, int expectedTrials) {
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        List<Map<String, String>> judged = rows.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertFalse(judged.isEmpty());
        for (Map<String, String> r : judged) {
            ScriptRun.assertInterval(r);
            Criterion c = Criterion.valueOf(r.get("criterion"));
            double value = Double.parseDouble(r.get("value"));
            assertEquals(expectedTrials, ScriptRun.trialCount(trials, r), "one value per trial: " + r);
            if (r.get("interval").startsWith("clopper-pearson")) {
                assertEquals(value == 0 ? "PASS" : "FAIL", r.get("status"), r.toString());
                continue;
            }
            double[] values = trials.stream().filter(t -> t.get("test").equals(r.get("test")) && t.get("client").equals(r.get("client"))
                    && t.get("metric").equals(r.get("metric"))).mapToDouble(t -> Double.parseDouble(t.get("value"))).toArray();
            Trials.Estimate e = Trials.of(values);
            assertEquals(e.median(), value, 1e-6 * Math.max(1, Math.abs(value)), r.toString());
            assertEquals(Verdict.judge(c, e).status().name(), r.get("status"), r.toString());
        }
    }

    @Test
    void redisReallyDiesAndTheApiServesEveryRequestThenRecovers(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("S4_degradation", "--quick", "--out", dir.toString(), "--chunks", "150",
                "--up-seconds", "2", "--down-seconds", "3", "--recovery-max-seconds", "20", "--tier-reads", "200",
                "--hung-seconds", "3", "--resumed-seconds", "2", "--breaker-variants-ms", "100");
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, "ran to the end: " + o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        tidy(rows, ScriptRun.csv(dir.resolve("trials.csv")), 2);
        for (String client : List.of("jedis", "lettuce")) {
            // start-up with Redis dead: every request answered 200 from PostgreSQL, bad input answered 4xx
            double probes = ScriptRun.metric(rows, "startup_redis_down", client, "requests");
            assertEquals(probes, ScriptRun.metric(rows, "startup_redis_down", client, "http_200"), client);
            assertTrue(ScriptRun.metric(rows, "startup_redis_down", client, "served_from_l3") > 0, client);
            assertEquals(404, ScriptRun.metric(rows, "startup_redis_down", client, "unknown_id_status"), client);
            assertEquals(400, ScriptRun.metric(rows, "startup_redis_down", client, "malformed_id_status"), client);
            assertTrue(ScriptRun.metric(rows, "startup_redis_down", client, "startup_ms") > 0, client);
            // Redis killed under load: no 5xx, no failed request, the breaker opened and skipped calls
            assertEquals(0, ScriptRun.metric(rows, "redis_down", client, "http_5xx_or_failed"), client);
            assertEquals(ScriptRun.metric(rows, "redis_down", client, "scheduled"), ScriptRun.metric(rows, "redis_down", client, "ok"), client);
            assertTrue(ScriptRun.metric(rows, "redis_down", client, "breaker_opened") >= 1, client + " breaker opened");
            assertTrue(ScriptRun.metric(rows, "redis_down", client, "l2_rejected_by_breaker") > 0, client + " calls skipped by the open breaker");
            // Redis back: the breaker closed and L2 served again; the reconnect is timed from the server's first
            // PONG to the first L2 hit, and its components (breaker wait, client reconnect) fit inside it
            assertTrue(ScriptRun.metric(rows, "recovery", client, "breaker_closed") >= 1, client + " breaker closed");
            reconnectComponentsInOrder(rows, client);
            assertEquals(Criterion.RECONNECT_MS.name(), criterion(rows, "recovery", client, "reconnect_ms"), client + ": the plan's auto-reconnect is judged here");
            assertEquals(0, ScriptRun.metric(rows, "all_phases", client, "uncaught_exceptions"), client);
            assertEquals(0, ScriptRun.metric(rows, "all_phases", client, "http_5xx"), client);
            // Redis frozen (SIGSTOP): calls really hung (some paid the client timeout: a dead Redis refuses at
            // once), the breaker opened, every request still got a 200; after SIGCONT L2 served again
            assertTrue(ScriptRun.metric(rows, "hung", client, "paused_ms") > 0, client);
            assertTrue(ScriptRun.metric(rows, "hung", client, "l2_calls_paid_timeout") >= 1, client + " no L2 call waited: Redis was not frozen");
            assertTrue(ScriptRun.metric(rows, "hung", client, "breaker_opened") >= 1, client + " breaker opened while frozen");
            assertTrue(ScriptRun.metric(rows, "hung", client, "l2_rejected_by_breaker") > 0, client);
            assertEquals(0, ScriptRun.metric(rows, "hung", client, "http_5xx_or_failed"), client);
            assertEquals(0, ScriptRun.metric(rows, "hung", client, "http_5xx"), client);
            assertTrue(ScriptRun.metric(rows, "hung", client, "scheduled") > 0, client);
            assertEquals(ScriptRun.metric(rows, "hung", client, "scheduled"), ScriptRun.metric(rows, "hung", client, "ok"), client);
            assertEquals(ScriptRun.metric(rows, "hung_resumed", client, "scheduled"), ScriptRun.metric(rows, "hung_resumed", client, "ok"), client);
            assertTrue(ScriptRun.metric(rows, "hung_resumed", client, "breaker_closed") >= 1, client + " breaker closed after SIGCONT");
            assertFalse(Double.isNaN(ScriptRun.metric(rows, "hung_resumed", client, "first_l2_hit_at_s")), client + " L2 hit after SIGCONT");
            assertTrue(ScriptRun.metric(rows, "hung_resumed", client, "breaker_wait_ms") <= ScriptRun.metric(rows, "hung_resumed", client, "reconnect_ms"), client);
            // a P99 made by the lab's L2 timeout says so, with the timeout as its value
            if (has(rows, "hung", client, "response_time_p99_set_by_l2_timeout_ms")) {
                assertEquals(250, ScriptRun.metric(rows, "hung", client, "response_time_p99_set_by_l2_timeout_ms"), client);
                assertTrue(ScriptRun.metric(rows, "hung", client, "response_time_p99") >= 0.9 * 250, client + " set by the timeout, so at least 90 % of it");
            }
            // the L2 link silently partitioned: no reset, the calls in flight paid the timeout, the breaker opened,
            // every request was still answered 200; the fault was recorded with its start and end
            assertTrue(ScriptRun.metric(rows, "partitioned", client, "partition_ms") > 0, client);
            assertTrue(ScriptRun.metric(rows, "partitioned", client, "scheduled") > 0, client);
            assertEquals(ScriptRun.metric(rows, "partitioned", client, "scheduled"), ScriptRun.metric(rows, "partitioned", client, "ok"), client);
            assertEquals(0, ScriptRun.metric(rows, "partitioned", client, "http_5xx_or_failed"), client);
            assertEquals(Criterion.DEGRADED_5XX.name(), criterion(rows, "partitioned", client, "http_5xx_or_failed"), client);
            assertEquals(Criterion.DEGRADED_LATENCY_MS.name(), criterion(rows, "partitioned", client, "response_time_p99"), client);
            assertTrue(ScriptRun.metric(rows, "partitioned", client, "l2_calls_paid_timeout") >= 1, client + " no L2 call waited: the link was not cut");
            assertTrue(ScriptRun.metric(rows, "partitioned", client, "breaker_opened") >= 1, client + " breaker opened while partitioned");
            assertTrue(ScriptRun.metric(rows, "partitioned", client, "l2_rejected_by_breaker") > 0, client);
            assertTrue(ScriptRun.metric(rows, "partition_healed", client, "healed_at_s") > ScriptRun.metric(rows, "partition_healed", client, "partitioned_at_s"), client);
            assertEquals(ScriptRun.metric(rows, "partition_healed", client, "scheduled"), ScriptRun.metric(rows, "partition_healed", client, "ok"), client);
            for (String m : List.of("breaker_wait_ms", "first_l2_ok_ms", "first_l2_hit_ms", "l2_hit_rate_80pct_s", "breaker_closed")) {
                assertTrue(has(rows, "partition_healed", client, m), client + " " + m);
            }
            // the fast-probe breaker variant: its own rows, the same reconnect components, reported without a verdict
            String variant = client + "-open100ms";
            assertEquals(100, ScriptRun.metric(rows, "recovery", variant, "breaker_open_ms"), variant);
            assertEquals(1000, ScriptRun.metric(rows, "recovery", client, "breaker_open_ms"), client);
            reconnectComponentsInOrder(rows, variant);
            assertTrue(ScriptRun.metric(rows, "hung", variant, "scheduled") > 0, variant);
            assertEquals(0, ScriptRun.metric(rows, "hung", variant, "http_5xx_or_failed"), variant);
            assertTrue(rows.stream().filter(r -> r.get("client").equals(variant)).allMatch(r -> r.get("criterion").isEmpty()), variant + " rows are not judged");
        }
        List<Map<String, String>> faults = ScriptRun.csv(dir.resolve("faults.csv"));
        // one partition per client and trial (quick: 2 trials); the breaker variants have none
        assertEquals(4, faults.stream().filter(f -> f.get("fault").equals("partition") && f.get("direction").equals("both")).count(), faults.toString());
        faults.forEach(f -> assertFalse(f.get("ended_utc").isEmpty(), "healed: " + f));
        Map<String, String> run = ScriptRun.csv(dir.resolve("run.csv")).stream().collect(Collectors.toMap(r -> r.get("key"), r -> r.get("value")));
        assertEquals("4", run.get("faults"), run.toString());
        assertEquals("2", run.get("trials"), run.toString());
        assertTrue(run.containsKey("network_rtt_p50_ms"), "the L2 link's path measured");
        // the timeline shows the three phases, and while Redis is dead nothing comes from L2
        List<Map<String, String>> tl = ScriptRun.csv(dir.resolve("degradation_timeline.csv"));
        for (String client : List.of("jedis", "lettuce")) {
            List<Map<String, String>> mine = tl.stream().filter(r -> r.get("client").equals(client)).toList();
            assertEquals(List.of("up", "down", "recovery", "hung", "resumed", "partitioned", "healed"), mine.stream().map(r -> r.get("phase")).distinct().toList(), client);
            assertEquals(List.of("up", "down", "recovery", "hung", "resumed"),
                    tl.stream().filter(r -> r.get("client").equals(client + "-open100ms")).map(r -> r.get("phase")).distinct().toList(), client);
            assertTrue(mine.stream().anyMatch(r -> r.get("phase").equals("partitioned") && !r.get("breaker_state").equals("CLOSED")), client + " breaker not closed while partitioned");
            long upL2 = mine.stream().filter(r -> r.get("phase").equals("up")).mapToLong(r -> Long.parseLong(r.get("l2_hits"))).sum();
            assertTrue(upL2 > 0, client + ": L2 served before the kill (L1 does not absorb everything)");
            List<Map<String, String>> down = mine.stream().filter(r -> r.get("phase").equals("down")).toList();
            assertTrue(down.size() >= 3, client);
            down.subList(1, down.size()).forEach(r -> assertEquals("0", r.get("l2_hits"), client + " L2 hit while Redis is dead: " + r));
            assertTrue(down.stream().mapToLong(r -> Long.parseLong(r.get("l3_served"))).sum() > 0, client);
            assertTrue(down.stream().anyMatch(r -> r.get("breaker_state").equals("OPEN")), client);
            assertTrue(mine.stream().anyMatch(r -> r.get("phase").equals("hung") && !r.get("breaker_state").equals("CLOSED")), client + " breaker not closed while frozen");
        }
        List<Map<String, String>> bt = ScriptRun.csv(dir.resolve("breaker_transitions.csv"));
        assertTrue(bt.stream().anyMatch(r -> r.get("to").equals("OPEN")) && bt.stream().anyMatch(r -> r.get("to").equals("CLOSED")));
        double l1 = ScriptRun.metric(rows, "tiers", "direct", "l1_read_p50"), l3 = ScriptRun.metric(rows, "tiers", "direct", "l3_read_p50");
        assertTrue(l1 > 0 && l3 > 0 && ScriptRun.metric(rows, "tiers", "jedis", "l2_read_p50") > 0);
        noNetworkPathLeft();
    }

    /** Server up (first PONG) <= first L2 hit; the breaker's wait and the client's reconnect each within the total. */
    static void reconnectComponentsInOrder(List<Map<String, String>> rows, String client) {
        double up = ScriptRun.metric(rows, "recovery", client, "server_up_at_s"), hit = ScriptRun.metric(rows, "recovery", client, "first_l2_hit_at_s");
        assertFalse(Double.isNaN(hit), client + " L2 hit after restart");
        assertTrue(up <= hit, client + ": server up " + up + " s after the first L2 hit " + hit + " s");
        double total = ScriptRun.metric(rows, "recovery", client, "reconnect_ms");
        assertTrue(total >= 0, client);
        double breaker = ScriptRun.metric(rows, "recovery", client, "breaker_wait_ms"), reconnect = ScriptRun.metric(rows, "recovery", client, "client_reconnect_ms");
        assertTrue(breaker >= 0 && breaker <= total, client + ": breaker wait " + breaker + " ms vs total " + total + " ms");
        assertTrue(reconnect >= 0 && reconnect <= total, client + ": client reconnect " + reconnect + " ms vs total " + total + " ms");
        assertTrue(ScriptRun.metric(rows, "recovery", client, "server_up_ms") >= 0, client);
    }

    static boolean has(List<Map<String, String>> rows, String test, String client, String metric) {
        return rows.stream().anyMatch(r -> r.get("test").equals(test) && r.get("client").equals(client) && r.get("metric").equals(metric));
    }

    /** The criterion judging test/client/metric ("" when only INFO rows have that name: FixedRate.report writes some of the same names). */
    static String criterion(List<Map<String, String>> rows, String test, String client, String metric) {
        assertTrue(has(rows, test, client, metric), "no metric " + test + "/" + client + "/" + metric);
        return rows.stream().filter(r -> r.get("test").equals(test) && r.get("client").equals(client) && r.get("metric").equals(metric))
                .map(r -> r.get("criterion")).filter(c -> !c.isEmpty()).findFirst().orElse("");
    }

    /** Every network path of the run closed: none of its threads (lab-net-*) is alive once the script returned. */
    static void noNetworkPathLeft() {
        List<String> alive = List.of();
        for (int i = 0; i < 50; i++) { // a closed path's threads end as their sockets close: give them a moment
            alive = Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("lab-net-")).map(Thread::getName).toList();
            if (alive.isEmpty()) return;
            Lab.sleepMillis(100);
        }
        fail("network path threads still alive after the run: " + alive);
    }

    @Test
    void badInputGets4xxNeverA500AndRedisDownAtStartIsServed() throws Exception {
        CommonOptions opts = RedisProvisioningTest.opts("binary", null);
        try (RedisServer redis = RedisServer.provision(opts, RedisServer.Needs.none().faults());
             Postgres pg = Postgres.provision(opts, Postgres.Backend.binary);
             ChunkTable table = ChunkTable.create(pg, "s4test", 20, 4)) {
            redis.kill(); // the API must start and serve without it
            TieredCache.Config cfg = new TieredCache.Config(10, Duration.ofSeconds(1), 60, Duration.ofSeconds(1), false);
            try (ChunkApi api = ChunkApi.start("jedis", redis, table, cfg, "lab:S4test:", 250, 0, 4)) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                Map<String, Integer> expected = Map.of("/chunks/7", 200, "/chunks/21", 404, "/chunks/0", 404, "/chunks/abc", 400,
                        "/chunks/-1", 400, "/chunks/1.5", 400, "/chunks/99999999999999999999", 400, "/chunks/", 400, "/chunks/7/x", 400, "/nope", 404);
                for (var e : expected.entrySet()) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.base().resolve(e.getKey())).GET().build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(e.getValue(), r.statusCode(), e.getKey() + " -> " + r.body());
                }
                HttpResponse<String> ok = http.send(HttpRequest.newBuilder(api.base().resolve("/chunks/7")).GET().build(), HttpResponse.BodyHandlers.ofString());
                ChunkTable.Chunk c = ChunkTable.parse(ok.body().getBytes());
                assertEquals(7, c.id());
                assertArrayEquals(ChunkTable.synthetic(7).embedding(), c.embedding(), "embedding survives PostgreSQL and JSON bit-exact");
                HttpResponse<String> post = http.send(HttpRequest.newBuilder(api.base().resolve("/chunks/7")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(405, post.statusCode());
                assertEquals(0, api.uncaught.sum());
                assertTrue(api.cache().l3Served.sum() >= 1, "served from PostgreSQL while Redis is dead");
                assertEquals(0, api.cache().l2Hits.sum());
            }
        }
    }

    @Test
    void anUnreachablePgUrlIsAOneLineErrorAndExit2(@TempDir Path dir) {
        for (String url : List.of("jdbc:postgresql://127.0.0.1:1/lab?user=lab", "postgres://nope")) {
            ScriptRun.Outcome o = ScriptRun.inProcess("Q1_warming", "--quick", "--pg-url", url, "--out", dir.toString());
            assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
            String err = o.stderr().lines().filter(l -> l.startsWith("error:")).findFirst().orElse("");
            assertTrue(err.contains("PostgreSQL"), o.stderr());
            assertFalse(o.stderr().contains("\tat "), "no stack trace: " + o.stderr());
        }
        ScriptRun.Outcome o = ScriptRun.inProcess("S4_degradation", "--pg-backend", "nonsense");
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
    }
}
