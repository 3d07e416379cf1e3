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
// machine's clock is never touched. Four ways to expire a cached value are compared, all at once
// (every key is written first, then all are polled together, so the run lasts about one TTL):
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
//   ./jbang scripts/E1_clock_skew.java            TTL 5 s, 20 keys per instance (or pair) and strategy
//   ./jbang scripts/E1_clock_skew.java --quick    TTL 3 s, 3 keys each (~8 s)
//
// Output: data/E1_clock_skew/{metrics,expiry_samples,run}.csv
//   expiry_samples.csv: scenario,strategy,writer_offset_ms,reader_offset_ms,sample,ttl_ms,observed_ms,
//                       error_ms,expected_error_ms,poll_gap_ms (reader_offset_ms empty when Redis decides)
// Criterion: max |error| over every instance <= 500 ms, judged for the seed's mitigation (the two
// strategies that use Redis's clock). The strategies that trust the skewed local clocks are the
// contrast: their max |error| is reported (INFO) beside the others, and the ranking shows the winner.

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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

    @Option(names = "--samples", paramLabel = "N", defaultValue = "20", description = "Keys per instance (or writer x reader pair) and strategy (default: ${DEFAULT-VALUE}).")
    @Quick("3") int samplesOption;

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
        final int sample;
        long setAtNanos, lastLiveNanos, goneNanos;

        Probe(String strategy, String key, Instance writer, Instance reader, int sample) {
            this.strategy = strategy;
            this.key = key;
            this.writer = writer;
            this.reader = reader;
            this.sample = sample;
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
        if (offsetsMillis.isEmpty()) throw new LabException("--offsets needs at least one instance");
        if (pollMillis < 0) throw new LabException("--poll-ms must be >= 0");
        long maxSkew = offsetsMillis.stream().mapToLong(Math::abs).max().orElse(0);

        Results out = new Results(this, common);
        out.meta("offsets_ms", offsetsMillis);
        out.meta("ttl_ms", ttlMillis);
        out.meta("samples", samples);
        out.meta("poll_ms", pollMillis);
        Results.Table raw = out.table("expiry_samples.csv", "scenario", "strategy", "writer_offset_ms", "reader_offset_ms", "sample",
                "ttl_ms", "observed_ms", "error_ms", "expected_error_ms", "poll_gap_ms");

        List<Probe> probes = new ArrayList<>();
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(1L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            Keys keys = new Keys("E1");
            List<Instance> instances = new ArrayList<>();
            try (RedisClient observer = Clients.jedis(redis, 1, "lab-e1-observer")) {
                // The lab's real clock vs the server's: on one machine ~0; through --redis-url a real skew adds to the simulated one.
                out.info("clock", "server", "server_minus_local_clock", "ms", serverMillis(observer) - System.currentTimeMillis());
                for (long off : offsetsMillis) instances.add(new Instance(off, Clients.jedis(redis, 1, "lab-e1-instance" + off)));

                // ---- write every key first (all strategies and instances interleaved), then watch them all expire
                Progress.step("writing " + samples + " keys per instance and strategy, TTL " + ttlMillis + " ms, offsets " + offsetsMillis);
                long safetyTtl = ttlMillis + 2 * maxSkew + 10_000; // app-side TTL values must outlive every reader's verdict
                for (int s = 0; s < samples; s++) {
                    for (Instance w : instances) {
                        for (String strategy : STRATEGIES) {
                            String k = keys.key(strategy + ":" + w.name() + ":" + s);
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
                                Probe p = new Probe(strategy, k, w, r, s);
                                p.setAtNanos = setAt;
                                p.lastLiveNanos = setAt;
                                probes.add(p);
                            }
                        }
                    }
                    Lab.sleepMillis(3); // spread the deadlines a little so they do not all fall in one poll round
                }
                poll(observer, probes, TimeUnit.MILLISECONDS.toNanos(ttlMillis + 2 * maxSkew + 5000));
            } finally {
                for (Instance i : instances) i.client().close();
                keys.cleanup(redis);
            }
        }

        // ---- per strategy: error per writer (x reader), the criterion on the worst |error|
        Map<String, Double> worst = new LinkedHashMap<>();
        for (String strategy : STRATEGIES) {
            Map<String, List<Probe>> byWho = new LinkedHashMap<>();
            double maxAbs = 0;
            for (Probe p : probes) {
                if (!p.strategy.equals(strategy)) continue;
                double observed = ((p.lastLiveNanos + p.goneNanos) / 2.0 - p.setAtNanos) / 1e6;
                double error = observed - ttlMillis;
                maxAbs = Math.max(maxAbs, Math.abs(error));
                byWho.computeIfAbsent(p.who(), w -> new ArrayList<>()).add(p);
                raw.row(out.scenario(), strategy, p.writer.offsetMillis, p.reader == null ? "" : p.reader.offsetMillis, p.sample, ttlMillis,
                        observed, error, p.expectedErrorMillis(ttlMillis), (p.goneNanos - p.lastLiveNanos) / 1e6);
            }
            for (Map.Entry<String, List<Probe>> e : byWho.entrySet()) {
                double[] errs = e.getValue().stream().mapToDouble(p -> ((p.lastLiveNanos + p.goneNanos) / 2.0 - p.setAtNanos) / 1e6 - ttlMillis).toArray();
                double mean = java.util.Arrays.stream(errs).average().orElse(Double.NaN);
                out.info(strategy, e.getKey(), "error_mean", "ms", mean);
                out.info(strategy, e.getKey(), "error_min", "ms", java.util.Arrays.stream(errs).min().orElse(Double.NaN));
                out.info(strategy, e.getKey(), "error_max", "ms", java.util.Arrays.stream(errs).max().orElse(Double.NaN));
                out.info(strategy, e.getKey(), "expected_error", "ms", e.getValue().get(0).expectedErrorMillis(ttlMillis));
                out.info(strategy, e.getKey(), "samples", "count", errs.length);
                System.out.printf("%-15s %-18s error mean %+8.1f ms (model %+5d ms)%n", strategy, e.getKey(), mean, e.getValue().get(0).expectedErrorMillis(ttlMillis));
            }
            // every strategy measured is judged, the ones that fail by construction too: the criterion asks
            // whether expiry holds across skewed instances, and a client-clock strategy is an answer to it
            out.check(strategy, "all-instances", "max_abs_error", maxAbs, Criterion.CLOCK_SKEW_EXPIRY_ERROR_MS);
            worst.put(strategy, maxAbs);
        }
        List<Map.Entry<String, Double>> ranking = new ArrayList<>(worst.entrySet());
        ranking.sort(Comparator.comparingDouble(Map.Entry::getValue));
        System.out.print("\nranking by worst |error| (skew up to " + maxSkew + " ms, TTL " + ttlMillis + " ms): ");
        for (int i = 0; i < ranking.size(); i++) {
            out.info("ranking", ranking.get(i).getKey(), "rank_by_max_abs_error", "count", i + 1);
            System.out.printf("%s%s %.1f ms", i == 0 ? "" : " < ", ranking.get(i).getKey(), ranking.get(i).getValue());
        }
        System.out.println();
        return out.finish();
    }

    /** Polls every unresolved key with one MGET per round until each probe has seen its value expire. */
    void poll(RedisClient observer, List<Probe> probes, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        List<Probe> open = new ArrayList<>(probes);
        Progress.step("polling " + open.size() + " probes until they expire");
        Progress.Every progress = new Progress.Every("expired", probes.size());
        while (!open.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new LabException(open.size() + " keys still live " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms after they were written (first: " + open.get(0).key + ")");
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
