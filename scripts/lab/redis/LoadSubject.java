package lab.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.support.AsyncConnectionPoolSupport;
import io.lettuce.core.support.BoundedAsyncPool;
import io.lettuce.core.support.BoundedPoolConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import lab.FixedRate;
import lab.Latency;
import lab.Progress;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.Pool;

/**
 * One Redis client set up to be driven by {@link FixedRate}: a GET of {@code key.get()} as a sync or an
 * async call, a probe of its connection pool (null when it has none), its settings in words, and how
 * to close it. {@code handle} is the client object itself, for a test that needs more than a GET.
 */
public record LoadSubject(String name, FixedRate.SyncCall sync, FixedRate.AsyncCall async, int workers, Supplier<PoolSnapshot> probe,
                          String settings, AutoCloseable closer, Object handle) {

    /** A pool's state at one instant (-1: not exposed by that pool). */
    public record PoolSnapshot(long active, long idle, long waiters, long created, long destroyed, double meanBorrowWaitMillis, double maxBorrowWaitMillis) {}

    /** Runs the fixed-rate load with this client's call (sync calls on {@code workers} threads). */
    public FixedRate.Result run(FixedRate.Config cfg) {
        return sync != null ? FixedRate.run(cfg.workers(workers), sync) : FixedRate.runAsync(cfg, async);
    }

    public void closeQuietly() {
        try {
            closer.close();
        } catch (Exception e) {
            Progress.line(name + ": close failed: " + e.getMessage());
        }
    }

    /** Jedis RedisClient with the given pool; {@code workers} threads call it (>= pool size: the pool, not the harness, is the limit). */
    public static LoadSubject jedis(RedisServer redis, String name, String clientName, ConnectionPoolConfig pc, int workers, Supplier<String> key) {
        RedisClient c = Clients.jedis(redis, pc, clientName);
        Pool<?> pool = c.getPool();
        String settings = "maxTotal=" + pc.getMaxTotal() + " maxWait=" + pc.getMaxWaitDuration().toMillis() + "ms testOnBorrow=" + pc.getTestOnBorrow()
                + " testWhileIdle=" + pc.getTestWhileIdle() + " blockWhenExhausted=" + pc.getBlockWhenExhausted() + " workers=" + workers;
        return new LoadSubject(name, () -> c.get(key.get()), null, workers,
                () -> new PoolSnapshot(pool.getNumActive(), pool.getNumIdle(), pool.getNumWaiters(), pool.getCreatedCount(), pool.getDestroyedCount(),
                        pool.getMeanBorrowWaitDuration().toNanos() / 1e6, pool.getMaxBorrowWaitDuration().toNanos() / 1e6),
                settings, c::close, c);
    }

    /** Lettuce on one multiplexed connection, with the given client options. */
    public static LoadSubject lettuce(RedisServer redis, String name, String clientName, ClientOptions.Builder options, String settings, Supplier<String> key) {
        io.lettuce.core.RedisClient c = Clients.lettuce(redis, clientName, options);
        StatefulRedisConnection<String, String> conn = c.connect();
        RedisAsyncCommands<String, String> a = conn.async();
        return new LoadSubject(name, null, () -> a.get(key.get()), 0, null, settings + " (one multiplexed connection)", () -> {
            conn.close();
            c.shutdown(0, 2, TimeUnit.SECONDS);
        }, conn);
    }

    /** Lettuce with a BoundedAsyncPool: acquire, GET, release; borrow waits timed into {@code waits.get()} (the pool does not time them). */
    public static LoadSubject lettucePool(RedisServer redis, String name, String clientName, int size, Supplier<BorrowWaits> waits, Supplier<String> key) {
        io.lettuce.core.RedisClient c = Clients.lettuce(redis, clientName);
        RedisURI uri = RedisURI.create(redis.url());
        uri.setClientName(clientName);
        uri.setTimeout(Duration.ofSeconds(2));
        BoundedAsyncPool<StatefulRedisConnection<String, String>> pool = AsyncConnectionPoolSupport.createBoundedObjectPool(
                () -> c.connectAsync(StringCodec.UTF8, uri), BoundedPoolConfig.builder().maxTotal(size).maxIdle(size).minIdle(0).build());
        FixedRate.AsyncCall call = () -> {
            long t0 = System.nanoTime();
            // a refused acquire counts too, with the time until it failed: a pool that refuses is not one that queues
            return pool.acquire().whenComplete((conn, t) -> {
                if (t != null) waits.get().recordFailed(System.nanoTime() - t0);
            }).thenCompose(conn -> {
                waits.get().record(System.nanoTime() - t0);
                return conn.async().get(key.get()).whenComplete((v, t) -> pool.release(conn));
            });
        };
        return new LoadSubject(name, null, call, 0,
                () -> new PoolSnapshot(pool.getObjectCount() - pool.getIdle(), pool.getIdle(), -1, pool.getObjectCount(), -1,
                        waits.get().meanMillis(), waits.get().maxMillis()),
                "BoundedAsyncPool maxTotal=" + size + " (acquire on an exhausted pool fails at once: no wait queue)", () -> {
                    pool.close();
                    c.shutdown(0, 2, TimeUnit.SECONDS);
                }, pool);
    }

    /**
     * Borrow waits timed by the lab (acquire call to connection in hand). A failed borrow is kept too,
     * with the time it waited until it failed (its timeout, or at once for a pool that refuses), in
     * {@link #copyAttempts()} and {@link #failed()}: a wait measured only over the borrows that succeeded
     * says nothing about a pool whose borrows fail.
     */
    public static final class BorrowWaits {
        private final Histogram h = Latency.newHistogram();
        private final Histogram attempts = Latency.newHistogram();
        private long failed;

        public synchronized void record(long nanos) { Latency.record(h, nanos); Latency.record(attempts, nanos); }
        /** A borrow that failed after waiting {@code nanos}. */
        public synchronized void recordFailed(long nanos) { Latency.record(attempts, nanos); failed++; }
        /** Borrows that failed (no connection). */
        public synchronized long failed() { return failed; }
        /** Every borrow attempt, failed ones at the time they failed. */
        public synchronized Histogram copyAttempts() { return attempts.copy(); }
        public synchronized double meanMillis() { return h.getTotalCount() == 0 ? 0 : h.getMean() / 1e6; }
        public synchronized double maxMillis() { return h.getMaxValue() / 1e6; }
        public synchronized Histogram copy() { return h.copy(); }
    }
}
