///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import lab.Bursts;
import lab.Check;
import lab.Choice;
import lab.CommonOptions;
import lab.Completions;
import lab.Criterion;
import lab.Faults;
import lab.FixedRate;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Progress;
import lab.Quick;
import lab.Results;
import lab.Sampler;
import lab.redis.Clients;
import lab.redis.CpuMeter;
import lab.redis.Keys;
import lab.redis.LoadSubject;
import lab.redis.LoadSubject.BorrowWaits;
import lab.redis.LoadSubject.PoolSnapshot;
import lab.redis.RedisServer;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.Pool;

@Command(name = "S3_pool", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scenario 3: connection pool under fixed-rate load, pool exhaustion, and recovery from a real Redis restart; Jedis and Lettuce.")
public class S3_pool implements Callable<Integer> {

    /** Clients of the sustained and exhaustion tests: Jedis's pool, Lettuce's one connection, Lettuce's BoundedAsyncPool. */
    enum Client { jedis, lettuce, lettuce_pool }

    static final class ClientNames extends Choice<Client> { ClientNames() { super(Client.class, "client"); } }

    static final class VariantNames extends Choice<RestartVariant> { VariantNames() { super(RestartVariant.class, "restart variant"); } }

    static final String LETTUCE_POOL = Choice.label(Client.lettuce_pool);

    @Mixin CommonOptions common;

    @Option(names = "--rate", paramLabel = "REQ_PER_S", defaultValue = "100", description = "Offered GET rate (default: ${DEFAULT-VALUE}; the throughput criterion applies at 100).")
    double ratePerSecond;

    @Option(names = {"--duration-seconds", "--duration-s"}, paramLabel = "S", defaultValue = "60",
            description = "Measured seconds of sustained load per client (default: ${DEFAULT-VALUE}).")
    @Quick("3") int durationSeconds;

    @Option(names = "--warmup-millis", paramLabel = "MS", defaultValue = "2000", description = "Unrecorded load before each sustained run (default: ${DEFAULT-VALUE}).")
    @Quick("1000") long warmupMillis;

    @Option(names = "--pool-size", paramLabel = "N", defaultValue = "10", description = "Pool size for the sustained test (default: ${DEFAULT-VALUE}).")
    int poolSize;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "1000", description = "Pre-populated keys read at random (default: ${DEFAULT-VALUE}).")
    int keyCount;

    @Option(names = "--bursts", paramLabel = "N", defaultValue = "50", description = "Bursts of 20 concurrent requests on a pool of 5 (default: ${DEFAULT-VALUE}).")
    @Quick("10") int burstCount;

    @Option(names = "--maxwait-rounds", paramLabel = "N", defaultValue = "5", description = "Bursts of slow commands past the pool's maxWait (default: ${DEFAULT-VALUE}).")
    @Quick("2") int maxWaitRounds;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce,lettuce-pool", converter = ClientNames.class,
            description = "Clients for the sustained and exhaustion tests (default: ${DEFAULT-VALUE}).")
    List<Client> clients;

    @Option(names = "--restart-variants", split = ",", defaultValue = "jedis,jedis-testonborrow,lettuce,lettuce-reject", converter = VariantNames.class,
            description = "Client settings measured through a Redis restart (default: ${DEFAULT-VALUE}; also: lettuce-queue50). "
                    + "Empty to skip the restart test.")
    List<RestartVariant> restartVariants;

    @Option(names = {"--restart-run-seconds", "--restart-run-s"}, paramLabel = "S", defaultValue = "15",
            description = "Measured seconds of each restart run; Redis is killed at 1/3 (default: ${DEFAULT-VALUE}).")
    @Quick("6") int restartRunSeconds;

    @Option(names = "--restart-warmup-millis", paramLabel = "MS", defaultValue = "1000", description = "Unrecorded load before each restart run (default: ${DEFAULT-VALUE}).")
    @Quick("500") long restartWarmupMillis;

    @Option(names = {"--down-millis", "--down-ms"}, paramLabel = "MS", defaultValue = "1000", description = "How long Redis stays dead before the restart (default: ${DEFAULT-VALUE}).")
    long downMillis;

    @Option(names = "--sample-millis", paramLabel = "MS", defaultValue = "1000", description = "Period of the pool_timeline.csv samples (default: ${DEFAULT-VALUE}).")
    @Quick("500") long sampleMillis;

    public static void main(String... args) {
        Lab.main(new S3_pool(), args);
    }

    static final int EXHAUST_POOL = 5, EXHAUST_CONCURRENCY = 20;
    static final long SLOW_COMMAND_MILLIS = 100, TINY_MAX_WAIT_MILLIS = 20;

    String[] keyNames;

    @Override
    public Integer call() {
        Check.positive("--rate", ratePerSecond);
        long durationMillis = Check.atLeast("--duration-seconds", durationSeconds, 1) * 1000L;
        Check.atLeast("--pool-size", poolSize, 1);
        Check.atLeast("--keys", keyCount, 1);
        Check.atLeast("--bursts", burstCount, 1);
        Check.atLeast("--maxwait-rounds", maxWaitRounds, 1);
        Check.atLeast("--down-millis", downMillis, 0);
        Check.atLeast("--warmup-millis", warmupMillis, 0);
        Check.atLeast("--restart-warmup-millis", restartWarmupMillis, 0);
        Check.atLeast("--sample-millis", sampleMillis, 1);
        long restartRunMillis = Check.atLeast("--restart-run-seconds", restartRunSeconds, 3) * 1000L;
        clients.removeIf(Objects::isNull);
        restartVariants.removeIf(Objects::isNull); // --restart-variants "" skips the restart test

        Results out = new Results(this, common);
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
                for (Client c : clients) sustained(out, redis, Choice.label(c), durationMillis);
                for (Client c : clients) exhaustion(out, redis, Choice.label(c), burstCount);
                if (clients.contains(Client.jedis)) pastMaxWait(out, redis, keys);
                for (RestartVariant v : restartVariants) restart(out, redis, v, restartRunMillis);
            } finally {
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

    /** Borrow waits of the pool under test; swapped for a fresh one after warm-up. */
    final AtomicReference<BorrowWaits> borrowWaits = new AtomicReference<>(new BorrowWaits());

    LoadSubject jedis(RedisServer redis, String name, ConnectionPoolConfig pc, int workers) {
        return LoadSubject.jedis(redis, name, "lab-s3-" + name, pc, workers, this::randomKey);
    }

    LoadSubject lettuce(RedisServer redis, String name, ClientOptions.Builder options, String settings) {
        return LoadSubject.lettuce(redis, name, "lab-s3-" + name, options, settings, this::randomKey);
    }

    LoadSubject open(RedisServer redis, String client, int size) {
        return switch (client) {
            case Clients.JEDIS -> jedis(redis, client, Clients.pool(size, 2000), size); // workers >= pool: the pool, not the harness, is the limit
            case Clients.LETTUCE -> lettuce(redis, client, ClientOptions.builder(), "autoReconnect=true disconnectedBehavior=DEFAULT requestQueueSize=unbounded");
            default -> LoadSubject.lettucePool(redis, LETTUCE_POOL, "lab-s3-lettuce-pool", size, borrowWaits::get, this::randomKey);
        };
    }

    /** Samples a pool every --sample-millis into pool_timeline.csv while load runs. */
    AutoCloseable sampler(Results out, String test, LoadSubject s) {
        if (s.probe() == null) return () -> {};
        Results.Table t = out.table("pool_timeline.csv", "scenario", "test", "client", "t_s", "active", "idle", "waiters", "created", "destroyed",
                "mean_borrow_wait_ms", "max_borrow_wait_ms");
        return Sampler.every("pool-sampler", sampleMillis, seconds -> {
            PoolSnapshot p = s.probe().get();
            t.row(out.scenario(), test, s.name(), seconds, p.active(), p.idle(), p.waiters(), p.created(), p.destroyed(),
                    p.meanBorrowWaitMillis(), p.maxBorrowWaitMillis());
        });
    }

    // ------------------------------------------------------------------ test 1: sustained load

    void sustained(Results out, RedisServer redis, String client, long durationMillis) {
        Progress.step(client + ": " + Results.num(ratePerSecond) + " req/s for " + durationMillis / 1000 + " s, pool " + poolSize);
        LoadSubject s = open(redis, client, poolSize);
        out.meta("sustained_settings_" + client, s.settings());
        FixedRate.Result r;
        CpuMeter.Cost cost;
        try (AutoCloseable sample = sampler(out, "sustained", s)) {
            // warm-up (not recorded): connections, JIT; long enough that the measured phase is steady state
            FixedRate.Config cfg = FixedRate.Config.of("S3-" + client, ratePerSecond, durationMillis).warmupMillis(warmupMillis);
            CpuMeter cpu = CpuMeter.start(redis); // the scheduler runs on this thread
            r = s.run(cfg);
            cost = cpu.stop();
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new LabException(client + ": " + Lab.oneLine(e));
        } finally {
            s.closeQuietly();
        }
        FixedRate.report(out, "sustained", client, r);
        FixedRate.errorTypes(out, "sustained", client, r);
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
        CpuMeter.harness(out, client, r, cost);
        System.out.printf("%-13s sustained: %.2f req/s achieved of %s offered, %d errors, %d unfinished | response %s | service %s | lag p99 %s%n",
                client, r.achievedRatePerSecond(), Results.num(ratePerSecond), r.errors(), r.unfinished(), rt,
                Latency.fmt(r.serviceTimeNanos().getValueAtPercentile(99)), Latency.fmt(r.scheduleLagNanos().getValueAtPercentile(99)));
    }

    // ------------------------------------------------------------------ test 2: exhaustion

    /**
     * Pool of 5, bursts of 20 simultaneous GETs (4x the pool). Latency counts from the burst's release;
     * a request that cannot get a connection must wait (queued), not fail. Lettuce's single connection
     * has no pool: its equivalent is 20 commands in flight on one connection.
     */
    void exhaustion(Results out, RedisServer redis, String client, int burstCount) {
        Progress.step(client + ": " + burstCount + " bursts of " + EXHAUST_CONCURRENCY + " concurrent GETs, pool " + EXHAUST_POOL);
        LoadSubject s = open(redis, client, EXHAUST_POOL);
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
        try (Bursts bursts = new Bursts("burst", EXHAUST_CONCURRENCY)) {
            for (int b = -3; b < burstCount; b++) { // three bursts of warm-up (connections created, JIT), not recorded
                if (b == 0) borrowWaits.set(new BorrowWaits());
                if (sync != null) bursts.sync(sync, b >= 0);
                else bursts.async(s.async(), b >= 0);
                Lab.sleepMillis(20); // bursts, not a closed loop: let the pool settle between them
            }
            Histogram latency = bursts.latency;
            long errorCount = bursts.errorCount();
            out.latency("exhaustion", client, "burst_get", latency);
            out.info("exhaustion", client, "requests", "count", latency.getTotalCount() + errorCount);
            bursts.errors.forEach((type, n) -> out.info("exhaustion", client, "errors_" + type, "count", n.sum()));
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
            s.closeQuietly();
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
        int rounds = maxWaitRounds;
        try (RedisClient blocking = Clients.jedis(redis, Clients.pool(EXHAUST_POOL, TINY_MAX_WAIT_MILLIS), "lab-s3-jedis-maxwait");
             Bursts bursts = new Bursts("burst", EXHAUST_CONCURRENCY)) {
            for (int i = 0; i < rounds; i++) bursts.sync(() -> blocking.blpop(SLOW_COMMAND_MILLIS / 1000.0, empty), true);
            Histogram h = bursts.latency;
            Map<String, LongAdder> errors = bursts.errors;
            long errorCount = bursts.errorCount();
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
    enum RestartVariant {
        jedis("pool 10, testOnBorrow=false (default): a dead pooled connection fails its request, then is destroyed"),
        jedis_testonborrow("pool 10, testOnBorrow=true: PING before each borrow, dead connections replaced before use"),
        lettuce("autoReconnect=true, disconnectedBehavior=DEFAULT (buffer while disconnected), unbounded queue, 2 s timeout"),
        lettuce_reject("autoReconnect=true, disconnectedBehavior=REJECT_COMMANDS: fail fast while disconnected"),
        lettuce_queue50("autoReconnect=true, buffer while disconnected, requestQueueSize=50: overflow fails fast");

        final String description;

        RestartVariant(String description) { this.description = description; }
    }

    LoadSubject restartSubject(RedisServer redis, String variant) {
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

    /**
     * Fixed-rate GETs at --rate; at 1/3 of the run the redis-server process is SIGKILLed, and --down-ms
     * later started again on the same port. Reconnect time = from the restarted server answering PING
     * (RedisServer.restart() returns then) to the first successful client request completing after it.
     * Total outage = from the kill to that same request. Failed = errors + unfinished over scheduled.
     */
    void restart(Results out, RedisServer redis, RestartVariant kind, long runMillis) {
        String variant = Choice.label(kind);
        Progress.step(variant + ": kill Redis at 1/3 of a " + runMillis / 1000.0 + " s run at " + Results.num(ratePerSecond) + " req/s, restart " + downMillis + " ms later");
        populate(redis);
        long pidBefore = Long.parseLong(redis.info("server").get("process_id"));
        LoadSubject s = restartSubject(redis, variant);
        out.meta("restart_settings_" + variant, s.settings() + "; " + kind.description);
        Completions comp = new Completions();
        FixedRate.Config cfg = FixedRate.Config.of("S3-restart-" + variant, ratePerSecond, runMillis).warmupMillis(restartWarmupMillis);
        Faults fault = Faults.plan(variant)
                .after(cfg.warmupMillis() + runMillis / 3, "kill", () -> {
                    redis.kill();
                    Progress.line(variant + ": " + redis.serverName() + "-server killed");
                })
                .after(downMillis, "restart", () -> {
                    redis.restart(); // returns once the new process answers PING
                    Progress.line(variant + ": " + redis.serverName() + "-server restarted, answers PING");
                });
        FixedRate.Result r;
        try (AutoCloseable sample = sampler(out, "restart", s)) {
            fault.start();
            r = s.sync() != null ? FixedRate.run(cfg.workers(s.workers()), comp.wrap(s.sync())) : FixedRate.runAsync(cfg, comp.wrap(s.async()));
            fault.await(30_000);
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new LabException(variant + ": " + Lab.oneLine(e));
        } finally {
            s.closeQuietly();
        }
        long killAt = fault.startedAt("kill"), upAt = fault.at("restart");
        if (upAt == 0) throw new LabException(variant + ": the run ended before Redis was restarted");
        long pidAfter = Long.parseLong(redis.info("server").get("process_id"));

        long firstOk = comp.firstOkAfter(upAt);
        double reconnectMillis = firstOk < 0 ? Double.NaN : (firstOk - upAt) / 1e6;
        double outageMillis = firstOk < 0 ? Double.NaN : (firstOk - killAt) / 1e6;
        long lastFail = comp.lastFailedAfter(upAt);
        FixedRate.report(out, "restart", variant, r);
        FixedRate.errorTypes(out, "restart", variant, r);
        out.info("restart", variant, "server_kills", "count", 1);
        out.info("restart", variant, "server_pid_changed", "bool", pidBefore != pidAfter ? 1 : 0);
        out.info("restart", variant, "server_down", "ms", (upAt - killAt) / 1e6);
        out.info("restart", variant, "total_outage_from_kill", "ms", outageMillis);
        out.info("restart", variant, "ok_after_restart", "count", comp.okAfter(upAt));
        out.info("restart", variant, "errors_after_restart", "count", comp.failedAfter(upAt));
        out.info("restart", variant, "last_error_after_restart", "ms", lastFail < 0 ? 0 : (lastFail - upAt) / 1e6);
        out.info("restart", variant, "failed_requests", "count", r.errors() + r.unfinished());
        out.check("restart", variant, "reconnect_after_ping", reconnectMillis, Criterion.RECONNECT_MS);
        out.check("restart", variant, "failed_requests_pct", r.failedPercent(), Criterion.FAILED_REQUESTS_PCT);
        System.out.printf("%-19s restart: down %.0f ms, reconnect %.1f ms after PING, outage %.0f ms from kill, %d/%d failed (%.2f %%) %s, response p99 %s max %s%n",
                variant, (upAt - killAt) / 1e6, reconnectMillis, outageMillis, r.errors() + r.unfinished(), r.scheduled(), r.failedPercent(),
                r.errorsByType(), Latency.fmt(r.responseTimeNanos().getValueAtPercentile(99)), Latency.fmt(r.responseTimeNanos().getMaxValue()));
    }
}
