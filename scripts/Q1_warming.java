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
//   ./jbang scripts/Q1_warming.java            N = 100, 1000, 10000; 5 trials (starts) of each (about 2.5 min)
//   ./jbang scripts/Q1_warming.java --quick    N = 100, 1000; 3 trials, 30 first requests per start (about 25 s)
//
// Warming = one bulk SELECT of ids 1..N from PostgreSQL + pipelined SETs into Redis, inside the API's
// start (the FastAPI lifespan counterpart), before it listens. Redis is emptied of this run's keys
// before every start; L1 starts empty. "First requests" = the first K requests after start
// (K = min(N, --first-requests), uniform over 1..N, sequential), served through HTTP.
//
// Trials: every size and variant (cold, warm) is started --trials times, one start of each per trial, in
// alternating order (N=100 cold, N=100 warm, N=1000 cold, ... then the reverse), so drift and order
// effects fall on all of them alike (lab.Trials.order); two unmeasured starts (one warm, one cold) come
// first: class loading and first use belong to the JVM, not to warming. Start-up and warming time are
// the median across trials with their 95 % interval (lab.Trials; every trial in trials.csv), and the
// criterion (warm start-up of N=100 < 5 s) is judged on that interval: PASS / FAIL / INCONCLUSIVE.
// The first requests' hit rate and latency are pooled over the trials (INFO).
//
// Output: data/Q1_warming/{metrics,trials,run,warming}.csv
//   warming.csv: scenario,client,chunks,warm,startup_ms,warm_ms,warmed,first_requests,first_hit_rate_pct,
//     first_request_ms,first_requests_p50_ms,first_requests_p99_ms
//     (one row per size and variant: medians across trials; hit rate and percentiles pooled over them)

