///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//SOURCES lab/pg/*.java
//
// Deep question 1 of the seed (POC1_redis_integration.md, "Deep Question 1: Cache Warming Strategy"):
// should the API pre-warm Redis at start-up? Measures the API's start-up time and the hit rate and
// latency of its first requests, with and without warming, for 100 chunks (the seed's size) and for
// larger N to show how the cost of warming grows. Seed rule: implement warming if start-up stays < 5 s.
//
//   ./jbang scripts/Q1_warming.java            N = 100, 1000, 10000
//   ./jbang scripts/Q1_warming.java --quick    N = 100, 1000
//
// Warming = one bulk SELECT of ids 1..N from PostgreSQL + pipelined SETs into Redis, inside the API's
// start (the FastAPI lifespan counterpart), before it listens. Redis is emptied of this run's keys
// before every start; L1 starts empty. "First requests" = the first K requests after start (K = min(N, 100),
// uniform over 1..N, sequential), served through HTTP.
//
// Output: data/Q1_warming/{metrics,run,warming}.csv
//   warming.csv: scenario,client,chunks,warm,startup_ms,warm_ms,warmed,first_requests,first_hit_rate_pct,
//     first_request_ms,first_requests_p50_ms,first_requests_p99_ms

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import lab.Check;
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
import lab.pg.ChunkApi;
import lab.pg.ChunkTable;
import lab.pg.PgOptions;
import lab.pg.Postgres;
import lab.pg.TieredCache;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "Q1_warming", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Deep question 1: API start-up time and first-request hit rate with and without pre-warming Redis, for several cache sizes.")
public class Q1_warming implements Callable<Integer> {

    @Mixin CommonOptions common;
    @Mixin PgOptions pgOptions;

    @Option(names = "--sizes", split = ",", paramLabel = "N", defaultValue = "100,1000,10000", description = "Chunks to warm (default: ${DEFAULT-VALUE}). The seed's size is 100.")
    @Quick("100,1000") List<Integer> sizes;

    @Option(names = "--client", defaultValue = "jedis", description = "L2 client: jedis or lettuce (default: ${DEFAULT-VALUE}).")
    String client;

    @Option(names = {"--trials", "--repeats"}, paramLabel = "N", defaultValue = "3", description = "Starts per size and variant; the median start-up is reported (default: ${DEFAULT-VALUE}).")
    @Quick("1") int repeats;

    public static void main(String... args) {
        Lab.main(new Q1_warming(), args);
    }

    @Override
    public Integer call() {
        List<Integer> ns = sizes;
        int rep = repeats;
        if (ns.isEmpty()) throw new LabException("--sizes must name at least one size");
        for (int n : ns) Check.atLeast("--sizes", n, 1);
        Check.atLeast("--trials", rep, 1);
        Clients.requireKnown(List.of(client));
        int maxN = ns.stream().mapToInt(Integer::intValue).max().getAsInt();

        Results out = new Results(this, common);
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(64L << 20));
             Postgres pg = Postgres.provision(common, pgOptions.backend)) {
            Progress.step(redis.title() + " — " + redis.describe());
            Progress.step("PostgreSQL " + pg.version() + " — " + pg.describe());
            out.server(redis);
            out.meta("pg_backend", pg.backend());
            out.meta("pg_version", pg.version());
            out.meta("sizes", ns);
            out.meta("repeats", rep);
            Keys keys = new Keys("Q1");
            Progress.step("seeding " + maxN + " chunks into PostgreSQL");
            try (ChunkTable table = ChunkTable.create(pg, "q1", maxN, 10)) {
                TieredCache.Config cfg = new TieredCache.Config(10_000, Duration.ofMinutes(5), 3600, Duration.ofSeconds(1), false);
                // one unmeasured start: class loading and JIT belong to the JVM, not to warming
                start(redis, table, cfg, keys, Math.min(maxN, 100), true).close();
                for (int n : ns) {
                    for (boolean warm : new boolean[] {false, true}) {
                        Progress.step("N=" + n + (warm ? ", warming" : ", no warming") + " x " + rep);
                        measure(out, redis, table, cfg, keys, n, warm, rep);
                    }
                }
            } finally {
                keys.cleanup(redis);
            }
        }
        return out.finish();
    }

    ChunkApi start(RedisServer redis, ChunkTable table, TieredCache.Config cfg, Keys keys, int n, boolean warm) {
        keys.cleanup(redis); // Redis holds none of this run's chunks: a cold start
        return ChunkApi.start(client, redis, table, cfg, keys.prefix(), 250, warm ? n : 0, 16);
    }

    void measure(Results out, RedisServer redis, ChunkTable table, TieredCache.Config cfg, Keys keys, int n, boolean warm, int rep) {
        double[] startup = new double[rep], warmMs = new double[rep];
        int warmed = 0, k = Math.min(n, 100);
        long hits = 0, requests = 0;
        double firstMs = 0;
        Histogram first = Latency.newHistogram();
        for (int i = 0; i < rep; i++) {
            try (ChunkApi api = start(redis, table, cfg, keys, n, warm)) {
                startup[i] = api.startupNanos() / 1e6;
                warmMs[i] = api.warmNanos() / 1e6;
                warmed = api.warmed();
                ChunkApi.Client http = new ChunkApi.Client(api.base());
                TieredCache c = api.cache();
                Random rnd = new Random(i);
                for (int j = 0; j < k; j++) {
                    long t0 = System.nanoTime();
                    int status;
                    try {
                        status = http.get("/chunks/" + (1 + rnd.nextInt(n)));
                    } catch (Exception e) {
                        throw new LabException("request to the API failed: " + Lab.oneLine(e));
                    }
                    long t = System.nanoTime() - t0;
                    if (status != 200) throw new LabException("API answered " + status + " for an existing chunk");
                    Latency.record(first, t);
                    if (j == 0 && i == 0) firstMs = t / 1e6;
                }
                hits += c.l1Hits.sum() + c.l2Hits.sum();
                requests += c.requests.sum();
            }
        }
        java.util.Arrays.sort(startup);
        java.util.Arrays.sort(warmMs);
        double startupMedian = startup[rep / 2], warmMedian = warmMs[rep / 2];
        double hitRate = 100.0 * hits / requests;
        String variant = warm ? "warm" : "cold";
        String test = "n" + n + "_" + variant;
        if (warm && n == 100) out.check(test, client, "startup_ms", startupMedian, Criterion.WARM_STARTUP_MS);
        else out.info(test, client, "startup_ms", "ms", startupMedian);
        out.info(test, client, "warm_ms", "ms", warmMedian);
        out.info(test, client, "warmed", "count", warmed);
        out.info(test, client, "first_requests_hit_rate", "%", hitRate);
        out.info(test, client, "first_request_ms", "ms", firstMs);
        Latency.Summary s = out.latency(test, client, "first_requests", first);
        out.table("warming.csv", "scenario", "client", "chunks", "warm", "startup_ms", "warm_ms", "warmed", "first_requests",
                "first_hit_rate_pct", "first_request_ms", "first_requests_p50_ms", "first_requests_p99_ms")
                .row(out.scenario(), client, n, warm, startupMedian, warmMedian, warmed, k, hitRate, firstMs, s.p50Millis(), s.p99Millis());
        System.out.printf("N=%-6d %-5s start-up %7.1f ms (warming %7.1f ms, %d entries), first %d requests: hit rate %5.1f%%, p50 %.2f ms, p99 %.2f ms%n",
                n, variant, startupMedian, warmMedian, warmed, k, hitRate, s.p50Millis(), s.p99Millis());
    }
}
