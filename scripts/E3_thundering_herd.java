///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//SOURCES lab/pg/*.java
//
// Edge case 3 of the seed (POC1_redis_integration.md, "Edge Case 3: Thundering Herd on Cache Miss"):
// 100 concurrent requests for one chunk that is in neither L1 nor Redis. How many PostgreSQL queries do
// they cause without request coalescing, and with it (the first request loads, the others wait for its
// result), and what does the waiting cost in tail latency?
//
//   ./jbang scripts/E3_thundering_herd.java           10 rounds per variant
//   ./jbang scripts/E3_thundering_herd.java --quick   3 rounds per variant
//
// The 100 requests call the tiered cache of the API directly (L1 Caffeine -> L2 Redis -> L3 PostgreSQL),
// released together by a latch from 100 pre-started threads, so they are truly simultaneous (through
// HTTP the server's worker pool would serialise them and hide the herd). Queries are counted in the
// loader at the moment they are sent, and cross-checked with PostgreSQL's own scan counters of the run's table
// (pg_stat_user_tables seq_scan + idx_scan), read just before and after each round after every pooled backend
// was made to flush its statistics (they are otherwise published up to 10 s late, which mixed earlier phases'
// queries into a later window). The criterion uses the loader's count.
//
// Output: data/E3_thundering_herd/{metrics,run,spectra,herd_rounds}.csv
//   herd_rounds.csv: scenario,variant,round,chunk_id,db_queries,coalesced_waits,p50_ms,p99_ms,max_ms

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import lab.Check;
import lab.Threads;
import lab.redis.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.redis.Keys;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Progress;
import lab.Quick;
import lab.redis.RedisServer;
import lab.Results;
import lab.pg.ChunkTable;
import lab.pg.L2;
import lab.pg.PgOptions;
import lab.pg.Postgres;
import lab.pg.TieredCache;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "E3_thundering_herd", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Edge case 3: PostgreSQL queries and latency for 100 concurrent misses of one chunk, without and with request coalescing.")
public class E3_thundering_herd implements Callable<Integer> {

    @Mixin CommonOptions common;
    @Mixin PgOptions pgOptions;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "100", description = "Simultaneous identical requests (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = {"--trials", "--rounds"}, paramLabel = "N", defaultValue = "10", description = "Rounds per variant, each on a fresh chunk (default: ${DEFAULT-VALUE}).")
    @Quick("3") int rounds;

    @Option(names = "--client", defaultValue = "jedis", description = "L2 client: jedis or lettuce (default: ${DEFAULT-VALUE}).")
    String client;

    public static void main(String... args) {
        Lab.main(new E3_thundering_herd(), args);
    }

