package lab.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A TCP proxy on 127.0.0.1 between clients and a server: the network of a {@link NetworkProfile}, and
 * the faults a real network has (silent partition, reset, slow link), applied to chosen connections.
 *
 * <p>Timing: per connection and direction, a reader thread stamps each chunk with its arrival time
 * and a writer thread releases it at arrival + one-way delay (+ jitter), never before the previous
 * chunk of that direction (TCP keeps order). The writer parks until ~100 us before the deadline and
 * spins the rest: a plain sleep or a timer wheel overshoots by tens of microseconds to milliseconds,
 * which would swamp a 0.25 ms round trip.
 *
 * <p>A silent partition stops both the reading and the writing of the chosen direction: nothing is
 * dropped by the proxy, nothing is reset, the connection stays ESTABLISHED on both ends; the sender's
 * kernel buffers fill (so the server's output buffer grows as in a real partition) and what was
 * in flight is delivered after the heal, late, as TCP retransmission would. One difference from a
 * kernel drop: the proxy's own sockets still acknowledge TCP keepalive probes, so keepalive cannot
 * detect a partition made here.
 *
 * <p>Connections are told apart by the listening port they came in on ({@link #port(String)}) and by
 * the client name they announce in their handshake (CLIENT SETNAME or HELLO ... SETNAME), read from
 * the first bytes they send. No dependency beyond the JDK.
 */
public final class NetworkPath implements AutoCloseable {

    public enum Direction { both, to_server, to_client }

    /** Spin instead of park for the last stretch before a deadline. */
    static final long SPIN_NANOS = 100_000;
    /** A profile whose measured added round trip (P50) is further than this from its target is flagged. */
    public static final double TOLERANCE = 0.20;
    /** The label of the default listening port. */
    public static final String MAIN = "main";

    private final NetworkProfile profile;
    private final String targetHost;
    private final int targetPort;
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final AtomicInteger connectionIndex = new AtomicInteger();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile Rtt rtt;

    private NetworkPath(NetworkProfile profile, String targetHost, int targetPort) {
        this.profile = profile;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    /** Starts a path to {@code targetHost:targetPort} listening on a free 127.0.0.1 port. */
    public static NetworkPath start(NetworkProfile profile, String targetHost, int targetPort) {
        NetworkPath p = new NetworkPath(profile, targetHost, targetPort);
        p.port(MAIN);
        ALL.add(p);
        return p;
    }

    // every path of this JVM is closed on exit (Ctrl-C included), so no port or thread outlives a run
    private static final List<NetworkPath> ALL = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(NetworkPath::close), "lab-net-shutdown"));
    }

    public NetworkProfile profile() { return profile; }
    public String host() { return "127.0.0.1"; }
    public int port() { return port(MAIN); }
    public String target() { return targetHost + ":" + targetPort; }

    /** The listening port for connections labelled {@code label} (opened on first use). */
    public int port(String label) {
        if (closed) throw new IllegalStateException("network path closed");
        return listeners.computeIfAbsent(label, Listener::new).port;
    }

    /** Open connections (a connection leaves the list when either end closes it). */
    public List<Connection> connections() {
        return connections.stream().filter(c -> !c.closed).toList();
    }

    public List<Fault> faults() {
        return List.copyOf(faults);
    }

    // ------------------------------------------------------------------ faults

    /** Connections whose announced client name starts with {@code prefix}. */
    public static Predicate<Connection> named(String prefix) {
        return c -> c.name != null && c.name.startsWith(prefix);
    }

    /** Connections that came in on {@link #port(String) port(label)}. */
    public static Predicate<Connection> labelled(String label) {
        return c -> c.label.equals(label);
    }

    /** Silent partition of the chosen connections (present and future) until {@link Fault#end()}. */
    public Fault partition(String target, Predicate<Connection> which, Direction direction) {
        return begin(new Fault(this, "partition", target, which, direction, 0));
    }

    /** Slow link: {@code extraMicros} more one-way delay on the chosen connections until {@link Fault#end()}. */
    public Fault slow(String target, Predicate<Connection> which, Direction direction, long extraMicros) {
        return begin(new Fault(this, "slow", target, which, direction, extraMicros));
    }

    /** Closes the chosen connections with a TCP reset on both sides (SO_LINGER 0); returns how many. */
    public int reset(String target, Predicate<Connection> which) {
        Fault f = begin(new Fault(this, "reset", target, which, Direction.both, 0));
        int n = 0;
        for (Connection c : connections()) {
            if (which.test(c)) {
                c.abort();
                n++;
            }
        }
        f.end();
        return n;
    }

    private Fault begin(Fault f) {
        faults.add(f);
        return f;
    }

    boolean frozen(Connection c, boolean toServer) {
        for (Fault f : faults) if (f.active() && f.kind.equals("partition") && f.covers(c, toServer)) return true;
        return false;
    }

    long extraNanos(Connection c, boolean toServer) {
        long extra = 0;
        for (Fault f : faults) if (f.active() && f.kind.equals("slow") && f.covers(c, toServer)) extra += f.extraMicros * 1000;
        return extra;
    }

    /** One fault on the path, with its start and end (wall clock and monotonic). */
    public static final class Fault implements AutoCloseable {
        private final NetworkPath path;
        public final String kind, target;
        public final Direction direction;
        public final long extraMicros;
        public final Instant startedAt = Instant.now();
        public final long startNanos = System.nanoTime();
        private final Predicate<Connection> which;
        private volatile Instant endedAt;
        private volatile long endNanos;

        Fault(NetworkPath path, String kind, String target, Predicate<Connection> which, Direction direction, long extraMicros) {
            this.path = path;
            this.kind = kind;
            this.target = target;
            this.which = which;
            this.direction = direction;
            this.extraMicros = extraMicros;
        }

        boolean active() { return endedAt == null; }

        boolean covers(Connection c, boolean toServer) {
            boolean dir = direction == Direction.both || (toServer ? direction == Direction.to_server : direction == Direction.to_client);
            return dir && which.test(c);
        }

        /** Heals the fault; whatever a partition held back is delivered now, in order. */
        public synchronized void end() {
            if (endedAt != null) return;
            endNanos = System.nanoTime();
            endedAt = Instant.now();
            for (Connection c : path.connections) c.wake();
        }

        @Override public void close() { end(); }

        public Instant endedAt() { return endedAt; }

        /** Duration in ms (up to now while active). */
        public double durationMillis() {
            return ((endedAt == null ? System.nanoTime() : endNanos) - startNanos) / 1e6;
        }

        @Override public String toString() {
            return kind + " " + target + " " + direction + (extraMicros > 0 ? " +" + extraMicros + "us" : "")
                    + " from " + startedAt + (endedAt == null ? " (still on)" : " to " + endedAt + String.format(Locale.ROOT, " (%.0f ms)", durationMillis()));
        }
    }

    // ------------------------------------------------------------------ round trip

    /** The measured round trip: PING straight to the server vs PING through this path. */
    public record Rtt(NetworkProfile profile, int pings, double directP50Millis, double directP99Millis,
                      double pathP50Millis, double pathP99Millis) {
        public double targetMillis() { return profile.addedRttTargetMillis(); }
        public double addedP50Millis() { return pathP50Millis - directP50Millis; }
        public double addedP99Millis() { return pathP99Millis - directP99Millis; }
        /** Added P50 within {@link #TOLERANCE} of the target (relative). */
        public boolean withinTolerance() {
            return NetworkPath.withinTolerance(addedP50Millis(), targetMillis());
        }

        public Map<String, Object> meta() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("network_profile", profile);
            m.put("network_rtt_target_ms", targetMillis());
            m.put("network_jitter_one_way_ms", profile.jitterMicros / 1000.0);
            m.put("network_rtt_pings", pings);
            m.put("network_rtt_direct_p50_ms", round(directP50Millis));
            m.put("network_rtt_p50_ms", round(pathP50Millis));
            m.put("network_rtt_p99_ms", round(pathP99Millis));
            m.put("network_added_rtt_p50_ms", round(addedP50Millis()));
            m.put("network_added_rtt_p99_ms", round(addedP99Millis()));
            m.put("network_rtt_within_tolerance", withinTolerance());
            return m;
        }

        @Override public String toString() {
            return String.format(Locale.ROOT, "network %s: added round trip P50 %.3f ms (target %.3f ms, %s), P99 %.3f ms; PING direct P50 %.3f ms, through the path P50 %.3f / P99 %.3f ms (%d PINGs)",
                    profile, addedP50Millis(), targetMillis(), withinTolerance() ? "within " + (int) (TOLERANCE * 100) + " %" : "NOT within " + (int) (TOLERANCE * 100) + " %",
                    addedP99Millis(), directP50Millis, pathP50Millis, pathP99Millis, pings);
        }
    }

    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    /** The tolerance rule, on its own so it can be checked: |measured - target| <= 20 % of target. */
    public static boolean withinTolerance(double measuredMillis, double targetMillis) {
        if (targetMillis <= 0) return Math.abs(measuredMillis) <= 0.05; // no proxy: nothing should be added
        return Math.abs(measuredMillis - targetMillis) <= TOLERANCE * targetMillis;
    }

    /** Measured once per path (the first call), then the same answer. */
    public synchronized Rtt rtt() {
        if (rtt == null) {
            long perPingMicros = Math.max(1, 2 * profile.oneWayMicros);
            int pings = (int) Math.max(100, Math.min(2000, 3_000_000 / perPingMicros)); // ~3 s at most
            rtt = measure(pings);
        }
        return rtt;
    }

    /**
     * {@code pings} PINGs straight to the server and as many through the path, alternated so both see
     * the same machine load. Raw RESP: a server that wants AUTH answers -NOAUTH, a round trip all the same.
     */
    public Rtt measure(int pings) {
        try (Socket direct = open(targetHost, targetPort); Socket via = open(host(), port("lab-rtt"))) {
            long[] d = new long[pings], v = new long[pings];
            for (int i = 0; i < 20; i++) {
                ping(direct);
                ping(via);
            }
            for (int i = 0; i < pings; i++) {
                d[i] = ping(direct);
                v[i] = ping(via);
            }
            Arrays.sort(d);
            Arrays.sort(v);
            return new Rtt(profile, pings, pct(d, 50), pct(d, 99), pct(v, 50), pct(v, 99));
        } catch (IOException e) {
            throw new IllegalStateException("cannot measure the round trip through the network path to " + target() + ": " + e.getMessage(), e);
        }
    }

    static Socket open(String host, int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One PING, nanoseconds until the reply's line ends. */
    static long ping(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        long t0 = System.nanoTime();
        out.write(PING);
        out.flush();
        int prev = -1, b;
        while ((b = in.read()) >= 0) {
            if (prev == '\r' && b == '\n') return System.nanoTime() - t0;
            prev = b;
        }
        throw new IOException("connection closed during PING");
    }

    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    // ------------------------------------------------------------------ plumbing

    /** Threads of this path still alive (0 after close). */
    public long liveThreads() {
        return threads.stream().filter(Thread::isAlive).count();
    }

    /** Listening ports (empty after close). */
    public List<Integer> listeningPorts() {
        List<Integer> l = new ArrayList<>();
        for (Listener x : listeners.values()) if (!x.socket.isClosed()) l.add(x.socket.getLocalPort());
        return l;
    }

    private Thread thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        threads.removeIf(x -> !x.isAlive() && x.getState() == Thread.State.TERMINATED);
        t.start();
        return t;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Fault f : faults) f.end();
        for (Listener l : listeners.values()) l.close();
        for (Connection c : connections) c.abort();
        for (Thread t : threads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        ALL.remove(this);
    }

    @Override public String toString() {
        return "network " + profile + " proxy 127.0.0.1:" + port() + " -> " + target();
    }

    /**
     * One listening port. While the server behind it refuses connections (killed, restarting), the
     * listener is closed too, so a client's connect is refused at once, as it would be by the server's
     * host, instead of being accepted and then reset; it reopens on the same port when the server
     * accepts again (probed every {@value #PROBE_MS} ms).
     */
    private final class Listener {
        static final int PROBE_MS = 2;
        final String label;
        final int port;
        volatile ServerSocket socket;
        volatile boolean refusing;

        Listener(String label) {
            this.label = label;
            try {
                socket = open(0);
            } catch (IOException e) {
                throw new IllegalStateException("cannot listen on 127.0.0.1: " + e.getMessage(), e);
            }
            port = socket.getLocalPort();
            thread("lab-net-accept-" + label, this::acceptLoop);
        }

        ServerSocket open(int p) throws IOException {
            ServerSocket ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 128);
            return ss;
        }

        void acceptLoop() {
            while (!closed) {
                if (refusing) {
                    reopenWhenServerAccepts();
                    continue;
                }
                ServerSocket ss = socket;
                try {
                    Socket client = ss.accept();
                    Socket server = new Socket();
                    try {
                        server.setTcpNoDelay(true);
                        server.connect(new InetSocketAddress(targetHost, targetPort), 2000);
                    } catch (IOException e) {
                        abort(client);
                        abort(server);
                        refuse();
                        continue;
                    }
                    client.setTcpNoDelay(true);
                    Connection c = new Connection(connectionIndex.getAndIncrement(), label, client, server);
                    connections.add(c);
                    c.start();
                } catch (IOException e) {
                    if (closed) return; // else: closed by refuse(), loop to wait for the server
                }
            }
        }

        /** The server side of a connection ended: if the server now refuses, refuse too. */
        void serverEnded() {
            if (closed || refusing) return;
            if (!serverAccepts(200)) refuse();
        }

        synchronized void refuse() {
            if (closed || refusing) return;
            refusing = true;
            closeQuietly(socket);
        }

        void reopenWhenServerAccepts() {
            while (!closed && !serverAccepts(200)) LockSupport.parkNanos(PROBE_MS * 1_000_000L);
            long giveUp = System.nanoTime() + 5_000_000_000L;
            while (!closed) {
                try {
                    synchronized (this) {
                        if (closed) return;
                        socket = open(port);
                        refusing = false;
                    }
                    return;
                } catch (IOException e) {
                    if (System.nanoTime() > giveUp) {
                        System.err.println("network path: cannot listen on 127.0.0.1:" + port + " again (" + e.getMessage() + ")");
                        return;
                    }
                    LockSupport.parkNanos(PROBE_MS * 1_000_000L);
                }
            }
        }

        boolean serverAccepts(int timeoutMs) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(targetHost, targetPort), timeoutMs);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        synchronized void close() {
            closeQuietly(socket);
        }
    }

    static void closeQuietly(ServerSocket s) {
        try {
            if (s != null) s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    static void abort(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0); // RST, not FIN
                s.close();
            }
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** One proxied connection: two directions, each a reader and a writer thread. */
    public final class Connection {
        public final int index;
        public final String label;
        private final Socket client, server;
        private volatile String name;
        volatile boolean closed, clientEnded;
        private final List<Thread> mine = new ArrayList<>();

        Connection(int index, String label, Socket client, Socket server) {
            this.index = index;
            this.label = label;
            this.client = client;
            this.server = server;
        }

        /** The client name announced in the handshake, or null before / without one. */
        public String name() { return name; }

        void start() {
            Pipe up = new Pipe(true, client, server), down = new Pipe(false, server, client);
            for (Pipe d : List.of(up, down)) {
                mine.add(thread("lab-net-" + index + (d.toServer ? "-up-read" : "-down-read"), d::read));
                mine.add(thread("lab-net-" + index + (d.toServer ? "-up-write" : "-down-write"), d::write));
            }
        }

        void wake() {
            for (Thread t : mine) LockSupport.unpark(t);
        }

        /** Reset both ends. */
        void abort() {
            closed = true;
            connections.remove(this);
            NetworkPath.abort(client);
            NetworkPath.abort(server);
            for (Thread t : mine) t.interrupt();
        }

        void sniffName(byte[] chunk) {
            if (name != null) return;
            String s = new String(chunk, 0, Math.min(chunk.length, 4096), StandardCharsets.ISO_8859_1);
            int i = s.toUpperCase(Locale.ROOT).indexOf("SETNAME\r\n$");
            if (i < 0) return;
            int lenStart = i + "SETNAME\r\n$".length(), lenEnd = s.indexOf("\r\n", lenStart);
            if (lenEnd < 0) return;
            try {
                int len = Integer.parseInt(s.substring(lenStart, lenEnd));
                if (lenEnd + 2 + len <= s.length()) name = s.substring(lenEnd + 2, lenEnd + 2 + len);
            } catch (NumberFormatException ignored) {
                // not a name
            }
        }

        @Override public String toString() {
            return "connection " + index + " [" + label + (name == null ? "" : ", " + name) + "]";
        }

        private record Chunk(byte[] bytes, long arrivalNanos) {}

        private static final Chunk EOF = new Chunk(new byte[0], 0);

        private final class Pipe {
            final boolean toServer;
            final Socket from, to;
            final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();

            Pipe(boolean toServer, Socket from, Socket to) {
                this.toServer = toServer;
                this.from = from;
                this.to = to;
            }

            void holdWhileFrozen() {
                while (!closed && !NetworkPath.this.closed && frozen(Connection.this, toServer)) LockSupport.parkNanos(1_000_000);
            }

            void read() {
                byte[] buf = new byte[64 * 1024];
                try {
                    InputStream in = from.getInputStream();
                    while (!closed) {
                        holdWhileFrozen(); // stop reading: the sender's buffers fill as on a dead link
                        int n = in.read(buf);
                        long now = System.nanoTime();
                        if (n < 0) break;
                        byte[] chunk = Arrays.copyOf(buf, n);
                        if (toServer) sniffName(chunk);
                        queue.add(new Chunk(chunk, now));
                    }
                } catch (IOException e) {
                    // reset or closed: end the connection
                }
                queue.add(EOF);
                if (toServer) clientEnded = true;
                else if (!closed && !clientEnded) {
                    // the server ended it (killed? restarting?): new connects are refused while it is down
                    Listener l = listeners.get(label);
                    if (l != null) l.serverEnded();
                }
            }

            void write() {
                long lastRelease = 0;
                try {
                    OutputStream out = to.getOutputStream();
                    while (!closed) {
                        Chunk c = queue.take();
                        if (c == EOF) break;
                        long jitter = profile.jitterMicros == 0 ? 0 : ThreadLocalRandom.current().nextLong(-profile.jitterMicros, profile.jitterMicros + 1);
                        long delay = Math.max(0, (profile.oneWayMicros + jitter) * 1000 + extraNanos(Connection.this, toServer));
                        long release = Math.max(c.arrivalNanos + delay, lastRelease); // order within a direction
                        lastRelease = release;
                        waitUntil(release);
                        holdWhileFrozen();
                        if (closed) break;
                        out.write(c.bytes);
                        out.flush();
                    }
                    if (!closed) to.shutdownOutput(); // pass the FIN on
                } catch (IOException e) {
                    // the other side is gone
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (!closed) {
                    // one side ended: give the other direction a moment to drain, then close both
                    closed = true;
                    connections.remove(Connection.this);
                    close(client);
                    close(server);
                }
            }
        }
    }

    static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Parks until ~{@link #SPIN_NANOS} before {@code deadline}, then spins: sub-millisecond precision. */
    static void waitUntil(long deadlineNanos) {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > SPIN_NANOS) {
            LockSupport.parkNanos(left - SPIN_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        while (deadlineNanos - System.nanoTime() > 0) Thread.onSpinWait();
    }
}
