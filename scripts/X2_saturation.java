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
//   ./jbang scripts/X2_saturation.java            4 s per step, up to 80k req/s, 5 knee searches per series (~6-7 min)
//   ./jbang scripts/X2_saturation.java --quick    1 s per step, fewer steps, 3 knee searches per series (~40 s)
//
// Trials: the knee search runs --trials times per series (client and concurrency), interleaved across
// the series (A B C D, then D C B A, ...), every client open for the whole run. Trial 1 climbs the
// whole ladder from the lowest step (saturation.csv, the chart). Each later trial searches from trial
// 1's knee: up step by step while steps hold, down step by step while they bend (knee_trials.csv), so
// it costs one or two steps, not the ladder. A trial's value is the achieved rate of the highest step
// that held in it (0 if none did). The criterion (the client holds at least 100 req/s within the
// latency limit) is judged on the median across trials with its 95 % interval (lab.Trials, lab.Verdict);
// every trial's knee, achieved rate and P99 are in trials.csv. Every step runs unrecorded load at its
// rate first (--first-warmup-millis before the ladder's first step, --warmup-millis before any other).
//
// Caveat printed with the results: on a 2-core machine the load generator, the clients and
// redis-server share the same two cores; jvm_cpu_pct and redis_cpu_pct say who ran out first.
// Output: data/X2_saturation/{metrics,trials,saturation,knee_trials,run}.csv; exit 0 = every client holds >= 100 req/s.
//   saturation.csv: scenario,client,concurrency,offered_rate,achieved_rate,p50_ms,p99_ms,p999_ms,errors,
//                   unfinished,service_p50_ms,service_p99_ms,lag_p99_ms,scheduler_cpu_pct,jvm_cpu_pct,redis_cpu_pct,held
//   (trial 1's ladder; response times count from the intended start: coordinated omission corrected; held = 1 if the step
//   met P99 < 20 ms, no errors/unfinished, achieved >= 95 % of offered)
//   knee_trials.csv: the same columns with trial after concurrency, one row per step of trials 2..N

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
import lab.Trials;
import lab.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

@Command(name = "X2_saturation", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Beyond the seed: step the open-loop GET rate up per client and concurrency until P99 > 20 ms or errors; find the knee, "
                + "repeated as interleaved trials.")
