//DEPS io.lettuce:lettuce-core:7.7.0.RELEASE
package lab.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import lab.ClientKind;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;

/**
 * The two Java clients, built the same way in every script (DESIGN principle 3).
 *
 * <p>Jedis 8: {@link RedisClient} (the successor of the removed JedisPooled), synchronous, one pooled
 * connection per in-flight command. Lettuce: asynchronous, one multiplexed connection by default.
 */
public final class Clients {
    private Clients() {}

    // netty (and so Lettuce) does not log through slf4j-nop and falls back to java.util.logging, which
    // prints every reconnect attempt and shutdown race on stderr. The scripts count faults themselves.
    private static final java.util.List<java.util.logging.Logger> QUIET = java.util.List.of(
            java.util.logging.Logger.getLogger("io.lettuce"), java.util.logging.Logger.getLogger("io.netty"));

    static {
        for (java.util.logging.Logger l : QUIET) l.setLevel(java.util.logging.Level.OFF);
    }

    public static final String JEDIS = ClientKind.JEDIS;
    public static final String LETTUCE = ClientKind.LETTUCE;

    /** Fails with a one-line error on a client name the lab does not know. */
    public static void requireKnown(java.util.Collection<String> clients) {
        ClientKind.requireKnown(clients);
    }

    /** A pool config with the given size; borrow waits at most {@code maxWaitMillis} (then a counted error). */
    public static ConnectionPoolConfig pool(int size, long maxWaitMillis) {
        ConnectionPoolConfig pc = new ConnectionPoolConfig();
        pc.setMaxTotal(size);
        pc.setMaxIdle(size);
        pc.setMinIdle(0);
        pc.setBlockWhenExhausted(true);
        pc.setMaxWait(Duration.ofMillis(maxWaitMillis));
        pc.setJmxEnabled(false);
        return pc;
    }

    /** Jedis RedisClient with a pool of {@code poolSize} connections named {@code clientName}. */
    public static RedisClient jedis(RedisServer s, int poolSize, String clientName) {
        return jedis(s, pool(poolSize, 2000), clientName);
    }

    public static RedisClient jedis(RedisServer s, ConnectionPoolConfig pool, String clientName) {
        return RedisClient.builder()
                .hostAndPort(s.hostAndPort())
                .clientConfig(s.jedisConfig().clientName(clientName).build())
                .poolConfig(pool)
                .build();
    }

    private static ClientResources resources;

    /** One shared event-loop set for every Lettuce client of a run (cheap clients, 2-core machine). */
    public static synchronized ClientResources lettuceResources() {
        if (resources == null) {
            resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> resources.shutdown(0, 1, java.util.concurrent.TimeUnit.SECONDS)));
        }
        return resources;
    }

    /** Lettuce client with the lab's defaults: auto-reconnect on, 2 s command timeout. */
    public static io.lettuce.core.RedisClient lettuce(RedisServer s, String clientName) {
        return lettuce(s, clientName, ClientOptions.builder());
    }

    public static io.lettuce.core.RedisClient lettuce(RedisServer s, String clientName, ClientOptions.Builder options) {
        return lettuce(s, clientName, options, lettuceResources());
    }

    /** With other client resources (e.g. a custom address resolver that simulates a partition). */
    public static io.lettuce.core.RedisClient lettuce(RedisServer s, String clientName, ClientOptions.Builder options, ClientResources res) {
        RedisURI uri = RedisURI.create(s.url());
        uri.setClientName(clientName);
        uri.setTimeout(Duration.ofSeconds(2));
        io.lettuce.core.RedisClient c = io.lettuce.core.RedisClient.create(res, uri);
        c.setOptions(options
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
                .build());
        return c;
    }
}
