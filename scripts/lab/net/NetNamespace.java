package lab.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.LabException;
import lab.Processes;

/**
 * A kernel-level network for faults a user-space proxy cannot make: a network namespace joined to this
 * host by a veth pair, a server started inside it ({@link #start}), and silent partitions done by nftables
 * rules that drop the chosen packets where they are received (inside the namespace, and on this host in a
 * table named like the namespace) (no reset, nothing answers: not even TCP
 * keepalive probes, which {@link NetworkPath}'s own sockets would acknowledge).
 *
 * Root only, Linux only, needs {@code ip} (iproute2) and {@code nft} (nftables); {@link #unavailable()} says
 * why not. Addresses are link-local (169.254.x.y/29, one free block per namespace; 169.254.169.x is left
 * alone): the namespace side is reachable from this host only. Names carry this JVM's pid
 * ({@code labns-<pid>-<n>}, veth {@code lk<pid>h<n>} / {@code lk<pid>n<n>}) so that leftovers of a dead
 * lab process are recognised and removed by the next one ({@link #sweep()}); a live one's are never
 * touched. Cleanup: {@link #close()}, a JVM shutdown hook (Ctrl-C), and the sweep.
 */
public final class NetNamespace implements AutoCloseable {
    static final String NS_PREFIX = "labns-";
    private static final Pattern NS_NAME = Pattern.compile("labns-(\\d+)-(\\d+)");
    private static final Pattern LINK_NAME = Pattern.compile("lk(\\d+)[hn](\\d+)");
    private static final AtomicInteger SEQ = new AtomicInteger();
    /** The nft table inside the namespace; it goes with the namespace. */
    public static final String TABLE = "lab";

    private final String name, hostLink, nsLink, hostTable;
    private final int[] block; // 169.254.block[0].block[1]/29
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Thread hook;
    private volatile boolean closed;

