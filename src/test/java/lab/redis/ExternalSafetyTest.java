package lab.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import lab.*;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

/**
 * A server the lab did not start: every script either runs without touching its owner's keys and
 * configuration, or refuses (exit 2) before writing. Plus the checks that cost nothing: an
 * unwritable --out, a tampered metrics row, a quick/full mix, and a server lost mid-run.
 */
class ExternalSafetyTest {

    /** Scripts that must refuse a server they did not start: they fault, reconfigure or fill it. */
    static final Set<String> LAB_SERVER_ONLY = Set.of("S3_pool", "S4_degradation", "S5_eviction", "Q3_persistence");

    static final Map<String, String> WATCHED_CONFIG = new TreeMap<>();
    static RedisServer.SpawnedRedis user;

    @BeforeAll
    static void userServer() {
        // the user's server: password, 64 MB, allkeys-lru (the repository's docker-compose.yml is configured so too)
        Map<String, String> config = new LinkedHashMap<>();
        config.put("requirepass", "user-secret");
        config.put("maxmemory", "64mb");
        config.put("maxmemory-policy", "allkeys-lru");
        user = RedisServer.SpawnedRedis.start(Backend.binary, Processes.onPath("redis-server"), config);
        try (Jedis j = user.admin()) {
            for (int i = 0; i < 50; i++) j.set("chunk:" + i, "user value " + i); // names a careless script might use
            j.set("important", "do not lose me");
            j.set("v1:chunk:1", "old schema");
            j.setex("session:1", 3600, "with a TTL");
            j.setex("session:2", 7200, "with another TTL");
            j.hset("profile:1", Map.of("name", "Ada", "role", "admin"));
            for (String k : List.of("maxmemory", "maxmemory-policy", "save", "appendonly")) WATCHED_CONFIG.put(k, j.configGet(k).get(k));
        }
    }

    @AfterAll
    static void stop() {
        if (user != null) user.close();
    }

