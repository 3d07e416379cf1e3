///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//
// Deep Question 3 of the seed (POC1_redis_integration.md, "Redis Persistence (RDB vs AOF)"): does the
// cache need persistence, and what does it cost? Measures SET latency with RDB off, RDB on and
// (optionally) AOF everysec; the seed's rule: "if latency delta < 1 ms -> enable RDB".
//
//   ./jbang scripts/Q3_persistence.java            256 MB dataset, 6 trials of 10 s per client and mode at 1000 SET/s (about 8 min)
//   ./jbang scripts/Q3_persistence.java --quick    20 MB dataset, 3 trials of 1 s per client and mode (about 1 min)
//
// The three servers run side by side and the trials are interleaved (rdb_off rdb_on aof, rdb_off rdb_on
// aof, ...; the client order alternates from one trial to the next), so the machine's drift hits every
// mode alike. Each mode runs on its own freshly started Redis, preloaded with chunk-shaped values (~9.5 KB) so
// that fork() has real page tables to copy:
//   rdb_off       save ""
//   rdb_on        save "1 1": a background save forks whenever a second has seen a write, i.e. all
//                 the time under load; plus an explicit BGSAVE in the middle of each measurement
//   aof_everysec  save "", appendonly yes, appendfsync everysec (auto AOF rewrites may fork too)
// Before each measurement the script waits until the saves/rewrites the preload triggered are over,
// so rdb_on's forks come from the measured writes. SETs (overwrites of preloaded keys) are sent open-loop at a fixed rate (lab.FixedRate), so a fork
// stall shows up as latency of every request that should have been sent during it; response time
// counts from the intended send time. The mode is verified with CONFIG GET (run.csv, and rows
// rdb_save_rules / aof_enabled); INFO persistence/stats is sampled every 50 ms during the
// measurement (forks, latest_fork_usec, share of samples with a bgsave / AOF rewrite in progress).
// Criterion RDB_DELTA_MS: the per-trial paired difference of P99 response time rdb_on - rdb_off, per
// client: median across trials and its 95 % interval (lab.Trials), PASS / FAIL / INCONCLUSIVE on the
// interval (lab.Verdict). A bare loop (one plain Jedis connection sending from its own thread at the same
// rate, no harness) runs in each round on the first mode's server: the lab's harness P50 over the bare
// loop's is reported (reference rows).
//
// Output: data/Q3_persistence/{metrics,spectra,timeline,run}.csv and a criteria table. The lab must
// start the servers (each mode needs its own configuration): --redis-url is refused.

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.ChunkValues;
import lab.redis.BareLoop;
import lab.redis.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.FixedRate;
import lab.redis.Keys;
import lab.redis.PersistenceSampler;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Progress;
import lab.Quick;
import lab.redis.RedisServer;
import lab.Results;
import lab.Trials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;

