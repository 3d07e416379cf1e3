package lab.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.concurrent.TimeUnit;
import lab.ClientKind;
import lab.Lab;
import lab.LabException;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * SET (with a TTL in seconds or milliseconds), GET and DEL behind one synchronous interface, so one loop
 * measures both clients the same way: Jedis through its pooled {@link RedisClient}, Lettuce through its
 * asynchronous API, each call awaited (up to 5 s) as an application waiting for its cache would.
 */
public interface KvOps extends AutoCloseable {
    void set(String key, String value, long ttlSeconds);

    void setPx(String key, String value, long ttlMillis);

    String get(String key);

    void del(String key);

    @Override
    void close();

    /** The client named {@code client} ({@link ClientKind}) on {@code redis}, its connections named {@code name}-client. */
    static KvOps open(String client, RedisServer redis, String name) {
        if (client.equals(ClientKind.jedis.name())) {
            RedisClient j = Clients.jedis(redis, 10, name + "-jedis");
            return new KvOps() {
                public void set(String k, String v, long ttl) { j.set(k, v, SetParams.setParams().ex(ttl)); }
                public void setPx(String k, String v, long ttl) { j.set(k, v, SetParams.setParams().px(ttl)); }
                public String get(String k) { return j.get(k); }
                public void del(String k) { j.del(k); }
                public void close() { j.close(); }
            };
        }
        io.lettuce.core.RedisClient c = Clients.lettuce(redis, name + "-lettuce");
        StatefulRedisConnection<String, String> conn = c.connect();
        RedisAsyncCommands<String, String> a = conn.async();
        return new KvOps() {
            public void set(String k, String v, long ttl) { await(a.set(k, v, SetArgs.Builder.ex(ttl))); }
            public void setPx(String k, String v, long ttl) { await(a.set(k, v, SetArgs.Builder.px(ttl))); }
            public String get(String k) { return await(a.get(k)); }
            public void del(String k) { await(a.del(k)); }
            public void close() { conn.close(); c.shutdown(); }
        };
    }

    private static <T> T await(RedisFuture<T> f) {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new LabException("lettuce: " + Lab.oneLine(e), e); // the cause tells a lost server from other errors
        }
    }
}
