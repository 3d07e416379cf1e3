///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//
// Beyond the seed (POC1_redis_integration.md asks for 100 req/s, Scenario 3 and Risk 3: "connection
// pool unstable under load"): where does latency bend? The open-loop GET rate is stepped up
// (100, 1k, 2k, 5k, 10k, ... req/s) for Jedis at several pool sizes (pool = workers = concurrency)
// and for Lettuce on one multiplexed connection, until P99 passes 20 ms, errors appear, or the
// achieved rate falls behind the offered one. The knee is the last step that held.
// redis-benchmark (closed loop, same concurrency, same server, same run) is the physical reference.
//
//   ./jbang scripts/X2_saturation.java            5 s per step, up to 80k req/s (~3 min)
//   ./jbang scripts/X2_saturation.java --quick    1 s per step, fewer steps (~30 s)
//
// Caveat printed with the results: on a 2-core machine the load generator, the clients and
// redis-server share the same two cores; jvm_cpu_pct and redis_cpu_pct say who ran out first.
// Output: data/X2_saturation/{metrics,saturation,run}.csv; exit 0 = every client holds >= 100 req/s.
//   saturation.csv: scenario,client,concurrency,offered_rate,achieved_rate,p50_ms,p99_ms,p999_ms,errors,
//                   unfinished,service_p50_ms,service_p99_ms,lag_p99_ms,scheduler_cpu_pct,jvm_cpu_pct,redis_cpu_pct,held
//   (response times count from the intended start: coordinated omission corrected; held = 1 if the step
//   met P99 < 20 ms, no errors/unfinished, achieved >= 95 % of offered)

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import lab.Check;
import lab.ClientKind;
import lab.redis.Clients;
import lab.CommonOptions;
import lab.redis.CpuMeter;
import lab.Criterion;
import lab.FixedRate;
import lab.redis.Keys;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Progress;
import lab.Quick;
import lab.redis.RedisBenchmark;
import lab.redis.RedisServer;
import lab.Results;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

