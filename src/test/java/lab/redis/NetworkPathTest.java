package lab.redis;

import lab.*;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.net.NetworkPath;
import lab.net.NetworkProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** The network path: it forwards, it reports its own round trip consistently, its faults really happen, and it leaves nothing behind. */
class NetworkPathTest {

    static RedisServer redis;

    @BeforeAll
    static void start() {
        CommonOptions o = new CommonOptions();
        o.redisBackend = Backend.binary;
        redis = RedisServer.provision(o, RedisServer.Needs.none());
    }

    @AfterAll
    static void stop() {
        if (redis != null) redis.close();
    }

    static Jedis through(NetworkPath path, int socketTimeoutMillis, String name) {
        return new Jedis(new HostAndPort(path.host(), path.port()),
                redis.jedisConfig().clientName(name).socketTimeoutMillis(socketTimeoutMillis).build());
    }

    @Test
    void toleranceRuleIsTwentyPercentOfTheTarget() {
        assertTrue(NetworkPath.withinTolerance(0.25, 0.25));
        assertTrue(NetworkPath.withinTolerance(0.29, 0.25));
        assertFalse(NetworkPath.withinTolerance(0.31, 0.25));
        assertFalse(NetworkPath.withinTolerance(0.19, 0.25));
        assertFalse(NetworkPath.withinTolerance(41, 0.5), "a coarse timer's 41 ms for 0.5 ms is flagged");
    }

    @Test
    void lanPathForwardsAndItsToleranceFlagMatchesItsOwnMeasurement() {
        try (NetworkPath path = NetworkPath.start(NetworkProfile.lan, redis.host(), redis.port());
             Jedis j = through(path, 2000, "lab-test-net")) {
            j.set("lab:test:net:k", "v".repeat(100_000)); // larger than one chunk
            assertEquals("v".repeat(100_000), j.get("lab:test:net:k"));
            j.del("lab:test:net:k");
            NetworkPath.Rtt r = path.measure(300);
            assertEquals(0.25, r.targetMillis());
            assertTrue(r.addedP50Millis() > 0, "the path adds a round trip: " + r);
            assertEquals(Math.abs(r.addedP50Millis() - 0.25) <= 0.05, r.withinTolerance(), r.toString());
            Map<String, Object> m = r.meta();
            for (String k : List.of("network_profile", "network_rtt_target_ms", "network_rtt_p50_ms", "network_rtt_p99_ms", "network_added_rtt_p50_ms", "network_rtt_within_tolerance")) {
                assertTrue(m.containsKey(k), k);
            }
            assertEquals(String.valueOf(r.withinTolerance()), String.valueOf(m.get("network_rtt_within_tolerance")));
            assertSame(path.rtt(), path.rtt(), "measured once per path");
        }
    }

    @Test
    void aPartitionedPathStallsTheClientWithoutClosingItAndHealingLetsNewCommandsThrough() {
        try (NetworkPath path = NetworkPath.start(NetworkProfile.loopback, redis.host(), redis.port());
             Jedis j = through(path, 500, "lab-test-frozen")) {
            j.set("lab:test:net:frozen", "1");
            NetworkPath.Fault f = path.partition("lab-test-frozen", NetworkPath.named("lab-test-frozen"), NetworkPath.Direction.both);
            assertThrows(JedisConnectionException.class, () -> j.get("lab:test:net:frozen"), "a GET through a frozen path times out");
            // silent: the proxy did not close it, and the server still has the client
            assertEquals(1, path.connections().stream().filter(c -> "lab-test-frozen".equals(c.name())).count());
            assertTrue(redis.admin().clientList().contains("name=lab-test-frozen"), "the server still lists the frozen client");
            f.end();
            assertNotNull(f.endedAt());
            assertEquals(List.of(f), path.faults());
            try (Jedis fresh = through(path, 500, "lab-test-after")) {
                assertEquals("1", fresh.get("lab:test:net:frozen"), "after the heal a new command works");
                fresh.del("lab:test:net:frozen");
            }
        }
    }

    @Test
    void aOneWayPartitionLetsCommandsReachTheServerButNoReplyBack() {
        try (NetworkPath path = NetworkPath.start(NetworkProfile.loopback, redis.host(), redis.port());
             Jedis j = through(path, 500, "lab-test-oneway");
             Jedis admin = redis.admin()) {
            j.ping();
            try (NetworkPath.Fault f = path.partition("lab-test-oneway", NetworkPath.named("lab-test-oneway"), NetworkPath.Direction.to_client)) {
                assertThrows(JedisConnectionException.class, () -> j.set("lab:test:net:oneway", "written"));
                assertEquals("written", admin.get("lab:test:net:oneway"), "the command got through, only its reply was held");
            }
            try (NetworkPath.Fault slow = path.slow("lab-test-after", NetworkPath.named("lab-test-after"), NetworkPath.Direction.both, 2000);
                 Jedis after = through(path, 2000, "lab-test-after")) {
                assertEquals("written", after.get("lab:test:net:oneway"), "a slow link still forwards");
                assertEquals("slow", slow.kind);
            }
            admin.del("lab:test:net:oneway");
        }
    }

