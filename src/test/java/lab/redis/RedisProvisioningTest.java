package lab.redis;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import lab.Backend;
import lab.CommonOptions;
import lab.LabException;
import lab.Processes;
import lab.ScriptRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Where Redis comes from, what the lab may do to it, and the one-line errors. */
public class RedisProvisioningTest {

    public static CommonOptions opts(String backend, String url) {
        CommonOptions o = new CommonOptions();
        o.redisBackend = Backend.valueOf(backend);
        o.redisUrl = url;
        o.redisImage = "redis:7.2-alpine";
        return o;
    }

    @Test
    void autoSkipsDockerWithoutAnEngineAndSpawnsTheLocalBinary() {
        try (RedisServer s = RedisServer.provision(opts("auto", null), RedisServer.Needs.none())) {
            Backend expected = Containers.dockerAvailable() ? Backend.container
                    : Processes.onPath("redis-server") != null ? Backend.binary : Backend.embedded;
            assertEquals(expected, s.backend());
            assertTrue(s.owned());
            assertEquals("127.0.0.1", s.host());
            assertNotEquals(6379, s.port(), "the lab never takes the shared default port");
            assertEquals("127.0.0.1", s.configGet("bind"));
        }
    }

    @Test
    void spawnedServerGetsTheConfigTheScenarioNeedsAndDiesOnClose() {
        RedisServer s = RedisServer.provision(opts("binary", null),
                RedisServer.Needs.none().config("maxmemory", "10mb").config("maxmemory-policy", "allkeys-lru"));
        long pid = ((RedisServer.SpawnedRedis) s).pid();
        assertEquals("10485760", s.configGet("maxmemory"));
        assertEquals("allkeys-lru", s.configGet("maxmemory-policy"));
        s.close();
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "redis-server " + pid + " still alive after close");
    }

    @Test
    void faultsOnAnOwnedServerAreReal() {
        try (RedisServer s = RedisServer.provision(opts("binary", null), RedisServer.Needs.none().faults())) {
            long before = ((RedisServer.SpawnedRedis) s).pid();
            int port = s.port();
            s.kill();
            assertThrows(LabException.class, () -> RedisServer.external(s.url(), RedisServer.Needs.none()));
            s.restart();
            assertEquals(port, s.port());
            assertNotEquals(before, ((RedisServer.SpawnedRedis) s).pid(), "a restart is a new process");
            try (var j = s.admin()) {
                assertEquals("PONG", j.ping());
            }
        }
    }

    @Test
    void externalUrlIsOnlyReadNeverFaulted() {
        // The machine's shared Redis (or any the user points at): used as is.
        RedisServer s = RedisServer.external("redis://127.0.0.1:6379", RedisServer.Needs.none());
        assertFalse(s.owned());
        assertEquals(Backend.url, s.backend());
        LabException e = assertThrows(LabException.class, s::kill);
        assertTrue(e.getMessage().contains("did not start"), e.getMessage());
        e = assertThrows(LabException.class, () -> RedisServer.external("redis://127.0.0.1:6379", RedisServer.Needs.none().faults()));
        assertTrue(e.getMessage().contains("never does to a server it did not start"), e.getMessage());
    }

    @Test
    void externalServerWithTheWrongConfigIsRefusedNotReconfigured() {
        try (RedisServer own = RedisServer.provision(opts("binary", null), RedisServer.Needs.none().config("maxmemory-policy", "noeviction"))) {
            LabException e = assertThrows(LabException.class, () -> RedisServer.external(own.url(),
                    RedisServer.Needs.none().config("maxmemory-policy", "allkeys-lru")));
            assertTrue(e.getMessage().contains("maxmemory-policy=noeviction"), e.getMessage());
            assertEquals("noeviction", own.configGet("maxmemory-policy"), "the lab must not have changed it");
        }
    }

    @Test
    void oneLineErrorsForUnreachableAndWrongPassword() {
        int port = Processes.freePort();
        LabException e = assertThrows(LabException.class, () -> RedisServer.external("redis://127.0.0.1:" + port, RedisServer.Needs.none()));
        assertTrue(e.getMessage().startsWith("cannot reach Redis at redis://127.0.0.1:" + port), e.getMessage());
        try (RedisServer secured = RedisServer.provision(opts("binary", null), RedisServer.Needs.none().config("requirepass", "s3cret"))) {
            String wrong = "redis://:wrong@127.0.0.1:" + secured.port();
            e = assertThrows(LabException.class, () -> RedisServer.external(wrong, RedisServer.Needs.none()));
            assertTrue(e.getMessage().contains("refused the user name or password"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong@"), "password must not be printed: " + e.getMessage());
            RedisServer right = RedisServer.external("redis://:s3cret@127.0.0.1:" + secured.port(), RedisServer.Needs.none());
            assertTrue(right.version().startsWith("7") || right.version().startsWith("6"));
        }
        e = assertThrows(LabException.class, () -> RedisServer.external("http//nonsense", RedisServer.Needs.none()));
        assertTrue(e.getMessage().startsWith("not a Redis URL"), e.getMessage());
    }

    @Test
    void embeddedFallbackIsRedis62AndSaysSo() {
        try (RedisServer s = RedisServer.provision(opts("embedded", null), RedisServer.Needs.none())) {
            assertEquals(Backend.embedded, s.backend());
            assertTrue(s.version().startsWith("6.2"), s.version());
        }
    }

    @Test
    void containerBackendWithoutDockerIsAClearError() {
        if (Containers.dockerAvailable()) return; // with an engine this path is the normal one
        LabException e = assertThrows(LabException.class, () -> RedisServer.provision(opts("container", null), RedisServer.Needs.none()));
        assertTrue(e.getMessage().contains("no Docker engine"), e.getMessage());
    }

    @AfterAll
    static void noServerLeft() {
        List<ProcessHandle> left = ScriptRun.ownServers();
        assertTrue(left.isEmpty(), "servers left: " + left);
    }
}
