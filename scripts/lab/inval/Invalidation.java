//DEPS redis.clients:jedis:8.0.2
//DEPS io.lettuce:lettuce-core:7.7.0.RELEASE
package lab.inval;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.DnsResolvers;
import io.lettuce.core.resource.SocketAddressResolver;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Processes;
import lab.Results;
import lab.Threads;
import lab.redis.Clients;
import lab.redis.Keys;
import lab.redis.RedisServer;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Cache invalidation between in-process L1 caches ("instances"), shared by the Pub/Sub, partition and
 * mechanism-comparison scripts.
 *
 * <ul>
 *   <li>{@link Message}: key + per-publisher sequence number + send time ({@code System.nanoTime()}:
 *       publisher and receivers run in the same JVM, so the clocks are the same clock).</li>
 *   <li>{@link Node}: one instance's L1 map and its books: which sequence numbers arrived (a bit set
 *       per publisher, so reordering is not mistaken for loss), the send-to-eviction latency.</li>
 *   <li>{@link Transport}: one instance's connections for one mechanism and client: Pub/Sub or Streams,
 *       Jedis or Lettuce. Every receiving connection carries a distinctive CLIENT SETNAME name, so a
 *       fault can target it with CLIENT KILL.</li>
 *   <li>{@link #cut}/{@link #heal}: a partition of one instance's receiving side: CLIENT KILL of its
 *       connection plus a held-off reconnect (Jedis: our reconnect loop waits; Lettuce: its own
 *       auto-reconnect is left on, and its address resolver answers with a closed port while held, so
 *       each reconnect attempt is refused as on a cut network, and Lettuce's real back-off applies).</li>
 * </ul>
 */
public final class Invalidation {
    private Invalidation() {}

    public static final String PUBSUB = "pubsub";
    public static final String STREAMS = "streams";

    // ------------------------------------------------------------------ message

    /** One invalidation. Wire form: {@code publisher|seq|sentNanos|key}. */
    public record Message(String publisher, long seq, long sentNanos, String key) {
        public String encode() {
            return publisher + '|' + seq + '|' + sentNanos + '|' + key;
        }

        public static Message decode(String s) {
            String[] p = s.split("\\|", 4);
            if (p.length != 4) return null;
            try {
                return new Message(p[0], Long.parseLong(p[1]), Long.parseLong(p[2]), p[3]);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /** Hands out sequence numbers 1, 2, 3... for one publisher id; the send time is taken at the last moment. */
    public static final class Publisher {
        public final String id;
        private final AtomicLong seq = new AtomicLong();

        public Publisher(String id) {
            this.id = id;
        }

        public Message next(String key) {
            return new Message(id, seq.incrementAndGet(), System.nanoTime(), key);
        }

        public long published() {
            return seq.get();
        }
    }

    // ------------------------------------------------------------------ an instance

    /** What one receiver got from one publisher. */
    public static final class Books {
        private final BitSet seen = new BitSet();
        private final Histogram latency = Latency.newHistogram();
        private long received, duplicates, reordered, maxSeq;

        synchronized void record(Message m, long nowNanos) {
            int i = (int) m.seq();
            if (seen.get(i)) {
                duplicates++;
                return;
            }
            seen.set(i);
            received++;
            if (m.seq() < maxSeq) reordered++;
            maxSeq = Math.max(maxSeq, m.seq());
            Latency.record(latency, nowNanos - m.sentNanos());
        }

        public synchronized long received() { return received; }
        public synchronized long duplicates() { return duplicates; }
        public synchronized long reordered() { return reordered; }

        /** Sequence numbers in 1..published that never arrived (counted from the gaps, not from received). */
        public synchronized long lost(long published) {
            long missing = 0;
            for (int i = seen.nextClearBit(1); i <= published; i = seen.nextClearBit(i + 1)) missing++;
            return missing;
        }

        /** A copy of the send-to-eviction latency histogram (ns). */
        public synchronized Histogram latency() {
            return latency.copy();
        }
    }

    /** One cache instance: its L1 and its books. Thread-safe; receivers call {@link #deliver}. */
    public static final class Node {
        public final String name;
        public final Map<String, String> l1 = new ConcurrentHashMap<>();
        private final Map<String, Books> books = new ConcurrentHashMap<>();
        private final AtomicLong subscriptions = new AtomicLong(), malformed = new AtomicLong(), flushes = new AtomicLong();
        /** Mitigation: drop the whole L1 whenever the receiving side (re)subscribes after the first time. */
        public volatile boolean flushL1OnResubscribe;
        /**
         * Mitigation (Jedis Pub/Sub): PING on the subscriber connection every {@code heartbeatMillis};
         * no PONG for {@code heartbeatTimeoutMillis} and the connection is dropped and made again. 0 = off.
         */
        public volatile long heartbeatMillis, heartbeatTimeoutMillis;
        /** Mitigation: TCP keepalive on the receiving connection (set before the transport opens; null = the client's default). */
        public volatile lab.net.KeepAlive keepAlive;
        private final AtomicLong heartbeatTimeouts = new AtomicLong();
        private volatile long firstHeartbeatTimeoutNanos;
        /** True from a heartbeat timeout until the next subscription: the L1 cannot be trusted meanwhile. */
        public volatile boolean unsubscribed;
        private volatile long lastSubscribedNanos;

        public Node(String name) {
            this.name = name;
        }

        /** An invalidation arrived: evict, then book it (so the latency includes the eviction). */
        public void deliver(String payload) {
            Message m = Message.decode(payload);
            if (m == null) {
                malformed.incrementAndGet();
                return;
            }
            l1.remove(m.key());
            long now = System.nanoTime();
            books(m.publisher()).record(m, now);
        }

        /** The receiving side is (again) subscribed / reading. */
        public void subscribed() {
            if (subscriptions.incrementAndGet() > 1 && flushL1OnResubscribe) {
                l1.clear();
                flushes.incrementAndGet();
            }
            lastSubscribedNanos = System.nanoTime();
            unsubscribed = false;
        }

        public Books books(String publisher) {
            return books.computeIfAbsent(publisher, p -> new Books());
        }

        public long subscriptions() { return subscriptions.get(); }
        public long malformed() { return malformed.get(); }
        public long flushes() { return flushes.get(); }
        public long lastSubscribedNanos() { return lastSubscribedNanos; }
        public long heartbeatTimeouts() { return heartbeatTimeouts.get(); }
        /** System.nanoTime() of the first heartbeat timeout (0: none yet). */
        public long firstHeartbeatTimeoutNanos() { return firstHeartbeatTimeoutNanos; }

        /** The heartbeat gave up on the connection: the subscription can no longer be trusted. */
        void heartbeatTimedOut() {
            unsubscribed = true;
            if (heartbeatTimeouts.incrementAndGet() == 1) firstHeartbeatTimeoutNanos = System.nanoTime();
            if (flushL1OnResubscribe) {
                l1.clear();
                flushes.incrementAndGet();
            }
        }

        /** Waits until this node has booked {@code expected} messages of {@code publisher} (or the timeout). */
        public boolean awaitReceived(String publisher, long expected, long timeoutMillis) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (books(publisher).received() < expected) {
                if (System.nanoTime() > deadline) return false;
                Lab.sleepMillis(1);
            }
            return true;
        }
    }

    // ------------------------------------------------------------------ transports

    /** One instance's connections for one mechanism and client. */
    public interface Transport extends AutoCloseable {
        Node node();

        String client();

        String mechanism();

        /** CLIENT SETNAME name of the receiving connection (the target of CLIENT KILL). */
        String receiverName();

        /** Sends one invalidation through this instance's own command connection; returns when Redis answered. */
        void publish(Message m);

        /** Asynchronous send (Lettuce); Jedis sends synchronously and returns a completed stage. */
        CompletionStage<?> publishAsync(Message m);

        /** Connection losses the receiving side noticed and recovered from, as the transport saw them. */
        long reconnects();

        @Override void close();
    }

    /** Where one run's transports send: the Pub/Sub channel or the stream key (under the run's key prefix). */
    public record Bus(RedisServer server, String mechanism, String address, long streamMaxLen) {
        public static Bus pubsub(RedisServer s, Keys keys) {
            return new Bus(s, PUBSUB, keys.key("cache:invalidate"), 0);
        }

        public static Bus streams(RedisServer s, Keys keys, long maxLen) {
            return new Bus(s, STREAMS, keys.key("cache:invalidate:stream"), maxLen);
        }

        /** The same mechanism on another channel / stream key (one per client, so runs never read each other's messages). */
        public Bus named(String suffix) {
            return new Bus(server, mechanism, address + ":" + suffix, streamMaxLen);
        }

        /** The transport of {@code client} for {@code node}; connection names start with {@code namePrefix}. */
        public Transport open(String client, Node node, String namePrefix) {
            String base = namePrefix + "-" + client + "-" + node.name;
            Transport t;
            if (mechanism.equals(PUBSUB)) t = client.equals(Clients.JEDIS) ? new JedisPubSubTransport(this, node, base) : new LettucePubSubTransport(this, node, base);
            else if (mechanism.equals(STREAMS)) t = client.equals(Clients.JEDIS) ? new JedisStreamTransport(this, node, base) : new LettuceStreamTransport(this, node, base);
            else throw new LabException("unknown mechanism " + mechanism);
            awaitSubscribed(t, 5000);
            return t;
        }
    }

    /** Waits for the receiving side's first subscription (or first read loop start). */
    static void awaitSubscribed(Transport t, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (t.node().subscriptions() == 0) {
            if (System.nanoTime() > deadline) {
                t.close();
                throw new LabException(t.client() + " " + t.mechanism() + ": " + t.node().name + " did not subscribe within " + timeoutMillis + " ms");
            }
            Lab.sleepMillis(1);
        }
    }

    // ---- partition: CLIENT KILL + held-off reconnect

    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

    /** Cuts the receiving connection of {@code t} off: its reconnects are held off until {@link #heal}. Returns CLIENT KILLs done. */
    public static int cut(RedisServer s, Transport t) {
        HELD.add(t.receiverName());
        return s.killClients(t.receiverName());
    }

    public static void heal(Transport t) {
        HELD.remove(t.receiverName());
    }

    static boolean held(String name) {
        return name != null && HELD.contains(name);
    }

    /** True while {@code name}'s connection is cut: a receiver that manages its own connection must not reconnect. */
    public static boolean isHeld(String name) {
        return held(name);
    }

    /**
     * Server-side truth, not the client's word: the CLIENT LIST id of the connection named {@code name}
     * that is subscribed to at least one channel (Pub/Sub) or simply connected ({@code needSub} false); -1 if none.
     */
    public static long connectedId(RedisServer s, String name, boolean needSub) {
        try (Jedis j = s.admin()) {
            for (String line : j.clientList().split("\n")) {
                Map<String, String> f = new TreeMap<>();
                for (String kv : line.trim().split(" ")) {
                    int i = kv.indexOf('=');
                    if (i > 0) f.put(kv.substring(0, i), kv.substring(i + 1));
                }
                if (!name.equals(f.get("name"))) continue;
                if (needSub && Long.parseLong(f.getOrDefault("sub", "0")) < 1) continue;
                return Long.parseLong(f.get("id"));
            }
        }
        return -1;
    }

    /**
     * What the server holds for connection {@code id}: its CLIENT LIST fields (omem, obl, oll, sub, ...),
     * read on the admin connection (never through a network path); empty when the server no longer has it.
     */
    public static Map<String, String> clientFields(RedisServer s, long id) {
        try (Jedis j = s.admin()) {
            for (String line : j.clientList().split("\n")) {
                Map<String, String> f = new TreeMap<>();
                for (String kv : line.trim().split(" ")) {
                    int i = kv.indexOf('=');
                    if (i > 0) f.put(kv.substring(0, i), kv.substring(i + 1));
                }
                if (Long.toString(id).equals(f.get("id"))) return f;
            }
        }
        return Map.of();
    }

    // ---- Lettuce plumbing: own resources whose resolver honours the partition

    private static ClientResources resources;
    private static int closedPort;

    static synchronized ClientResources lettuceResources() {
        if (resources == null) {
            closedPort = Processes.freePort(); // nothing listens there: a held reconnect is refused
            SocketAddressResolver partitionAware = new SocketAddressResolver(DnsResolvers.UNRESOLVED) {
                @Override
                public SocketAddress resolve(RedisURI uri) {
                    if (held(uri.getClientName())) return new InetSocketAddress("127.0.0.1", closedPort);
                    return super.resolve(uri);
                }
            };
            resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                    .socketAddressResolver(partitionAware).build();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> resources.shutdown(0, 1, TimeUnit.SECONDS)));
        }
        return resources;
    }

    /** A Lettuce client on the partition-aware resources (auto-reconnect on, 2 s timeouts, named connections). */
    public static io.lettuce.core.RedisClient lettuceClient(RedisServer s, String clientName) {
        return lettuce(s, clientName);
    }

    static io.lettuce.core.RedisClient lettuce(RedisServer s, String clientName) {
        return Clients.lettuce(s, clientName, ClientOptions.builder(), lettuceResources());
    }

    // ---- Jedis receivers: a dedicated connection each, and our own reconnect loop (Jedis has none
    //      for SUBSCRIBE or a blocking XREAD loop)

    abstract static class JedisReceiver implements Transport {
        final Bus bus;
        final Node node;
        final String receiverName;
        final RedisClient pub;
        private final Thread loop;
        private final AtomicLong reconnects = new AtomicLong();
        volatile boolean closed;

        JedisReceiver(Bus bus, Node node, String receiverName, String pubName) {
            this.bus = bus;
            this.node = node;
            this.receiverName = receiverName;
            this.pub = Clients.jedis(bus.server(), 4, pubName);
            this.loop = Threads.startDaemon(receiverName, this::run);
        }

        /** One connection's life: returns or throws when it ends (killed, cut, closed). */
        abstract void receive(Jedis j);

        private void run() {
            boolean first = true;
            while (!closed) {
                if (held(receiverName)) {
                    Lab.sleepMillis(5);
                    continue;
                }
                try (Jedis j = connect(bus.server().jedisConfig().clientName(receiverName).socketTimeoutMillis(2000).build())) {
                    if (!first) reconnects.incrementAndGet();
                    first = false;
                    receive(j);
                } catch (RuntimeException e) {
                    if (!closed) Lab.sleepMillis(10); // connection refused or killed: retry soon
                }
            }
        }

        /** The receiving connection; with the node's keepalive settings on its socket when it has them. */
        private Jedis connect(redis.clients.jedis.JedisClientConfig cfg) {
            lab.net.KeepAlive ka = node.keepAlive;
            if (ka == null) return new Jedis(bus.server().hostAndPort(), cfg);
            return new Jedis(new redis.clients.jedis.DefaultJedisSocketFactory(bus.server().hostAndPort(), cfg) {
                @Override public java.net.Socket createSocket() {
                    java.net.Socket s = super.createSocket();
                    try {
                        ka.apply(s);
                    } catch (java.io.IOException e) {
                        throw new redis.clients.jedis.exceptions.JedisConnectionException("keepalive options: " + e.getMessage(), e);
                    }
                    return s;
                }
            }, cfg);
        }

        @Override public Node node() { return node; }
        @Override public String client() { return Clients.JEDIS; }
        @Override public String receiverName() { return receiverName; }
        @Override public long reconnects() { return reconnects.get(); }

        @Override public CompletionStage<?> publishAsync(Message m) {
            publish(m);
            return CompletableFuture.completedFuture(null);
        }

        /** Ends the receiving session (whatever blocks in it), then the loop. */
        void stopReceiving() {}

        @Override public void close() {
            closed = true;
            stopReceiving();
            try {
                loop.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pub.close();
        }
    }

    static final class JedisPubSubTransport extends JedisReceiver {
        private volatile JedisPubSub current;

        JedisPubSubTransport(Bus bus, Node node, String base) {
            super(bus, node, base + "-sub", base + "-pub");
        }

        @Override void receive(Jedis j) {
            JedisPubSub ps = new JedisPubSub() {
                @Override public void onMessage(String channel, String message) { node.deliver(message); }
                @Override public void onSubscribe(String channel, int count) { node.subscribed(); }
                @Override public void onPong(String pattern) { lastPongNanos = System.nanoTime(); }
            };
            current = ps;
            Thread heartbeat = node.heartbeatMillis > 0 ? heartbeat(j, ps) : null;
            try {
                j.subscribe(ps, bus.address()); // blocks until unsubscribed or the connection breaks
            } finally {
                if (heartbeat != null) heartbeat.interrupt();
            }
        }

        private volatile long lastPongNanos;

        /** PINGs the subscribed connection; a silent one (no PONG, or no subscription confirmed) is disconnected. */
        private Thread heartbeat(Jedis j, JedisPubSub ps) {
            lastPongNanos = System.nanoTime();
            Thread t = new Thread(() -> {
                while (!closed) {
                    try {
                        Thread.sleep(node.heartbeatMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (System.nanoTime() - lastPongNanos > TimeUnit.MILLISECONDS.toNanos(node.heartbeatTimeoutMillis)) {
                        node.heartbeatTimedOut();
                        j.disconnect(); // the blocked subscribe fails; the receive loop connects again
                        return;
                    }
                    try {
                        if (ps.isSubscribed()) ps.ping();
                    } catch (RuntimeException e) {
                        // the connection is going away; the receive loop handles it
                    }
                }
            }, receiverName + "-heartbeat");
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override public String mechanism() { return PUBSUB; }

        @Override public void publish(Message m) {
            pub.publish(bus.address(), m.encode());
        }

        @Override void stopReceiving() {
            JedisPubSub ps = current;
            try {
                if (ps != null && ps.isSubscribed()) ps.unsubscribe();
            } catch (RuntimeException ignored) {
                // the connection may already be gone
            }
        }
    }

    // ---- Pub/Sub, Lettuce: auto-reconnect and automatic resubscription are Lettuce's own

    static final class LettucePubSubTransport implements Transport {
        private final Bus bus;
        private final Node node;
        private final String subName;
        private final io.lettuce.core.RedisClient subClient, pubClient;
        private final StatefulRedisPubSubConnection<String, String> sub;
        private final StatefulRedisConnection<String, String> pub;
        private final AtomicLong subscribedCalls = new AtomicLong();

        LettucePubSubTransport(Bus bus, Node node, String base) {
            this.bus = bus;
            this.node = node;
            this.subName = base + "-sub";
            this.subClient = lettuce(bus.server(), subName);
            if (node.keepAlive != null) subClient.setOptions(withKeepAlive(subClient.getOptions(), node.keepAlive));
            this.pubClient = lettuce(bus.server(), base + "-pub");
            this.sub = subClient.connectPubSub();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override public void message(String channel, String message) { node.deliver(message); }
                @Override public void subscribed(String channel, long count) {
                    subscribedCalls.incrementAndGet();
                    node.subscribed();
                }
            });
            sub.sync().subscribe(bus.address());
            this.pub = pubClient.connect();
        }

        /** Lettuce's keepalive: SO_KEEPALIVE, and the extended TCP_KEEPIDLE/INTVL/CNT unless the OS defaults are asked for. */
        static ClientOptions withKeepAlive(ClientOptions o, lab.net.KeepAlive ka) {
            SocketOptions.KeepAliveOptions.Builder k = SocketOptions.KeepAliveOptions.builder().enable();
            if (!ka.systemDefault()) k.idle(ka.idle()).interval(ka.interval()).count(ka.count());
            return o.mutate().socketOptions(o.getSocketOptions().mutate().keepAlive(k.build()).build()).build();
        }

        @Override public Node node() { return node; }
        @Override public String client() { return Clients.LETTUCE; }
        @Override public String mechanism() { return PUBSUB; }
        @Override public String receiverName() { return subName; }
        @Override public long reconnects() { return Math.max(0, subscribedCalls.get() - 1); }

        @Override public void publish(Message m) {
            try {
                pub.async().publish(bus.address(), m.encode()).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new LabException("lettuce PUBLISH: " + Lab.oneLine(e));
            }
        }

        @Override public CompletionStage<?> publishAsync(Message m) {
            return pub.async().publish(bus.address(), m.encode());
        }

        @Override public void close() {
            sub.close();
            pub.close();
            subClient.shutdown(0, 1, TimeUnit.SECONDS);
            pubClient.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    // ---- Streams: XADD MAXLEN ~ per invalidation; each instance XREADs (BLOCK) from the last ID it saw

    static final class JedisStreamTransport extends JedisReceiver {
        private StreamEntryID last = new StreamEntryID(0, 0);

        JedisStreamTransport(Bus bus, Node node, String base) {
            super(bus, node, base + "-xread", base + "-xadd");
        }

        @Override void receive(Jedis j) {
            node.subscribed();
            while (!closed) {
                List<Map.Entry<String, List<StreamEntry>>> r = j.xread(XReadParams.xReadParams().block(200).count(1000), Map.of(bus.address(), last));
                if (r == null) continue;
                for (Map.Entry<String, List<StreamEntry>> e : r) {
                    for (StreamEntry se : e.getValue()) {
                        node.deliver(se.getFields().get("m"));
                        last = se.getID();
                    }
                }
            }
        }

        @Override public String mechanism() { return STREAMS; }

        @Override public void publish(Message m) {
            pub.xadd(bus.address(), XAddParams.xAddParams().maxLen(bus.streamMaxLen()).approximateTrimming(), Map.of("m", m.encode()));
        }
    }

    static final class LettuceStreamTransport implements Transport {
        private final Bus bus;
        private final Node node;
        private final String readName;
        private final io.lettuce.core.RedisClient readClient, pubClient;
        private final StatefulRedisConnection<String, String> read, pub;
        private final Thread loop;
        private final AtomicLong reconnects = new AtomicLong();
        private volatile boolean closed;
        private String last = "0-0";

        LettuceStreamTransport(Bus bus, Node node, String base) {
            this.bus = bus;
            this.node = node;
            this.readName = base + "-xread";
            this.readClient = lettuce(bus.server(), readName);
            this.pubClient = lettuce(bus.server(), base + "-xadd");
            this.read = readClient.connect();
            this.read.setTimeout(Duration.ofSeconds(3)); // above the 200 ms BLOCK
            this.pub = pubClient.connect();
            this.loop = Threads.startDaemon(readName, this::run);
        }

        private void run() {
            node.subscribed();
            boolean failed = false;
            while (!closed) {
                try {
                    // xread takes generic varargs (not @SafeVarargs): the one-element array is built here, checked by hand
                    @SuppressWarnings("unchecked")
                    XReadArgs.StreamOffset<String>[] from = new XReadArgs.StreamOffset[] {XReadArgs.StreamOffset.from(bus.address(), last)};
                    List<StreamMessage<String, String>> r = read.sync().xread(XReadArgs.Builder.block(200).count(1000), from);
                    if (failed) {
                        // Lettuce reconnected underneath; this is the first read after it
                        reconnects.incrementAndGet();
                        node.subscribed();
                        failed = false;
                    }
                    for (StreamMessage<String, String> m : r) {
                        node.deliver(m.getBody().get("m"));
                        last = m.getId();
                    }
                } catch (RuntimeException e) {
                    if (closed) break;
                    failed = true;
                    Lab.sleepMillis(10);
                }
            }
        }

        @Override public Node node() { return node; }
        @Override public String client() { return Clients.LETTUCE; }
        @Override public String mechanism() { return STREAMS; }
        @Override public String receiverName() { return readName; }
        @Override public long reconnects() { return reconnects.get(); }

        @Override public void publish(Message m) {
            try {
                publishAsync(m).toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new LabException("lettuce XADD: " + Lab.oneLine(e));
            }
        }

        @Override public CompletionStage<?> publishAsync(Message m) {
            return pub.async().xadd(bus.address(), XAddArgs.Builder.maxlen(bus.streamMaxLen()).approximateTrimming(), Map.of("m", m.encode()));
        }

        @Override public void close() {
            closed = true;
            try {
                loop.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            read.close();
            pub.close();
            readClient.shutdown(0, 1, TimeUnit.SECONDS);
            pubClient.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ the books, as metric rows

    /** Totals of one publisher's messages over several receivers. */
    public record Tally(long published, long receivers, long received, long lost, long duplicates) {
        public double lossPercent() {
            return published * receivers == 0 ? Double.NaN : 100.0 * lost / (published * receivers);
        }
    }

    /**
     * Writes {@code published}, and per receiver {@code received_<node>}, {@code lost_<node>} (from the
     * sequence gaps) and {@code duplicates_<node>}: every message is received or counted lost.
     */
    public static Tally account(Results out, String test, String client, Publisher p, List<Node> receivers) {
        long published = p.published(), received = 0, lost = 0, dup = 0;
        out.info(test, client, "published", "count", published);
        for (Node n : receivers) {
            Books b = n.books(p.id);
            out.info(test, client, "received_" + n.name, "count", b.received());
            out.info(test, client, "lost_" + n.name, "count", b.lost(published));
            out.info(test, client, "duplicates_" + n.name, "count", b.duplicates());
            received += b.received();
            lost += b.lost(published);
            dup += b.duplicates();
        }
        return new Tally(published, receivers.size(), received, lost, dup);
    }

    /**
     * {@link #account(Results, String, String, Publisher, List)} over several publishers of one test (e.g.
     * one per phase): the same rows, each the sum over the publishers, so received + lost == published still holds.
     */
    public static Tally account(Results out, String test, String client, List<Publisher> ps, List<Node> receivers) {
        long published = 0, received = 0, lost = 0, dup = 0;
        for (Publisher p : ps) published += p.published();
        out.info(test, client, "published", "count", published);
        for (Node n : receivers) {
            long r = 0, l = 0, d = 0;
            for (Publisher p : ps) {
                Books b = n.books(p.id);
                r += b.received();
                l += b.lost(p.published());
                d += b.duplicates();
            }
            out.info(test, client, "received_" + n.name, "count", r);
            out.info(test, client, "lost_" + n.name, "count", l);
            out.info(test, client, "duplicates_" + n.name, "count", d);
            received += r;
            lost += l;
            dup += d;
        }
        return new Tally(published, receivers.size(), received, lost, dup);
    }

    /** Send-to-eviction latency of one publisher's messages over several receivers, merged. */
    public static Histogram latency(Publisher p, List<Node> receivers) {
        Histogram h = Latency.newHistogram();
        for (Node n : receivers) h.add(n.books(p.id).latency());
        return h;
    }

    /** Waits (bounded) until every receiver has every message of {@code p}, or nothing new arrives for {@code quietMillis}. */
    public static void drain(Publisher p, List<Node> receivers, long quietMillis, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long lastTotal = -1, lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long total = 0;
            for (Node n : receivers) total += n.books(p.id).received();
            if (total >= p.published() * receivers.size()) return;
            if (total != lastTotal) {
                lastTotal = total;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
                return;
            }
            Lab.sleepMillis(5);
        }
    }

    // ------------------------------------------------------------------ util

    /** Waits until {@code name} is connected again with a new id (subscribed, for Pub/Sub); returns ms waited or NaN. */
    public static double awaitReconnected(RedisServer s, String name, long oldId, boolean needSub, long startNanos, long timeoutMillis) {
        long deadline = startNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            long id = connectedId(s, name, needSub);
            if (id > 0 && id != oldId) return (System.nanoTime() - startNanos) / 1e6;
            Lab.sleepMillis(2);
        }
        return Double.NaN;
    }

}
