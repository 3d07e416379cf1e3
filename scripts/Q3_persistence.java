///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//
// Deep Question 3 of the seed (POC1_redis_integration.md, "Redis Persistence (RDB vs AOF)"): does the
// cache need persistence, and what does it cost? Measures SET latency with RDB off, RDB on and
// (optionally) AOF everysec; the seed's rule: "if latency delta < 1 ms -> enable RDB".
//
//   ./jbang scripts/Q3_persistence.java            256 MB dataset, 15 s per client and mode at 1000 SET/s (about 3 min)
//   ./jbang scripts/Q3_persistence.java --quick    20 MB dataset, 2 s per client and mode (about 25 s)
//
// Each mode runs on its own freshly started Redis, preloaded with chunk-shaped values (~9.5 KB) so
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
// Criterion RDB_DELTA_MS: P99 response time rdb_on - rdb_off, per client.
//
// Output: data/Q3_persistence/{metrics,spectra,timeline,run}.csv and a criteria table. The lab must
// start the servers (each mode needs its own configuration): --redis-url is refused.

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.ChunkValues;
import lab.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.FixedRate;
import lab.Keys;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Progress;
import lab.RedisServer;
import lab.Results;
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

    @Option(names = "--duration-s", paramLabel = "S", description = "Measured seconds per client and mode (default: 15, quick: 2).")
    Integer durationSeconds;

    @Option(names = "--preload-mb", paramLabel = "MB", description = "Dataset written before measuring, in MB of values (default: 256, quick: 20).")
    Integer preloadMb;

    public static void main(String... args) {
        Lab.main(new Q3_persistence(), args);
    }

    static final String SCRIPT = "Q3_persistence";
    static final double MB = 1 << 20;

    /** The three modes and the server configuration each one needs. */
    static Map<String, RedisServer.Needs> modeNeeds() {
        Map<String, RedisServer.Needs> m = new LinkedHashMap<>();
        m.put("rdb_off", RedisServer.Needs.none().config("save", "").config("appendonly", "no"));
        m.put("rdb_on", RedisServer.Needs.none().config("save", "1 1").config("appendonly", "no"));
        m.put("aof_everysec", RedisServer.Needs.none().config("save", "").config("appendonly", "yes").config("appendfsync", "everysec"));
        return m;
    }

    @Override
    public Integer call() {
        int seconds = durationSeconds != null ? durationSeconds : common.pick(15, 2);
        int preload = preloadMb != null ? preloadMb : common.pick(256, 20);
        long warmupMillis = common.pick(2000L, 500L);
        Map<String, RedisServer.Needs> all = modeNeeds();
        for (String m : modes) if (!all.containsKey(m)) throw new LabException("unknown mode '" + m + "' (" + String.join(", ", all.keySet()) + ")");
        Clients.requireKnown(clients);
        if (seconds < 1 || preload < 1 || !(ratePerSecond > 0)) throw new LabException("--duration-s and --preload-mb must be >= 1, --rate > 0");

        Results out = new Results(SCRIPT, common.outDir(SCRIPT));
        out.meta("rate_per_second", ratePerSecond);
        out.meta("duration_s_per_client", seconds);
        out.meta("warmup_ms", warmupMillis);
        out.meta("preload_mb", preload);
        out.meta("transparent_hugepage", readFirstLine("/sys/kernel/mm/transparent_hugepage/enabled"));
        ChunkValues values = new ChunkValues(3);
        Map<String, Map<String, Latency.Summary>> p = new LinkedHashMap<>(); // mode -> client -> response time

        for (String mode : modes) {
            try (RedisServer redis = RedisServer.provision(common, all.get(mode))) {
                if (!redis.owned()) {
                    throw new LabException("Q3_persistence compares persistence modes, each on a Redis the lab starts with that mode; "
                            + redis.safeUrl() + " was not started by the lab and is never reconfigured: run without --redis-url");
                }
                if (p.isEmpty()) {
                    Progress.step(redis.title() + " — " + redis.describe());
                    out.server(redis);
                }
                verifyMode(out, mode, redis);
                Keys keys = new Keys("Q3");
                int keyCount = preload(redis, keys, values, preload * (long) MB, mode);
                Map<String, String> mem = redis.info("memory");
                out.info(mode, "server", "used_memory_bytes", "bytes", Double.parseDouble(mem.get("used_memory")));
                out.info(mode, "server", "dataset_keys", "count", keyCount);
                for (String client : clients) {
                    Progress.step(mode + " / " + client + ": SET at " + Results.num(ratePerSecond) + " req/s for " + seconds + " s");
                    p.computeIfAbsent(mode, k -> new LinkedHashMap<>())
                            .put(client, measure(out, mode, client, redis, keys, values, keyCount, seconds, warmupMillis));
                }
                keys.cleanup(redis);
            }
        }

        // The seed's decision rule, on the coordinated-omission-corrected P99 of SET.
        for (String client : clients) {
            double off = p99(p, "rdb_off", client), on = p99(p, "rdb_on", client), aof = p99(p, "aof_everysec", client);
            out.check("rdb_delta", client, "set_p99_rdb_on_minus_off", on - off, Criterion.RDB_DELTA_MS);
            out.info("rdb_delta", client, "set_p999_rdb_on_minus_off", "ms", pick(p, "rdb_on", client, true) - pick(p, "rdb_off", client, true));
            out.info("aof_delta", client, "set_p99_aof_minus_off", "ms", aof - off);
            out.info("aof_delta", client, "set_p999_aof_minus_off", "ms", pick(p, "aof_everysec", client, true) - pick(p, "rdb_off", client, true));
            System.out.printf("%-8s SET P99 rdb_off %.3f ms, rdb_on %.3f ms (delta %+.3f ms), aof_everysec %.3f ms (delta %+.3f ms)%n",
                    client, off, on, on - off, aof, aof - off);
        }
        return out.finish();
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
                            int keyCount, int seconds, long warmupMillis) {
        // a small pool of values, so the client measures Redis and not value generation
        String[] pool = new String[64];
        for (int i = 0; i < pool.length; i++) pool[i] = values.value(i);
        FixedRate.Config cfg = FixedRate.Config.of(SCRIPT + "-" + mode + "-" + client, ratePerSecond, seconds * 1000L).warmupMillis(warmupMillis);
        // start from a quiet server: the saves/rewrites the preload (or the previous client) triggered are over
        out.info(mode, client, "settle_before_measure", "s", settle(redis, mode));
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
        FixedRate.report(out, mode, client, r);
        out.info(mode, client, "forks_during_measure", "count", sampler.forks());
        out.info(mode, client, "latest_fork_max", "ms", sampler.maxLatestForkUsec / 1000.0);
        out.info(mode, client, "persistence_samples", "count", sampler.samples);
        out.info(mode, client, "rdb_bgsave_in_progress_samples", "count", sampler.bgsaveSamples);
        out.info(mode, client, "aof_rewrite_in_progress_samples", "count", sampler.aofRewriteSamples);
        out.info(mode, client, "rdb_bgsave_in_progress_pct", "%", sampler.samples == 0 ? Double.NaN : 100.0 * sampler.bgsaveSamples / sampler.samples);
        if (!r.errorsByType().isEmpty()) out.meta(mode + "_" + client + "_errors_by_type", r.errorsByType());
        if (sampler.explicitBgsaveReply != null) out.meta(mode + "_" + client + "_explicit_bgsave", sampler.explicitBgsaveReply);
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
                Map<String, String> i = parse(j.info("persistence"));
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

    /**
     * Samples INFO persistence + stats every 50 ms from its own connection, counting from the end of
     * the warm-up; optionally sends one BGSAVE from {@code bgsaveAtMillis} on (retried while a
     * rule-triggered save makes Redis refuse it; the reply is recorded either way).
     */
    static final class PersistenceSampler {
        final RedisServer redis;
        final long measureFromMillis, bgsaveAtMillis;
        final AtomicBoolean running = new AtomicBoolean(true);
        Thread thread;
        volatile long samples, bgsaveSamples, aofRewriteSamples, forksAtStart = -1, forksAtEnd = -1, maxLatestForkUsec;
        volatile String explicitBgsaveReply;
        volatile boolean bgsaveAccepted;

        PersistenceSampler(RedisServer redis, long measureFromMillis, long bgsaveAtMillis) {
            this.redis = redis;
            this.measureFromMillis = measureFromMillis;
            this.bgsaveAtMillis = bgsaveAtMillis;
        }

        long forks() {
            return forksAtStart < 0 || forksAtEnd < 0 ? 0 : forksAtEnd - forksAtStart;
        }

        void start() {
            thread = new Thread(this::loop, "q3-persistence-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void loop() {
            long t0 = System.currentTimeMillis();
            try (Jedis j = new Jedis(redis.hostAndPort(), redis.jedisConfig().clientName("lab-q3-info").build())) {
                while (running.get()) {
                    long now = System.currentTimeMillis() - t0;
                    if (now >= measureFromMillis) {
                        Map<String, String> i = parse(j.info("persistence") + "\n" + j.info("stats"));
                        long forks = Long.parseLong(i.getOrDefault("total_forks", "0"));
                        if (forksAtStart < 0) forksAtStart = forks;
                        forksAtEnd = forks;
                        samples++;
                        if ("1".equals(i.get("rdb_bgsave_in_progress"))) bgsaveSamples++;
                        if ("1".equals(i.get("aof_rewrite_in_progress"))) aofRewriteSamples++;
                        // latest_fork_usec describes the last fork: count it only once a fork happened in the window
                        if (forks > forksAtStart) maxLatestForkUsec = Math.max(maxLatestForkUsec, Long.parseLong(i.getOrDefault("latest_fork_usec", "0")));
                    }
                    if (bgsaveAtMillis >= 0 && !bgsaveAccepted && now >= bgsaveAtMillis) {
                        // a rule-triggered save may be running: retry until Redis accepts ours
                        try {
                            explicitBgsaveReply = j.bgsave() + " (" + (now - bgsaveAtMillis) + " ms after mid-run)";
                            bgsaveAccepted = true;
                        } catch (RuntimeException e) {
                            explicitBgsaveReply = "refused until the end of the run: " + e.getMessage();
                        }
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                Progress.line("persistence sampler stopped: " + Lab.oneLine(e));
            }
        }

        void stop() {
            running.set(false);
            if (thread == null) return;
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    static Map<String, String> parse(String info) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) m.put(line.substring(0, c), line.substring(c + 1).trim());
        }
        return m;
    }

    static double p99(Map<String, Map<String, Latency.Summary>> p, String mode, String client) {
        return pick(p, mode, client, false);
    }

    /** P99 (or P99.9) response time in ms of a mode and client; NaN when that mode was not measured. */
    static double pick(Map<String, Map<String, Latency.Summary>> p, String mode, String client, boolean p999) {
        Latency.Summary s = p.getOrDefault(mode, Map.of()).get(client);
        if (s == null || s.count() == 0) return Double.NaN;
        return p999 ? s.p999Millis() : s.p99Millis();
    }

    static String readFirstLine(String file) {
        try {
            List<String> l = Files.readAllLines(Path.of(file));
            return l.isEmpty() ? "unknown" : l.get(0).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