import java.time.Duration;
import java.util.ArrayList;
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
import lab.Trials;
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

    @Option(names = {"--trials", "--repeats"}, paramLabel = "N", defaultValue = "5",
            description = "Starts per size and variant, interleaved across them; start-up time is the median across trials with its 95 %% interval (default: ${DEFAULT-VALUE}).")
    @Quick("3") int trials;

    @Option(names = "--first-requests", paramLabel = "K", defaultValue = "100",
            description = "Requests measured after each start: the first min(N, K) (default: ${DEFAULT-VALUE}).")
    @Quick("30") int firstRequests;

    public static void main(String... args) {
        Lab.main(new Q1_warming(), args);
    }

    /** One size and variant (warmed or cold) and what its starts measured, trial by trial. */
    static final class Variant {
        final int n;
        final boolean warm;
        final Trials startupMs = new Trials(), warmMs = new Trials(), firstRequestMs = new Trials();
        final Histogram first = Latency.newHistogram();
        long hits, requests;
        int warmed, k;

        Variant(int n, boolean warm) {
            this.n = n;
            this.warm = warm;
        }

        String test() {
            return "n" + n + "_" + (warm ? "warm" : "cold");
        }
    }

    @Override
    public Integer call() {
        List<Integer> ns = sizes;
        int t = trials;
        if (ns.isEmpty()) throw new LabException("--sizes must name at least one size");
        for (int n : ns) Check.atLeast("--sizes", n, 1);
        Check.atLeast("--trials", t, 1);
        Check.atLeast("--first-requests", firstRequests, 1);
        Clients.requireKnown(List.of(client));
        int maxN = ns.stream().mapToInt(Integer::intValue).max().getAsInt();
        int minN = ns.stream().mapToInt(Integer::intValue).min().getAsInt();
        List<Variant> variants = new ArrayList<>();
        for (int n : ns) for (boolean warm : new boolean[] {false, true}) variants.add(new Variant(n, warm));

        Results out = new Results(this, common);
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(64L << 20));
             Postgres pg = Postgres.provision(common, pgOptions.backend)) {
            Progress.step(redis.title() + " — " + redis.describe());
            Progress.step("PostgreSQL " + pg.version() + " — " + pg.describe());
            out.server(redis);
            out.meta("pg_backend", pg.backend());
            out.meta("pg_version", pg.version());
            out.meta("sizes", ns);
            out.meta("trials", t);
            out.meta("trial_order", "interleaved: every size and variant once per trial, the order reversed every other trial");
            out.meta("first_requests", firstRequests);
            Keys keys = new Keys("Q1");
            Progress.step("seeding " + maxN + " chunks into PostgreSQL");
            try (ChunkTable table = ChunkTable.create(pg, "q1", maxN, 10)) {
                TieredCache.Config cfg = new TieredCache.Config(10_000, Duration.ofMinutes(5), 3600, Duration.ofSeconds(1), false);
                // unmeasured starts, warm and cold, with a few requests: class loading and first use belong to the JVM, not to warming
                for (boolean warm : new boolean[] {true, false}) startOnce(redis, table, cfg, keys, new Variant(Math.min(minN, 100), warm), -1, 10);
                for (int trial = 0; trial < t; trial++) {
                    List<Variant> order = Trials.order(variants, trial);
                    Progress.step("trial " + (trial + 1) + " of " + t + ": " + String.join(", ", order.stream().map(Variant::test).toList()));
                    for (Variant v : order) startOnce(redis, table, cfg, keys, v, trial, Math.min(v.n, firstRequests));
                }
                for (Variant v : variants) report(out, v);
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

    /** One start of {@code v} and its first {@code k} requests, recorded as trial {@code trial} (-1: warm-up, not recorded). */
    void startOnce(RedisServer redis, ChunkTable table, TieredCache.Config cfg, Keys keys, Variant v, int trial, int k) {
        boolean record = trial >= 0;
        try (ChunkApi api = start(redis, table, cfg, keys, v.n, v.warm)) {
            double startupMs = api.startupNanos() / 1e6, warmMs = api.warmNanos() / 1e6;
            ChunkApi.Client http = new ChunkApi.Client(api.base());
            TieredCache c = api.cache();
            Random rnd = new Random(Math.max(trial, 0));
            Histogram first = Latency.newHistogram();
            double firstMs = Double.NaN;
            for (int j = 0; j < k; j++) {
                long t0 = System.nanoTime();
                int status;
                try {
                    status = http.get("/chunks/" + (1 + rnd.nextInt(v.n)));
                } catch (Exception e) {
                    throw new LabException("request to the API failed: " + Lab.oneLine(e));
                }
                long ns = System.nanoTime() - t0;
                if (status != 200) throw new LabException("API answered " + status + " for an existing chunk");
                Latency.record(first, ns);
                if (j == 0) firstMs = ns / 1e6;
            }
            if (!record) return;
            v.startupMs.add(startupMs);
            v.warmMs.add(warmMs);
            v.firstRequestMs.add(firstMs);
            v.first.add(first);
            v.warmed = api.warmed();
            v.k = k;
            v.hits += c.l1Hits.sum() + c.l2Hits.sum();
            v.requests += c.requests.sum();
        }
    }

    void report(Results out, Variant v) {
        String test = v.test();
        Trials.Estimate startup = v.startupMs.estimate(), warmMs = v.warmMs.estimate(), firstMs = v.firstRequestMs.estimate();
        double hitRate = v.requests == 0 ? Double.NaN : 100.0 * v.hits / v.requests;
        if (v.warm && v.n == 100) out.check(test, client, "startup_ms", startup, Criterion.WARM_STARTUP_MS);
        else out.info(test, client, "startup_ms", "ms", startup);
        out.info(test, client, "warm_ms", "ms", warmMs);
        out.info(test, client, "warmed", "count", v.warmed);
        out.info(test, client, "first_requests_hit_rate", "%", hitRate);
        out.info(test, client, "first_request_ms", "ms", firstMs);
        Latency.Summary s = out.latency(test, client, "first_requests", v.first);
        out.table("warming.csv", "scenario", "client", "chunks", "warm", "startup_ms", "warm_ms", "warmed", "first_requests",
                "first_hit_rate_pct", "first_request_ms", "first_requests_p50_ms", "first_requests_p99_ms")
                .row(out.scenario(), client, v.n, v.warm, startup.median(), warmMs.median(), v.warmed, v.k, hitRate, firstMs.median(), s.p50Millis(), s.p99Millis());
        System.out.printf("N=%-6d %-5s start-up %s (warming %s, %d entries), first %d requests x %d trials: hit rate %5.1f%%, p50 %.2f ms, p99 %.2f ms%n",
                v.n, v.warm ? "warm" : "cold", startup.text("ms"), warmMs.text("ms"), v.warmed, v.k, startup.trials(), hitRate, s.p50Millis(), s.p99Millis());
    }
}
