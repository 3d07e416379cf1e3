///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS com.fasterxml.jackson.core:jackson-databind:2.20.1
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//
// Scenario 1 of the seed (POC1_redis_integration.md, "Scenario 1: Basic Operations"):
// do SET/GET/DELETE, TTL expiry and a JSON round trip of a code chunk work against Redis 7.x,
// and how fast are they, with the synchronous client (Jedis) and the asynchronous one (Lettuce)?
//
//   ./jbang scripts/S1_basic.java            60,000 ops per command and client in 6 trials, 100 TTL samples (about 2-3 min)
//   ./jbang scripts/S1_basic.java --quick    3,000 ops in 3 trials (about 30 s)
//   ./jbang scripts/S1_basic.java --network zone   behind a ~1 ms round trip: fewer ops per trial (--trial-budget-s)
//
// Measurement design: every code path measured (SET/GET/DEL and the JSON round trip, per client, and
// Jackson itself before the first client) is warmed up until steady state (lab.Warmup: at least
// --warmup-s, then until the P50 of successive 1 s windows agrees within 5 %); then the ops are split
// into independent trials, interleaved across clients (jedis lettuce bare, lettuce jedis bare, ...) so
// drift and order effects cancel. Each quantity is the median across trials with its 95 % interval
// (lab.Trials) and is judged on that interval: PASS / FAIL / INCONCLUSIVE (lab.Verdict). Bare loops
// (one plain connection per library, Jedis and Lettuce's sync API, SET/GET timed into arrays: no lab
// interface, no histogram) run in the same rounds, and redis-benchmark -c 1 after them. Paired per trial:
// a client over its own library's bare loop is the harness's cost (*_vs_bare_same_client_loop), bare Lettuce
// over bare Jedis the library's (bare-lettuce *_vs_bare_loop), any of them over redis-benchmark the JVM's.
//
// Size on a network: each op pays the round trip, so 10,000 ops per command and trial that take ~1 s on
// loopback take ~110 s per trial behind a 1 ms one (--network zone). A trial may take --trial-budget-s at
// the cost per call the warm-ups measured on this very path; above that its ops and JSON round trips are
// scaled down alike, never below 1,000 per trial (10 samples beyond the P99). On loopback and --network lan
// the full size fits; run.csv says whether a run was sized down (sized_by_trial_budget) and from how many
// samples per trial its P99 comes (p99_samples_per_trial).
//
// Output: data/S1_basic/{metrics,trials,spectra,ttl_samples,run}.csv and a criteria table; exit 0 = all passed.

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import lab.redis.Clients;
import lab.CodeChunk;
import lab.CommonOptions;
import lab.Criterion;
import lab.redis.Keys;
import lab.redis.KvOps;
import lab.Lab;
import lab.Latency;
import lab.LabException;
import lab.Progress;
import lab.Quick;
import lab.redis.RedisBenchmark;
import lab.redis.RedisServer;
import lab.Results;
import lab.Trials;
import lab.Warmup;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;