    /** Every experiment script, as RunAll finds them. */
    static List<String> scripts() throws IOException {
        try (var files = Files.list(Path.of("scripts"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("[SEQX][0-9]+_.*\\.java"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
    }

    /** Every key with its value and TTL (ms), read without changing anything. */
    static Map<String, String> snapshot() {
        Map<String, String> m = new TreeMap<>();
        try (Jedis j = user.admin()) {
            for (String k : j.keys("*")) {
                String v = j.type(k).equals("hash") ? new TreeMap<>(j.hgetAll(k)).toString() : j.get(k);
                m.put(k, v);
            }
        }
        return m;
    }

    static Map<String, Long> ttls() {
        Map<String, Long> m = new TreeMap<>();
        try (Jedis j = user.admin()) {
            for (String k : j.keys("*")) m.put(k, j.pttl(k));
        }
        return m;
    }

    @Test
    void everyScriptLeavesTheUsersKeysAndConfigurationAlone(@TempDir Path tmp) throws IOException {
        Map<String, String> before = snapshot();
        Map<String, Long> ttlBefore = ttls();
        assertEquals(55, before.size());
        for (String script : scripts()) {
            ScriptRun.Outcome o = ScriptRun.inProcess(script, "--quick", "--redis-url", user.url(), "--out", tmp.resolve(script).toString());
            if (LAB_SERVER_ONLY.contains(script)) {
                assertEquals(Lab.EXIT_ERROR, o.exitCode(), script + " must refuse a server it did not start: " + o.all());
                assertTrue(o.stderr().contains("run it without --redis-url"), script + ": " + o.stderr());
            } else {
                // either it ran (0/1), or it refused before writing because its writes could evict (2, with the reason)
                assertTrue(o.exitCode() != Lab.EXIT_ERROR || o.stderr().contains("could make it evict keys that are not the lab's"),
                        script + " ended in an error: " + o.stderr());
            }
            assertFalse(o.all().contains("user-secret"), script + " printed the password");
            Map<String, String> after = snapshot();
            assertEquals(before, after, script + " changed, added or left keys on the user's server");
        }
        // TTLs still set and never lengthened
        Map<String, Long> ttlAfter = ttls();
        for (Map.Entry<String, Long> e : ttlBefore.entrySet()) {
            long now = ttlAfter.get(e.getKey());
            if (e.getValue() < 0) assertEquals(-1L, now, e.getKey() + " got a TTL");
            else assertTrue(now > 0 && now <= e.getValue(), e.getKey() + " TTL " + e.getValue() + " -> " + now);
        }
        try (Jedis j = user.admin()) {
            for (Map.Entry<String, String> e : WATCHED_CONFIG.entrySet()) assertEquals(e.getValue(), j.configGet(e.getKey()).get(e.getKey()), e.getKey());
        }
    }

    @Test
    void s5RefusesAServerItDidNotStartBeforeWriting(@TempDir Path tmp) {
        long dbsize;
        try (Jedis j = user.admin()) {
            dbsize = j.dbSize();
        }
        ScriptRun.Outcome o = ScriptRun.inProcess("S5_eviction", "--quick", "--redis-url", user.url(), "--out", tmp.toString());
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
        assertTrue(o.stderr().contains("runs only on a Redis the lab starts"), o.stderr());
        try (Jedis j = user.admin()) {
            assertEquals(dbsize, j.dbSize());
            assertEquals(0, j.keys("lab:*").size());
        }
    }

    @Test
    void evictionVerdicts() {
        long mb = 1L << 20;
        assertEquals(null, ExternalSafety.verdict(0, "allkeys-lru", 10 * mb, 0, 500 * mb), "no maxmemory: nothing is evicted");
        assertEquals(null, ExternalSafety.verdict(64 * mb, "noeviction", 60 * mb, 5, 500 * mb), "noeviction never evicts");
        assertEquals(null, ExternalSafety.verdict(64 * mb, "volatile-lru", 60 * mb, 0, 500 * mb), "volatile-* with no TTL key evicts only ours");
        assertNotNull(ExternalSafety.verdict(64 * mb, "volatile-lru", 60 * mb, 1, 500 * mb));
        assertEquals(null, ExternalSafety.verdict(64 * mb, "allkeys-lru", 1 * mb, 0, 2 * mb), "room enough");
        assertNotNull(ExternalSafety.verdict(64 * mb, "allkeys-lru", 1 * mb, 0, 32 * mb), "32 MB doubled does not fit in 63 MB");
        assertNotNull(ExternalSafety.verdict(64 * mb, "allkeys-lfu", 1 * mb, 0, -1), "undeclared volume on an evicting server");
    }

    @Test
    void wrongAndMissingPasswordsAreToldApart(@TempDir Path tmp) {
        String noPassword = "redis://127.0.0.1:" + user.port();
        ScriptRun.Outcome none = ScriptRun.inProcess("S1_basic", "--quick", "--redis-url", noPassword, "--out", tmp.toString());
        assertEquals(Lab.EXIT_ERROR, none.exitCode());
        assertTrue(none.stderr().contains("requires a password and none was given"), none.stderr());
        ScriptRun.Outcome wrong = ScriptRun.inProcess("S1_basic", "--quick", "--redis-url", "redis://:nope@127.0.0.1:" + user.port(), "--out", tmp.toString());
        assertEquals(Lab.EXIT_ERROR, wrong.exitCode());
        assertTrue(wrong.stderr().contains("refused the user name or password"), wrong.stderr());
        assertFalse(wrong.all().contains("nope"), "the password is never printed");
        ScriptRun.Outcome tls = ScriptRun.inProcess("S1_basic", "--quick", "--redis-url", "rediss://:user-secret@127.0.0.1:" + user.port(), "--out", tmp.toString());
        assertEquals(Lab.EXIT_ERROR, tls.exitCode());
        assertTrue(tls.stderr().contains("TLS handshake") && tls.stderr().contains("may not speak TLS"), tls.stderr());
    }

    @Test
    void anUnwritableOutputFolderFailsBeforeAnyMeasurement() throws IOException {
        for (String script : scripts()) {
            ScriptRun.Outcome o = ScriptRun.inProcess(script, "--quick", "--out", "/proc/forbidden");
            assertEquals(Lab.EXIT_ERROR, o.exitCode(), script + ": " + o.all());
            assertTrue(o.stderr().contains("cannot write results to /proc/forbidden: No such file or directory"), script + ": " + o.stderr());
            assertFalse(o.stderr().contains("] == "), script + " started a step before checking --out: " + o.stderr());
        }
        assertTrue(ScriptRun.ownServers().stream().allMatch(p -> p.pid() == user.pid()), "a server was started before --out was checked");
        ScriptRun.Outcome all = ScriptRun.inProcess("RunAll", "--quick", "--out", "/proc/forbidden", "--only", "S1_basic");
        assertEquals(Lab.EXIT_ERROR, all.exitCode(), all.all());
        assertTrue(all.stderr().contains("cannot write results to /proc/forbidden"), all.stderr());
        assertFalse(all.all().contains("[1/1]"), "RunAll started a script: " + all.all());
    }

    @Test
    void aQuickRunWithoutOutStaysOutOfData() {
        CommonOptions o = new CommonOptions();
        o.quick = true;
        if (System.getenv("LAB_OUT_ROOT") == null) assertEquals(Path.of("runs", "quick", "S1_basic"), o.outDir("S1_basic"));
        o.quick = false;
        if (System.getenv("LAB_OUT_ROOT") == null) assertEquals(Path.of("data", "S1_basic"), o.outDir("S1_basic"));
        assertEquals(Boolean.TRUE, new CommonOptions.EnvBoolean().convert("1"));
        assertEquals(Boolean.FALSE, new CommonOptions.EnvBoolean().convert("0"));
    }

    // ---------------------------------------------------------------- Report

    static Path run(Path data, String name, String mode, double getP99Millis) {
        Results r = new Results(name, data.resolve(name));
        r.meta("mode", mode);
        r.check("ops", "jedis", "get_p99", getP99Millis, Criterion.GET_P99_MS);
        r.info("ops", "jedis", "get_p50", "ms", 0.05);
        r.finish();
        return data.resolve(name).resolve("metrics.csv");
    }

    @Test
    void aTamperedStatusIsAnErrorNamingFileAndLine(@TempDir Path tmp) throws IOException {
        Path metrics = run(tmp.resolve("data"), "S1_basic", "full", 99);
        String text = Files.readString(metrics);
        assertTrue(text.contains(",99,20,<,FAIL,GET_P99_MS"), text);
        Files.writeString(metrics, text.replace(",99,20,<,FAIL,", ",99,20,<,PASS,"));
        ScriptRun.Outcome o = ScriptRun.inProcess("Report", "--data", tmp.resolve("data").toString(), "--out", tmp.resolve("R.md").toString());
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
        assertTrue(o.stderr().contains(metrics + " line 2") && o.stderr().contains("status PASS contradicts the value: 99 < 20 is FAIL"), o.stderr());

        Files.writeString(metrics, text.replace(",99,20,<,FAIL,", ",NaN,20,<,PASS,"));
        o = ScriptRun.inProcess("Report", "--data", tmp.resolve("data").toString(), "--out", tmp.resolve("R.md").toString());
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
        assertTrue(o.stderr().contains(metrics + " line 2") && o.stderr().contains("no value"), o.stderr());
    }

    @Test
    void extraColumnsAreToleratedAndOnlyPassFailIsRederived(@TempDir Path tmp) throws IOException {
        Path metrics = run(tmp, "S1_basic", "full", 5);
        List<String> lines = Files.readAllLines(metrics);
        StringBuilder b = new StringBuilder(lines.get(0) + ",source,note\n");
        for (String l : lines.subList(1, lines.size())) b.append(l).append(",1,2\n");
        b.append("S1_basic,ops,lettuce,get_p99,ms,,20,<,MISSING,GET_P99_MS,,,,,,\n");
        Files.writeString(metrics, b);
        List<Results.Row> rows = Csv.metrics(metrics);
        assertEquals(3, rows.size());
        assertEquals(Criterion.Status.PASS, rows.get(0).status());
        assertEquals(Criterion.Status.MISSING, rows.get(2).status());
        assertEquals(null, Criterion.contradiction(Criterion.Status.INFO, 99, "", ""));
        assertEquals(null, Criterion.contradiction(Criterion.Status.MISSING, Double.NaN, "<", "20"));
    }

    @Test
    void reportRefusesAMixOfQuickAndFullRuns(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        run(data, "S1_basic", "full", 5);
        run(data, "S2_pubsub", "quick", 5);
        ScriptRun.Outcome o = ScriptRun.inProcess("Report", "--data", data.toString(), "--out", tmp.resolve("R.md").toString(), "--charts", tmp.resolve("c").toString());
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
        assertTrue(o.stderr().contains("mixes quick runs (S2_pubsub"), o.stderr());
        o = ScriptRun.inProcess("Report", "--allow-quick", "--data", data.toString(), "--out", tmp.resolve("R.md").toString(), "--charts", tmp.resolve("c").toString());
        assertEquals(Lab.EXIT_PASS, o.exitCode(), o.all());
        assertTrue(Files.readString(tmp.resolve("R.md")).contains("**Quick runs**"));
    }

    // ---------------------------------------------------------------- losing the server

    @Test
    void aServerLostMidRunKeepsTheRowsMarksThemPartialAndLeavesNoKeys(@TempDir Path tmp) throws Exception {
        try (RedisServer.SpawnedRedis s = RedisServer.SpawnedRedis.start(Backend.binary, Processes.onPath("redis-server"), Map.of())) {
            AtomicBoolean paused = new AtomicBoolean();
            Thread saboteur = new Thread(() -> {
                // once S1 is in its TTL phase (its ops rows are recorded), freeze the server for 5 s
                try (Jedis j = s.admin()) {
                    long until = System.currentTimeMillis() + 120_000;
                    while (System.currentTimeMillis() < until
                            && j.scan(ScanParams.SCAN_POINTER_START, new ScanParams().match("lab:S1:*ttl:*").count(10_000)).getResult().isEmpty()) {
                        Thread.sleep(20);
                    }
                    Thread.sleep(300);
                    s.pause();
                    paused.set(true);
                    Thread.sleep(5000);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    s.resume();
                }
            });
            saboteur.start();
            ScriptRun.Outcome o = ScriptRun.inProcess("S1_basic", "--quick", "--clients", "jedis", "--ops", "200", "--ttl-samples", "400",
                    "--redis-url", s.url(), "--out", tmp.toString());
            saboteur.join();
            assertTrue(paused.get(), "the server was never paused");
            assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.all());
            String err = o.stderr();
            assertTrue(err.contains("lost " + s.title() + " at " + s.safeUrl()) && err.contains("in phase 'jedis: TTL expiry") && err.contains("(client jedis)"), err);
            Map<String, String> run = new LinkedHashMap<>();
            for (Map<String, String> r : ScriptRun.csv(tmp.resolve("run.csv"))) run.put(r.get("key"), r.get("value"));
            assertEquals("true", run.get("partial"));
            assertTrue(run.get("partial_phase").startsWith("jedis: TTL expiry"), run.toString());
            assertEquals("quick", run.get("mode"));
            List<Map<String, String>> rows = ScriptRun.csv(tmp.resolve("metrics.csv"));
            assertTrue(rows.stream().anyMatch(r -> r.get("metric").equals("get_p50")), "the SET/GET/DEL rows measured before are kept: " + rows);
            try (Jedis j = s.admin()) {
                assertEquals(0, j.dbSize(), "the run's keys are removed once the server answers again");
            }
        }
    }
}