    /** Null when a namespace can be made here; otherwise the one-line reason and its fix. */
    public static String unavailable() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return "network namespaces are Linux only";
        if (!isRoot()) return "a network namespace needs root (run as root)";
        if (Processes.onPath("ip") == null) return "no 'ip' on the PATH (apt-get install iproute2)";
        if (Processes.onPath("nft") == null) return "no 'nft' on the PATH (apt-get install nftables)";
        return null;
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0"); // effective uid
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Makes a namespace with its veth pair, addresses and an empty nft table (after sweeping dead labs' leftovers). */
    public static NetNamespace create() {
        String why = unavailable();
        if (why != null) throw new LabException(why);
        sweep();
        return new NetNamespace();
    }

    private NetNamespace() {
        long pid = ProcessHandle.current().pid();
        int n = SEQ.incrementAndGet();
        name = NS_PREFIX + pid + "-" + n;
        hostLink = "lk" + pid + "h" + n;
        nsLink = "lk" + pid + "n" + n;
        hostTable = HOST_TABLE_PREFIX + pid + "_" + n;
        block = freeBlock(pid * 31 + n);
        hook = new Thread(this::cleanup, "lab-netns-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ip("netns", "add", name);
            ip("link", "add", hostLink, "type", "veth", "peer", "name", nsLink);
            ip("link", "set", nsLink, "netns", name);
            ip("addr", "add", hostAddress() + "/29", "dev", hostLink);
            ip("link", "set", hostLink, "up");
            for (int i = 0; i < ADDRESSES; i++) ip("-n", name, "addr", "add", address(i) + "/29", "dev", nsLink);
            ip("-n", name, "link", "set", nsLink, "up");
            ip("-n", name, "link", "set", "lo", "up");
            Path rules = Files.createTempFile("lab-nft-", ".nft");
            try {
                Files.writeString(rules, "table inet " + TABLE + " {\n"
                        + "  chain input { type filter hook input priority 0; policy accept; }\n"
                        + "}\n");
                inside("nft", "-f", rules.toString());
                Files.writeString(rules, "table inet " + hostTable + " {\n"
                        + "  chain input { type filter hook input priority 0; policy accept; }\n}\n");
                run(List.of("nft", "-f", rules.toString()), false);
            } finally {
                Files.deleteIfExists(rules);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw new LabException("cannot set up network namespace " + name + ": " + lab.Lab.oneLine(e));
        }
    }

    /** Server-side addresses inside the namespace (all on the same veth). */
    public static final int ADDRESSES = 3;

    public String name() { return name; }

    /** This host's end of the veth pair. */
    public String hostAddress() {
        return "169.254." + block[0] + "." + (block[1] + 1);
    }

    /** The namespace's {@code i}-th address (0 .. {@link #ADDRESSES}-1). */
    public String address(int i) {
        if (i < 0 || i >= ADDRESSES) throw new IllegalArgumentException("address " + i);
        return "169.254." + block[0] + "." + (block[1] + 2 + i);
    }

    /** A /29 not on any interface yet, searched from {@code seed} on (so two labs rarely even try the same). */
    private static int[] freeBlock(long seed) {
        Set<String> used = new HashSet<>();
        Matcher m = Pattern.compile("inet (169\\.254\\.\\d+\\.\\d+)").matcher(run(List.of("ip", "-4", "-o", "addr", "show"), true));
        while (m.find()) used.add(m.group(1));
        int blocks = 253 * 32; // third octet 1..253, 32 blocks of 8 each
        for (int k = 0; k < blocks; k++) {
            int idx = (int) Math.floorMod(seed + k, (long) blocks);
            int third = 1 + idx / 32, fourth = (idx % 32) * 8;
            if (third == 169) continue; // 169.254.169.254 is the cloud metadata address: never route it here
            boolean free = true;
            for (int j = 0; j < 8 && free; j++) free = !used.contains("169.254." + third + "." + (fourth + j));
            if (free) return new int[] {third, fourth};
        }
        throw new LabException("no free 169.254.x.y/29 block for a network namespace");
    }

    /** Starts {@code command} inside the namespace (ip netns exec: the process is the command itself). */
    public Process start(List<String> command, Path workDir, Path log) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(command);
        return Processes.start(cmd, workDir, log);
    }

    // ------------------------------------------------------------------ faults

    /** Which packets a partition drops, as nft matches inside the namespace (in: towards the server, out: from it). */
    public record Match(String what, String in, String out) {
        /** One client connection: its source port on this host. */
        public static Match clientPort(int port) {
            return new Match("client port " + port, "tcp sport " + port, "tcp dport " + port);
        }

        /** Every connection, present and future, to one of the namespace's addresses. */
        public static Match serverAddress(String address) {
            return new Match("server address " + address, "ip daddr " + address, "ip saddr " + address);
        }
    }

    /**
     * A silent partition of the matched packets in {@code direction} until {@link Fault#end()}: nft drop
     * rules, no reset; both ends keep their connection as long as their own timers let them.
     */
    public Fault partition(String target, Match match, NetworkPath.Direction direction) {
        List<String[]> rules = new ArrayList<>(); // {chain, handle}
        Fault f = new Fault(target, match, direction, rules);
        faults.add(f);
        if (direction != NetworkPath.Direction.to_client) rules.add(new String[] {TABLE, addRule(TABLE, match.in())});
        // the server's packets are dropped where this host receives them, not where the namespace sends them: a drop
        // in the sender's own output path is reported to its TCP as a local error (no normal retransmission timing)
        if (direction != NetworkPath.Direction.to_server) rules.add(new String[] {hostTable, addRule(hostTable, match.out())});
        return f;
    }

    private static final Pattern HANDLE = Pattern.compile("# handle (\\d+)");

    /** A drop rule in the input chain of {@code table} (the namespace's {@link #TABLE} or this host's table). */
    private String addRule(String table, String expr) {
        List<String> cmd = new ArrayList<>(List.of("nft", "--echo", "--handle", "add", "rule", "inet", table, "input"));
        cmd.addAll(List.of(expr.split(" ")));
        cmd.add("drop");
        Matcher m = HANDLE.matcher(table.equals(TABLE) ? inside(cmd.toArray(String[]::new)) : run(cmd, false));
        if (!m.find()) throw new LabException("nft did not report the handle of its rule (" + expr + ")");
        return m.group(1);
    }

    public List<Fault> faults() {
        return List.copyOf(faults);
    }

    /** The namespace's current nft ruleset (for tests and diagnostics). */
    public String ruleset() {
        return inside("nft", "list", "table", "inet", TABLE) + run(List.of("nft", "list", "table", "inet", hostTable), false);
    }

    /** This host's nft table of the namespace (input drops of the server's packets), removed with the namespace. */
    public String hostTable() { return hostTable; }

    /** One partition with its start and end (wall clock and monotonic). */
    public final class Fault implements AutoCloseable {
        public final String kind = "kernel_partition", target;
        public final Match match;
        public final NetworkPath.Direction direction;
        private final List<String[]> rules;
        public final Instant startedAt = Instant.now();
        public final long startNanos = System.nanoTime();
        private volatile Instant endedAt;
        private volatile long endNanos;

        Fault(String target, Match match, NetworkPath.Direction direction, List<String[]> rules) {
            this.target = target;
            this.match = match;
            this.direction = direction;
            this.rules = rules;
        }

        /** Heals: deletes the drop rules; what the two ends retransmit gets through again. */
        public synchronized void end() {
            if (endedAt != null) return;
            endNanos = System.nanoTime();
            endedAt = Instant.now();
            if (closed) return;
            for (String[] r : rules) {
                List<String> cmd = List.of("nft", "delete", "rule", "inet", r[0], "input", "handle", r[1]);
                if (r[0].equals(TABLE)) inside(cmd.toArray(String[]::new));
                else run(cmd, false);
            }
        }

        @Override public void close() { end(); }

        public Instant endedAt() { return endedAt; }

        public double durationMillis() {
            return ((endedAt == null ? System.nanoTime() : endNanos) - startNanos) / 1e6;
        }

        @Override public String toString() {
            return kind + " " + target + " (" + match.what() + ") " + direction + " from " + startedAt
                    + (endedAt == null ? " (still on)" : " to " + endedAt + String.format(Locale.ROOT, " (%.0f ms)", durationMillis()));
        }
    }

    // ------------------------------------------------------------------ this host's view of a connection

    /**
     * True while this host's kernel holds an ESTABLISHED TCP connection from local port {@code localPort}
     * to remote port {@code remotePort} (/proc/net/tcp and tcp6 of this JVM's namespace). When keepalive gives up,
     * the kernel ends the connection and the client blocked on it gets ETIMEDOUT at that moment.
     */
    public static boolean established(int localPort, int remotePort) {
        String local = String.format(":%04X", localPort), remote = String.format(":%04X", remotePort);
        // Java's sockets are dual-stack by default: an IPv4 connection may be listed in tcp6 (as ::ffff:a.b.c.d)
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(local) && f[2].endsWith(remote) && f[3].equals("01")) return true;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // no IPv6 in this kernel
            } catch (IOException e) {
                throw new LabException("cannot read " + table + ": " + e.getMessage());
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ cleanup

    @Override
    public void close() {
        cleanup();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException ignored) {
            // shutting down already, or never added
        }
    }

