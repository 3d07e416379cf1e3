///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//
// Edge Case 1 of the seed (POC1_redis_integration.md, "Clock Skew Between API Instances"):
// three API instances whose clocks are up to +/-2 s apart cache keys with a TTL. Do the keys expire
// within +/-500 ms of the intended TTL, and does the seed's mitigation (use Redis server time for the
// TTL, not the client's clock) win?
//
// The skew is simulated inside each instance (its "now" = System.currentTimeMillis() + offset); the
// machine's clock is never touched. Four ways to expire a cached value are compared side by side (each
// trial writes every strategy's keys, interleaved, and one poller watches all of them expire):
//   relative_px     SET k v PX ttl: Redis counts the TTL on its own clock (the seed's mitigation)
//   absolute_pxat   SET k v PXAT (instance now + ttl): an absolute deadline from the skewed clock
//   logical_local   app-side: the value carries expires_at from the writer's clock, each reader
//                   compares it with its own clock (every writer x reader pair)
//   logical_server  app-side, but expires_at and the reader's check both use Redis TIME
// Observed lifetime = midpoint of the last poll that saw the value live and the first that saw it
// expired, minus the midpoint of the SET, on the monotonic clock; error = observed - TTL
// (negative: expired early). Expected from the model: absolute error = writer offset, logical_local
// error = writer offset - reader offset, the other two ~0 (never below -TTL: a past deadline expires at once).
//
//   ./jbang scripts/E1_clock_skew.java            TTL 5 s, 5 trials 1 s apart, 20 keys per instance (or pair),
//                                                 strategy and trial (about 15 s)
//   ./jbang scripts/E1_clock_skew.java --quick    TTL 3 s, 3 trials 0.5 s apart, 3 keys each (about 10 s)
//
// Trials: --trials independent rounds of writes, started --stagger-ms apart, each writing --samples keys
// per instance and strategy (the strategies in alternating order from key to key and trial to trial,
// lab.Trials.order), by a writer thread while the poller keeps watching the keys already written, so the
// trials overlap: the run lasts about TTL + 2 x the largest offset + (trials - 1) x stagger, not trials x TTL.
// Each trial's max |error| per strategy is one trial value (trials.csv); the criterion is judged on its
// median across trials with the 95 % interval (lab.Trials): PASS / FAIL / INCONCLUSIVE (lab.Verdict).
//
// Output: data/E1_clock_skew/{metrics,trials,expiry_samples,run}.csv
//   expiry_samples.csv: scenario,strategy,writer_offset_ms,reader_offset_ms,sample,ttl_ms,observed_ms,
//                       error_ms,expected_error_ms,poll_gap_ms,trial (reader_offset_ms empty when Redis decides;
//                       trial from 1)
// Criterion: max |error| over every instance (and reader) <= 500 ms, judged for every strategy: the seed's
// mitigation (the two strategies that use Redis's clock) and the ones that trust the skewed local clocks,
// which are an answer to the same question; the ranking (by the median max |error|) shows the winner.

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import lab.redis.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.redis.Keys;
import lab.Lab;
import lab.LabException;
import lab.Progress;
import lab.Quick;
import lab.redis.RedisServer;
import lab.Results;
import lab.Trials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

