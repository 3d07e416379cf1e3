package lab.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import lab.Backend;
import lab.CommonOptions;
import lab.LabException;
import lab.Processes;
import lab.net.NetNamespace;
import redis.clients.jedis.Jedis;

/**
 * The lab's server binary (redis-server or valkey-server, as --server picks) started inside a
 * {@link NetNamespace}, listening on the namespace's addresses only (reachable from this host alone;
 * protected mode off because no client is on the namespace's own loopback). Clients reach it over the
 * veth pair, so an nft rule in the namespace is a real kernel-level partition between them.
 * {@link #at(int)} is the same server on another of the namespace's addresses: connections made to it can
 * be partitioned by address, present and future, while the others stay up.
 */
public final class NamespacedRedis extends RedisServer {
    public static final int PORT = 6379; // the namespace is ours alone: no other listener there
    private final NetNamespace ns;
    private final Path binary, dir;
    private final int addressIndex;
    private final NamespacedRedis owner;
    private Process process;

    private NamespacedRedis(NetNamespace ns, Path binary, Path dir, int addressIndex, NamespacedRedis owner) {
        super(Backend.binary, new LinkedHashMap<>());
        this.ns = ns;
        this.binary = binary;
        this.dir = dir;
        this.addressIndex = addressIndex;
        this.owner = owner;
    }

    /** Null when a server can be started in a namespace here; otherwise why not (one line, with the fix). */
    public static String unavailable(CommonOptions.Server server) {
        String why = NetNamespace.unavailable();
        if (why != null) return why;
        if (Processes.onPath(server.binary()) == null) return "no " + server.binary() + " on the PATH to start inside the namespace";
        return null;
    }

    /** Starts {@code server}'s binary inside {@code ns} and waits for PING. */
    public static NamespacedRedis start(NetNamespace ns, CommonOptions.Server server) {
        Path bin = Processes.onPath(server.binary());
        if (bin == null) throw new LabException("no " + server.binary() + " on the PATH");
        try {
            NamespacedRedis s = new NamespacedRedis(ns, bin, Files.createTempDirectory("redis-lab-"), 0, null);
            List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--port", Integer.toString(PORT), "--bind"));
            for (int i = 0; i < NetNamespace.ADDRESSES; i++) cmd.add(ns.address(i));
            cmd.addAll(List.of("--dir", s.dir.toString(), "--daemonize", "no", "--save", "", "--appendonly", "no", "--protected-mode", "no"));
            Path log = s.dir.resolve("redis.log");
            s.process = ns.start(cmd, s.dir, log);
            try {
                s.awaitReady(10_000, s.process, log);
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        } catch (IOException e) {
            throw new LabException("cannot create a temp dir for Redis: " + e.getMessage());
        }
    }

    /** The same server on the namespace's {@code index}-th address (closing the view stops nothing). */
    public NamespacedRedis at(int index) {
        NamespacedRedis root = owner == null ? this : owner;
        return new NamespacedRedis(ns, binary, dir, index, root);
    }

    public NetNamespace namespace() { return ns; }

    @Override public String host() { return ns.address(addressIndex); }
    @Override public int port() { return PORT; }
    @Override public boolean owned() { return true; }
    @Override public String describe() { return "binary " + binary + " in " + ns + " on " + host() + ":" + PORT; }
    @Override public Jedis admin() { return owner == null ? super.admin() : owner.admin(); }

    @Override
    public void kill() {
        if (owner != null) owner.kill();
        else if (process != null) Processes.kill(process.toHandle());
    }

    @Override
    public void close() {
        if (owner != null) return;
        if (process != null && process.isAlive()) kill();
        if (process != null) Processes.unregister(process.toHandle());
        deleteTree(dir);
    }
}