@Command(name = "S1_basic", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scenario 1: SET/GET/DELETE latency, TTL expiry accuracy and JSON round trip, Jedis and Lettuce side by side.")
public class S1_basic implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--ops", paramLabel = "N", defaultValue = "60000", description = "Measured operations per command and client, split across the trials (default: ${DEFAULT-VALUE}).")
    @Quick("3000") int ops;

    @Option(names = "--json-ops", paramLabel = "N", defaultValue = "30000", description = "Measured JSON round trips per client, split across the trials (default: ${DEFAULT-VALUE}; at most --ops).")
    @Quick("1500") int jsonOps;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "6", description = "Independent trials per quantity, interleaved across clients (default: ${DEFAULT-VALUE}). 6 or more give a 95 %% order-statistic interval.")
    @Quick("3") int trials;

    @Option(names = {"--warmup-seconds", "--warmup-s"}, paramLabel = "S", defaultValue = "5", description = "Minimum warm-up per client and code path before any recorded sample (default: ${DEFAULT-VALUE}); it goes on until the P50 settles, at most 4x this.")
    @Quick("1") int warmupSeconds;

    @Option(names = "--ttl-samples", paramLabel = "N", defaultValue = "100", description = "Keys whose expiry is timed, per client (default: ${DEFAULT-VALUE}).")
    @Quick("20") int ttlSamples;

    @Option(names = "--benchmark-requests", paramLabel = "N", defaultValue = "10000", description = "redis-benchmark requests of the closed-loop reference, at least --ops / --trials (default: ${DEFAULT-VALUE}).")
    @Quick("1000") int benchmarkRequests;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", description = "Clients to measure (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    @Option(names = "--trial-budget-s", paramLabel = "S", defaultValue = "40", description = "Longest a trial may take at the cost per call the warm-ups measured; above it the trial's ops and JSON round trips are scaled down alike (never below "
            + MIN_P99_SAMPLES + " per trial): a network profile or a remote server, where every op pays the round trip (default: ${DEFAULT-VALUE}; loopback fits in a few seconds).")
    @Quick("10") int trialBudgetSeconds;

    /** The fewest samples a trial's P99 is taken from when the budget scales it down: 10 beyond the P99. */
    static final int MIN_P99_SAMPLES = 1000;

    public static void main(String... args) {
        Lab.main(new S1_basic(), args);
    }

    @Override
    public Integer call() {
        int n = ops;
        int nJson = Math.min(n, jsonOps);
        int t = trials;
        int ttlN = ttlSamples;
        long warmMillis = 1000L * warmupSeconds;
        if (n < 1 || ttlN < 1 || nJson < 1) throw new LabException("--ops, --json-ops and --ttl-samples must be >= 1");
        if (t < 1 || t > nJson) throw new LabException("--trials must be between 1 and --json-ops (" + nJson + "), got " + t);
        if (warmMillis < 0) throw new LabException("--warmup-seconds must be >= 0, got " + warmupSeconds);
        if (trialBudgetSeconds < 1) throw new LabException("--trial-budget-s must be >= 1, got " + trialBudgetSeconds);
        Clients.requireKnown(clients);

        Results out = new Results(this, common);
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(8L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            out.meta("ops_per_command", n);
            out.meta("json_round_trips", nJson);
            out.meta("trials", t);
            out.meta("warmup_min_s", warmMillis / 1000.0);
            out.meta("ttl_samples", ttlN);
            Keys keys = new Keys("S1");
            Map<String, KvOps> open = new LinkedHashMap<>();
            Map<String, Measured> measured = new LinkedHashMap<>();
            // the bare loops: one plain connection per client library, no lab interface, no histogram in the loop
            io.lettuce.core.RedisClient bareLettuceClient = clients.contains(Clients.LETTUCE) ? Clients.lettuce(redis, "lab-s1-bare-lettuce") : null;
            try (Jedis bare = new Jedis(redis.hostAndPort(), redis.jedisConfig().clientName("lab-s1-bare").build());
                 io.lettuce.core.api.StatefulRedisConnection<String, String> bareLettuceConn = bareLettuceClient == null ? null : bareLettuceClient.connect()) {
                io.lettuce.core.api.sync.RedisCommands<String, String> bareLettuce = bareLettuceConn == null ? null : bareLettuceConn.sync();
                for (String client : clients) {
                    open.put(client, KvOps.open(client, redis, "lab-s1"));
                    measured.put(client, new Measured());
                }
                Measured bareLoop = new Measured(), bareLettuceLoop = new Measured();

                // Warm-up: Jackson first (its code is shared by every client), then each client's paths.
                ObjectMapper mapper = new ObjectMapper();
                Random warmRnd = new Random(7);
                Warmup.step(out, "jackson", warmMillis, () -> codec(mapper, CodeChunk.sample(warmRnd, warmRnd.nextInt(1000))));
                double opSeconds = 0, jsonSeconds = 0; // per call, summed over the clients: what one round of a trial costs
                for (String client : clients) {
                    KvOps o = open.get(client);
                    String k = keys.key("warm:" + client);
                    opSeconds += perCall(Warmup.step(out, client + "_ops", warmMillis, () -> { o.set(k, "value", 60); o.get(k); o.del(k); }));
                    jsonSeconds += perCall(Warmup.step(out, client + "_json", warmMillis, () -> roundTrip(mapper, o, k, CodeChunk.sample(warmRnd, warmRnd.nextInt(1000)))));
                }
                String bareKey = keys.key("bare");
                opSeconds += perCall(Warmup.step(out, "bare_jedis", warmMillis, () -> { bare.set(bareKey, "value"); bare.get(bareKey); }));
                String bareLettuceKey = keys.key("bare-lettuce");
                if (bareLettuce != null) {
                    opSeconds += perCall(Warmup.step(out, "bare_lettuce", warmMillis, () -> { bareLettuce.set(bareLettuceKey, "value"); bareLettuce.get(bareLettuceKey); }));
                }

                // Size: the trials' ops and JSON round trips scaled down alike when a trial would outlast its budget.
                int[] sized = fitBudget(n / t, nJson / t, trialBudgetSeconds, opSeconds, jsonSeconds);
                double estimateS = (n / t) * opSeconds + (nJson / t) * jsonSeconds;
                out.meta("trial_budget_s", trialBudgetSeconds);
                out.meta("trial_estimate_at_asked_size_s", String.format(java.util.Locale.ROOT, "%.1f", estimateS));
                boolean sizedDown = sized[0] < n / t || sized[1] < nJson / t;
                out.meta("sized_by_trial_budget", sizedDown);
                if (sizedDown) {
                    Progress.line(String.format(java.util.Locale.ROOT, "a trial of %d ops per command would take ~%.0f s here (warm-up cost per call): %d ops and %d JSON round trips per trial instead (--trial-budget-s %d)",
                            n / t, estimateS, sized[0], sized[1], trialBudgetSeconds));
                    out.meta("ops_per_command_asked", n);
                    out.meta("json_round_trips_asked", nJson);
                    n = sized[0] * t;
                    nJson = sized[1] * t;
                    out.meta("ops_per_command", n);
                    out.meta("json_round_trips", nJson);
                }
                out.meta("p99_samples_per_trial", n / t);

                // Trials, interleaved: the order of the clients alternates from one round to the next.
                for (int trial = 0; trial < t; trial++) {
                    List<String> order = Trials.order(clients, trial);
                    int opsThisTrial = Trials.share(n, t, trial), jsonThisTrial = Trials.share(nJson, t, trial);
                    Progress.step(String.format("trial %d/%d: %s, %d ops per command, %d JSON round trips, then a bare loop", trial + 1, t,
                            String.join(" ", order), opsThisTrial, jsonThisTrial));
                    for (String client : order) {
                        operations(client, open.get(client), keys, opsThisTrial, measured.get(client));
                        json(client, mapper, open.get(client), keys, jsonThisTrial, trial, measured.get(client));
                    }
                    bareLoop(k -> bare.set(k, "value"), bare::get, bareKey, opsThisTrial, bareLoop);
                    if (bareLettuce != null) bareLoop(k -> bareLettuce.set(k, "value"), bareLettuce::get, bareLettuceKey, opsThisTrial, bareLettuceLoop);
                }
                for (String client : clients) report(out, client, measured.get(client));
                reportBare(out, "bare-jedis", bareLoop);
                if (bareLettuce != null) reportBare(out, "bare-lettuce", bareLettuceLoop);
                for (String client : clients) {
                    Progress.step(client + ": TTL expiry x " + ttlN);
                    ttl(out, client, open.get(client), keys, ttlN);
                }
                reference(out, redis, keys, Math.max(n / t, benchmarkRequests), measured, bareLoop, bareLettuce != null ? bareLettuceLoop : null);
            } finally {
                for (KvOps o : open.values()) o.close();
                if (bareLettuceClient != null) bareLettuceClient.shutdown();
                keys.cleanup(redis);
            }
        }
        return out.finish();
    }

    /** Trial by trial (paired: the same round), a quantity of {@code a} over the same quantity of {@code b}. */
    static Trials.Estimate ratio(Measured a, Measured b, String quantity) {
        double[] x = a.trials(quantity).values(), y = b.trials(quantity).values();
        double[] ratio = new double[Math.min(x.length, y.length)];
        for (int i = 0; i < ratio.length; i++) ratio[i] = x[i] / y[i];
        return Trials.of(ratio);
    }

    /** Seconds per call of a warm-up (its first calls, before the JIT, make it an over- rather than an under-estimate). */
    static double perCall(Warmup.Report w) {
        return w.calls() == 0 ? 0 : w.seconds() / w.calls();
    }

    /**
     * Ops per command and JSON round trips per trial that fit {@code budgetS} at the measured cost per call
     * (one op = SET+GET+DEL on each client plus the bare loop's SET+GET; one JSON round trip on each client):
     * unchanged when they fit, else both scaled by the same factor, never below {@link #MIN_P99_SAMPLES} (or
     * the asked size when that is smaller).
     */
    static int[] fitBudget(int opsPerTrial, int jsonPerTrial, double budgetS, double opSeconds, double jsonSeconds) {
        double estimateS = opsPerTrial * opSeconds + jsonPerTrial * jsonSeconds;
        if (estimateS <= budgetS) return new int[] {opsPerTrial, jsonPerTrial};
        double f = budgetS / estimateS;
        int ops = Math.max(Math.min(opsPerTrial, MIN_P99_SAMPLES), (int) (opsPerTrial * f));
        int json = Math.max(Math.min(jsonPerTrial, MIN_P99_SAMPLES), (int) (jsonPerTrial * f));
        return new int[] {ops, json};
    }

    /** Everything measured for one client, over all trials: per-trial values and the pooled histograms. */
    static final class Measured {
        final Histogram set = Latency.newHistogram(), get = Latency.newHistogram(), del = Latency.newHistogram();
        final Histogram ser = Latency.newHistogram(), deser = Latency.newHistogram(), overhead = Latency.newHistogram(), getJson = Latency.newHistogram();
        final Map<String, Trials> perTrial = new LinkedHashMap<>();
        long lossy, roundTrips, bytes;

        Trials trials(String metric) {
            return perTrial.computeIfAbsent(metric, m -> new Trials());
        }

        /** The trial's P50 and P99 of a histogram (ms) into the per-trial values. */
        void percentiles(String op, Histogram h) {
            Latency.Summary s = Latency.summarize(h);
            trials(op + "_p50").add(s.p50Millis());
            trials(op + "_p99").add(s.p99Millis());
        }
    }

    // ------------------------------------------------------------------ test 1: SET / GET / DELETE

    /** One trial of SET, GET, DEL on one client: the trial's P50/P99 per command, pooled into the totals. */
    void operations(String client, KvOps o, Keys keys, int n, Measured m) {
        Histogram set = Latency.newHistogram(), get = Latency.newHistogram(), del = Latency.newHistogram();
        for (int i = 0; i < n; i++) {
            String k = keys.key("op:" + (i & 1023));
            long t0 = System.nanoTime();
            o.set(k, "value", 60);
            long t1 = System.nanoTime();
            String v = o.get(k);
            long t2 = System.nanoTime();
            o.del(k);
            long t3 = System.nanoTime();
            if (!"value".equals(v)) throw new LabException(client + ": GET returned " + v + " right after SET");
            Latency.record(set, t1 - t0);
            Latency.record(get, t2 - t1);
            Latency.record(del, t3 - t2);
        }
        m.percentiles("set", set);
        m.percentiles("get", get);
        m.percentiles("del", del);
        m.set.add(set);
        m.get.add(get);
        m.del.add(del);
    }

    /** Criteria on the trials' medians and intervals; pooled latency rows and spectra as context. */
    void report(Results out, String client, Measured m) {
        Latency.Summary s = out.latency("ops", client, "set", m.set);
        Latency.Summary g = out.latency("ops", client, "get", m.get);
        Latency.Summary d = out.latency("ops", client, "del", m.del);
        out.check("ops", client, "set_p50", m.trials("set_p50").estimate(), Criterion.SET_P50_MS);
        out.check("ops", client, "get_p50", m.trials("get_p50").estimate(), Criterion.GET_P50_MS);
        out.check("ops", client, "get_p99", m.trials("get_p99").estimate(), Criterion.GET_P99_MS);
        out.check("ops", client, "del_p50", m.trials("del_p50").estimate(), Criterion.DEL_P50_MS);
        out.info("ops", client, "set_p99_trials", "ms", m.trials("set_p99").estimate());
        out.info("ops", client, "del_p99_trials", "ms", m.trials("del_p99").estimate());
        out.spectrum("ops", client, "set", m.set);
        out.spectrum("ops", client, "get", m.get);
        out.spectrum("ops", client, "del", m.del);
        System.out.printf("%-8s SET %s | GET %s | DEL %s%n", client, s, g, d);
        System.out.printf("%-8s GET P50 over trials %s, P99 %s%n", client, m.trials("get_p50").estimate().text("ms"),
                m.trials("get_p99").estimate().text("ms"));

        out.latency("json", client, "serialize", m.ser);
        out.latency("json", client, "deserialize", m.deser);
        out.latency("json", client, "get_json", m.getJson);
        Latency.Summary ov = out.latency("json", client, "ser_plus_deser", m.overhead);
        out.info("json", client, "payload_bytes", "bytes", m.bytes);
        out.info("json", client, "round_trips", "count", m.roundTrips);
        out.checkZero("json", client, "values_not_bit_exact", m.lossy, m.roundTrips, Criterion.JSON_LOSS);
        Trials.Estimate jsonP99 = m.trials("ser_plus_deser_p99").estimate();
        out.check("json", client, "ser_plus_deser_p99", jsonP99, Criterion.SERIALIZATION_MS);
        out.info("json", client, "ser_plus_deser_p50_trials", "ms", m.trials("ser_plus_deser_p50").estimate());
        System.out.printf("%-8s JSON %d B: ser+deser p50=%.3f ms (pooled), P99 over trials %s, %d of %d not bit-exact%n", client, m.bytes,
                ov.p50Millis(), jsonP99.text("ms"), m.lossy, m.roundTrips);
    }

    // ------------------------------------------------------------------ reference: a bare loop, no harness

    /**
     * One plain connection of a client library (Jedis, or Lettuce's sync API), SET then GET in a loop, each call
     * timed into an array: no lab interface, no histogram. The same library under the lab's loop over its bare loop
     * is the harness's cost; bare Lettuce over bare Jedis is the library's own.
     */
    static void bareLoop(java.util.function.Consumer<String> set1, java.util.function.Function<String, String> get1, String key, int n, Measured m) {
        long[] set = new long[n], get = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            set1.accept(key);
            long t1 = System.nanoTime();
            get1.apply(key);
            get[i] = System.nanoTime() - t1;
            set[i] = t1 - t0;
        }
        for (long v : set) Latency.record(m.set, v);
        for (long v : get) Latency.record(m.get, v);
        Arrays.sort(set);
        Arrays.sort(get);
        m.trials("set_p50").add(set[n / 2] / 1e6);
        m.trials("get_p50").add(get[n / 2] / 1e6);
        m.trials("get_p99").add(get[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)] / 1e6);
    }

    void reportBare(Results out, String name, Measured bare) {
        out.latency("reference", name, "set", bare.set);
        out.latency("reference", name, "get", bare.get);
        out.info("reference", name, "set_p50_trials", "ms", bare.trials("set_p50").estimate());
        out.info("reference", name, "get_p50_trials", "ms", bare.trials("get_p50").estimate());
        out.info("reference", name, "get_p99_trials", "ms", bare.trials("get_p99").estimate());
    }

    // ------------------------------------------------------------------ test 2: TTL expiry

    /**
     * Keys are set with a 1000 ms TTL in batches; each key is polled every ~1 ms from 900 ms on, and the
     * expiry is the midpoint between the last GET that saw the value and the first that saw nil.
     * Error = observed lifetime - TTL (positive: expired late). The set time is the midpoint of the SET.
     */
    void ttl(Results out, String client, KvOps o, Keys keys, int samples) {
        final long ttlMillis = 1000;
        Histogram absError = Latency.newHistogram();
        Results.Table raw = out.table("ttl_samples.csv", "scenario", "client", "sample", "ttl_ms", "observed_ms", "error_ms", "poll_gap_ms");
        double maxAbsMillis = 0;
        // The key expired somewhere between the last GET that saw it and the first that did not: each
        // sample's |error| is known only within that poll gap, so the max |error| lies in [lowest, highest].
        double maxAbsLowMillis = 0, maxAbsHighMillis = 0;
        double[] absErrors = new double[samples];
        int batch = 20, done = 0;
        while (done < samples) {
            int size = Math.min(batch, samples - done);
            String[] k = new String[size];
            long[] setAt = new long[size], lastSeen = new long[size], goneAt = new long[size];
            for (int i = 0; i < size; i++) {
                k[i] = keys.key("ttl:" + (done + i));
                long a = System.nanoTime();
                o.setPx(k[i], "v", ttlMillis);
                setAt[i] = (a + System.nanoTime()) / 2;
                lastSeen[i] = setAt[i];
                Lab.sleepMillis(5); // spread the keys so they do not all expire in the same poll round
            }
            int remaining = size;
            long pollFrom = setAt[0] + TimeUnit.MILLISECONDS.toNanos(ttlMillis - 100);
            while (System.nanoTime() < pollFrom) Lab.sleepMillis(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (remaining > 0 && System.nanoTime() < deadline) {
                for (int i = 0; i < size; i++) {
                    if (goneAt[i] != 0) continue;
                    long a = System.nanoTime();
                    String v = o.get(k[i]);
                    long mid = (a + System.nanoTime()) / 2;
                    if (v != null) {
                        lastSeen[i] = mid;
                    } else {
                        goneAt[i] = mid;
                        remaining--;
                    }
                }
                Lab.sleepMillis(1);
            }
            for (int i = 0; i < size; i++) {
                if (goneAt[i] == 0) throw new LabException(client + ": key with a " + ttlMillis + " ms TTL still present after 5 s");
                double observed = ((lastSeen[i] + goneAt[i]) / 2.0 - setAt[i]) / 1e6;
                double error = observed - ttlMillis;
                maxAbsMillis = Math.max(maxAbsMillis, Math.abs(error));
                double lo = (lastSeen[i] - setAt[i]) / 1e6 - ttlMillis, hi = (goneAt[i] - setAt[i]) / 1e6 - ttlMillis;
                maxAbsLowMillis = Math.max(maxAbsLowMillis, lo <= 0 && hi >= 0 ? 0 : Math.min(Math.abs(lo), Math.abs(hi)));
                maxAbsHighMillis = Math.max(maxAbsHighMillis, Math.max(Math.abs(lo), Math.abs(hi)));
                absErrors[done + i] = Math.abs(error);
                Latency.record(absError, (long) (Math.abs(error) * 1e6));
                raw.row("S1_basic", client, done + i, ttlMillis, observed, error, (goneAt[i] - lastSeen[i]) / 1e6);
            }
            done += size;
        }
        Latency.Summary s = Latency.summarize(absError);
        out.info("ttl", client, "ttl_abs_error_p50", "ms", s.p50Millis());
        out.info("ttl", client, "ttl_abs_error_p99", "ms", s.p99Millis());
        out.info("ttl", client, "ttl_samples", "count", samples);
        // judged on the poll-gap bounds: a poller descheduled on a loaded machine widens the gap, and then the
        // verdict is INCONCLUSIVE rather than a FAIL the server did not cause
        out.check("ttl", client, "ttl_abs_error_max", new Trials.Estimate(maxAbsMillis, maxAbsLowMillis, maxAbsHighMillis,
                "max-abs-error-poll-gap-bounds", absErrors), Criterion.TTL_ERROR_MS);
        System.out.printf("%-8s TTL 1000 ms: |error| p50=%.2f ms p99=%.2f ms max=%.2f ms over %d keys%n", client, s.p50Millis(), s.p99Millis(), maxAbsMillis, samples);
    }

    // ------------------------------------------------------------------ test 3: JSON round trip

    /** Serialize then deserialize, no Redis: Jackson's own warm-up. */
    static void codec(ObjectMapper mapper, CodeChunk c) throws java.io.IOException {
        mapper.readValue(mapper.writeValueAsString(c), CodeChunk.class);
    }

    static void roundTrip(ObjectMapper mapper, KvOps o, String k, CodeChunk c) throws java.io.IOException {
        o.set(k, mapper.writeValueAsString(c), 60);
        mapper.readValue(o.get(k), CodeChunk.class);
    }

    /** One trial of JSON round trips on one client: the trial's ser+deser P50/P99, pooled into the totals. */
    void json(String client, ObjectMapper mapper, KvOps o, Keys keys, int n, int trial, Measured m) {
        Random rnd = new Random(42 + trial);
        Histogram overhead = Latency.newHistogram();
        try {
            for (int i = 0; i < n; i++) {
                CodeChunk c = CodeChunk.sample(rnd, i);
                String k = keys.key("chunk:" + (i & 255));
                long t0 = System.nanoTime();
                String encoded = mapper.writeValueAsString(c);
                long t1 = System.nanoTime();
                o.set(k, encoded, 60);
                long t2 = System.nanoTime();
                String fetched = o.get(k);
                long t3 = System.nanoTime();
                CodeChunk back = mapper.readValue(fetched, CodeChunk.class);
                long t4 = System.nanoTime();
                m.bytes = encoded.length();
                Latency.record(m.ser, t1 - t0);
                Latency.record(m.deser, t4 - t3);
                Latency.record(overhead, (t1 - t0) + (t4 - t3));
                Latency.record(m.getJson, t3 - t2);
                m.roundTrips++;
                if (!c.bitExact(back)) m.lossy++;
            }
        } catch (java.io.IOException e) {
            throw new LabException(client + ": JSON round trip failed: " + e.getMessage());
        }
        m.percentiles("ser_plus_deser", overhead);
        m.overhead.add(overhead);
    }

    // ------------------------------------------------------------------ reference: the server's benchmark tool

    /**
     * The server's own benchmark tool (redis-benchmark, or valkey-benchmark on Valkey) -c 1 on the same
     * server: how much do the Java clients add? The metric names keep "redis_benchmark" so runs on
     * different servers line up; the client column and run.csv name the tool used. And the clients over the
     * bare loop, trial by trial (paired: the same round, the same moment of the machine's load).
     */
    void reference(Results out, RedisServer redis, Keys keys, int requests, Map<String, Measured> measured, Measured bare, Measured bareLettuce) {
        for (String op : List.of("set", "get")) {
            for (String client : clients) {
                Trials.Estimate r = ratio(measured.get(client), bare, op + "_p50");
                out.info("reference", client, op + "_p50_vs_bare_loop", "ratio", r);
                System.out.printf("%-12s %s p50 / bare Jedis loop p50: %s%n", client, op.toUpperCase(), r.text("x"));
                // the harness alone: the lab's loop over the same library's bare loop
                Measured own = client.equals(Clients.JEDIS) ? bare : client.equals(Clients.LETTUCE) ? bareLettuce : null;
                if (own == null) continue;
                Trials.Estimate h = ratio(measured.get(client), own, op + "_p50");
                out.info("reference", client, op + "_p50_vs_bare_same_client_loop", "ratio", h);
                System.out.printf("%-12s %s p50 / bare %s loop p50 (the harness's cost): %s%n", client, op.toUpperCase(), client, h.text("x"));
            }
            if (bareLettuce != null) {
                // the library alone: Lettuce's sync call (a hand-off to its event loop and back) over Jedis's blocking socket call
                Trials.Estimate l = ratio(bareLettuce, bare, op + "_p50");
                out.info("reference", "bare-lettuce", op + "_p50_vs_bare_loop", "ratio", l);
                System.out.printf("%-12s %s p50 / bare Jedis loop p50 (the library's cost): %s%n", "bare-lettuce", op.toUpperCase(), l.text("x"));
            }
        }
        String tool = RedisBenchmark.forReference(out, redis);
        if (tool == null) return;
        Progress.step(tool + " -c 1 -n " + requests + " (reference)");
        String k = keys.key("bench");
        RedisBenchmark.Line set = RedisBenchmark.run(redis, 1, requests, "SET", k, "value");
        RedisBenchmark.Line get = RedisBenchmark.run(redis, 1, requests, "GET", k);
        for (var e : List.of(new Object[] {"set", set}, new Object[] {"get", get})) {
            String op = (String) e[0];
            RedisBenchmark.Line l = (RedisBenchmark.Line) e[1];
            out.info("reference", tool, op + "_p50", "ms", l.p50Millis());
            out.info("reference", tool, op + "_p99", "ms", l.p99Millis());
            out.info("reference", tool, op + "_rps", "req/s", l.requestsPerSecond());
            List<String> all = new ArrayList<>(clients);
            all.add("bare-jedis");
            if (bareLettuce != null) all.add("bare-lettuce");
            for (String client : all) {
                Measured m = client.equals("bare-jedis") ? bare : client.equals("bare-lettuce") ? bareLettuce : measured.get(client);
                double p50 = m.trials(op + "_p50").estimate().median();
                // the tool reports whole microseconds in ms; a ratio near 1 means the client adds little
                out.info("reference", client, op + "_p50_vs_redis_benchmark", "ratio", p50 / l.p50Millis());
                System.out.printf("%-10s %s p50 %.4f ms (median of trials) = %.2f x %s (%.3f ms)%n", client, op.toUpperCase(), p50,
                        p50 / l.p50Millis(), tool, l.p50Millis());
            }
        }
    }
}
