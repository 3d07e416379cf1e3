///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//
// Scenario 3 of the seed (POC1_redis_integration.md, "Scenario 3: Connection Pooling Under Load",
// Success Criteria Throughput / Connection pool stability / Get latency P50-P99, Risk 3, and
// Decision Point 2: async vs sync client): is a client's connection handling stable at 100 req/s,
// does it queue rather than fail when 4x oversubscribed, and how fast does it recover when the real
// Redis process is killed and restarted under load? Jedis (sync, pooled) vs Lettuce (async: one
// multiplexed connection, and a BoundedAsyncPool as "lettuce-pool").
//
//   ./jbang scripts/S3_pool.java            seed sizes: 100 req/s for 60 s per client, pool 10
//   ./jbang scripts/S3_pool.java --quick    ~30 s: 3 s of load per client, short restart runs
//
// Load is open-loop (lab.FixedRate): response time counts from each request's intended start
// (coordinated omission corrected), service time from its real start, schedule lag is the harness's.
// Output: data/S3_pool/{metrics,timeline,pool_timeline,spectra,run}.csv; exit 0 = all criteria passed.
//   pool_timeline.csv: scenario,test,client,t_s,active,idle,waiters,created,destroyed,mean_borrow_wait_ms,max_borrow_wait_ms
//   (sampled every second while load runs; -1 where a pool does not expose the value)

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.support.AsyncConnectionPoolSupport;
import io.lettuce.core.support.BoundedAsyncPool;
import io.lettuce.core.support.BoundedPoolConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import lab.Clients;
import lab.CommonOptions;
import lab.CpuMeter;
import lab.Criterion;
import lab.FixedRate;
import lab.Keys;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Progress;
import lab.RedisServer;
import lab.Results;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.Pool;

