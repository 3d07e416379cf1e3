///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//
// Scenario 5 of the seed (POC1_redis_integration.md, "Scenario 5: Memory and Eviction") and Risk 5
// ("Memory eviction trop agressive": monitor the eviction rate, raise maxmemory above 10%):
// what happens when Redis reaches maxmemory with allkeys-lru? Do clients see OOM errors, are the
// least recently used keys the ones that go, how many keys are evicted, and what would noeviction do?
//
//   ./jbang scripts/S5_eviction.java            seed sizes: maxmemory 100mb, 150 MB of ~9.5 KB chunk values
//   ./jbang scripts/S5_eviction.java --quick    maxmemory 10mb, 15 MB (about 20 s)
//
// Steps, each on its own freshly started Redis (maxmemory, policy and samples set at start):
//   1. lru_samples5 / lru_samples10: allkeys-lru with maxmemory-samples 5 and 10. The fill is paced over
//      --fill-seconds because Redis keeps LRU time in whole seconds: keys written in the same second
//      look equally old. During the fill, a "hot" 10% of the keys is read again continuously; at the
//      end, survival of hot vs cold keys (and of old vs new cold keys) shows whether the LRU really
//      chose the least recently used keys.
//   2. steady_fit / steady_overflow: a cache-aside workload (90% GET + SET on miss, 10% updates;
//      uniform keys: the worst case for LRU) whose working set is 80% / 120% of maxmemory: the steady-state eviction rate
//      Risk 5's guideline is about.
//   3. noeviction: the same fill against maxmemory-policy noeviction: the OOM errors clients get instead.
// Eviction rate = evicted_keys (INFO stats, delta) / keys written (SETs) x 100.
//
// Output: data/S5_eviction/{metrics,run,eviction_timeline,survival}.csv and a criteria table.
//   eviction_timeline.csv: scenario,test,t_s,written_mb,used_memory_mb,evicted_keys,keys (INFO during the fill)
//   survival.csv: scenario,test,age_decile,cold_written,cold_survived,hot_written,hot_survived
//                 (decile 0 = the first tenth of keys written, 9 = the last)
// Only on servers the lab starts: the experiment is eviction, which on a server the lab did not start
// (--redis-url) would evict its owner's keys, so S5 refuses one before writing anything (exit 2).

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import lab.ChunkValues;
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
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