    @Test
    void aResetClosesTheChosenConnectionOnly() {
        try (NetworkPath path = NetworkPath.start(NetworkProfile.loopback, redis.host(), redis.port());
             Jedis other = through(path, 2000, "lab-test-other")) {
            Jedis victim = through(path, 2000, "lab-test-victim");
            victim.ping();
            other.ping();
            assertEquals(1, path.reset("lab-test-victim", NetworkPath.named("lab-test-victim")));
            assertThrows(JedisConnectionException.class, victim::ping);
            assertEquals("PONG", other.ping());
            assertEquals("reset", path.faults().get(0).kind);
            try {
                victim.close();
            } catch (JedisConnectionException expected) {
                // closing a reset connection fails on its goodbye: that is the point
            }
        }
    }

    @Test
    void whileTheServerIsDownConnectsAreRefusedNotAcceptedThenResetAndTheSamePortServesAgainAfter() throws Exception {
        java.net.ServerSocket upstream = new java.net.ServerSocket();
        upstream.setReuseAddress(true);
        upstream.bind(new InetSocketAddress("127.0.0.1", 0));
        int upstreamPort = upstream.getLocalPort();
        try (NetworkPath path = NetworkPath.start(NetworkProfile.loopback, "127.0.0.1", upstreamPort)) {
            int port = path.port();
            Socket client = new Socket("127.0.0.1", port);
            Socket accepted = upstream.accept();
            // the server dies: its listener and its connections go
            upstream.close();
            accepted.close();
            assertEquals(-1, client.getInputStream().read(), "the proxied connection ends with the server's");
            client.close();
            assertTrue(waitFor(() -> !accepts(port), 2000), "a connect while the server is down must be refused");
            // the server is back on its port: the path listens again on the same port and forwards
            try (java.net.ServerSocket back = new java.net.ServerSocket()) {
                back.setReuseAddress(true);
                back.bind(new InetSocketAddress("127.0.0.1", upstreamPort));
                Thread echo = new Thread(() -> { // the path's own probes connect too: echo on every connection
                    while (!back.isClosed()) {
                        try {
                            Socket s = back.accept();
                            new Thread(() -> {
                                try (s) {
                                    int b;
                                    while ((b = s.getInputStream().read()) >= 0) s.getOutputStream().write(b);
                                } catch (IOException ignored) {
                                    // probe gone
                                }
                            }).start();
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
                echo.start();
                assertTrue(waitFor(() -> accepts(port), 2000), "the path did not listen again on port " + port);
                try (Socket c2 = new Socket("127.0.0.1", port)) {
                    c2.setSoTimeout(2000);
                    c2.getOutputStream().write(42);
                    assertEquals(42, c2.getInputStream().read());
                }
            }
        }
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean waitFor(java.util.function.BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    @Test
    void closingThePathLeavesNoPortAndNoThread() throws Exception {
        NetworkPath path = NetworkPath.start(NetworkProfile.zone, redis.host(), redis.port());
        int port = path.port();
        try (Jedis j = through(path, 2000, "lab-test-close")) {
            j.ping();
            path.partition("all", c -> true, NetworkPath.Direction.to_client); // a held connection must not keep it alive
            path.close();
        }
        assertTrue(path.listeningPorts().isEmpty());
        assertEquals(0, path.liveThreads());
        assertFalse(listening(port), "port " + port + " still listens");
    }

    @Test
    void provisioningWithANetworkPutsClientsBehindThePathAndAdminDirect() {
        CommonOptions o = new CommonOptions();
        o.redisBackend = Backend.binary;
        o.network = NetworkProfile.lan;
        int proxyPort;
        try (RedisServer s = RedisServer.provision(o, RedisServer.Needs.none())) {
            assertNotNull(s.network());
            proxyPort = s.port();
            assertNotEquals(s.direct().port(), s.port());
            assertTrue(s.url().endsWith(":" + proxyPort));
            // a partition of every client connection does not block the lab's admin connection
            try (NetworkPath.Fault f = s.network().partition("all", c -> true, NetworkPath.Direction.both)) {
                assertFalse(s.version().isEmpty());
            }
        }
        assertFalse(listening(proxyPort));
        assertTrue(ScriptRun.ownServers().isEmpty() || ScriptRun.ownServers().stream().allMatch(h -> h.pid() == ((RedisServer.SpawnedRedis) redis).pid()));
    }

    @Test
    void ctrlCEndsARunThroughThePathWithItsPortClosed(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("run.log");
        Process p = ScriptRun.start(log, Map.of(), "S1_basic", "--out", dir.resolve("out").toString(),
                "--redis-backend", "binary", "--network", "lan", "--ops", "1000000");
        try {
            Pattern proxy = Pattern.compile("via network lan proxy 127\\.0\\.0\\.1:(\\d+)");
            int port = -1;
            long deadline = System.currentTimeMillis() + 60_000;
            while (port < 0 && System.currentTimeMillis() < deadline) {
                Matcher m = proxy.matcher(Files.exists(log) ? Files.readString(log) : "");
                if (m.find()) port = Integer.parseInt(m.group(1));
                else Thread.sleep(100);
            }
            assertTrue(port > 0, "the run did not report its proxy: " + Files.readString(log));
            Thread.sleep(1000);
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "script did not stop on SIGINT");
            assertFalse(listening(port), "the proxy port outlived the run");
        } finally {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
