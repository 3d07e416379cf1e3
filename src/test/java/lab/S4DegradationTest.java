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
 * Scenario 4 (graceful degradation), edge case 3 (thundering herd) and deep question 1 (warming), end
 * to end against a Redis and a PostgreSQL the lab spawns; plus the API's answers to bad input and the
 * one-line error for an unreachable PostgreSQL. No timing assertions: the machine is shared.
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

    static void tidy(List<Map<String, String>> rows) {
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        rows.stream().filter(r -> !r.get("criterion").isEmpty()).forEach(r ->
                assertEquals(Criterion.valueOf(r.get("criterion")).evaluate(Double.parseDouble(r.get("value"))).name(), r.get("status"), r.toString()));
    }

    @Test
    void redisReallyDiesAndTheApiServesEveryRequestThenRecovers(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("S4_degradation", "--quick", "--out", dir.toString(), "--chunks", "150",
                "--up-seconds", "2", "--down-seconds", "3", "--recovery-max-seconds", "20", "--tier-reads", "200",
                "--hung-seconds", "3", "--resumed-seconds", "2");
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, "ran to the end: " + o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        tidy(rows);
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
            // Redis back: the breaker closed and L2 served again
            assertTrue(ScriptRun.metric(rows, "recovery", client, "breaker_closed") >= 1, client + " breaker closed");
            assertTrue(ScriptRun.metric(rows, "recovery", client, "reconnect_ms") > 0, client);
            assertFalse(Double.isNaN(ScriptRun.metric(rows, "recovery", client, "first_l2_hit_ms")), client + " L2 hit after restart");
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
            assertFalse(Double.isNaN(ScriptRun.metric(rows, "hung_resumed", client, "first_l2_hit_ms")), client + " L2 hit after SIGCONT");
        }
        // the timeline shows the three phases, and while Redis is dead nothing comes from L2
        List<Map<String, String>> tl = ScriptRun.csv(dir.resolve("degradation_timeline.csv"));
        for (String client : List.of("jedis", "lettuce")) {
            List<Map<String, String>> mine = tl.stream().filter(r -> r.get("client").equals(client)).toList();
            assertEquals(List.of("up", "down", "recovery", "hung", "resumed"), mine.stream().map(r -> r.get("phase")).distinct().toList(), client);
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
    }

    @Test
    void coalescingTurnsTheHerdIntoOneQueryCountedAtTheLoader(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("E3_thundering_herd", "--quick", "--rounds", "3", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        tidy(rows);
        assertEquals(1, ScriptRun.metric(rows, "herd", "coalesced", "db_queries_per_round_max"));
        assertEquals(3, ScriptRun.metric(rows, "herd", "coalesced", "db_queries_total"));
        assertTrue(ScriptRun.metric(rows, "herd", "uncoalesced", "db_queries_total") >= 3, "each uncoalesced round queried at least once");
        assertEquals(300, ScriptRun.metric(rows, "herd", "coalesced", "request_count"));
        List<Map<String, String>> rounds = ScriptRun.csv(dir.resolve("herd_rounds.csv"));
        assertEquals(6, rounds.size());
        rounds.stream().filter(r -> r.get("variant").equals("coalesced")).forEach(r -> {
            assertEquals("1", r.get("db_queries"), r.toString());
            assertTrue(Long.parseLong(r.get("coalesced_waits")) <= 99, "the leader does not wait on itself: " + r);
        });
    }

    @Test
    void warmingFillsRedisBeforeTheFirstRequest(@TempDir Path dir) {
        ScriptRun.Outcome o = ScriptRun.inProcess("Q1_warming", "--quick", "--sizes", "100", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, o.all());
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        tidy(rows);
        assertEquals(100, ScriptRun.metric(rows, "n100_warm", "jedis", "warmed"));
        assertEquals(0, ScriptRun.metric(rows, "n100_cold", "jedis", "warmed"));
        assertEquals(100, ScriptRun.metric(rows, "n100_warm", "jedis", "first_requests_hit_rate"));
        assertTrue(ScriptRun.metric(rows, "n100_cold", "jedis", "first_requests_hit_rate") < 100, "a cold start misses");
        assertEquals(1, rows.stream().filter(r -> r.get("criterion").equals("WARM_STARTUP_MS")).count());
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