    private synchronized void cleanup() {
        if (closed) return;
        closed = true;
        for (Fault f : faults) {
            if (f.endedAt == null) {
                f.endNanos = System.nanoTime();
                f.endedAt = Instant.now();
            }
        }
        remove(name, hostLink);
        run(List.of("nft", "delete", "table", "inet", hostTable), true);
    }

    static final String HOST_TABLE_PREFIX = "lab_";
    private static final Pattern HOST_TABLE = Pattern.compile("table inet (lab_(\\d+)_\\d+)");

    /** Kills what runs inside, deletes the namespace (its veth end and nft table go with it) and the host's veth end. */
    static void remove(String ns, String hostLink) {
        if (ns != null) {
            for (String pid : run(List.of("ip", "netns", "pids", ns), true).split("\\s+")) {
                if (pid.isBlank()) continue;
                ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(p -> {
                    p.destroyForcibly();
                    try {
                        p.onExit().get(5, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // deleting the namespace below still unlinks it
                    }
                });
            }
            run(List.of("ip", "netns", "delete", ns), true);
        }
        if (hostLink != null && run(List.of("ip", "-o", "link", "show", hostLink), true).contains(hostLink)) {
            run(List.of("ip", "link", "delete", hostLink), true);
        }
    }

    /** Removes namespaces and veth ends left by lab processes that are gone (their names carry the pid). */
    public static int sweep() {
        int removed = 0;
        for (String line : run(List.of("ip", "netns", "list"), true).split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            Matcher m = NS_NAME.matcher(ns);
            if (m.matches() && !alive(Long.parseLong(m.group(1)))) {
                remove(ns, null);
                removed++;
            }
        }
        Matcher tables = HOST_TABLE.matcher(run(List.of("nft", "list", "tables"), true));
        while (tables.find()) {
            if (!alive(Long.parseLong(tables.group(2)))) {
                run(List.of("nft", "delete", "table", "inet", tables.group(1)), true);
                removed++;
            }
        }
        Matcher links = Pattern.compile("^\\d+: (lk\\d+[hn]\\d+)[@:]", Pattern.MULTILINE).matcher(run(List.of("ip", "-o", "link", "show"), true));
        while (links.find()) {
            Matcher m = LINK_NAME.matcher(links.group(1));
            if (m.matches() && !alive(Long.parseLong(m.group(1)))) {
                run(List.of("ip", "link", "delete", links.group(1)), true);
                removed++;
            }
        }
        return removed;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Namespaces of the lab (any process) on this host now. */
    public static List<String> labNamespaces() {
        List<String> out = new ArrayList<>();
        for (String line : run(List.of("ip", "netns", "list"), true).split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            if (ns.startsWith(NS_PREFIX)) out.add(ns);
        }
        return out;
    }

    // ------------------------------------------------------------------ commands

    private void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        run(cmd, false);
    }

    private String inside(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(args));
        return run(cmd, false);
    }

    /** Runs a short command; its output (stdout and stderr); a failure throws a one-line error unless {@code quiet}. */
    static String run(List<String> command, boolean quiet) {
        Path out = null;
        try {
            out = Files.createTempFile("lab-ns-", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LabException(String.join(" ", command) + " did not finish in 10 s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0 && !quiet) {
                throw new LabException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + text.trim().replace('\n', ' '));
            }
            return p.exitValue() == 0 ? text : "";
        } catch (IOException e) {
            if (quiet) return "";
            throw new LabException("cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        } finally {
            if (out != null) out.toFile().delete();
        }
    }

    @Override public String toString() {
        return "network namespace " + name + " (" + hostAddress() + " <-> " + address(0) + ", veth " + hostLink + ")";
    }
}
