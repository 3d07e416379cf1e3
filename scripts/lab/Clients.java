//DEPS io.lettuce:lettuce-core:7.7.0.RELEASE
package lab;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
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

    public static final String JEDIS = "jedis";
    public static final String LETTUCE = "lettuce";

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
        RedisURI uri = RedisURI.create(s.url());
        uri.setClientName(clientName);
        uri.setTimeout(Duration.ofSeconds(2));
        io.lettuce.core.RedisClient c = io.lettuce.core.RedisClient.create(lettuceResources(), uri);
        c.setOptions(options
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
                .build());
        return c;
    }
}