    @Override
    public Integer call() {
        int r = rounds;
        Check.atLeast("--concurrency", concurrency, 2);
        Check.atLeast("--trials", r, 1);
        Clients.requireKnown(List.of(client));
        int chunks = 2 * r + 10;

        Results out = new Results(this, common);
        ExecutorService threads = Executors.newFixedThreadPool(concurrency, Threads.daemon("herd"));
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(16L << 20));
             Postgres pg = Postgres.provision(common, pgOptions.backend)) {
            Progress.step(redis.title() + " — " + redis.describe());
            Progress.step("PostgreSQL " + pg.version() + " — " + pg.describe());
            out.server(redis);
            out.meta("pg_backend", pg.backend());
            out.meta("pg_version", pg.version());
            out.meta("concurrency", concurrency);
            out.meta("rounds", r);
            out.meta("pg_pool_connections", 20);
            Keys keys = new Keys("E3");
            try (ChunkTable table = ChunkTable.create(pg, "e3", chunks, 20)) {
                // warm the JIT and the connection pools on other ids, not measured
                variant(out, threads, redis, table, keys, false, 2, chunks - 5, false);
                long id = 1;
                for (boolean coalesce : new boolean[] {false, true}) {
                    variant(out, threads, redis, table, keys, coalesce, r, id, true);
                    id += r;
                }
            } finally {
                keys.cleanup(redis);
            }
        } finally {
            threads.shutdownNow();
        }
        return out.finish();
    }

    /** {@code rounds} herds of {@code concurrency} requests, each round on a chunk evicted from L1 and Redis first. */
    void variant(Results out, ExecutorService threads, RedisServer redis, ChunkTable table, Keys keys, boolean coalesce, int rounds,
                 long firstId, boolean record) {
        String name = coalesce ? "coalesced" : "uncoalesced";
        if (record) Progress.step(name + ": " + rounds + " rounds of " + concurrency + " concurrent misses");
        TieredCache.Config cfg = new TieredCache.Config(1000, Duration.ofMinutes(5), 3600, Duration.ofSeconds(1), coalesce);
        Histogram all = Latency.newHistogram();
        long maxQueries = 0, totalQueries = 0, serverScans = 0;
        boolean serverCounted = true;
        try (TieredCache cache = new TieredCache(cfg, L2.open(client, redis, "lab-e3", 2000), table, keys.prefix())) {
            for (int round = 0; round < rounds; round++) {
                long id = firstId + round;
                cache.evict(id);
                table.flushServerStats();
                long q0 = table.queries(), w0 = cache.coalescedWaits.sum(), s0 = table.serverScans();
                Histogram h = herd(threads, cache, id);
                long queries = table.queries() - q0;
                table.flushServerStats();
                long s1 = table.serverScans();
                if (s0 < 0 || s1 < 0) serverCounted = false;
                serverScans += s1 - s0;
                long waits = cache.coalescedWaits.sum() - w0;
                if (!record) continue;
                all.add(h);
                maxQueries = Math.max(maxQueries, queries);
                totalQueries += queries;
                Latency.Summary s = Latency.summarize(h);
                out.table("herd_rounds.csv", "scenario", "variant", "round", "chunk_id", "db_queries", "coalesced_waits", "p50_ms", "p99_ms", "max_ms")
                        .row(out.scenario(), name, round + 1, id, queries, waits, s.p50Millis(), s.p99Millis(), s.maxMillis());
                Progress.line(String.format("%s round %d: %d PostgreSQL queries, %d waited on the leader, p99 %.2f ms", name, round + 1, queries, waits, s.p99Millis()));
            }
        }
        if (!record) return;
        out.info("herd", name, "db_queries_total", "count", totalQueries);
        out.info("herd", name, "db_queries_per_round_mean", "count", (double) totalQueries / rounds);
        out.info("herd", name, "db_queries_per_round_max", "count", maxQueries);
        out.info("herd", name, "server_scans_total", "count", serverCounted ? serverScans : Double.NaN);
        out.info("herd", name, "requests_per_round", "count", concurrency);
        Latency.Summary s = out.latency("herd", name, "request", all);
        out.spectrum("herd", name, "request", all);
        if (coalesce) out.check("herd", name, "db_queries_per_round_max", maxQueries, Criterion.HERD_DB_QUERIES);
        System.out.printf("%-11s %d concurrent misses: %.1f PostgreSQL queries per round (max %d; server counted %d in %d rounds), latency p50 %.2f ms p99 %.2f ms max %.2f ms%n",
                name, concurrency, (double) totalQueries / rounds, maxQueries, serverScans, rounds, s.p50Millis(), s.p99Millis(), s.maxMillis());
    }

    /** Releases {@code concurrency} lookups of one id at once; latency from the release to each answer. */
    Histogram herd(ExecutorService threads, TieredCache cache, long id) {
        CountDownLatch ready = new CountDownLatch(concurrency), go = new CountDownLatch(1);
        long[] released = new long[1];
        List<Future<Long>> results = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            results.add(threads.submit(() -> {
                ready.countDown();
                go.await();
                byte[] body = cache.get(id);
                long done = System.nanoTime();
                if (body == null) throw new IllegalStateException("chunk " + id + " not found");
                return done;
            }));
        }
        try {
            if (!ready.await(30, TimeUnit.SECONDS)) throw new LabException("herd threads did not start within 30 s");
            released[0] = System.nanoTime();
            go.countDown();
            Histogram h = Latency.newHistogram();
            for (Future<Long> f : results) Latency.record(h, f.get(60, TimeUnit.SECONDS) - released[0]);
            return h;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        } catch (Exception e) {
            throw new LabException("a herd request failed: " + Lab.oneLine(e));
        }
    }
}
