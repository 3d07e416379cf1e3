package lab.inval;

import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import lab.Lab;
import lab.LabException;
import lab.Threads;
import lab.inval.Invalidation.Message;
import lab.inval.Invalidation.Node;
import lab.inval.Invalidation.Transport;
import lab.redis.Clients;
import lab.redis.RedisServer;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.csc.CacheKey;
import redis.clients.jedis.csc.DefaultCache;

/**
 * Server-assisted client-side caching (CLIENT TRACKING, default and BCAST) as an invalidation mechanism,
 * beside {@link Invalidation}'s Pub/Sub and Streams buses: the write itself is the announcement, and the
 * server's invalidation push is mapped back to the message that caused it. Also the writer used with
 * Pub/Sub and Streams when a comparison needs the key really written ({@link #writeThen}).
 */
public final class ClientTracking {
    private ClientTracking() {}

    /** Pub/Sub or Streams writer: SET the key, then announce it (the message's send time is before the SET). */
    public static Transport writeThen(Transport t, RedisClient data) {
        return new Transport() {
            public Node node() { return t.node(); }
            public String client() { return t.client(); }
            public String mechanism() { return t.mechanism(); }
            public String receiverName() { return t.receiverName(); }
            public long reconnects() { return t.reconnects(); }
            public void publish(Message m) {
                data.set(m.key(), Long.toString(m.seq()));
                t.publish(m);
            }
            public CompletionStage<?> publishAsync(Message m) {
                publish(m);
                return CompletableFuture.completedFuture(null);
            }
            public void close() { t.close(); }
        };
    }

    /**
     * An instance whose L1 is its client's server-assisted cache. "publish" is the write itself (SET): the
     * server sends the invalidation push; the key is mapped back to the message through the registry.
     */
    public abstract static class Tracking implements Transport {
        final Node node;
        final Map<String, Message> registry;
        final String name;

        Tracking(Node node, Map<String, Message> registry, String name) {
            this.node = node;
            this.registry = registry;
            this.name = name;
        }

        /** Called by the client's cache when Redis invalidated {@code key}. */
        void invalidated(String key) {
            Message m = registry.get(key);
            if (m != null) node.deliver(m.encode());
            else node.l1.remove(key);
        }

        /** The write; the server then sends the invalidation push to every client that cached the key. */
        public abstract void set(String key, String value);

        /** A read through the client-side cache (fills the node's L1 on a miss). */
        public abstract String cachedGet(String key);

        @Override public Node node() { return node; }
        @Override public String receiverName() { return name; }
        @Override public long reconnects() { return node.subscriptions() - 1; }

        @Override public void publish(Message m) {
            registry.put(m.key(), m);
            set(m.key(), Long.toString(m.seq()));
        }

        @Override public CompletionStage<?> publishAsync(Message m) {
            publish(m);
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * Jedis 8 client-side cache: RESP3, one pooled connection (the tracking connection is the one that read
     * the key), our DefaultCache subclass mirrors evictions into the node's books. Jedis handles pushes only
     * when the connection is used, so a poller sends PING every millisecond.
     */
    public static final class JedisTracking extends Tracking {
        final RedisClient jedis;
        final Thread poller;
        volatile boolean closed, paused;
        final String probe;

        final class MirroredCache extends DefaultCache {
            MirroredCache() {
                super(100_000);
            }

            @Override
            public List<CacheKey> deleteByRedisKey(Object key) {
                List<CacheKey> r = super.deleteByRedisKey(key);
                invalidated(key instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(key));
                return r;
            }

            /**
             * Jedis 8 refuses servers older than 7.4 unless the cache says it runs in compatibility mode;
             * CLIENT TRACKING and RESP3 pushes exist since Redis 6.0, which is what is measured here.
             */
            @Override
            public boolean compatibilityMode() {
                return true;
            }

            @Override
            public int flush() {
                int r = super.flush(); // Jedis flushes the whole cache when a connection is dropped
                node.l1.clear();
                node.subscribed();
                return r;
            }
        }

        public JedisTracking(RedisServer redis, Node node, Map<String, Message> registry, String keyPrefix, String namePrefix) {
            super(node, registry, namePrefix + "-jedis-" + node.name + "-csc");
            this.jedis = RedisClient.builder().hostAndPort(redis.hostAndPort())
                    .clientConfig(redis.jedisConfig().clientName(name).protocol(RedisProtocol.RESP3).build())
                    .poolConfig(Clients.pool(1, 2000))
                    .cache(new MirroredCache())
                    .build();
            this.probe = keyPrefix + name + ":probe"; // under the run's prefix, so cleanup removes it like every other key
            jedis.set(probe, "p");
            jedis.get(probe);
            node.subscribed();
            this.poller = Threads.startDaemon(name + "-poller", () -> {
                while (!closed) {
                    if (!paused && !Invalidation.isHeld(name)) {
                        try {
                            // PING goes to the socket, so Jedis reads pending invalidation pushes before its reply and
                            // notices a killed connection (a cached GET would be served locally, dead connection or not)
                            jedis.ping();
                        } catch (RuntimeException e) {
                            // the connection was killed: the pool replaces it on the next use
                        }
                    }
                    Lab.sleepMillis(1);
                }
            });
        }

        /**
         * Stops (true) or resumes the PING poller: an instance nobody writes to for a while (its combination waits
         * while others are measured) then adds no load to what the others measure. Resume before the next write.
         */
        public void pause(boolean p) { paused = p; }

        @Override public void set(String key, String value) { jedis.set(key, value); }

        @Override public String cachedGet(String key) {
            String v = jedis.get(key);
            if (v != null) node.l1.put(key, v);
            return v;
        }

        @Override public String client() { return Clients.JEDIS; }
        @Override public String mechanism() { return "tracking"; }

        @Override public void close() {
            closed = true;
            try {
                poller.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            jedis.close();
        }
    }

    /** Lettuce ClientSideCaching over a RESP3 connection; the node's L1 map is the cache it fills and evicts. */
    public static final class LettuceTracking extends Tracking {
        final io.lettuce.core.RedisClient lettuce;
        final StatefulRedisConnection<String, String> conn;
        final CacheFrontend<String, String> frontend;
        final boolean bcast;

        public LettuceTracking(RedisServer redis, Node node, Map<String, Message> registry, boolean bcast, String prefix, String namePrefix) {
            super(node, registry, namePrefix + "-lettuce-" + node.name + (bcast ? "-bcast" : "-trk"));
            this.bcast = bcast;
            this.lettuce = Invalidation.lettuceClient(redis, name);
            this.conn = lettuce.connect(); // Lettuce negotiates RESP3 (HELLO 3) with Redis 7
            CacheAccessor<String, String> accessor = new CacheAccessor<>() {
                public String get(String k) { return node.l1.get(k); }
                public void put(String k, String v) { node.l1.put(k, v); }
                public void evict(String k) { invalidated(k); }
            };
            TrackingArgs args = TrackingArgs.Builder.enabled();
            if (bcast) args = args.bcast().prefixes(prefix);
            this.frontend = ClientSideCaching.enable(accessor, conn, args);
            node.subscribed();
        }

        @Override public void set(String key, String value) {
            try {
                conn.async().set(key, value).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new LabException("lettuce SET: " + Lab.oneLine(e));
            }
        }

        @Override public String cachedGet(String key) { return frontend.get(key); }

        @Override public String client() { return Clients.LETTUCE; }
        @Override public String mechanism() { return bcast ? "tracking_bcast" : "tracking"; }

        @Override public void close() {
            frontend.close();
            conn.close();
            lettuce.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }
}
