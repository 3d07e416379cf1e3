package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lab.net.NetNamespace;
import lab.net.NetworkPath;
import lab.redis.NamespacedRedis;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel partition: a real stall (no reset, the connection stays open), a real heal, and nothing left behind. */
class NetNamespaceTest {

    @BeforeEach
    void needsRoot() {
        String why = NamespacedRedis.unavailable(CommonOptions.Server.redis);
        Assumptions.assumeTrue(why == null, "kernel partition not available here: " + why);
    }

    /** A RESP PING on a raw socket; the reply line, or a SocketTimeoutException when nothing comes back in time. */
    static String ping(Socket s) throws Exception {
        OutputStream o = s.getOutputStream();
        o.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        o.flush();
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new AssertionError("connection closed");
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    static Socket connect(String host) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, NamespacedRedis.PORT), 5000);
        s.setSoTimeout(1000);
        return s;
    }

    @Test
    void aPartitionedConnectionStallsWithoutResetAndTheHealRestoresIt() throws Exception {
        try (NetNamespace ns = NetNamespace.create(); NamespacedRedis redis = NamespacedRedis.start(ns, CommonOptions.Server.redis);
             Socket victim = connect(ns.address(0)); Socket other = connect(ns.address(0)); Socket byAddress = connect(ns.address(1))) {
            assertEquals("+PONG", ping(victim));
            assertEquals("+PONG", ping(byAddress));

            // one connection by its client port, both directions
            NetNamespace.Fault f = ns.partition("victim", NetNamespace.Match.clientPort(victim.getLocalPort()), NetworkPath.Direction.both);
            assertTrue(ns.ruleset().contains("tcp sport " + victim.getLocalPort() + " drop"), ns.ruleset());
            assertThrows(SocketTimeoutException.class, () -> ping(victim), "the partitioned connection answers nothing");
            assertFalse(victim.isClosed());
            assertTrue(NetNamespace.established(victim.getLocalPort(), NamespacedRedis.PORT), "no reset: the kernel still holds the connection");
            assertEquals("+PONG", ping(other), "other connections are not partitioned");
            f.end();
            assertFalse(ns.ruleset().contains("drop"), "the heal deleted the rule: " + ns.ruleset());
            victim.setSoTimeout(30_000); // the retransmitted PING gets through on the next retransmission
            assertEquals("+PONG", readLine(victim), "the PING sent during the partition is answered after the heal");
            assertEquals("+PONG", ping(victim));

            // every connection to one address, present and future
            NetNamespace.Fault g = ns.partition("address 1", NetNamespace.Match.serverAddress(ns.address(1)), NetworkPath.Direction.both);
            assertThrows(SocketTimeoutException.class, () -> ping(byAddress));
            assertThrows(java.io.IOException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(ns.address(1), NamespacedRedis.PORT), 1000);
                }
            }, "a new connection to the partitioned address does not get through either");
            assertEquals("+PONG", ping(other));
            g.end();
            byAddress.setSoTimeout(30_000);
            assertEquals("+PONG", readLine(byAddress));
            assertNotNull(g.endedAt());
            assertEquals(2, ns.faults().size());
        }
    }

    static String readLine(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new AssertionError("connection closed");
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    @Test
    void closeLeavesNoNamespaceLinkTableOrServer() throws Exception {
        NetNamespace ns = NetNamespace.create();
        String name = ns.name();
        NamespacedRedis redis = NamespacedRedis.start(ns, CommonOptions.Server.redis);
        ns.partition("all", NetNamespace.Match.serverAddress(ns.address(0)), NetworkPath.Direction.both); // left on: close heals by removal
        assertTrue(NetNamespace.labNamespaces().contains(name));
        assertTrue(out("ip", "netns", "exec", name, "nft", "list", "tables").contains("inet " + NetNamespace.TABLE));
        assertTrue(out("nft", "list", "tables").contains(ns.hostTable()));
        redis.close();
        ns.close();
        assertFalse(NetNamespace.labNamespaces().contains(name), "namespace " + name + " removed");
        assertFalse(out("ip", "-o", "link", "show").contains("lk" + ProcessHandle.current().pid() + "h"), "veth removed");
        assertFalse(out("nft", "list", "tables").contains(ns.hostTable()), "no lab table on the host");
        assertTrue(ScriptRun.ownServers().isEmpty(), "no server left behind");
        ns.close(); // twice is fine
    }

    @Test
    void theSweepRemovesLeftoversOfADeadLabProcess() throws Exception {
        // a namespace and veth named for a pid that is gone (a lab process killed with SIGKILL)
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        long pid = dead.pid();
        String name = "labns-" + pid + "-1", link = "lk" + pid + "h1";
        out("ip", "netns", "add", name);
        out("ip", "link", "add", link, "type", "veth", "peer", "name", "lk" + pid + "n1");
        out("nft", "add", "table", "inet", "lab_" + pid + "_1");
        assertTrue(NetNamespace.sweep() >= 3);
        assertFalse(out("nft", "list", "tables").contains("lab_" + pid + "_1"));
        assertFalse(NetNamespace.labNamespaces().contains(name));
        assertFalse(out("ip", "-o", "link", "show").contains(link));
    }

    @Test
    void ctrlCDuringAKernelPartitionLeavesNothing(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("e2.log");
        Process p = ScriptRun.start(log, Map.of(), "E2_partition", "--quick", "--faults", "keepalive", "--clients", "jedis", "--partition-seconds", "20",
                "--redis-backend", "binary", "--out", dir.resolve("out").toString());
        try {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!(Files.exists(log) && Files.readString(log).contains("kernel partition of B"))) {
                if (!p.isAlive()) fail("E2 ended early: " + Files.readString(log));
                if (System.currentTimeMillis() > deadline) fail("no kernel partition started: " + Files.readString(log));
                Thread.sleep(100);
            }
            Thread.sleep(2000); // inside the partition
            String mine = "labns-" + p.pid() + "-";
            assertTrue(NetNamespace.labNamespaces().stream().anyMatch(n -> n.startsWith(mine)), "the run has its namespace: " + NetNamespace.labNamespaces());
            List<ProcessHandle> servers = p.toHandle().descendants().filter(d -> d.info().command().orElse("").contains("redis")).toList();
            assertFalse(servers.isEmpty(), "the run's servers are its children");
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "E2 did not stop on SIGINT");
            assertFalse(NetNamespace.labNamespaces().stream().anyMatch(n -> n.startsWith(mine)), "namespace left: " + NetNamespace.labNamespaces());
            assertFalse(out("ip", "-o", "link", "show").contains("lk" + p.pid() + "h"), "veth left");
            assertFalse(out("nft", "list", "tables").contains("lab_" + p.pid() + "_"), "host nft table left");
            for (ProcessHandle s : servers) assertTrue(lab.redis.RedisServer.awaitExit(s, 15_000), "server " + s.pid() + " left");
        } finally {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    static String out(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return s;
    }
}