@Command(name = "X2_saturation", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Beyond the seed: step the open-loop GET rate up per client and concurrency until P99 > 20 ms or errors; find the knee.")
public class X2_saturation implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--rates", split = ",", paramLabel = "REQ_PER_S", defaultValue = "100,1000,2000,5000,10000,20000,40000,80000",
            description = "Offered rates, ascending (default: ${DEFAULT-VALUE}).")
    @Quick("100,1000,5000,20000") List<Double> rates;

    @Option(names = "--first-warmup-millis", paramLabel = "MS", defaultValue = "2000", description = "Unrecorded load before the first step of a series, which also warms a fresh client (default: ${DEFAULT-VALUE}).")
    @Quick("1000") long firstWarmupMillis;

    @Option(names = "--warmup-millis", paramLabel = "MS", defaultValue = "1000", description = "Unrecorded load before each later step (default: ${DEFAULT-VALUE}).")
    @Quick("300") long stepWarmupMillis;

    @Option(names = "--drain-millis", paramLabel = "MS", defaultValue = "3000", description = "Longest wait for a step's last requests after its schedule ends (default: ${DEFAULT-VALUE}).")
    @Quick("2000") long drainMillis;

    @Option(names = "--benchmark-requests", paramLabel = "N", defaultValue = "100000", description = "redis-benchmark requests per concurrency, the closed-loop reference (default: ${DEFAULT-VALUE}).")
    @Quick("20000") int benchmarkRequests;

    @Option(names = {"--step-seconds", "--step-s"}, paramLabel = "S", defaultValue = "5", description = "Measured seconds per step (default: ${DEFAULT-VALUE}).")
    @Quick("1") double stepSeconds;

    @Option(names = "--jedis-concurrency", split = ",", defaultValue = "1,8,32", paramLabel = "N",
            description = "Jedis pool sizes (= worker threads) to measure (default: ${DEFAULT-VALUE}).")
    List<Integer> jedisConcurrency;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", converter = ClientKind.Converter.class,
            description = "Clients (default: ${DEFAULT-VALUE}); Lettuce uses one multiplexed connection.")
    List<ClientKind> clients;

    @Option(names = "--p99-limit-ms", defaultValue = "20", paramLabel = "MS", description = "P99 response time above which a step has bent (default: ${DEFAULT-VALUE}, the seed's GET P99).")
    double p99LimitMillis;

    @Option(names = "--keys", defaultValue = "1000", paramLabel = "N", description = "Pre-populated keys read at random (default: ${DEFAULT-VALUE}).")
    int keyCount;

    public static void main(String... args) {
        Lab.main(new X2_saturation(), args);
    }

    String[] keyNames;

    @Override
    public Integer call() {
        List<Double> steps = rates;
        long stepMillis = Math.round(stepSeconds * 1000);
        for (int i = 0; i < steps.size(); i++) {
            if (!(steps.get(i) > 0) || i > 0 && steps.get(i) <= steps.get(i - 1)) throw new LabException("--rates must be positive and ascending: " + steps);
        }
        Check.atLeast("--step-seconds", stepSeconds, 0.2);
        Check.atLeast("--keys", keyCount, 1);
        Check.positive("--p99-limit-ms", p99LimitMillis);
        for (int c : jedisConcurrency) Check.atLeast("--jedis-concurrency", c, 1);

        Results out = new Results(this, common);
        String machine = Runtime.getRuntime().availableProcessors() + " cores shared by the load generator, the clients and redis-server";
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(4L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe() + " (" + machine + ")");
            out.server(redis);
            out.meta("machine_note", machine);
            out.meta("rates", steps);
            out.meta("step_ms", stepMillis);
            out.meta("p99_limit_ms", p99LimitMillis);
            Keys keys = new Keys("X2");
            keyNames = new String[keyCount];
            for (int i = 0; i < keyCount; i++) keyNames[i] = keys.key("k:" + (i + 1));
            try (Jedis j = redis.admin()) {
                for (int i = 0; i < keyCount; i += 100) {
                    List<String> kv = new ArrayList<>();
                    for (int k = i; k < Math.min(keyCount, i + 100); k++) { kv.add(keyNames[k]); kv.add("v".repeat(100)); }
                    j.mset(kv.toArray(String[]::new));
                }
            }
            try {
                Set<Integer> benchConcurrency = new LinkedHashSet<>();
                if (clients.contains(ClientKind.jedis)) {
                    for (int c : jedisConcurrency) {
                        benchConcurrency.add(c);
                        try (RedisClient jc = Clients.jedis(redis, Clients.pool(c, 2000), "lab-x2-jedis-" + c)) {
                            series(out, redis, Clients.JEDIS, c, steps, stepMillis, cfg -> FixedRate.run(cfg.workers(c), () -> jc.get(randomKey())));
                        }
                    }
                }
                if (clients.contains(ClientKind.lettuce)) {
                    benchConcurrency.add(1);
                    io.lettuce.core.RedisClient lc = Clients.lettuce(redis, "lab-x2-lettuce");
                    try (StatefulRedisConnection<String, String> conn = lc.connect()) {
                        RedisAsyncCommands<String, String> a = conn.async();
                        series(out, redis, Clients.LETTUCE, 1, steps, stepMillis, cfg -> FixedRate.runAsync(cfg, () -> a.get(randomKey())));
                    } finally {
                        lc.shutdown(0, 2, TimeUnit.SECONDS);
                    }
                }
                reference(out, redis, keys, benchConcurrency);
            } finally {
                keys.cleanup(redis);
            }
        }
        System.out.println("Note: " + machine + "; a knee here is the knee of the whole box, not of Redis alone (see jvm_cpu_pct / redis_cpu_pct).");
        return out.finish();
    }

    String randomKey() {
        return keyNames[ThreadLocalRandom.current().nextInt(keyNames.length)];
    }

    interface Runner {
        FixedRate.Result run(FixedRate.Config cfg);
    }

    /** One client at one concurrency: step the rate up until it bends; the knee is the last step that held. */
    void series(Results out, RedisServer redis, String client, int concurrency, List<Double> steps, long stepMillis, Runner runner) {
        String label = client + "-c" + concurrency;
        Results.Table t = out.table("saturation.csv", "scenario", "client", "concurrency", "offered_rate", "achieved_rate", "p50_ms", "p99_ms", "p999_ms",
                "errors", "unfinished", "service_p50_ms", "service_p99_ms", "lag_p99_ms", "scheduler_cpu_pct", "jvm_cpu_pct", "redis_cpu_pct", "held");
        double kneeRate = Double.NaN, kneeAchieved = Double.NaN, kneeP99 = Double.NaN, kneeJvmCpu = Double.NaN, kneeSchedulerCpu = Double.NaN, breakRate = Double.NaN;
        for (double rate : steps) {
            // the first step of a series also warms a fresh client (connections, JIT): longer warm-up, never recorded
            long warmupMillis = rate == steps.get(0) ? firstWarmupMillis : stepWarmupMillis;
            FixedRate.Config cfg = FixedRate.Config.of(label, rate, stepMillis).warmupMillis(warmupMillis).drainMillis(drainMillis);
            CpuMeter cpu = CpuMeter.start(redis); // the scheduler runs on this thread
            FixedRate.Result r = runner.run(cfg);
            CpuMeter.Cost cost = cpu.stop();
            Latency.Summary rt = Latency.summarize(r.responseTimeNanos()), st = Latency.summarize(r.serviceTimeNanos());
            boolean held = r.errors() == 0 && r.unfinished() == 0 && rt.count() > 0 && rt.p99Millis() < p99LimitMillis
                    && r.achievedRatePerSecond() >= 0.95 * rate;
            t.row(out.scenario(), client, concurrency, rate, r.achievedRatePerSecond(), rt.p50Millis(), rt.p99Millis(), rt.p999Millis(), r.errors(), r.unfinished(),
                    st.p50Millis(), st.p99Millis(), r.scheduleLagNanos().getValueAtPercentile(99) / 1e6, cost.callerCpuPct(), cost.jvmCpuPct(), cost.redisCpuPct(), held ? 1 : 0);
            Progress.line(String.format("%s @ %.0f req/s: achieved %.0f, p50 %.3f ms, p99 %.3f ms, %d errors, %d unfinished, JVM %.0f %% CPU, redis %.0f %%, scheduler %.1f %% -> %s",
                    label, rate, r.achievedRatePerSecond(), rt.p50Millis(), rt.p99Millis(), r.errors(), r.unfinished(), cost.jvmCpuPct(), cost.redisCpuPct(),
                    cost.callerCpuPct(), held ? "held" : "BENT"));
            if (!held) {
                breakRate = rate;
                break;
            }
            kneeRate = rate;
            kneeAchieved = r.achievedRatePerSecond();
            kneeP99 = rt.p99Millis();
            kneeJvmCpu = cost.jvmCpuPct();
            kneeSchedulerCpu = cost.callerCpuPct();
        }
        out.info("knee", label, "knee_rate", "req/s", Double.isNaN(kneeRate) ? 0 : kneeRate);
        out.info("knee", label, "knee_p99", "ms", kneeP99);
        out.info("knee", label, "break_rate", "req/s", breakRate);
        out.info("knee", label, "knee_is_lower_bound", "bool", Double.isNaN(breakRate) ? 1 : 0); // never bent within the steps
        out.info("knee", label, "knee_jvm_cpu", "%", kneeJvmCpu);
        out.info("knee", label, "knee_scheduler_cpu", "%", kneeSchedulerCpu);
        // The seed's bar: the client must hold at least 100 req/s within the latency limit.
        out.check("knee", label, "knee_achieved_rate", Double.isNaN(kneeAchieved) ? 0 : kneeAchieved, Criterion.THROUGHPUT_RPS);
        System.out.printf("%-10s knee %s req/s (p99 %.2f ms), bent at %s req/s%n", label, Results.num(Double.isNaN(kneeRate) ? 0 : kneeRate), kneeP99,
                Double.isNaN(breakRate) ? "no step (lower bound)" : Results.num(breakRate));
    }

    /**
     * The server's own benchmark tool (redis-benchmark, or valkey-benchmark on Valkey) GET, closed loop,
     * at each concurrency measured: the rate the C client reaches on the same box.
     */
    void reference(Results out, RedisServer redis, Keys keys, Set<Integer> concurrency) {
        String unavailable = RedisBenchmark.unavailable(redis);
        if (unavailable != null) {
            out.meta("benchmark_tool", unavailable);
            Progress.line("benchmark reference " + unavailable);
            return;
        }
        String tool = RedisBenchmark.toolName(redis);
        out.meta("benchmark_tool", tool);
        int requests = benchmarkRequests;
        for (int c : concurrency) {
            Progress.step(tool + " -c " + c + " -n " + requests + " GET (closed-loop reference)");
            RedisBenchmark.Line l = RedisBenchmark.run(redis, c, requests, "GET", keyNames[0]);
            out.info("reference", tool, "get_rps_c" + c, "req/s", l.requestsPerSecond());
            out.info("reference", tool, "get_p50_c" + c, "ms", l.p50Millis());
            out.info("reference", tool, "get_p99_c" + c, "ms", l.p99Millis());
            for (Results.Row row : out.rows()) {
                if (row.metric().equals("knee_rate") && row.client().endsWith("-c" + c)) {
                    out.info("reference", row.client(), "knee_vs_redis_benchmark_rps", "ratio", row.value() / l.requestsPerSecond());
                }
            }
            System.out.printf("%s -c %-3d GET: %.0f req/s closed loop (p50 %.3f ms, p99 %.3f ms)%n", tool, c, l.requestsPerSecond(), l.p50Millis(), l.p99Millis());
        }
    }
}
