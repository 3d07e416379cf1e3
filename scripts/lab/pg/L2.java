package lab.pg;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import lab.redis.Clients;
import lab.LabException;
import lab.redis.RedisServer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.RedisClient;

/**
 * The L2 tier: byte values in Redis through Jedis (pooled, synchronous) or Lettuce (one multiplexed
 * connection). Both are built so a dead Redis fails fast instead of blocking a request thread: short
 * connect/command timeouts, and Lettuce rejects commands while disconnected instead of queueing them.
 * Opening never fails when Redis is down: connections are made on first use (and re-made after a loss).
 */
public interface L2 extends AutoCloseable {

    String client();

    byte[] get(String key);

    void set(String key, byte[] value, long ttlSeconds);

    void del(String key);

    /**
     * The value at {@code key} without blocking the caller: Lettuce completes the future on its event loop;
     * a synchronous client (Jedis) has no event loop and answers on the caller's thread. Failures complete
     * the future exceptionally, never throw.
     */
    default java.util.concurrent.CompletableFuture<byte[]> getAsync(String key) {
        try {
            return java.util.concurrent.CompletableFuture.completedFuture(get(key));
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    /** SET with a TTL without blocking the caller (as {@link #getAsync}). */
    default java.util.concurrent.CompletableFuture<Void> setAsync(String key, byte[] value, long ttlSeconds) {
        try {
            set(key, value, ttlSeconds);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    /** Waits up to {@code millis} for a connection to be usable (warming only; requests never wait). */
    default void awaitReady(long millis) {}

    /** Pipelined SETs (cache warming). */
    void setAll(Map<String, byte[]> values, long ttlSeconds);

    @Override
    void close();

    static L2 open(String client, RedisServer redis, String clientName, long timeoutMillis) {
        return switch (client) {
            case Clients.JEDIS -> new JedisL2(redis, clientName, timeoutMillis);
            case Clients.LETTUCE -> new LettuceL2(redis, clientName, timeoutMillis);
            default -> throw new LabException("unknown client '" + client + "' (jedis, lettuce)");
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    final class JedisL2 implements L2 {
        private final RedisClient jedis;

        JedisL2(RedisServer redis, String clientName, long timeoutMillis) {
            // pool of 16 (the API's worker count), borrow waits at most the timeout; no eager connection
            this.jedis = RedisClient.builder()
                    .hostAndPort(redis.hostAndPort())
                    .clientConfig(redis.jedisConfig().clientName(clientName)
                            .connectionTimeoutMillis((int) timeoutMillis).socketTimeoutMillis((int) timeoutMillis).build())
                    .poolConfig(Clients.pool(16, timeoutMillis))
                    .build();
        }

        @Override public String client() { return Clients.JEDIS; }
        @Override public byte[] get(String key) { return jedis.get(bytes(key)); }
        @Override public void set(String key, byte[] value, long ttlSeconds) { jedis.set(bytes(key), value, SetParams.setParams().ex(ttlSeconds)); }
        @Override public void del(String key) { jedis.del(bytes(key)); }

        @Override
        public void setAll(Map<String, byte[]> values, long ttlSeconds) {
            try (AbstractPipeline p = jedis.pipelined()) {
                values.forEach((k, v) -> p.set(bytes(k), v, SetParams.setParams().ex(ttlSeconds)));
                p.sync();
            }
        }

        @Override public void close() { jedis.close(); }
    }

    final class LettuceL2 implements L2 {
        private final io.lettuce.core.RedisClient lettuce;
        private final io.lettuce.core.resource.ClientResources resources;
        private final RedisURI uri;
        private volatile StatefulRedisConnection<byte[], byte[]> connection;
        private java.util.concurrent.CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connecting;

        LettuceL2(RedisServer redis, String clientName, long timeoutMillis) {
            uri = RedisURI.create(redis.url());
            uri.setClientName(clientName);
            uri.setTimeout(Duration.ofMillis(timeoutMillis));
            // reconnect backoff capped at 500 ms: the default doubles up to 30 s, so after a long outage the
            // client would sit out a restarted Redis for up to half a minute
            resources = io.lettuce.core.resource.DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                    .reconnectDelay(io.lettuce.core.resource.Delay.exponential(Duration.ofMillis(10), Duration.ofMillis(500), 2,
                            java.util.concurrent.TimeUnit.MILLISECONDS))
                    .build();
            lettuce = io.lettuce.core.RedisClient.create(resources, uri);
            lettuce.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    // fail fast while the link is down instead of buffering commands until they time out
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(timeoutMillis)).build())
                    .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(timeoutMillis)))
                    .build());
            connecting = lettuce.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
        }

        /**
         * Never blocks a request: the connection is opened asynchronously (first at construction, then
         * again after a failed attempt); until it is up, calls fail at once and the breaker counts them.
         * A cold JVM spends seconds initialising Netty on the first connect: that must not be a request's wait.
         */
        private StatefulRedisConnection<byte[], byte[]> conn() {
            StatefulRedisConnection<byte[], byte[]> c = connection;
            if (c != null) return c;
            synchronized (this) {
                if (connection != null) return connection;
                if (connecting != null && connecting.isDone()) {
                    try {
                        connection = connecting.join();
                        return connection;
                    } catch (RuntimeException e) {
                        connecting = null; // failed: try again below
                    }
                }
                if (connecting == null) connecting = lettuce.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
                throw new IllegalStateException("Redis connection not established yet");
            }
        }

        @Override
        public void awaitReady(long millis) {
            java.util.concurrent.CompletableFuture<?> f;
            synchronized (this) {
                f = connecting;
            }
            if (connection != null || f == null) return;
            try {
                f.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // Redis down or slow: warming is skipped through the breaker, start-up goes on
            }
        }

        @Override public String client() { return Clients.LETTUCE; }
        @Override public byte[] get(String key) { return conn().sync().get(bytes(key)); }
        @Override public void set(String key, byte[] value, long ttlSeconds) { conn().sync().set(bytes(key), value, SetArgs.Builder.ex(ttlSeconds)); }
        @Override public void del(String key) { conn().sync().del(bytes(key)); }

        // the async path: the command's own future, completed on Lettuce's event loop (or by its timeout timer)
        @Override
        public java.util.concurrent.CompletableFuture<byte[]> getAsync(String key) {
            try {
                return conn().async().get(bytes(key)).toCompletableFuture();
            } catch (RuntimeException e) {
                return java.util.concurrent.CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> setAsync(String key, byte[] value, long ttlSeconds) {
            try {
                return conn().async().set(bytes(key), value, SetArgs.Builder.ex(ttlSeconds)).toCompletableFuture().thenApply(ok -> null);
            } catch (RuntimeException e) {
                return java.util.concurrent.CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public void setAll(Map<String, byte[]> values, long ttlSeconds) {
            var async = conn().async();
            var futures = new java.util.ArrayList<io.lettuce.core.RedisFuture<String>>();
            values.forEach((k, v) -> futures.add(async.set(bytes(k), v, SetArgs.Builder.ex(ttlSeconds))));
            for (var f : futures) {
                try {
                    f.get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("warming SET failed: " + e.getMessage(), e);
                }
            }
        }

        @Override
        public void close() {
            StatefulRedisConnection<byte[], byte[]> c = connection;
            if (c != null) c.close();
            synchronized (this) {
                if (connecting != null) connecting.thenAccept(StatefulRedisConnection::close);
            }
            lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