@Command(name = "S3_pool", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scenario 3: connection pool under fixed-rate load, pool exhaustion, and recovery from a real Redis restart; Jedis and Lettuce.")
public class S3_pool implements Callable<Integer> {

    static final String LETTUCE_POOL = "lettuce-pool";

    @Mixin CommonOptions common;

    @Option(names = "--rate", paramLabel = "REQ_PER_S", defaultValue = "100", description = "Offered GET rate (default: ${DEFAULT-VALUE}; the throughput criterion applies at 100).")
    double ratePerSecond;

    @Option(names = "--duration-s", paramLabel = "S", description = "Measured seconds of sustained load per client (default: 60, quick: 3).")
    Integer durationSeconds;

    @Option(names = "--pool-size", paramLabel = "N", defaultValue = "10", description = "Pool size for the sustained test (default: ${DEFAULT-VALUE}).")
    int poolSize;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "1000", description = "Pre-populated keys read at random (default: ${DEFAULT-VALUE}).")
    int keyCount;

    @Option(names = "--bursts", paramLabel = "N", description = "Bursts of 20 concurrent requests on a pool of 5 (default: 50, quick: 10).")
    Integer bursts;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce,lettuce-pool",
            description = "Clients for the sustained and exhaustion tests (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    @Option(names = "--restart-variants", split = ",", defaultValue = "jedis,jedis-testonborrow,lettuce,lettuce-reject",
            description = "Client settings measured through a Redis restart (default: ${DEFAULT-VALUE}; also: lettuce-queue50). "
                    + "Empty to skip the restart test.")
    List<String> restartVariants;

    @Option(names = "--restart-run-s", paramLabel = "S", description = "Measured seconds of each restart run; Redis is killed at 1/3 (default: 15, quick: 6).")
    Integer restartRunSeconds;

    @Option(names = "--down-ms", paramLabel = "MS", defaultValue = "1000", description = "How long Redis stays dead before the restart (default: ${DEFAULT-VALUE}).")
    long downMillis;

    public static void main(String... args) {
        Lab.main(new S3_pool(), args);
    }

    static final int EXHAUST_POOL = 5, EXHAUST_CONCURRENCY = 20;
    static final long SLOW_COMMAND_MILLIS = 100, TINY_MAX_WAIT_MILLIS = 20;

    String[] keyNames;

    // Lettuce logs every reconnect attempt through java.util.logging; the restart test reports them as numbers instead.
    static final java.util.logging.Logger LETTUCE_LOG = java.util.logging.Logger.getLogger("io.lettuce"), NETTY_LOG = java.util.logging.Logger.getLogger("io.netty");
    static {
        LETTUCE_LOG.setLevel(java.util.logging.Level.SEVERE);
        NETTY_LOG.setLevel(java.util.logging.Level.OFF);
    }

    @Override
    public Integer call() {
        long durationMillis = (durationSeconds != null ? durationSeconds : common.pick(60, 3)) * 1000L;
        int burstCount = bursts != null ? bursts : common.pick(50, 10);
        long restartRunMillis = (restartRunSeconds != null ? restartRunSeconds : common.pick(15, 6)) * 1000L;
        if (!(ratePerSecond > 0) || durationMillis < 1000 || poolSize < 1 || keyCount < 1 || burstCount < 1 || downMillis < 0 || restartRunMillis < 3000) {
            throw new LabException("--rate, --duration-s (>= 1), --pool-size, --keys, --bursts must be positive, --restart-run-s >= 3, --down-ms >= 0");
        }
        for (String c : clients) {
            if (!List.of(Clients.JEDIS, Clients.LETTUCE, LETTUCE_POOL).contains(c)) throw new LabException("unknown client '" + c + "' (jedis, lettuce, lettuce-pool)");
        }
        restartVariants.removeIf(String::isBlank);
        for (String v : restartVariants) {
            if (!RESTART_VARIANTS.containsKey(v)) throw new LabException("unknown restart variant '" + v + "' " + RESTART_VARIANTS.keySet());
        }

        Results out = new Results("S3_pool", common.outDir("S3_pool"));
        // The restart test kills the process: the lab must own the server.
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().faults())) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            out.meta("rate_per_s", ratePerSecond);
            out.meta("duration_ms", durationMillis);
            out.meta("pool_size", poolSize);
            out.meta("keys", keyCount);
            out.meta("machine_note", Runtime.getRuntime().availableProcessors() + " cores shared by the load generator, the clients and redis-server");
            Keys keys = new Keys("S3");
            keyNames = new String[keyCount];
            for (int i = 0; i < keyCount; i++) keyNames[i] = keys.key("k:" + (i + 1));
            try {
                populate(redis);
                for (String client : clients) sustained(out, redis, client, durationMillis);
                for (String client : clients) exhaustion(out, redis, client, burstCount);
                if (clients.contains(Clients.JEDIS)) pastMaxWait(out, redis, keys);
                for (String v : restartVariants) restart(out, redis, v, restartRunMillis);
            } finally {
                if (burstThreads != null) burstThreads.shutdownNow();
                keys.cleanup(redis);
            }
        }
        return out.finish();
    }

    /** GET of a random pre-populated key. */
    String randomKey() {
        return keyNames[ThreadLocalRandom.current().nextInt(keyNames.length)];
    }

    void populate(RedisServer redis) {
        String value = "v".repeat(100);
        try (Jedis j = redis.admin()) {
            for (int i = 0; i < keyNames.length; i += 100) {
                List<String> kv = new ArrayList<>();
                for (int k = i; k < Math.min(keyNames.length, i + 100); k++) { kv.add(keyNames[k]); kv.add(value); }
                j.mset(kv.toArray(String[]::new));
            }
        }
    }

    // ------------------------------------------------------------------ the clients under load

    /** One client set up for load: sync or async call, a pool probe, and how to close it. */
    record Subject(String name, FixedRate.SyncCall sync, FixedRate.AsyncCall async, int workers, Supplier<PoolSnapshot> probe,
                   String settings, AutoCloseable closer, Object handle) {
        FixedRate.Result run(FixedRate.Config cfg) {
            return sync != null ? FixedRate.run(cfg.workers(workers), sync) : FixedRate.runAsync(cfg, async);
        }
    }

    /** A pool's state at one instant (-1: not exposed by that pool). */
    record PoolSnapshot(long active, long idle, long waiters, long created, long destroyed, double meanBorrowWaitMillis, double maxBorrowWaitMillis) {}

    Subject jedis(RedisServer redis, String name, ConnectionPoolConfig pc, int workers) {
        RedisClient c = Clients.jedis(redis, pc, "lab-s3-" + name);
        Pool<?> pool = c.getPool();
        String settings = "maxTotal=" + pc.getMaxTotal() + " maxWait=" + pc.getMaxWaitDuration().toMillis() + "ms testOnBorrow=" + pc.getTestOnBorrow()
                + " testWhileIdle=" + pc.getTestWhileIdle() + " blockWhenExhausted=" + pc.getBlockWhenExhausted() + " workers=" + workers;
        return new Subject(name, () -> c.get(randomKey()), null, workers,
                () -> new PoolSnapshot(pool.getNumActive(), pool.getNumIdle(), pool.getNumWaiters(), pool.getCreatedCount(), pool.getDestroyedCount(),
                        pool.getMeanBorrowWaitDuration().toNanos() / 1e6, pool.getMaxBorrowWaitDuration().toNanos() / 1e6),
                settings, c::close, c);
    }

    Subject lettuce(RedisServer redis, String name, ClientOptions.Builder options, String settings) {
        io.lettuce.core.RedisClient c = Clients.lettuce(redis, "lab-s3-" + name, options);
        StatefulRedisConnection<String, String> conn = c.connect();
        RedisAsyncCommands<String, String> a = conn.async();
        return new Subject(name, null, () -> a.get(randomKey()), 0, null, settings + " (one multiplexed connection)", () -> {
            conn.close();
            c.shutdown(0, 2, TimeUnit.SECONDS);
        }, conn);
    }

    /** Lettuce with a BoundedAsyncPool: acquire, GET, release; borrow wait measured here (the pool does not). */
    Subject lettucePool(RedisServer redis, int size) {
        io.lettuce.core.RedisClient c = Clients.lettuce(redis, "lab-s3-lettuce-pool");
        RedisURI uri = RedisURI.create(redis.url());
        uri.setClientName("lab-s3-lettuce-pool");
        uri.setTimeout(Duration.ofSeconds(2));
        BoundedAsyncPool<StatefulRedisConnection<String, String>> pool = AsyncConnectionPoolSupport.createBoundedObjectPool(
                () -> c.connectAsync(StringCodec.UTF8, uri), BoundedPoolConfig.builder().maxTotal(size).maxIdle(size).minIdle(0).build());
        FixedRate.AsyncCall call = () -> {
            long t0 = System.nanoTime();
            return pool.acquire().thenCompose(conn -> {
                borrowWaits.get().record(System.nanoTime() - t0);
                return conn.async().get(randomKey()).whenComplete((v, t) -> pool.release(conn));
            });
        };
        return new Subject(LETTUCE_POOL, null, call, 0,
                () -> new PoolSnapshot(pool.getObjectCount() - pool.getIdle(), pool.getIdle(), -1, pool.getObjectCount(), -1,
                        borrowWaits.get().meanMillis(), borrowWaits.get().maxMillis()),
                "BoundedAsyncPool maxTotal=" + size + " (acquire on an exhausted pool fails at once: no wait queue)", () -> {
                    pool.close();
                    c.shutdown(0, 2, TimeUnit.SECONDS);
                }, pool);
    }

    /** Borrow waits timed by the lab (acquire call to connection in hand); swapped for a fresh one after warm-up. */
    static final class BorrowWaits {
        final Histogram h = Latency.newHistogram();

        synchronized void record(long nanos) { Latency.record(h, nanos); }
        synchronized double meanMillis() { return h.getTotalCount() == 0 ? 0 : h.getMean() / 1e6; }
        synchronized double maxMillis() { return h.getMaxValue() / 1e6; }
        synchronized Histogram copy() { return h.copy(); }
    }

    final AtomicReference<BorrowWaits> borrowWaits = new AtomicReference<>(new BorrowWaits());

    Subject open(RedisServer redis, String client, int size) {
        return switch (client) {
            case Clients.JEDIS -> jedis(redis, client, Clients.pool(size, 2000), size); // workers >= pool: the pool, not the harness, is the limit
            case Clients.LETTUCE -> lettuce(redis, client, ClientOptions.builder(), "autoReconnect=true disconnectedBehavior=DEFAULT requestQueueSize=unbounded");
            default -> lettucePool(redis, size);
        };
    }

    /** Samples a pool once a second (quick: twice) into pool_timeline.csv while load runs. */
    static AutoCloseable sampler(Results out, String test, Subject s, long periodMillis) {
        if (s.probe() == null) return () -> {};
        Results.Table t = out.table("pool_timeline.csv", "scenario", "test", "client", "t_s", "active", "idle", "waiters", "created", "destroyed",
                "mean_borrow_wait_ms", "max_borrow_wait_ms");
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "pool-sampler");
            th.setDaemon(true);
            return th;
        });
        long t0 = System.nanoTime();
        ex.scheduleAtFixedRate(() -> {
            PoolSnapshot p = s.probe().get();
            t.row(out.scenario(), test, s.name(), (System.nanoTime() - t0) / 1e9, p.active(), p.idle(), p.waiters(), p.created(), p.destroyed(),
                    p.meanBorrowWaitMillis(), p.maxBorrowWaitMillis());
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
        return () -> {
            ex.shutdownNow();
            ex.awaitTermination(2, TimeUnit.SECONDS);
        };
    }

    // ------------------------------------------------------------------ test 1: sustained load

    void sustained(Results out, RedisServer redis, String client, long durationMillis) {
        Progress.step(client + ": " + Results.num(ratePerSecond) + " req/s for " + durationMillis / 1000 + " s, pool " + poolSize);
        Subject s = open(redis, client, poolSize);
        out.meta("sustained_settings_" + client, s.settings());
        FixedRate.Result r;
        CpuMeter.Cost cost;
        try (AutoCloseable sample = sampler(out, "sustained", s, common.pick(1000L, 500L))) {
            // warm-up (not recorded): connections, JIT; long enough that the measured phase is steady state
            FixedRate.Config cfg = FixedRate.Config.of("S3-" + client, ratePerSecond, durationMillis).warmupMillis(common.pick(2000L, 1000L));
            CpuMeter cpu = CpuMeter.start(redis); // the scheduler runs on this thread
            r = s.run(cfg);
            cost = cpu.stop();
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new LabException(client + ": " + Lab.oneLine(e));
        } finally {
            closeQuietly(s);
        }
        FixedRate.report(out, "sustained", client, r);
        errorTypes(out, "sustained", client, r);
        Latency.Summary rt = Latency.summarize(r.responseTimeNanos());
        if (ratePerSecond == 100) out.check("sustained", client, "achieved_rate", r.achievedRatePerSecond(), Criterion.THROUGHPUT_RPS);
        out.check("sustained", client, "errors_plus_unfinished", r.errors() + r.unfinished(), Criterion.POOL_ERRORS);
        out.check("sustained", client, "get_p50", rt.p50Millis(), Criterion.GET_P50_MS);
        out.check("sustained", client, "get_p99", rt.p99Millis(), Criterion.GET_P99_MS);
        if (s.probe() != null) {
            PoolSnapshot p = s.probe().get();
            out.info("sustained", client, "pool_created", "count", p.created());
            out.info("sustained", client, "pool_max_borrow_wait", "ms", p.maxBorrowWaitMillis());
            out.info("sustained", client, "pool_mean_borrow_wait", "ms", p.meanBorrowWaitMillis());
        }
        harness(out, client, r, cost);
        System.out.printf("%-13s sustained: %.2f req/s achieved of %s offered, %d errors, %d unfinished | response %s | service %s | lag p99 %s%n",
                client, r.achievedRatePerSecond(), Results.num(ratePerSecond), r.errors(), r.unfinished(), rt,
                Latency.fmt(r.serviceTimeNanos().getValueAtPercentile(99)), Latency.fmt(r.scheduleLagNanos().getValueAtPercentile(99)));
    }

    /** The harness's own bar: scheduled rate within 0.5 % of the target, lag P99 < 1 ms, its CPU cost. */
    static void harness(Results out, String client, FixedRate.Result r, CpuMeter.Cost cost) {
        double scheduledRate = r.scheduled() / (r.config().durationMillis() / 1e3);
        double target = r.config().ratePerSecond();
        out.info("harness", client, "scheduled_rate", "req/s", scheduledRate);
        out.info("harness", client, "scheduled_rate_error_pct", "%", 100 * Math.abs(scheduledRate - target) / target);
        out.info("harness", client, "achieved_rate_error_pct", "%", 100 * Math.abs(r.achievedRatePerSecond() - target) / target);
        out.info("harness", client, "lag_p99", "ms", r.scheduleLagNanos().getValueAtPercentile(99) / 1e6);
        out.info("harness", client, "lag_max", "ms", r.scheduleLagNanos().getMaxValue() / 1e6);
        out.info("harness", client, "scheduler_cpu", "%", cost.callerCpuPct());
        out.info("harness", client, "scheduler_cpu_per_request", "ms", cost.callerCpuPct() / 100 * cost.wallSeconds() * 1e3 / Math.max(1, r.scheduled()));
        out.info("harness", client, "jvm_cpu", "%", cost.jvmCpuPct());
        out.info("harness", client, "redis_cpu", "%", cost.redisCpuPct());
    }

    static void errorTypes(Results out, String test, String client, FixedRate.Result r) {
        r.errorsByType().forEach((type, n) -> out.info(test, client, "errors_" + type, "count", n));
    }

    // ------------------------------------------------------------------ test 2: exhaustion

    /**
     * Pool of 5, bursts of 20 simultaneous GETs (4x the pool). Latency counts from the burst's release;
     * a request that cannot get a connection must wait (queued), not fail. Lettuce's single connection
     * has no pool: its equivalent is 20 commands in flight on one connection.
     */
    void exhaustion(Results out, RedisServer redis, String client, int burstCount) {
        Progress.step(client + ": " + burstCount + " bursts of " + EXHAUST_CONCURRENCY + " concurrent GETs, pool " + EXHAUST_POOL);
        Histogram latency = Latency.newHistogram();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        Subject s = open(redis, client, EXHAUST_POOL);
        out.meta("exhaustion_settings_" + client, s.settings());
        FixedRate.SyncCall sync = s.sync();
        if (client.equals(Clients.JEDIS)) {
            // The pool's own max wait cannot be reset after warm-up, so the lab times each borrow itself:
            // the same pool and connection RedisClient uses, borrowed and returned explicitly.
            RedisClient jc = (RedisClient) s.handle();
            @SuppressWarnings("unchecked") Pool<Connection> pool = (Pool<Connection>) jc.getPool();
            sync = () -> {
                long t0 = System.nanoTime();
                Connection conn = pool.getResource();
                borrowWaits.get().record(System.nanoTime() - t0);
                try {
                    conn.executeCommand(new CommandArguments(Protocol.Command.GET).key(randomKey()));
                } finally {
                    conn.close(); // back to the pool
                }
            };
        }
        try {
            for (int b = -3; b < burstCount; b++) { // three bursts of warm-up (connections created, JIT), not recorded
                if (b == 0) borrowWaits.set(new BorrowWaits());
                Histogram h = b < 0 ? Latency.newHistogram() : latency;
                if (sync != null) syncBurst(sync, h, b < 0 ? new ConcurrentHashMap<>() : errors);
                else asyncBurst(s.async(), h, b < 0 ? new ConcurrentHashMap<>() : errors);
                Lab.sleepMillis(20); // bursts, not a closed loop: let the pool settle between them
            }
            long errorCount = errors.values().stream().mapToLong(LongAdder::sum).sum();
            out.latency("exhaustion", client, "burst_get", latency);
            out.info("exhaustion", client, "requests", "count", latency.getTotalCount() + errorCount);
            errors.forEach((type, n) -> out.info("exhaustion", client, "errors_" + type, "count", n.sum()));
            out.info("exhaustion", client, "concurrency", "count", EXHAUST_CONCURRENCY);
            out.check("exhaustion", client, "errors", errorCount, Criterion.POOL_EXHAUSTION_ERRORS);
            double maxWait = Double.NaN;
            if (s.probe() != null) {
                PoolSnapshot p = s.probe().get();
                Histogram waits = borrowWaits.get().copy();
                maxWait = waits.getTotalCount() == 0 ? Double.NaN : waits.getMaxValue() / 1e6;
                out.info("exhaustion", client, "pool_size", "count", EXHAUST_POOL);
                out.info("exhaustion", client, "pool_created", "count", p.created()); // <= 5: the others queued (or failed)
                out.latency("exhaustion", client, "borrow_wait", waits);
                out.info("exhaustion", client, "borrows_waited_over_1ms", "count", waits.getCountBetweenValues(1_000_000, Long.MAX_VALUE / 4));
                out.check("exhaustion", client, "pool_max_borrow_wait", maxWait, Criterion.POOL_MAX_WAIT_MS);
            } else {
                out.info("exhaustion", client, "connections", "count", 1);
            }
            System.out.printf("%-13s exhaustion: %d requests, %d errors, max borrow wait %s ms | latency from burst start %s%n",
                    client, latency.getTotalCount() + errorCount, errorCount, Double.isNaN(maxWait) ? "n/a (no pool)" : String.format("%.2f", maxWait),
                    Latency.summarize(latency));
        } finally {
            closeQuietly(s);
        }
    }

    ExecutorService burstThreads;

    void syncBurst(FixedRate.SyncCall call, Histogram h, Map<String, LongAdder> errors) {
        if (burstThreads == null) burstThreads = Executors.newFixedThreadPool(EXHAUST_CONCURRENCY, r -> {
            Thread t = new Thread(r, "burst");
            t.setDaemon(true);
            return t;
        });
        CountDownLatch ready = new CountDownLatch(EXHAUST_CONCURRENCY), go = new CountDownLatch(1), done = new CountDownLatch(EXHAUST_CONCURRENCY);
        AtomicLong goAt = new AtomicLong();
        long[] lat = new long[EXHAUST_CONCURRENCY];
        for (int i = 0; i < EXHAUST_CONCURRENCY; i++) {
            int idx = i;
            burstThreads.execute(() -> {
                try {
                    ready.countDown();
                    go.await();
                    call.call();
                    lat[idx] = System.nanoTime() - goAt.get();
                } catch (Throwable t) {
                    lat[idx] = -1;
                    errors.computeIfAbsent(rootType(t), k -> new LongAdder()).increment();
                } finally {
                    done.countDown();
                }
            });
        }
        await(ready);
        goAt.set(System.nanoTime());
        go.countDown();
        await(done);
        for (long l : lat) if (l >= 0) Latency.record(h, l);
    }

    void asyncBurst(FixedRate.AsyncCall call, Histogram h, Map<String, LongAdder> errors) {
        List<CompletableFuture<?>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < EXHAUST_CONCURRENCY; i++) {
            fs.add(call.call().toCompletableFuture().whenComplete((v, t) -> {
                if (t == null) {
                    synchronized (h) { Latency.record(h, System.nanoTime() - t0); }
                } else {
                    errors.computeIfAbsent(rootType(t), k -> new LongAdder()).increment();
                }
            }));
        }
        try {
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // counted per request above
        }
    }

    /**
     * Past maxWait: pool of 5 with a 20 ms borrow limit, 20 concurrent BLPOPs that each hold their
     * connection ~100 ms (blocking only that connection, not the server). Borrowers that wait longer
     * than maxWait must fail with a clear, counted error, and nothing else may break.
     */
    void pastMaxWait(Results out, RedisServer redis, Keys keys) {
        Progress.step("jedis: past maxWait (" + TINY_MAX_WAIT_MILLIS + " ms) with " + SLOW_COMMAND_MILLIS + " ms BLPOPs");
        String empty = keys.key("empty-list");
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        Histogram h = Latency.newHistogram();
        int rounds = common.pick(5, 2);
        try (RedisClient blocking = Clients.jedis(redis, Clients.pool(EXHAUST_POOL, TINY_MAX_WAIT_MILLIS), "lab-s3-jedis-maxwait")) {
            for (int i = 0; i < rounds; i++) syncBurst(() -> blocking.blpop(SLOW_COMMAND_MILLIS / 1000.0, empty), h, errors);
            long errorCount = errors.values().stream().mapToLong(LongAdder::sum).sum();
            out.meta("maxwait_settings", "maxTotal=" + EXHAUST_POOL + " maxWait=" + TINY_MAX_WAIT_MILLIS + "ms, BLPOP timeout " + SLOW_COMMAND_MILLIS + "ms, "
                    + EXHAUST_CONCURRENCY + " concurrent x " + rounds + " rounds");
            out.info("maxwait", "jedis", "requests", "count", h.getTotalCount() + errorCount);
            out.info("maxwait", "jedis", "ok", "count", h.getTotalCount());
            out.info("maxwait", "jedis", "borrow_timeouts", "count", errorCount);
            errors.forEach((type, n) -> out.info("maxwait", "jedis", "errors_" + type, "count", n.sum()));
            out.info("maxwait", "jedis", "pool_max_borrow_wait", "ms", blocking.getPool().getMaxBorrowWaitDuration().toNanos() / 1e6);
            // the pool is still usable afterwards
            blocking.get(keyNames[0]);
            out.info("maxwait", "jedis", "pool_usable_after", "bool", 1);
            System.out.printf("jedis-maxwait: %d of %d BLPOPs timed out borrowing (%s), %d ok; pool still usable%n",
                    errorCount, h.getTotalCount() + errorCount, errors.keySet(), h.getTotalCount());
        }
    }

    // ------------------------------------------------------------------ test 3: restart under load

    /** Client settings measured through a restart: what each setting does to errors and recovery. */
    static final Map<String, String> RESTART_VARIANTS = new java.util.LinkedHashMap<>();
    static {
        RESTART_VARIANTS.put("jedis", "pool 10, testOnBorrow=false (default): a dead pooled connection fails its request, then is destroyed");
        RESTART_VARIANTS.put("jedis-testonborrow", "pool 10, testOnBorrow=true: PING before each borrow, dead connections replaced before use");
        RESTART_VARIANTS.put("lettuce", "autoReconnect=true, disconnectedBehavior=DEFAULT (buffer while disconnected), unbounded queue, 2 s timeout");
        RESTART_VARIANTS.put("lettuce-reject", "autoReconnect=true, disconnectedBehavior=REJECT_COMMANDS: fail fast while disconnected");
        RESTART_VARIANTS.put("lettuce-queue50", "autoReconnect=true, buffer while disconnected, requestQueueSize=50: overflow fails fast");
    }

    Subject restartSubject(RedisServer redis, String variant) {
        return switch (variant) {
            case "jedis" -> jedis(redis, variant, Clients.pool(poolSize, 2000), poolSize);
            case "jedis-testonborrow" -> {
                ConnectionPoolConfig pc = Clients.pool(poolSize, 2000);
                pc.setTestOnBorrow(true);
                yield jedis(redis, variant, pc, poolSize);
            }
            case "lettuce" -> lettuce(redis, variant, ClientOptions.builder().autoReconnect(true), "autoReconnect=true disconnectedBehavior=DEFAULT requestQueueSize=unbounded");
            case "lettuce-reject" -> lettuce(redis, variant, ClientOptions.builder().autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS), "autoReconnect=true disconnectedBehavior=REJECT_COMMANDS");
            case "lettuce-queue50" -> lettuce(redis, variant, ClientOptions.builder().autoReconnect(true).requestQueueSize(50),
                    "autoReconnect=true disconnectedBehavior=DEFAULT requestQueueSize=50");
            default -> throw new LabException("unknown restart variant " + variant);
        };
    }

    /** Completion instants of every request of a run (ok or failed), for the recovery timing. */
    static final class Completions {
        final ConcurrentLinkedQueue<Long> ok = new ConcurrentLinkedQueue<>(), failed = new ConcurrentLinkedQueue<>();

        FixedRate.SyncCall wrap(FixedRate.SyncCall c) {
            return () -> {
                try {
                    c.call();
                    ok.add(System.nanoTime());
                } catch (Exception e) {
                    failed.add(System.nanoTime());
                    throw e;
                }
            };
        }

        FixedRate.AsyncCall wrap(FixedRate.AsyncCall c) {
            return () -> {
                CompletionStage<?> st;
                try {
                    st = c.call();
                } catch (RuntimeException e) {
                    failed.add(System.nanoTime());
                    throw e;
                }
                return st.whenComplete((v, t) -> (t == null ? ok : failed).add(System.nanoTime()));
            };
        }

        long firstOkAfter(long t) { return ok.stream().filter(x -> x > t).mapToLong(Long::longValue).min().orElse(-1); }
        long count(ConcurrentLinkedQueue<Long> q, long after) { return q.stream().filter(x -> x > after).count(); }
        long lastFailedAfter(long t) { return failed.stream().filter(x -> x > t).mapToLong(Long::longValue).max().orElse(-1); }
    }

    /**
     * Fixed-rate GETs at --rate; at 1/3 of the run the redis-server process is SIGKILLed, and --down-ms
     * later started again on the same port. Reconnect time = from the restarted server answering PING
     * (RedisServer.restart() returns then) to the first successful client request completing after it.
     * Total outage = from the kill to that same request. Failed = errors + unfinished over scheduled.
     */
    void restart(Results out, RedisServer redis, String variant, long runMillis) {
        Progress.step(variant + ": kill Redis at 1/3 of a " + runMillis / 1000.0 + " s run at " + Results.num(ratePerSecond) + " req/s, restart " + downMillis + " ms later");
        populate(redis);
        long pidBefore = Long.parseLong(redis.info("server").get("process_id"));
        Subject s = restartSubject(redis, variant);
        out.meta("restart_settings_" + variant, s.settings() + "; " + RESTART_VARIANTS.get(variant));
        Completions comp = new Completions();
        FixedRate.Config cfg = FixedRate.Config.of("S3-restart-" + variant, ratePerSecond, runMillis).warmupMillis(common.pick(1000L, 500L));
        AtomicLong killAt = new AtomicLong(), upAt = new AtomicLong();
        AtomicReference<RuntimeException> faultError = new AtomicReference<>();
        Thread fault = new Thread(() -> {
            try {
                Thread.sleep(cfg.warmupMillis() + runMillis / 3);
                killAt.set(System.nanoTime());
                redis.kill();
                Progress.line(variant + ": " + redis.serverName() + "-server killed");
                Thread.sleep(downMillis);
                redis.restart(); // returns once the new process answers PING
                upAt.set(System.nanoTime());
                Progress.line(variant + ": " + redis.serverName() + "-server restarted, answers PING");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                faultError.set(e);
            }
        }, "fault-" + variant);
        FixedRate.Result r;
        try (AutoCloseable sample = sampler(out, "restart", s, common.pick(1000L, 500L))) {
            fault.start();
            r = s.sync() != null ? FixedRate.run(cfg.workers(s.workers()), comp.wrap(s.sync())) : FixedRate.runAsync(cfg, comp.wrap(s.async()));
            fault.join(30_000);
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new LabException(variant + ": " + Lab.oneLine(e));
        } finally {
            closeQuietly(s);
        }
        if (faultError.get() != null) throw new LabException(variant + ": the restart failed: " + Lab.oneLine(faultError.get()));
        if (upAt.get() == 0) throw new LabException(variant + ": the run ended before Redis was restarted");
        long pidAfter = Long.parseLong(redis.info("server").get("process_id"));

        long firstOk = comp.firstOkAfter(upAt.get());
        double reconnectMillis = firstOk < 0 ? Double.NaN : (firstOk - upAt.get()) / 1e6;
        double outageMillis = firstOk < 0 ? Double.NaN : (firstOk - killAt.get()) / 1e6;
        long lastFail = comp.lastFailedAfter(upAt.get());
        FixedRate.report(out, "restart", variant, r);
        errorTypes(out, "restart", variant, r);
        out.info("restart", variant, "server_kills", "count", 1);
        out.info("restart", variant, "server_pid_changed", "bool", pidBefore != pidAfter ? 1 : 0);
        out.info("restart", variant, "server_down", "ms", (upAt.get() - killAt.get()) / 1e6);
        out.info("restart", variant, "total_outage_from_kill", "ms", outageMillis);
        out.info("restart", variant, "ok_after_restart", "count", comp.count(comp.ok, upAt.get()));
        out.info("restart", variant, "errors_after_restart", "count", comp.count(comp.failed, upAt.get()));
        out.info("restart", variant, "last_error_after_restart", "ms", lastFail < 0 ? 0 : (lastFail - upAt.get()) / 1e6);
        out.info("restart", variant, "failed_requests", "count", r.errors() + r.unfinished());
        out.check("restart", variant, "reconnect_after_ping", reconnectMillis, Criterion.RECONNECT_MS);
        out.check("restart", variant, "failed_requests_pct", r.failedPercent(), Criterion.FAILED_REQUESTS_PCT);
        System.out.printf("%-19s restart: down %.0f ms, reconnect %.1f ms after PING, outage %.0f ms from kill, %d/%d failed (%.2f %%) %s, response p99 %s max %s%n",
                variant, (upAt.get() - killAt.get()) / 1e6, reconnectMillis, outageMillis, r.errors() + r.unfinished(), r.scheduled(), r.failedPercent(),
                r.errorsByType(), Latency.fmt(r.responseTimeNanos().getValueAtPercentile(99)), Latency.fmt(r.responseTimeNanos().getMaxValue()));
    }

    // ------------------------------------------------------------------ small helpers

    static String rootType(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getClass().getSimpleName();
    }

    static void closeQuietly(Subject s) {
        try {
            s.closer().close();
        } catch (Exception e) {
            Progress.line(s.name() + ": close failed: " + e.getMessage());
        }
    }

    static void await(CountDownLatch l) {
        try {
            if (!l.await(30, TimeUnit.SECONDS)) throw new LabException("a burst did not finish in 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }

}
