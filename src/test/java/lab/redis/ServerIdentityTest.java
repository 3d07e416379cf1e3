package lab.redis;

import lab.*;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which server answers (INFO server), --server choosing the local binary, and the one-line errors around it. */
public class ServerIdentityTest {

    /** valkey-server is installed by .ci/run; elsewhere its absence skips the tests that start one. */
    public static void assumeValkey() {
        boolean installed = Processes.onPath("valkey-server") != null;
        if (!"true".equals(System.getenv("CI"))) Assumptions.assumeTrue(installed, "valkey-server not installed (README: Valkey beside Redis)");
        assertTrue(installed, "CI installs valkey-server (.ci/run)");
    }

    @Test
    void identifiesEachServerFromItsInfoFields() {
        // Redis: no server_name; its version is redis_version
        assertEquals(new RedisServer.Identity("redis", "7.0.15", "7.0.15"), RedisServer.identify(Map.of("redis_version", "7.0.15", "redis_mode", "standalone")));
        // Valkey 8.0: a frozen redis_version for compatibility, its own name and version beside it
        RedisServer.Identity v = RedisServer.identify(Map.of("redis_version", "7.2.4", "server_name", "valkey", "valkey_version", "8.0.1"));
        assertEquals(new RedisServer.Identity("valkey", "8.0.1", "7.2.4"), v);
        assertEquals("valkey 8.0.1", v.label());
        assertEquals("Valkey 8.0.1", v.title());
        assertEquals(new RedisServer.Identity("dragonfly", "1.25.1", "7.4.0"),
                RedisServer.identify(Map.of("redis_version", "7.4.0", "dragonfly_version", "df-v1.25.1")));
        assertEquals("KeyDB 6.3.4", RedisServer.identify(Map.of("redis_version", "6.3.4", "executable", "/usr/local/bin/keydb-server")).title());
        assertEquals("unknown", RedisServer.identify(Map.of()).version());
    }

    @Test
    void redisServerIsDetectedAsRedis() {
        try (RedisServer s = RedisServer.provision(RedisProvisioningTest.opts("binary", null), RedisServer.Needs.none())) {
            assertEquals("redis", s.serverName());
            assertEquals(s.version(), s.serverVersion());
            assertTrue(s.title().startsWith("Redis "), s.title());
        }
    }

    @Test
    void serverValkeyStartsValkeyServerAndDetectsIt() {
        assumeValkey();
        CommonOptions o = RedisProvisioningTest.opts("binary", null);
        o.server = CommonOptions.Server.valkey;
        try (RedisServer s = RedisServer.provision(o, RedisServer.Needs.none().config("maxmemory", "10mb"))) {
            assertEquals("valkey", s.serverName());
            assertTrue(s.serverVersion().matches("\\d+\\.\\d+\\.\\d+"), s.serverVersion());
            assertTrue(s.describe().contains("valkey-server"), s.describe());
            assertEquals("10485760", s.configGet("maxmemory"));
            assertTrue(RedisBenchmark.toolName(s) != null);
            if (Processes.onPath("valkey-benchmark") != null) assertEquals("valkey-benchmark", RedisBenchmark.toolName(s));
        }
    }

    @Test
    void aNamedServerThatTurnsOutToBeAnotherIsAnErrorAndIsNotLeftRunning() {
        try (RedisServer redis = RedisServer.provision(RedisProvisioningTest.opts("binary", null), RedisServer.Needs.none())) {
            CommonOptions o = RedisProvisioningTest.opts("auto", redis.url());
            o.server = CommonOptions.Server.valkey;
            LabException e = assertThrows(LabException.class, () -> RedisServer.provision(o, RedisServer.Needs.none()));
            assertTrue(e.getMessage().startsWith("--server valkey but the server is Redis "), e.getMessage());
            // without --server a URL may be any server: recorded as what it is
            try (RedisServer any = RedisServer.provision(RedisProvisioningTest.opts("auto", redis.url()), RedisServer.Needs.none())) {
                assertEquals("redis", any.serverName());
            }
        }
    }

    @Test
    void missingValkeyIsOneLineSayingHowToInstallItExit2(@TempDir Path dir) {
        // a PATH without valkey-server (java is started by absolute path)
        ScriptRun.Outcome o = ScriptRun.subprocess(60, Map.of("PATH", "/nonexistent", "LAB_SERVER", "valkey"), "S1_basic",
                "--quick", "--redis-backend", "binary", "--out", dir.toString());
        assertEquals(Lab.EXIT_ERROR, o.exitCode(), o.stdout());
        String err = o.stdout().strip();
        assertEquals(1, err.lines().filter(l -> l.startsWith("error: ")).count(), err);
        assertTrue(err.contains("error: valkey-server is not on the PATH") && err.contains("bookworm-backports valkey-server valkey-tools")
                && err.contains("--redis-image valkey/valkey:"), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        assertEquals(Lab.EXIT_ERROR, ScriptRun.inProcess("S1_basic", "--server", "dragonfly").exitCode(), "not a server the lab starts");
    }

    @Test
    void s1OnValkeyRecordsValkeyAndUsesValkeyBenchmark(@TempDir Path dir) {
        assumeValkey();
        ScriptRun.Outcome o = ScriptRun.inProcess("S1_basic", "--quick", "--ops", "60", "--ttl-samples", "3", "--server", "valkey",
                "--redis-backend", "binary", "--out", dir.toString());
        assertTrue(o.exitCode() == Lab.EXIT_PASS || o.exitCode() == Lab.EXIT_FAIL, o.all());
        assertTrue(o.all().contains("Valkey "), "console names the server: " + o.all());
        Map<String, String> meta = new HashMap<>();
        ScriptRun.csv(dir.resolve("run.csv")).forEach(r -> meta.put(r.get("key"), r.get("value")));
        assertEquals("valkey", meta.get("server_name"));
        assertTrue(meta.get("server_version").matches("\\d+\\.\\d+\\.\\d+"), meta.toString());
        assertNotNull(meta.get("redis_version"), "the compatibility version stays recorded");
        assertTrue(meta.get("redis_server").contains("valkey-server"), meta.get("redis_server"));
        if (Processes.onPath("valkey-benchmark") != null) {
            assertEquals("valkey-benchmark", meta.get("benchmark_tool"));
            var rows = ScriptRun.csv(dir.resolve("metrics.csv"));
            assertTrue(ScriptRun.metric(rows, "reference", "valkey-benchmark", "get_p50") > 0);
        }
    }
}