public class X2_saturation implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--rates", split = ",", paramLabel = "REQ_PER_S", defaultValue = "100,1000,2000,5000,10000,20000,40000,80000",
            description = "Offered rates, ascending (default: ${DEFAULT-VALUE}).")
    @Quick("100,1000,5000,20000") List<Double> rates;

    @Option(names = "--first-warmup-millis", paramLabel = "MS", defaultValue = "2000", description = "Unrecorded load before the first step of a series, which also warms a fresh client (default: ${DEFAULT-VALUE}).")
    @Quick("1000") long firstWarmupMillis;

    @Option(names = "--warmup-millis", paramLabel = "MS", defaultValue = "1000", description = "Unrecorded load before every other step, those of the later trials included (default: ${DEFAULT-VALUE}).")
    @Quick("300") long stepWarmupMillis;

    @Option(names = "--drain-millis", paramLabel = "MS", defaultValue = "3000", description = "Longest wait for a step's last requests after its schedule ends (default: ${DEFAULT-VALUE}).")
    @Quick("2000") long drainMillis;

    @Option(names = "--benchmark-requests", paramLabel = "N", defaultValue = "100000", description = "redis-benchmark requests per concurrency, the closed-loop reference (default: ${DEFAULT-VALUE}).")
    @Quick("20000") int benchmarkRequests;

    @Option(names = {"--step-seconds", "--step-s"}, paramLabel = "S", defaultValue = "4", description = "Measured seconds per step (default: ${DEFAULT-VALUE}).")
    @Quick("1") double stepSeconds;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "5",
            description = "Knee searches per series, interleaved across the series: the first climbs the whole ladder, each later one searches "
                    + "up and down from the first one's knee (default: ${DEFAULT-VALUE}).")
    @Quick("3") int trials;

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

    static final String[] STEP_COLUMNS = {"offered_rate", "achieved_rate", "p50_ms", "p99_ms", "p999_ms", "errors", "unfinished", "service_p50_ms",
            "service_p99_ms", "lag_p99_ms", "scheduler_cpu_pct", "jvm_cpu_pct", "redis_cpu_pct", "held"};

    @Override
    public Integer call() {
        List<Double> steps = rates;
        long stepMillis = Math.round(stepSeconds * 1000);
        for (int i = 0; i < steps.size(); i++) {
            if (!(steps.get(i) > 0) || i > 0 && steps.get(i) <= steps.get(i - 1)) throw new LabException("--rates must be positive and ascending: " + steps);
        }
        Check.atLeast("--step-seconds", stepSeconds, 0.2);
        int t = Check.atLeast("--trials", trials, 1);
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
            out.meta("trials", t);
            out.meta("trial_order", "interleaved: the series in order, reversed every other trial; trial 1 climbs the ladder, later trials search from its knee");
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
            List<Series> series = new ArrayList<>();
            try {
                Set<Integer> benchConcurrency = new LinkedHashSet<>();
                if (clients.contains(ClientKind.jedis)) {
                    for (int c : jedisConcurrency) {
                        benchConcurrency.add(c);
                        RedisClient jc = Clients.jedis(redis, Clients.pool(c, 2000), "lab-x2-jedis-" + c);
                        series.add(new Series(Clients.JEDIS, c, cfg -> FixedRate.run(cfg.workers(c), () -> jc.get(randomKey())), jc::close));
                    }
                }
                if (clients.contains(ClientKind.lettuce)) {
                    benchConcurrency.add(1);
                    io.lettuce.core.RedisClient lc = Clients.lettuce(redis, "lab-x2-lettuce");
                    final StatefulRedisConnection<String, String> conn;
                    try {
                        conn = lc.connect();
                    } catch (RuntimeException e) {
                        lc.shutdown(0, 2, TimeUnit.SECONDS);
                        throw e;
                    }
                    RedisAsyncCommands<String, String> a = conn.async();
                    series.add(new Series(Clients.LETTUCE, 1, cfg -> FixedRate.runAsync(cfg, () -> a.get(randomKey())), () -> {
                        conn.close();
                        lc.shutdown(0, 2, TimeUnit.SECONDS);
                    }));
                }
                for (int trial = 0; trial < t; trial++) {
                    List<Series> order = Trials.order(series, trial);
                    Progress.step(String.format("trial %d/%d: %s; %s", trial + 1, t, String.join(", ", order.stream().map(x -> x.label).toList()),
                            trial == 0 ? "each climbs the ladder from the lowest step" : "each searches up and down from its first knee"));
                    for (Series x : order) {
                        if (trial == 0) ladder(out, redis, x, steps, stepMillis);
                        else search(out, redis, x, steps, stepMillis, trial);
                    }
                }
                for (Series x : series) judge(out, x);
                reference(out, redis, keys, benchConcurrency);
            } finally {
                for (Series x : series) x.closeQuietly();
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

    /** One client at one concurrency (its client open for the whole run), and each trial's knee. */
    static final class Series {
        final String client, label;
        final int concurrency;
        final Runner runner;
        final AutoCloseable closer;
        final Map<String, Trials> perTrial = new LinkedHashMap<>();
        /** Index in the steps of trial 1's knee, where later trials start their search (-1: no step held). */
        int ladderKnee = -1;

        Series(String client, int concurrency, Runner runner, AutoCloseable closer) {
            this.client = client;
            this.concurrency = concurrency;
            this.label = client + "-c" + concurrency;
            this.runner = runner;
            this.closer = closer;
        }

        Trials of(String metric) {
            return perTrial.computeIfAbsent(metric, m -> new Trials());
        }

        void closeQuietly() {
            try {
                closer.close();
            } catch (Exception e) {
                Progress.line(label + ": close failed: " + Lab.oneLine(e));
            }
        }
    }

    /** One measured step: open-loop GETs at {@code rate} after unrecorded load at that rate, and whether it held. */
    record Step(double rate, FixedRate.Result r, Latency.Summary rt, Latency.Summary st, CpuMeter.Cost cost, boolean held) {
        Object[] cells() {
            return new Object[] {rate, r.achievedRatePerSecond(), rt.p50Millis(), rt.p99Millis(), rt.p999Millis(), r.errors(), r.unfinished(),
                    st.p50Millis(), st.p99Millis(), r.scheduleLagNanos().getValueAtPercentile(99) / 1e6, cost.callerCpuPct(), cost.jvmCpuPct(), cost.redisCpuPct(),
                    held ? 1 : 0};
        }
    }

    Step step(RedisServer redis, Series s, double rate, long warmupMillis, long stepMillis, int trial) {
        FixedRate.Config cfg = FixedRate.Config.of(s.label, rate, stepMillis).warmupMillis(warmupMillis).drainMillis(drainMillis);
        CpuMeter cpu = CpuMeter.start(redis); // the scheduler runs on this thread
        FixedRate.Result r = s.runner.run(cfg);
        CpuMeter.Cost cost = cpu.stop();
        Latency.Summary rt = Latency.summarize(r.responseTimeNanos()), st = Latency.summarize(r.serviceTimeNanos());
        boolean held = r.errors() == 0 && r.unfinished() == 0 && rt.count() > 0 && rt.p99Millis() < p99LimitMillis
                && r.achievedRatePerSecond() >= 0.95 * rate;
        Progress.line(String.format("%s trial %d @ %.0f req/s: achieved %.0f, p50 %.3f ms, p99 %.3f ms, %d errors, %d unfinished, JVM %.0f %% CPU, redis %.0f %%, scheduler %.1f %% -> %s",
                s.label, trial + 1, rate, r.achievedRatePerSecond(), rt.p50Millis(), rt.p99Millis(), r.errors(), r.unfinished(), cost.jvmCpuPct(), cost.redisCpuPct(),
                cost.callerCpuPct(), held ? "held" : "BENT"));
        return new Step(rate, r, rt, st, cost, held);
    }

    /** Trial 1: step the rate up from the lowest step until it bends; the knee is the last step that held. */
    void ladder(Results out, RedisServer redis, Series s, List<Double> steps, long stepMillis) {
        Results.Table t = out.table("saturation.csv", columns("scenario", "client", "concurrency"));
        Step knee = null;
        double breakRate = Double.NaN;
        for (int i = 0; i < steps.size(); i++) {
            // the first step of a series also warms the client (connections, JIT): longer warm-up, never recorded
            Step st = step(redis, s, steps.get(i), i == 0 ? firstWarmupMillis : stepWarmupMillis, stepMillis, 0);
            t.row(cells(new Object[] {out.scenario(), s.client, s.concurrency}, st));
            if (!st.held()) {
                breakRate = st.rate();
                break;
            }
            knee = st;
            s.ladderKnee = i;
        }
        out.info("knee", s.label, "knee_rate", "req/s", knee == null ? 0 : knee.rate());
        out.info("knee", s.label, "knee_p99", "ms", knee == null ? Double.NaN : knee.rt().p99Millis());
        out.info("knee", s.label, "break_rate", "req/s", breakRate);
        out.info("knee", s.label, "knee_is_lower_bound", "bool", Double.isNaN(breakRate) ? 1 : 0); // never bent within the steps
        out.info("knee", s.label, "knee_jvm_cpu", "%", knee == null ? Double.NaN : knee.cost().jvmCpuPct());
        out.info("knee", s.label, "knee_scheduler_cpu", "%", knee == null ? Double.NaN : knee.cost().callerCpuPct());
        recordKnee(s, knee);
        System.out.printf("%-10s trial 1 (ladder): knee %s req/s (p99 %.2f ms), bent at %s req/s%n", s.label, Results.num(knee == null ? 0 : knee.rate()),
                knee == null ? Double.NaN : knee.rt().p99Millis(), Double.isNaN(breakRate) ? "no step (lower bound)" : Results.num(breakRate));
    }

    /**
     * A later trial: from trial 1's knee (the lowest step if none held), up step by step while the steps hold,
     * or down step by step until one holds. Its knee is the highest step that held (none: 0).
     */
    void search(Results out, RedisServer redis, Series s, List<Double> steps, long stepMillis, int trial) {
        Results.Table t = out.table("knee_trials.csv", columns("scenario", "client", "concurrency", "trial"));
        int i = Math.max(0, s.ladderKnee);
        Step knee = null, st = step(redis, s, steps.get(i), stepWarmupMillis, stepMillis, trial);
        t.row(cells(new Object[] {out.scenario(), s.client, s.concurrency, trial + 1}, st));
        if (st.held()) {
            knee = st;
            while (++i < steps.size()) {
                st = step(redis, s, steps.get(i), stepWarmupMillis, stepMillis, trial);
                t.row(cells(new Object[] {out.scenario(), s.client, s.concurrency, trial + 1}, st));
                if (!st.held()) break;
                knee = st;
            }
        } else {
            while (--i >= 0) {
                st = step(redis, s, steps.get(i), stepWarmupMillis, stepMillis, trial);
                t.row(cells(new Object[] {out.scenario(), s.client, s.concurrency, trial + 1}, st));
                if (st.held()) {
                    knee = st;
                    break;
                }
            }
        }
        recordKnee(s, knee);
        System.out.printf("%-10s trial %d: knee %s req/s, achieved %s req/s%n", s.label, trial + 1, Results.num(knee == null ? 0 : knee.rate()),
                Results.num(knee == null ? 0 : Math.round(knee.r().achievedRatePerSecond())));
    }

    /** A trial's knee: its offered and achieved rate (0 when no step held: nothing was held within the limit) and its P99. */
    static void recordKnee(Series s, Step knee) {
        s.of("knee_rate").add(knee == null ? 0 : knee.rate());
        s.of("knee_achieved_rate").add(knee == null ? 0 : knee.r().achievedRatePerSecond());
        s.of("knee_p99").add(knee == null ? Double.NaN : knee.rt().p99Millis());
    }

    /** The seed's bar, judged on the trials: the client holds at least 100 req/s within the latency limit. */
    void judge(Results out, Series s) {
        Trials.Estimate achieved = s.of("knee_achieved_rate").estimate();
        out.info("knee", s.label, "knee_rate_trials", "req/s", s.of("knee_rate").estimate());
        out.info("knee", s.label, "knee_p99_trials", "ms", s.of("knee_p99").estimate());
        Verdict v = out.check("knee", s.label, "knee_achieved_rate", achieved, Criterion.THROUGHPUT_RPS);
        System.out.printf("%-10s knee over %d trials: offered %s, achieved %s %s%n", s.label, achieved.trials(), s.of("knee_rate").estimate().text("req/s"),
                achieved.text("req/s"), v.status());
    }

    static String[] columns(String... first) {
        String[] c = java.util.Arrays.copyOf(first, first.length + STEP_COLUMNS.length);
        System.arraycopy(STEP_COLUMNS, 0, c, first.length, STEP_COLUMNS.length);
        return c;
    }

    static Object[] cells(Object[] first, Step st) {
        Object[] rest = st.cells(), c = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, c, first.length, rest.length);
        return c;
    }

    /**
     * The server's own benchmark tool (redis-benchmark, or valkey-benchmark on Valkey) GET, closed loop,
     * at each concurrency measured: the rate the C client reaches on the same box.
     */
    void reference(Results out, RedisServer redis, Keys keys, Set<Integer> concurrency) {
        String tool = RedisBenchmark.forReference(out, redis);
        if (tool == null) return;
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