@Command(name = "Q3_persistence", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Deep Question 3: SET latency at a fixed rate with RDB off, RDB on (background saves forking during the run) and AOF everysec.")
public class Q3_persistence implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--modes", split = ",", defaultValue = "rdb_off,rdb_on,aof_everysec",
            description = "Persistence modes to measure: rdb_off, rdb_on, aof_everysec (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", description = "Clients to measure (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    @Option(names = "--rate", paramLabel = "REQ_PER_S", defaultValue = "1000", description = "SETs per second, open loop (default: ${DEFAULT-VALUE}).")
    double ratePerSecond;

    @Option(names = {"--duration-seconds", "--duration-s"}, paramLabel = "S", defaultValue = "10", description = "Measured seconds per trial, client and mode (default: ${DEFAULT-VALUE}).")
    @Quick("1") int durationSeconds;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "6", description = "Trials per mode and client, interleaved across modes (default: ${DEFAULT-VALUE}).")
    @Quick("3") int trials;

    @Option(names = "--preload-mb", paramLabel = "MB", defaultValue = "256", description = "Dataset written before measuring, in MB of values (default: ${DEFAULT-VALUE}).")
    @Quick("20") int preloadMb;

    @Option(names = "--warmup-millis", paramLabel = "MS", defaultValue = "2000", description = "Unrecorded load before each measured run (default: ${DEFAULT-VALUE}).")
    @Quick("500") long warmupMillis;

    public static void main(String... args) {
        Lab.main(new Q3_persistence(), args);
    }

    static final String SCRIPT = "Q3_persistence";
    static final double MB = 1 << 20;

    /** The three modes and the server configuration each one needs. */
    static Map<String, RedisServer.Needs> modeNeeds() {
        Map<String, RedisServer.Needs> m = new LinkedHashMap<>();
        String why = "it compares persistence modes, each on a server started with that mode";
        m.put("rdb_off", RedisServer.Needs.none().labServerOnly(why).config("save", "").config("appendonly", "no"));
        m.put("rdb_on", RedisServer.Needs.none().labServerOnly(why).config("save", "1 1").config("appendonly", "no"));
        m.put("aof_everysec", RedisServer.Needs.none().labServerOnly(why).config("save", "").config("appendonly", "yes").config("appendfsync", "everysec"));
        return m;
    }

    @Override
    public Integer call() {
        int seconds = durationSeconds;
        int t = trials;
        int preload = preloadMb;
        Map<String, RedisServer.Needs> all = modeNeeds();
        for (String m : modes) if (!all.containsKey(m)) throw new LabException("unknown mode '" + m + "' (" + String.join(", ", all.keySet()) + ")");
        Clients.requireKnown(clients);
        if (seconds < 1 || preload < 1 || !(ratePerSecond > 0)) throw new LabException("--duration-s and --preload-mb must be >= 1, --rate > 0");
        if (t < 1) throw new LabException("--trials must be >= 1, got " + t);

        Results out = new Results(this, common);
        out.meta("rate_per_second", ratePerSecond);
        out.meta("duration_s_per_trial", seconds);
        out.meta("trials", t);
        out.meta("warmup_ms", warmupMillis);
        out.meta("preload_mb", preload);
        out.meta("transparent_hugepage", readFirstLine("/sys/kernel/mm/transparent_hugepage/enabled"));
        ChunkValues values = new ChunkValues(3);
        // mode -> client -> per-trial SET P99 / P99.9 / P50 (ms), and the bare loop's P50 beside the harness
        Map<String, Map<String, Trials>> p99 = new LinkedHashMap<>(), p999 = new LinkedHashMap<>(), p50 = new LinkedHashMap<>();
        Map<String, Trials> bareP50 = new LinkedHashMap<>();

        // Every mode runs on its own server, all started up front, so that the trials can be interleaved
        // (rdb_off rdb_on aof, rdb_off rdb_on aof, ...): drift of the machine then hits every mode alike.
        Map<String, RedisServer> servers = new LinkedHashMap<>();
        Map<String, Keys> keysOf = new LinkedHashMap<>();
        Map<String, Integer> keyCounts = new LinkedHashMap<>();
        try {
            for (String mode : modes) {
                RedisServer redis = RedisServer.provision(common, all.get(mode));
                servers.put(mode, redis);
                if (!redis.owned()) {
                    throw new LabException("Q3_persistence compares persistence modes, each on a Redis the lab starts with that mode; "
                            + redis.safeUrl() + " was not started by the lab and is never reconfigured: run without --redis-url");
                }
                if (servers.size() == 1) {
                    Progress.step(redis.title() + " — " + redis.describe());
                    out.server(redis);
                }
                verifyMode(out, mode, redis);
                Keys keys = new Keys("Q3");
                keysOf.put(mode, keys);
                int keyCount = preload(redis, keys, values, preload * (long) MB, mode);
                keyCounts.put(mode, keyCount);
                Map<String, String> mem = redis.info("memory");
                out.info(mode, "server", "used_memory_bytes", "bytes", Double.parseDouble(mem.get("used_memory")));
                out.info(mode, "server", "dataset_keys", "count", keyCount);
            }
            for (int trial = 0; trial < t; trial++) {
                for (String mode : modes) {
                    RedisServer redis = servers.get(mode);
                    // every server quiet, not only this one: a save still running elsewhere would load the machine
                    for (Map.Entry<String, RedisServer> e : servers.entrySet()) settle(e.getValue(), e.getKey());
                    List<String> order = Trials.order(clients, trial);
                    for (String client : order) {
                        Progress.step(String.format("trial %d/%d %s / %s: SET at %s req/s for %d s", trial + 1, t, mode, client,
                                Results.num(ratePerSecond), seconds));
                        Latency.Summary s = measure(out, mode, client, redis, keysOf.get(mode), values, keyCounts.get(mode), seconds, warmupMillis, trial);
                        p99.computeIfAbsent(mode, k -> new LinkedHashMap<>()).computeIfAbsent(client, k -> new Trials()).add(s.p99Millis());
                        p999.computeIfAbsent(mode, k -> new LinkedHashMap<>()).computeIfAbsent(client, k -> new Trials()).add(s.p999Millis());
                        p50.computeIfAbsent(mode, k -> new LinkedHashMap<>()).computeIfAbsent(client, k -> new Trials()).add(s.p50Millis());
                    }
                    if (mode.equals(modes.get(0))) {
                        bareP50.computeIfAbsent(mode, k -> new Trials()).add(bareLoop(out, mode, redis, keysOf.get(mode), values,
                                keyCounts.get(mode), Math.max(1, seconds / 2), trial));
                    }
                }
            }
        } finally {
            for (Map.Entry<String, RedisServer> e : servers.entrySet()) {
                try {
                    keysOf.get(e.getKey()).cleanup(e.getValue());
                } finally {
                    e.getValue().close();
                }
            }
        }

        // Per-trial values of every mode and client, then the seed's decision rule on the paired difference.
        for (String mode : modes) {
            for (String client : clients) {
                out.info(mode, client, "set_p99_trials", "ms", trialsOf(p99, mode, client).estimate());
                out.info(mode, client, "set_p50_trials", "ms", trialsOf(p50, mode, client).estimate());
            }
        }
        for (String client : clients) {
            double[] off = trialsOf(p99, "rdb_off", client).values(), on = trialsOf(p99, "rdb_on", client).values();
            double[] aof = trialsOf(p99, "aof_everysec", client).values();
            Trials.Estimate rdb = paired(on, off), aofDelta = paired(aof, off);
            out.check("rdb_delta", client, "set_p99_rdb_on_minus_off", rdb, Criterion.RDB_DELTA_MS);
            out.info("rdb_delta", client, "set_p999_rdb_on_minus_off", "ms",
                    paired(trialsOf(p999, "rdb_on", client).values(), trialsOf(p999, "rdb_off", client).values()));
            out.info("aof_delta", client, "set_p99_aof_minus_off", "ms", aofDelta);
            out.info("aof_delta", client, "set_p999_aof_minus_off", "ms",
                    paired(trialsOf(p999, "aof_everysec", client).values(), trialsOf(p999, "rdb_off", client).values()));
            System.out.printf("%-8s SET P99 rdb_off %s, rdb_on %s; paired delta rdb_on - off %s, aof - off %s%n", client,
                    trialsOf(p99, "rdb_off", client).estimate().text("ms"), trialsOf(p99, "rdb_on", client).estimate().text("ms"),
                    rdb.text("ms"), aofDelta.text("ms"));
        }
        // The harness's own cost: the lab's fixed-rate P50 over a bare loop's, same server, same rounds.
        String first = modes.get(0);
        if (bareP50.containsKey(first)) {
            double[] bare = bareP50.get(first).values();
            out.info("reference", "bare-jedis", "set_p50_trials", "ms", Trials.of(bare));
            for (String client : clients) {
                double[] harness = trialsOf(p50, first, client).values();
                double[] ratio = new double[Math.min(harness.length, bare.length)];
                for (int i = 0; i < ratio.length; i++) ratio[i] = harness[i] / bare[i];
                Trials.Estimate r = Trials.of(ratio);
                out.info("reference", client, "set_p50_fixed_rate_vs_bare_loop", "ratio", r);
                System.out.printf("%-8s %s SET P50 with the fixed-rate harness / bare loop: %s%n", client, first, r.text("x"));
            }
        }
        return out.finish();
    }

    static Trials trialsOf(Map<String, Map<String, Trials>> m, String mode, String client) {
        return m.getOrDefault(mode, Map.of()).getOrDefault(client, new Trials());
    }

    /** The per-trial paired difference; MISSING (NaN) when a side was not measured. */
    static Trials.Estimate paired(double[] a, double[] b) {
        if (a.length == 0 || a.length != b.length) return Trials.of();
        return Trials.difference(a, b);
    }

    /**
     * The reference without any harness (lab.redis.BareLoop): one plain Jedis connection, SETs of the same
     * values sent from this thread at the same fixed rate, service time of each SET. Returns the P50 in ms.
     */
    double bareLoop(Results out, String mode, RedisServer redis, Keys keys, ChunkValues values, int keyCount, int seconds, int trial) {
        String[] pool = new String[64];
        for (int i = 0; i < pool.length; i++) pool[i] = values.value(i);
        Progress.step(String.format("trial %d %s / bare Jedis loop: %d SETs at %s req/s", trial + 1, mode,
                (int) Math.max(1, ratePerSecond * seconds), Results.num(ratePerSecond)));
        BareLoop.Command set = j -> {
            int k = ThreadLocalRandom.current().nextInt(keyCount);
            j.set(keys.key("k:" + k), pool[k & 63]);
        };
        try (BareLoop bare = BareLoop.open(redis, "lab-q3-bare")) {
            return bare.warmup(200, set).run(ratePerSecond, seconds * 1000L, set).p50Millis(); // 200 SETs back to back first: connection and JIT
        }
    }

    // ------------------------------------------------------------------ setup

    /** The mode as the server reports it: CONFIG GET save / appendonly / appendfsync, INFO persistence. */
    static void verifyMode(Results out, String mode, RedisServer redis) {
        String save = redis.configGet("save"), aof = redis.configGet("appendonly"), fsync = redis.configGet("appendfsync");
        out.meta(mode + "_config_save", save);
        out.meta(mode + "_config_appendonly", aof);
        out.meta(mode + "_config_appendfsync", fsync);
        out.meta(mode + "_server", redis.describe());
        int rules = save == null || save.isBlank() ? 0 : save.trim().split("\\s+").length / 2;
        out.info(mode, "server", "rdb_save_rules", "count", rules);
        out.info(mode, "server", "aof_enabled", "bool", "1".equals(redis.info("persistence").get("aof_enabled")) ? 1 : 0);
    }

    /** Pipelined SETs of chunk values until {@code bytes} of values are stored; returns the key count. */
    static int preload(RedisServer redis, Keys keys, ChunkValues values, long bytes, String mode) {
        Progress.step(mode + ": preloading " + (bytes >> 20) + " MB of chunk values");
        long written = 0;
        int n = 0;
        Progress.Every progress = new Progress.Every(mode + " preload MB", bytes >> 20);
        try (Jedis j = new Jedis(redis.hostAndPort(), redis.jedisConfig().clientName("lab-q3-preload").socketTimeoutMillis(30_000).build())) {
            while (written < bytes) {
                Pipeline pl = j.pipelined();
                for (int b = 0; b < 200 && written < bytes; b++, n++) {
                    String v = values.value(n);
                    pl.set(keys.key("k:" + n), v);
                    written += v.length();
                }
                pl.sync();
                progress.tick(written >> 20);
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ the measured phase

    /** Fixed-rate SETs with one client while INFO is sampled (and, in rdb_on, a BGSAVE is started mid-run). */
    Latency.Summary measure(Results out, String mode, String client, RedisServer redis, Keys keys, ChunkValues values,
                            int keyCount, int seconds, long warmupMillis, int trial) {
        // a small pool of values, so the client measures Redis and not value generation
        String[] pool = new String[64];
        for (int i = 0; i < pool.length; i++) pool[i] = values.value(i);
        FixedRate.Config cfg = FixedRate.Config.of(SCRIPT + "-" + mode + "-" + client, ratePerSecond, seconds * 1000L).warmupMillis(warmupMillis);
        // start from a quiet server: the saves/rewrites the preload (or the previous client) triggered are over
        out.info(trial == 0 ? mode : mode + "_t" + (trial + 1), client, "settle_before_measure", "s", settle(redis, mode));
        // the sampler starts with the load (clients already connected), so its window is the run's
        PersistenceSampler sampler = new PersistenceSampler(redis, warmupMillis, "rdb_on".equals(mode) ? warmupMillis + seconds * 500L : -1);
        FixedRate.Result r;
        if (client.equals(Clients.JEDIS)) {
            try (RedisClient j = Clients.jedis(redis, cfg.workers(), "lab-q3-jedis")) {
                j.ping();
                sampler.start();
                r = FixedRate.run(cfg, () -> {
                    int k = ThreadLocalRandom.current().nextInt(keyCount);
                    j.set(keys.key("k:" + k), pool[k & 63]);
                });
            } finally {
                sampler.stop();
            }
        } else {
            io.lettuce.core.RedisClient c = Clients.lettuce(redis, "lab-q3-lettuce");
            try (StatefulRedisConnection<String, String> conn = c.connect()) {
                RedisAsyncCommands<String, String> a = conn.async();
                conn.sync().ping();
                sampler.start();
                r = FixedRate.runAsync(cfg, () -> {
                    int k = ThreadLocalRandom.current().nextInt(keyCount);
                    return a.set(keys.key("k:" + k), pool[k & 63]);
                });
            } finally {
                sampler.stop();
                c.shutdown();
            }
        }
        // the pooled rows keep the first trial's names; later trials are suffixed, their P99s feed the criterion
        String test = trial == 0 ? mode : mode + "_t" + (trial + 1);
        FixedRate.report(out, test, client, r);
        out.info(test, client, "forks_during_measure", "count", sampler.forks());
        out.info(test, client, "latest_fork_max", "ms", sampler.maxLatestForkUsec / 1000.0);
        out.info(test, client, "persistence_samples", "count", sampler.samples);
        out.info(test, client, "rdb_bgsave_in_progress_samples", "count", sampler.bgsaveSamples);
        out.info(test, client, "aof_rewrite_in_progress_samples", "count", sampler.aofRewriteSamples);
        out.info(test, client, "rdb_bgsave_in_progress_pct", "%", sampler.samples == 0 ? Double.NaN : 100.0 * sampler.bgsaveSamples / sampler.samples);
        if (!r.errorsByType().isEmpty()) out.meta(test + "_" + client + "_errors_by_type", r.errorsByType());
        if (sampler.explicitBgsaveReply != null) out.meta(test + "_" + client + "_explicit_bgsave", sampler.explicitBgsaveReply);
        Latency.Summary s = Latency.summarize(r.responseTimeNanos());
        System.out.printf("%-13s %-8s response %s | %d errors %s | %d forks, latest_fork max %.2f ms, bgsave running in %d of %d samples%n",
                mode, client, s, r.errors(), r.errorsByType().isEmpty() ? "" : r.errorsByType(), sampler.forks(), sampler.maxLatestForkUsec / 1000.0, sampler.bgsaveSamples, sampler.samples);
        return s;
    }

    /**
     * Waits (at most 120 s) until no background save or AOF rewrite runs or is due: with "save 1 1",
     * every second with writes triggers another save, so the wait ends once the dataset is saved.
     * Returns the seconds waited; the measurement's forks then come from the measured writes alone.
     */
    static double settle(RedisServer redis, String mode) {
        long t0 = System.nanoTime(), deadline = t0 + 120_000_000_000L;
        boolean rules = !String.valueOf(redis.configGet("save")).isBlank();
        try (Jedis j = new Jedis(redis.hostAndPort(), redis.jedisConfig().clientName("lab-q3-settle").build())) {
            while (System.nanoTime() < deadline) {
                Map<String, String> i = RedisServer.parseInfo(j.info("persistence"));
                boolean busy = "1".equals(i.get("rdb_bgsave_in_progress")) || "1".equals(i.get("aof_rewrite_in_progress"))
                        || "1".equals(i.get("aof_rewrite_scheduled")) || rules && !"0".equals(i.get("rdb_changes_since_last_save"));
                if (!busy) break;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LabException("interrupted");
                }
            }
        }
        double waited = (System.nanoTime() - t0) / 1e9;
        if (waited > 1) Progress.line(mode + ": waited " + Math.round(waited) + " s for background saves/rewrites to finish");
        return waited;
    }

    // ------------------------------------------------------------------ helpers

    static String readFirstLine(String file) {
        try {
            List<String> l = Files.readAllLines(Path.of(file));
            return l.isEmpty() ? "unknown" : l.get(0).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