@Command(name = "S5_eviction", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scenario 5 / Risk 5: allkeys-lru at maxmemory (OOM errors, eviction rate, LRU quality, samples 5 vs 10) and the noeviction contrast.")
public class S5_eviction implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--maxmemory-mb", paramLabel = "MB", defaultValue = "100", description = "maxmemory of the server (default: ${DEFAULT-VALUE}).")
    @Quick("10") int maxmemoryMb;

    @Option(names = "--fill-mb", paramLabel = "MB", description = "Value bytes written by a fill (default: 1.5 x maxmemory).")
    Integer fillMb;

    @Option(names = "--fill-seconds", paramLabel = "S", defaultValue = "30", description = "Duration the LRU fill is paced over; >= several seconds, LRU time has 1 s resolution (default: ${DEFAULT-VALUE}).")
    @Quick("6") int fillSeconds;

    @Option(names = "--hot-percent", paramLabel = "PCT", defaultValue = "10", description = "Share of keys read again during the fill (default: ${DEFAULT-VALUE}).")
    int hotPercent;

    @Option(names = "--samples", split = ",", defaultValue = "5,10", description = "maxmemory-samples values to compare (default: ${DEFAULT-VALUE}).")
    List<Integer> samplesList;

    @Option(names = "--steady-ops", paramLabel = "N", defaultValue = "40000", description = "Cache-aside operations per steady-state run (default: ${DEFAULT-VALUE}).")
    @Quick("4000") int steadyOps;

    public static void main(String... args) {
        Lab.main(new S5_eviction(), args);
    }

    static final String SCRIPT = "S5_eviction";
    static final double MB = 1 << 20;

    @Override
    public Integer call() {
        int maxMb = maxmemoryMb;
        int fill = fillMb != null ? fillMb : (int) Math.round(maxMb * 1.5);
        int fillS = fillSeconds;
        int ops = steadyOps;
        if (maxMb < 2 || fill < 1 || fillS < 0 || ops < 1) throw new LabException("--maxmemory-mb must be >= 2, --fill-mb and --steady-ops >= 1, --fill-seconds >= 0");
        if (hotPercent < 1 || hotPercent > 50) throw new LabException("--hot-percent must be between 1 and 50");
        for (int s : samplesList) if (s < 1 || s > 64) throw new LabException("--samples values must be between 1 and 64 (Redis limit), got " + s);

        Results out = new Results(this, common);
        out.meta("maxmemory_mb", maxMb);
        out.meta("fill_mb", fill);
        out.meta("fill_seconds", fillS);
        out.meta("hot_percent", hotPercent);
        out.meta("steady_ops", ops);
        out.meta("eviction_rate_definition", "evicted_keys (INFO stats delta) / keys written (SET) x 100");
        ChunkValues values = new ChunkValues(5);
        String maxmemory = maxMb + "mb";

        // ---- 1. allkeys-lru fills, one fresh server per maxmemory-samples value
        double bytesPerKey = Double.NaN;
        for (int samples : samplesList) {
            String test = "lru_samples" + samples;
            RedisServer.Needs needs = RedisServer.Needs.none().labServerOnly("it fills the server past maxmemory to make it evict keys")
                    .config("maxmemory", maxmemory)
                    .config("maxmemory-policy", "allkeys-lru").config("maxmemory-samples", Integer.toString(samples));
            try (RedisServer redis = RedisServer.provision(common, needs)) {
                if (samples == samplesList.get(0)) {
                    Progress.step(redis.title() + " — " + redis.describe());
                    out.server(redis);
                }
                out.meta(test + "_config", configLine(redis));
                checkPolicy(out, test, redis);
                Progress.step(test + ": " + fill + " MB into maxmemory " + maxmemory + " over " + fillS + " s, " + hotPercent + "% hot keys");
                Fill f = fill(out, test, redis, values, fill * (long) MB, fillS * 1000L, hotPercent);
                out.check(test, "jedis", "oom_errors", f.oomErrors, Criterion.OOM_ERRORS);
                // Scenario 5's own test (150 MB into 100 MB) judged against Risk 5's < 10 % guideline: the plan
                // asks this question of this fill, even though a fill past maxmemory must evict by construction.
                out.check(test, "jedis", "eviction_rate", f.evictionRatePercent(), Criterion.EVICTION_RATE_PCT);
                lruQuality(out, test, f);
                bytesPerKey = f.usedMemoryPerKeyBytes;
            }
        }

        // ---- 2. steady state: working set that fits (80%) and one that does not (120%)
        for (double ratio : new double[] {0.8, 1.2}) {
            String test = ratio < 1 ? "steady_fit" : "steady_overflow";
            try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().config("maxmemory", maxmemory)
                    .config("maxmemory-policy", "allkeys-lru").config("maxmemory-samples", "5"))) {
                int universe = (int) Math.max(10, ratio * maxMb * MB / bytesPerKey);
                Progress.step(test + ": cache-aside, " + universe + " keys (" + Math.round(ratio * 100) + "% of maxmemory), " + ops + " ops");
                steady(out, test, redis, values, universe, ops, ratio);
            }
        }

        // ---- 3. the contrast: noeviction
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().config("maxmemory", maxmemory)
                .config("maxmemory-policy", "noeviction"))) {
            Progress.step("noeviction: " + fill + " MB into maxmemory " + maxmemory + " (what clients see without eviction)");
            out.meta("noeviction_config", configLine(redis));
            Fill f = fill(out, "noeviction", redis, values, fill * (long) MB, 0, 0);
            out.info("noeviction", "jedis", "oom_errors", "count", f.oomErrors);
            out.info("noeviction", "jedis", "writes_ok", "count", f.written - f.oomErrors - f.otherErrors);
            out.info("noeviction", "jedis", "writes_attempted", "count", f.written);
            out.info("noeviction", "jedis", "oom_error_pct", "%", 100.0 * f.oomErrors / f.written);
            out.info("noeviction", "jedis", "evicted_keys", "count", f.evictedKeys);
            out.info("noeviction", "jedis", "reads_ok_when_full", "count", f.readsOkAtEnd);
            out.meta("noeviction_error_message", f.firstOomMessage == null ? "(none)" : f.firstOomMessage);
            System.out.printf("noeviction: %d of %d SETs refused (%.1f%%), e.g. \"%s\"; reads still served: %d of 100%n",
                    f.oomErrors, f.written, 100.0 * f.oomErrors / f.written, f.firstOomMessage, f.readsOkAtEnd);
        }
        return out.finish();
    }

    // ------------------------------------------------------------------ policy verification

    /** Scenario 5 test 2: the policy as the server reports it, through CONFIG GET and INFO memory. */
    static void checkPolicy(Results out, String test, RedisServer redis) {
        String viaConfig = redis.configGet("maxmemory-policy");
        String viaInfo = redis.info("memory").get("maxmemory_policy");
        out.meta(test + "_policy_config_get", viaConfig);
        out.meta(test + "_policy_info_memory", viaInfo);
        boolean lru = "allkeys-lru".equals(viaConfig) && "allkeys-lru".equals(viaInfo);
        // a check of the lab's own set-up (the lab set the policy), reported, not a criterion of Redis
        out.info(test, "jedis", "setup_policy_is_allkeys_lru", "bool", lru ? 1 : 0);
        if (!lru) throw new LabException(test + ": maxmemory-policy is " + viaConfig + " / " + viaInfo + " after the lab set allkeys-lru: the server ignored its configuration");
    }

    static String configLine(RedisServer redis) {
        StringBuilder b = new StringBuilder();
        for (String k : List.of("maxmemory", "maxmemory-policy", "maxmemory-samples", "maxmemory-eviction-tenacity")) {
            b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(redis.configGet(k));
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ the fill

    /** What one fill measured. Key i is hot when i % hotEvery == 0. */
    static final class Fill {
        long written, oomErrors, otherErrors, evictedKeys, hotMissesDuringFill, readsOkAtEnd;
        long writtenBytes, usedMemoryPeakBytes, usedMemoryEndBytes, keysEnd;
        double usedMemoryPerKeyBytes, seconds;
        int hotEvery;
        boolean[] survived;
        String firstOomMessage;

        double evictionRatePercent() {
            return written == 0 ? Double.NaN : 100.0 * evictedKeys / written;
        }

        boolean hot(int i) {
            return hotEvery > 0 && i % hotEvery == 0;
        }
    }

    /**
     * Writes {@code fillBytes} of chunk values, paced evenly over {@code paceMillis} (0 = as fast as
     * possible). After every SET, two hot keys are read again (round robin over the hot keys written
     * so far), the way a cache keeps serving its popular entries while new ones arrive. Evicted hot
     * keys are not written back, so their survival at the end is the LRU's doing alone.
     */
    static Fill fill(Results out, String test, RedisServer redis, ChunkValues values, long fillBytes, long paceMillis, int hotPercent) {
        Fill f = new Fill();
        f.hotEvery = hotPercent > 0 ? Math.max(1, 100 / hotPercent) : 0;
        Keys keys = new Keys("S5");
        Results.Table timeline = out.table("eviction_timeline.csv", "scenario", "test", "t_s", "written_mb", "used_memory_mb", "evicted_keys", "keys");
        try (Jedis j = new Jedis(redis.hostAndPort(), redis.jedisConfig().clientName("lab-s5-fill").build());
             Jedis info = new Jedis(redis.hostAndPort(), redis.jedisConfig().clientName("lab-s5-info").build())) {
            long usedAtStart = memoryInfo(info).usedBytes;
            long evictedAtStart = statsEvicted(info);
            List<Integer> hot = new ArrayList<>();
            int touch = 0;
            long start = System.nanoTime(), nextSample = start;
            Progress.Every progress = new Progress.Every(test + " MB written", fillBytes >> 20);
            int i = 0;
            while (f.writtenBytes < fillBytes) {
                if (paceMillis > 0) { // pace by bytes written: the fill spreads evenly over the LRU clock's seconds
                    long due = start + (long) (paceMillis * 1e6 * f.writtenBytes / fillBytes);
                    for (long now = System.nanoTime(); now < due; now = System.nanoTime()) LockSupport.parkNanos(due - now);
                }
                String v = values.value(i);
                try {
                    j.set(keys.key("c:" + i), v);
                } catch (JedisDataException e) {
                    String m = String.valueOf(e.getMessage());
                    if (m.startsWith("OOM")) {
                        f.oomErrors++;
                        if (f.firstOomMessage == null) f.firstOomMessage = m;
                    } else {
                        f.otherErrors++;
                    }
                }
                f.written++;
                f.writtenBytes += v.length();
                if (f.hot(i)) hot.add(i);
                for (int t = 0; t < 2 && !hot.isEmpty(); t++) {
                    if (touch >= hot.size()) touch = 0; // a cursor, not a modulo: every hot key gets its turn
                    if (j.get(keys.key("c:" + hot.get(touch++))) == null) f.hotMissesDuringFill++;
                }
                i++;
                long now = System.nanoTime();
                if (now >= nextSample) {
                    sample(timeline, test, info, (now - start) / 1e9, f.writtenBytes, evictedAtStart);
                    nextSample = now + 200_000_000L;
                    progress.tick(f.writtenBytes >> 20);
                }
            }
            f.seconds = (System.nanoTime() - start) / 1e9;
            sample(timeline, test, info, f.seconds, f.writtenBytes, evictedAtStart);
            Mem m = memoryInfo(info);
            f.usedMemoryPeakBytes = m.peakBytes;
            f.usedMemoryEndBytes = m.usedBytes;
            f.evictedKeys = statsEvicted(info) - evictedAtStart;
            f.keysEnd = info.dbSize();
            f.usedMemoryPerKeyBytes = f.keysEnd == 0 ? Double.NaN : (double) (m.usedBytes - usedAtStart) / f.keysEnd;

            // Survival: EXISTS does not touch the LRU clock and, with no write, evicts nothing.
            f.survived = new boolean[i];
            Pipeline p = j.pipelined();
            List<Response<Boolean>> exists = new ArrayList<>(i);
            for (int k = 0; k < i; k++) exists.add(p.exists(keys.key("c:" + k)));
            p.sync();
            for (int k = 0; k < i; k++) f.survived[k] = exists.get(k).get();
            for (int k = 0; k < Math.min(100, i); k++) {
                int idx = i - 1 - k; // the newest keys are present under either policy
                try {
                    j.get(keys.key("c:" + idx));
                    f.readsOkAtEnd++;
                } catch (JedisDataException e) {
                    // counted by omission
                }
            }
        } finally {
            keys.cleanup(redis);
        }
        out.info(test, "jedis", "maxmemory_bytes", "bytes", Double.parseDouble(redis.configGet("maxmemory")));
        out.info(test, "jedis", "written_bytes", "bytes", f.writtenBytes);
        out.info(test, "jedis", "keys_written", "count", f.written);
        out.info(test, "jedis", "mean_value_bytes", "bytes", (double) f.writtenBytes / f.written);
        out.info(test, "jedis", "fill_duration", "s", f.seconds);
        out.info(test, "jedis", "used_memory_peak_bytes", "bytes", f.usedMemoryPeakBytes);
        out.info(test, "jedis", "used_memory_end_bytes", "bytes", f.usedMemoryEndBytes);
        out.info(test, "jedis", "used_memory_per_key", "bytes", f.usedMemoryPerKeyBytes);
        out.info(test, "jedis", "evicted_keys", "count", f.evictedKeys);
        out.info(test, "jedis", "keys_end", "count", f.keysEnd);
        out.info(test, "jedis", "other_errors", "count", f.otherErrors);
        return f;
    }

    /** Hot vs cold survival, survival by age, and how close the evicted set is to exact LRU. */
    static void lruQuality(Results out, String test, Fill f) {
        int n = f.survived.length;
        long hotN = 0, hotS = 0, coldN = 0, coldS = 0;
        List<Integer> cold = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (f.hot(i)) { hotN++; if (f.survived[i]) hotS++; }
            else { coldN++; cold.add(i); if (f.survived[i]) coldS++; }
        }
        // Exact LRU would keep the coldS most recently written cold keys: how many survivors are among them?
        long inIdeal = 0;
        for (int c = (int) (cold.size() - coldS); c < cold.size(); c++) if (f.survived[cold.get(c)]) inIdeal++;
        double hotPct = 100.0 * hotS / hotN, coldPct = 100.0 * coldS / coldN, allPct = 100.0 * (hotS + coldS) / n;
        double precision = coldS == 0 ? Double.NaN : 100.0 * inIdeal / coldS;
        out.info(test, "jedis", "hot_keys", "count", hotN);
        out.info(test, "jedis", "cold_keys", "count", coldN);
        out.info(test, "jedis", "hot_survival_pct", "%", hotPct);
        out.info(test, "jedis", "cold_survival_pct", "%", coldPct);
        out.info(test, "jedis", "all_survival_pct", "%", allPct); // what a random eviction would give hot keys
        out.info(test, "jedis", "hot_misses_during_fill", "count", f.hotMissesDuringFill);
        out.info(test, "jedis", "cold_lru_precision_pct", "%", precision);
        Results.Table t = out.table("survival.csv", "scenario", "test", "age_decile", "cold_written", "cold_survived", "hot_written", "hot_survived");
        for (int d = 0; d < 10; d++) {
            long cw = 0, cs = 0, hw = 0, hs = 0;
            for (int i = (int) ((long) n * d / 10); i < (int) ((long) n * (d + 1) / 10); i++) {
                if (f.hot(i)) { hw++; if (f.survived[i]) hs++; } else { cw++; if (f.survived[i]) cs++; }
            }
            t.row(SCRIPT, test, d, cw, cs, hw, hs);
        }
        System.out.printf("%-14s %d keys written, %d evicted (%.1f%%), %d OOM errors; survival hot %.1f%% vs cold %.1f%% (random would be %.1f%%), cold LRU precision %.1f%%%n",
                test, f.written, f.evictedKeys, f.evictionRatePercent(), f.oomErrors, hotPct, coldPct, allPct, precision);
    }

    // ------------------------------------------------------------------ steady state

    static final int UPDATE_PERCENT = 10;

    /**
     * Cache-aside over a fixed key universe, uniformly random keys: 90% GET (SET on a miss), 10% SET of
     * an updated value. The cold start (every key loaded, then one more pass of reads) is excluded.
     */
    static void steady(Results out, String test, RedisServer redis, ChunkValues values, int universe, int ops, double ratio) {
        Keys keys = new Keys("S5");
        Random rnd = new Random(7);
        try (Jedis j = new Jedis(redis.hostAndPort(), redis.jedisConfig().clientName("lab-s5-steady").build())) {
            // warm: every key requested until the cache is in its steady state
            for (int k = 0; k < universe; k++) j.set(keys.key("s:" + k), values.value(k));
            for (int k = 0; k < universe; k++) {
                int key = rnd.nextInt(universe);
                if (j.get(keys.key("s:" + key)) == null) j.set(keys.key("s:" + key), values.value(key));
            }
            long evictedAtStart = statsEvicted(j);
            long hits = 0, sets = 0;
            long reads = 0;
            for (int op = 0; op < ops; op++) {
                int key = rnd.nextInt(universe);
                if (rnd.nextInt(100) < UPDATE_PERCENT) { // the source row changed: the new value is written through
                    j.set(keys.key("s:" + key), values.value(key));
                    sets++;
                    continue;
                }
                reads++;
                if (j.get(keys.key("s:" + key)) != null) hits++;
                else { j.set(keys.key("s:" + key), values.value(key)); sets++; }
            }
            long evicted = statsEvicted(j) - evictedAtStart;
            double ratePct = 100.0 * evicted / sets;
            out.info(test, "jedis", "working_set_vs_maxmemory", "ratio", ratio);
            out.info(test, "jedis", "universe_keys", "count", universe);
            out.info(test, "jedis", "ops", "count", ops);
            out.info(test, "jedis", "sets", "count", sets);
            out.info(test, "jedis", "evicted_keys", "count", evicted);
            out.info(test, "jedis", "reads", "count", reads);
            out.info(test, "jedis", "hit_rate_pct", "%", 100.0 * hits / reads);
            out.info(test, "jedis", "evictions_per_op_pct", "%", 100.0 * evicted / ops);
            // context for Risk 5: the steady state of a cache that fits, and of one that does not
            out.info(test, "jedis", "eviction_rate", "%", ratePct);
            System.out.printf("%-14s working set %.0f%% of maxmemory: hit rate %.1f%%, %d SETs, %d evicted (%.1f%% of SETs)%n",
                    test, ratio * 100, 100.0 * hits / reads, sets, evicted, ratePct);
        } finally {
            keys.cleanup(redis);
        }
    }

    // ------------------------------------------------------------------ INFO helpers

    record Mem(long usedBytes, long peakBytes) {}

    static Mem memoryInfo(Jedis j) {
        Map<String, String> m = RedisServer.parseInfo(j.info("memory"));
        return new Mem(Long.parseLong(m.get("used_memory")), Long.parseLong(m.get("used_memory_peak")));
    }

    static long statsEvicted(Jedis j) {
        return Long.parseLong(RedisServer.parseInfo(j.info("stats")).get("evicted_keys"));
    }

    static void sample(Results.Table timeline, String test, Jedis info, double seconds, long writtenBytes, long evictedAtStart) {
        timeline.row(SCRIPT, test, seconds, writtenBytes / MB, memoryInfo(info).usedBytes / MB, statsEvicted(info) - evictedAtStart, info.dbSize());
    }
}