@Command(name = "E1_clock_skew", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Edge case 1: expiry error of relative (PX), absolute (PXAT) and app-side TTLs across instances with skewed clocks.")
public class E1_clock_skew implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--offsets", split = ",", defaultValue = "-2000,0,2000", paramLabel = "MS,...",
            description = "Clock offset of each simulated instance in ms (default: ${DEFAULT-VALUE}).")
    List<Long> offsetsMillis;

    @Option(names = "--ttl-ms", paramLabel = "MS", defaultValue = "5000", description = "Intended TTL (default: ${DEFAULT-VALUE}).")
    @Quick("3000") long ttlOption;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "20", description = "Keys per instance (or writer x reader pair), strategy and trial (default: ${DEFAULT-VALUE}).")
    @Quick("3") int samplesOption;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "5",
            description = "Independent trials (rounds of writes), overlapping in time; each strategy's max |error| is judged on its median across them (default: ${DEFAULT-VALUE}).")
    @Quick("3") int trials;

    @Option(names = "--stagger-ms", paramLabel = "MS", defaultValue = "1000", description = "Time between the starts of two trials' writes (default: ${DEFAULT-VALUE}).")
    @Quick("500") long staggerMillis;

    @Option(names = "--poll-ms", defaultValue = "2", paramLabel = "MS", description = "Pause between poll rounds (default: ${DEFAULT-VALUE}).")
    long pollMillis;

    static final List<String> STRATEGIES = List.of("relative_px", "absolute_pxat", "logical_local", "logical_server");
    /** The seed's mitigation ("use Redis server time for TTL"), in its two forms: judged against the criterion. */
    static final List<String> SERVER_TIME = List.of("relative_px", "logical_server");

    public static void main(String... args) {
        Lab.main(new E1_clock_skew(), args);
    }

    /** A simulated API instance: its own connection pool and its own (skewed) wall clock. */
    record Instance(long offsetMillis, RedisClient client) {
        long nowMillis() {
            return System.currentTimeMillis() + offsetMillis;
        }

        String name() {
            return (offsetMillis >= 0 ? "+" : "") + offsetMillis + "ms";
        }
    }

    /** One timed observation: a key written by {@code writer}, judged live or expired by {@code reader} (null: Redis decides). */
    static final class Probe {
        final String strategy, key;
        final Instance writer, reader;
        final int trial, sample;
        long setAtNanos, lastLiveNanos, goneNanos;

        Probe(String strategy, String key, Instance writer, Instance reader, int trial, int sample) {
            this.strategy = strategy;
            this.key = key;
            this.writer = writer;
            this.reader = reader;
            this.trial = trial;
            this.sample = sample;
        }

        /** Observed lifetime minus the TTL, ms (negative: expired early). */
        double errorMillis(long ttlMillis) {
            return ((lastLiveNanos + goneNanos) / 2.0 - setAtNanos) / 1e6 - ttlMillis;
        }

        /** Is the value live for this probe's reader at this moment? */
        boolean live(String value, long localWallMillis, long serverNowMillis) {
            if (value == null) return false;
            return switch (strategy) {
                case "logical_local" -> localWallMillis + reader.offsetMillis < Long.parseLong(value);
                case "logical_server" -> serverNowMillis < Long.parseLong(value);
                default -> true; // Redis expired it or not
            };
        }

        /** The model: the skew shifts the deadline; a deadline already past means a lifetime of 0 (error -TTL). */
        long expectedErrorMillis(long ttlMillis) {
            long shift = switch (strategy) {
                case "absolute_pxat" -> writer.offsetMillis;
                case "logical_local" -> writer.offsetMillis - reader.offsetMillis;
                default -> 0;
            };
            return Math.max(-ttlMillis, shift);
        }

        String who() {
            return "w" + writer.name() + (reader == null ? "" : "/r" + reader.name());
        }
    }

    @Override
    public Integer call() {
        long ttlMillis = ttlOption;
        int samples = samplesOption;
        if (ttlMillis < 100) throw new LabException("--ttl-ms must be >= 100");
        if (samples < 1) throw new LabException("--samples must be >= 1");
        if (trials < 1) throw new LabException("--trials must be >= 1");
        if (staggerMillis < 0) throw new LabException("--stagger-ms must be >= 0");
        if (offsetsMillis.isEmpty()) throw new LabException("--offsets needs at least one instance");
        if (pollMillis < 0) throw new LabException("--poll-ms must be >= 0");
        long maxSkew = offsetsMillis.stream().mapToLong(Math::abs).max().orElse(0);

        Results out = new Results(this, common);
        out.meta("offsets_ms", offsetsMillis);
        out.meta("ttl_ms", ttlMillis);
        out.meta("samples", samples);
        out.meta("trials", trials);
        out.meta("stagger_ms", staggerMillis);
        out.meta("trial_order", "each trial writes every strategy, in alternating order from key to key and trial to trial; trials start stagger_ms apart and overlap");
        out.meta("poll_ms", pollMillis);
        Results.Table raw = out.table("expiry_samples.csv", "scenario", "strategy", "writer_offset_ms", "reader_offset_ms", "sample",
                "ttl_ms", "observed_ms", "error_ms", "expected_error_ms", "poll_gap_ms", "trial");

        List<Probe> probes = new ArrayList<>();
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(1L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            Keys keys = new Keys("E1");
            List<Instance> instances = new ArrayList<>();
            FutureTask<Void> writer = null;
            try (RedisClient observer = Clients.jedis(redis, 1, "lab-e1-observer")) {
                // The lab's real clock vs the server's: on one machine ~0; through --redis-url a real skew adds to the simulated one.
                out.info("clock", "server", "server_minus_local_clock", "ms", serverMillis(observer) - System.currentTimeMillis());
                for (long off : offsetsMillis) instances.add(new Instance(off, Clients.jedis(redis, 1, "lab-e1-instance" + off)));

                // ---- a writer thread writes the trials, --stagger-ms apart; this thread polls every key written until it expires
                Progress.step(trials + " trials " + staggerMillis + " ms apart, each " + samples + " keys per instance and strategy, TTL " + ttlMillis
                        + " ms, offsets " + offsetsMillis);
                ConcurrentLinkedQueue<Probe> written = new ConcurrentLinkedQueue<>();
                long safetyTtl = ttlMillis + 2 * maxSkew + 10_000; // app-side TTL values must outlive every reader's verdict
                writer = new FutureTask<>(() -> {
                    write(keys, instances, ttlMillis, safetyTtl, samples, written);
                    return null;
                });
                Thread t = new Thread(writer, "lab-e1-writer");
                t.setDaemon(true);
                t.start();
                int perSample = 0;
                for (String strategy : STRATEGIES) perSample += instances.size() * (strategy.startsWith("logical") ? instances.size() : 1);
                poll(observer, written, writer, probes, (long) trials * samples * perSample, TimeUnit.MILLISECONDS.toNanos(ttlMillis + 2 * maxSkew + 5000));
            } finally {
                if (writer != null) writer.cancel(true);
                for (Instance i : instances) i.client().close();
                keys.cleanup(redis);
            }
        }

        // ---- per strategy and trial: the worst |error| over every writer (x reader); the criterion on its median across trials
        Map<String, Double> worst = new LinkedHashMap<>();
        for (String strategy : STRATEGIES) {
            Map<String, List<Probe>> byWho = new LinkedHashMap<>();
            double[] maxAbs = new double[trials];
            java.util.Arrays.fill(maxAbs, Double.NaN); // a trial without a probe measured nothing: NaN, never 0
            for (Probe p : probes) {
                if (!p.strategy.equals(strategy)) continue;
                double error = p.errorMillis(ttlMillis);
                maxAbs[p.trial] = Double.isNaN(maxAbs[p.trial]) ? Math.abs(error) : Math.max(maxAbs[p.trial], Math.abs(error));
                byWho.computeIfAbsent(p.who(), w -> new ArrayList<>()).add(p);
                raw.row(out.scenario(), strategy, p.writer.offsetMillis, p.reader == null ? "" : p.reader.offsetMillis, p.sample, ttlMillis,
                        error + ttlMillis, error, p.expectedErrorMillis(ttlMillis), (p.goneNanos - p.lastLiveNanos) / 1e6, p.trial + 1);
            }
            for (Map.Entry<String, List<Probe>> e : byWho.entrySet()) {
                double[] errs = e.getValue().stream().mapToDouble(p -> p.errorMillis(ttlMillis)).toArray();
                double mean = java.util.Arrays.stream(errs).average().orElse(Double.NaN);
                out.info(strategy, e.getKey(), "error_mean", "ms", mean);
                out.info(strategy, e.getKey(), "error_min", "ms", java.util.Arrays.stream(errs).min().orElse(Double.NaN));
                out.info(strategy, e.getKey(), "error_max", "ms", java.util.Arrays.stream(errs).max().orElse(Double.NaN));
                out.info(strategy, e.getKey(), "expected_error", "ms", e.getValue().get(0).expectedErrorMillis(ttlMillis));
                out.info(strategy, e.getKey(), "samples", "count", errs.length);
                System.out.printf("%-15s %-18s error mean %+8.1f ms (model %+5d ms), %d samples over %d trials%n", strategy, e.getKey(), mean,
                        e.getValue().get(0).expectedErrorMillis(ttlMillis), errs.length, trials);
            }
            // every strategy measured is judged, the ones that fail by construction too: the criterion asks
            // whether expiry holds across skewed instances, and a client-clock strategy is an answer to it
            Trials.Estimate e = Trials.of(maxAbs);
            out.check(strategy, "all-instances", "max_abs_error", e, Criterion.CLOCK_SKEW_EXPIRY_ERROR_MS);
            System.out.printf("%-15s max |error| over every instance: %s%n", strategy, e.text("ms"));
            worst.put(strategy, e.median());
        }
        List<Map.Entry<String, Double>> ranking = new ArrayList<>(worst.entrySet());
        ranking.sort(Comparator.comparingDouble(Map.Entry::getValue));
        System.out.print("\nranking by worst |error|, median across trials (skew up to " + maxSkew + " ms, TTL " + ttlMillis + " ms): ");
        for (int i = 0; i < ranking.size(); i++) {
            out.info("ranking", ranking.get(i).getKey(), "rank_by_max_abs_error", "count", i + 1);
            System.out.printf("%s%s %.1f ms", i == 0 ? "" : " < ", ranking.get(i).getKey(), ranking.get(i).getValue());
        }
        System.out.println();
        return out.finish();
    }

    /**
     * The writer thread: trial r starts r x --stagger-ms after the first; each writes --samples keys per
     * instance and strategy (the strategies' order alternating from key to key) and hands their probes to the poller.
     */
    void write(Keys keys, List<Instance> instances, long ttlMillis, long safetyTtl, int samples, ConcurrentLinkedQueue<Probe> written) {
        long start = System.nanoTime();
        for (int trial = 0; trial < trials; trial++) {
            long due = start + TimeUnit.MILLISECONDS.toNanos(trial * staggerMillis);
            for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                if (Thread.currentThread().isInterrupted()) return;
                Lab.sleepMillis(Math.max(1, TimeUnit.NANOSECONDS.toMillis(due - now)));
            }
            for (int s = 0; s < samples; s++) {
                for (Instance w : instances) {
                    for (String strategy : Trials.order(STRATEGIES, trial + s)) {
                        String k = keys.key(strategy + ":" + w.name() + ":t" + (trial + 1) + ":" + s);
                        // setAt = the instant the lifetime starts: Redis receiving a relative TTL, else the instant the clock was read
                        long setAt;
                        switch (strategy) {
                            case "relative_px" -> {
                                long a = System.nanoTime();
                                w.client().set(k, "v", SetParams.setParams().px(ttlMillis));
                                setAt = (a + System.nanoTime()) / 2;
                            }
                            case "absolute_pxat" -> {
                                setAt = System.nanoTime();
                                w.client().set(k, "v", SetParams.setParams().pxAt(w.nowMillis() + ttlMillis));
                            }
                            case "logical_local" -> {
                                setAt = System.nanoTime();
                                w.client().set(k, Long.toString(w.nowMillis() + ttlMillis), SetParams.setParams().px(safetyTtl));
                            }
                            case "logical_server" -> {
                                long a = System.nanoTime();
                                long serverNow = serverMillis(w.client());
                                setAt = (a + System.nanoTime()) / 2;
                                w.client().set(k, Long.toString(serverNow + ttlMillis), SetParams.setParams().px(safetyTtl));
                            }
                            default -> throw new IllegalStateException(strategy);
                        }
                        boolean logical = strategy.startsWith("logical");
                        for (Instance r : logical ? instances : java.util.Collections.<Instance>singletonList(null)) {
                            Probe p = new Probe(strategy, k, w, r, trial, s);
                            p.setAtNanos = setAt;
                            p.lastLiveNanos = setAt;
                            written.add(p);
                        }
                    }
                }
                Lab.sleepMillis(3); // spread the deadlines a little so they do not all fall in one poll round
            }
        }
    }

    /**
     * Polls every unresolved key with one MGET per round until each probe has seen its value expire; new
     * probes arrive from the writer while it runs. Ends when the writer is done and every probe expired.
     */
    void poll(RedisClient observer, ConcurrentLinkedQueue<Probe> written, FutureTask<Void> writer, List<Probe> probes, long expected, long timeoutNanos) {
        long deadline = Long.MAX_VALUE; // set once the writer is done: every key must expire within timeoutNanos of the last write
        List<Probe> open = new ArrayList<>();
        Progress.step("polling " + expected + " probes until they expire");
        Progress.Every progress = new Progress.Every("expired", expected);
        while (true) {
            boolean writerDone = writer.isDone(); // read before draining: no probe can arrive after both
            for (Probe p; (p = written.poll()) != null; ) {
                open.add(p);
                probes.add(p);
            }
            if (writerDone) {
                try {
                    writer.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof RuntimeException re ? re : new LabException("writing the keys failed: " + Lab.oneLine(c));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LabException("interrupted");
                }
                if (deadline == Long.MAX_VALUE) deadline = System.nanoTime() + timeoutNanos;
                if (open.isEmpty()) return;
            }
            if (System.nanoTime() > deadline) {
                throw new LabException(open.size() + " keys still live " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms after the last was written (first: " + open.get(0).key + ")");
            }
            if (open.isEmpty()) {
                Lab.sleepMillis(1);
                continue;
            }
            List<String> distinct = open.stream().map(p -> p.key).distinct().toList();
            Map<String, String> values = new LinkedHashMap<>();
            long a = System.nanoTime();
            for (int i = 0; i < distinct.size(); i += 500) {
                List<String> part = distinct.subList(i, Math.min(distinct.size(), i + 500));
                List<String> got = observer.mget(part.toArray(String[]::new));
                for (int j = 0; j < part.size(); j++) values.put(part.get(j), got.get(j));
            }
            long mgetAt = (a + System.nanoTime()) / 2; // when Redis decided for relative/absolute keys
            // app-side verdicts happen when the reader reads its clock (local) or Redis TIME (server)
            long localAt = System.nanoTime(), localWall = System.currentTimeMillis();
            long b = System.nanoTime();
            long serverNow = open.stream().anyMatch(p -> p.strategy.equals("logical_server")) ? serverMillis(observer) : 0;
            long serverAt = (b + System.nanoTime()) / 2;
            open.removeIf(p -> {
                long at = switch (p.strategy) {
                    case "logical_local" -> localAt;
                    case "logical_server" -> serverAt;
                    default -> mgetAt;
                };
                if (p.live(values.get(p.key), localWall, serverNow)) {
                    p.lastLiveNanos = at;
                    return false;
                }
                p.goneNanos = at;
                return true;
            });
            progress.tick(probes.size() - open.size());
            if (pollMillis > 0) Lab.sleepMillis(pollMillis);
        }
    }

    /** Redis TIME in ms: the one clock every instance shares. */
    static long serverMillis(RedisClient c) {
        List<byte[]> t = c.executeCommand(new redis.clients.jedis.CommandObject<>(
                new redis.clients.jedis.CommandArguments(redis.clients.jedis.Protocol.Command.TIME), redis.clients.jedis.BuilderFactory.BINARY_LIST));
        return Long.parseLong(new String(t.get(0))) * 1000 + Long.parseLong(new String(t.get(1))) / 1000;
    }

}
