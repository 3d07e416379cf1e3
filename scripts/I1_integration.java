///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:+AllowRedefinitionToAddDeleteMethods
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//SOURCES lab/pg/*.java
//SOURCES lab/async/*.java
//
// The seed's "Integration Criteria" table (POC1_redis_integration.md, Success Criteria), in the lab's
// terms, on the lab's API (lab.pg.ChunkApi: L1 Caffeine -> L2 Redis behind a breaker -> L3 PostgreSQL)
// with a Redis and a PostgreSQL the lab owns, per L2 client (jedis, lettuce):
//
//   1. Lifecycle ("Redis pool created in lifespan, closed on shutdown"): the API's connections on the
//      server (CLIENT LIST, by the API's client name) once it has started, at their peak under load, and
//      after its shutdown; the client threads it started (Lettuce/Netty event loops, the Jedis pool's
//      evictor, the API's workers and HTTP dispatcher) still alive after shutdown, from thread snapshots
//      taken before start and after close.
//   2. Async compatibility ("No blocking I/O in async context"): the API's async read path
//      (GET /async/chunks/{id}: Lettuce's future, then the rest on the API's own workers) under load,
//      with BlockHound counting blocking calls on Lettuce's event-loop threads. A negative control first
//      (a Thread.sleep in a callback that runs on the event loop) must be detected, or the run is invalid
//      (exit 2): a detector that sees nothing proves nothing. Jedis has no event loop: lettuce only.
//   3. Error handling ("No uncaught exceptions, graceful fallback"): under load, Redis really killed and
//      restarted, then every L2 value overwritten with one that does not decode (truncated JSON) or is of
//      the wrong type (a list: WRONGTYPE). Every request must be answered 200 with a body that decodes
//      (fallback to PostgreSQL), and no exception may escape the API's handlers.
//      PostgreSQL unreachable is left out: L3 is the source of truth and the API has no fallback for it
//      (a miss with PostgreSQL down answers 500), so that fault would measure a path that does not exist.
//
// Load alternates the sync path (/chunks) and the async path (/async/chunks), so both are exercised in
// every phase; L2 starts cold so the load has L2 misses (L3 reads) as well as hits.
//
//   ./jbang scripts/I1_integration.java            ~30 s per client (about 70 s in all)
//   ./jbang scripts/I1_integration.java --quick    ~10 s per client
//
// BlockHound needs -XX:+AllowRedefinitionToAddDeleteMethods on JDK 13+: JBang passes it (//JAVA_OPTIONS);
// started without it (plain `java -cp ... I1_integration`, RunAll, a test), the run goes on in a child JVM with it.
//
// Output: data/I1_integration/{metrics,run,timeline,spectra,blocking_calls,threads_left}.csv
//   timeline.csv / spectra.csv: per phase (load, redis_killed, redis_restarted, l2_corrupt) as FixedRate writes them
//   blocking_calls.csv: scenario,client,phase,thread,method   (every detection, the control's included)
//   threads_left.csv:   scenario,client,thread                 (client threads alive after shutdown)

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import lab.CommonOptions;
import lab.Check;
import lab.Criterion;
import lab.Faults;
import lab.FixedRate;
import lab.Lab;
import lab.LabException;
import lab.Progress;
import lab.Quick;
import lab.Results;
import lab.async.BlockingCalls;
import lab.pg.ChunkApi;
import lab.pg.ChunkTable;
import lab.pg.PgOptions;
import lab.pg.Postgres;
import lab.pg.TieredCache;
import lab.redis.Clients;
import lab.redis.Keys;
import lab.redis.RedisServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

@Command(name = "I1_integration", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Integration criteria: API lifecycle (connections and threads after shutdown), no blocking calls on Lettuce's event loop (BlockHound) on an async read path, error handling under real faults.")
public class I1_integration implements Callable<Integer> {

    @Mixin CommonOptions common;
    @Mixin PgOptions pgOptions;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", description = "L2 clients to run (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    @Option(names = "--chunks", paramLabel = "N", defaultValue = "1000", description = "Chunks in PostgreSQL, requested uniformly (default: ${DEFAULT-VALUE}).")
    @Quick("200") int n;

    @Option(names = "--rate", paramLabel = "REQ_PER_S", defaultValue = "100", description = "Fixed request rate (default: ${DEFAULT-VALUE}).")
    double ratePerSecond;

    @Option(names = "--load-seconds", paramLabel = "S", defaultValue = "10", description = "Load phase watched by the detector (default: ${DEFAULT-VALUE}).")
    @Quick("2") int loadS;

    @Option(names = "--down-seconds", paramLabel = "S", defaultValue = "5", description = "Load with Redis killed (default: ${DEFAULT-VALUE}).")
    @Quick("1") int downS;

    @Option(names = "--recovery-seconds", paramLabel = "S", defaultValue = "5", description = "Load after Redis is restarted (default: ${DEFAULT-VALUE}).")
    @Quick("1") int recoveryS;

    @Option(names = "--corrupt-seconds", paramLabel = "S", defaultValue = "5", description = "Load with every L2 value undecodable or of the wrong type (default: ${DEFAULT-VALUE}).")
    @Quick("1") int corruptS;

    @Option(names = "--shutdown-grace-ms", paramLabel = "MS", defaultValue = "5000",
            description = "Longest wait after the API's close for its connections and threads to go (default: ${DEFAULT-VALUE}).")
    long graceMillis;

    @Option(names = "--l2-timeout-ms", paramLabel = "MS", defaultValue = "250", description = "Connect and command timeout of the API's L2 client (default: ${DEFAULT-VALUE}).")
    long redisTimeoutMillis;

    @Option(names = "--inject-blocking", description = "A deliberate bug, to show the detector counts: the async path continues on the event loop, so an L2 miss runs its JDBC query there.")
    boolean injectBlocking;

    /** Threads a ChunkApi starts, by name: Lettuce/Netty, the Jedis pool (commons-pool), the API's workers, the JDK HTTP server. */
    static final Pattern CLIENT_THREAD = Pattern.compile("(lettuce-|nioEventLoopGroup|epollEventLoopGroup|globalEventExecutor|commons-pool|jedis"
            + "|HikariPool|api-worker|api-async-worker|HTTP-Dispatcher|server-timer|idle-timeout).*");

    public static void main(String... args) {
        Lab.main(new I1_integration(), args);
    }

    @Spec CommandSpec spec;

    TieredCache.Config cacheConfig;

    @Override
    public Integer call() {
        Check.atLeast("--chunks", n, 1); Check.positive("--rate", ratePerSecond); Check.atLeast("--load-seconds", loadS, 1);
        Check.atLeast("--down-seconds", downS, 1); Check.atLeast("--recovery-seconds", recoveryS, 1); Check.atLeast("--corrupt-seconds", corruptS, 1);
        Check.atLeast("--shutdown-grace-ms", graceMillis, 0); Check.atLeast("--l2-timeout-ms", redisTimeoutMillis, 1);
        Clients.requireKnown(clients);
        if (!BlockingCalls.jvmAllowsInstall()) {
            // BlockHound cannot be installed in this JVM (no flag: a plain java command, RunAll, a test): the same run in one that can
            Progress.step("this JVM lacks " + BlockingCalls.JVM_FLAG + " (BlockHound needs it): running in a JVM that has it");
            return BlockingCalls.runInJvmWithFlag(I1_integration.class, spec.commandLine().getParseResult().originalArgs());
        }
        // as S4: a small, short-lived L1 so requests really reach L2
        cacheConfig = new TieredCache.Config(100, Duration.ofMillis(1000), 3600, Duration.ofMillis(1000), false);

        Results out = new Results(this, common);
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().faults());
             Postgres pg = Postgres.provision(common, pgOptions.backend)) {
            BlockingCalls.install();
            Progress.step("BlockHound installed: Lettuce's event-loop threads are non-blocking");
            Progress.step(redis.title() + " — " + redis.describe());
            Progress.step("PostgreSQL " + pg.version() + " — " + pg.describe());
            out.server(redis);
            out.meta("pg_backend", pg.backend());
            out.meta("pg_version", pg.version());
            out.meta("chunks", n);
            out.meta("rate_req_per_s", ratePerSecond);
            out.meta("inject_blocking", injectBlocking);
            out.meta("pg_unreachable_fault", "left out: the API has no fallback for PostgreSQL (L3 is the source of truth)");
            Keys keys = new Keys("I1");
            Progress.step("seeding " + n + " chunks into PostgreSQL");
            try (ChunkTable table = ChunkTable.create(pg, "i1", n, 10)) {
                for (String client : clients) {
                    oneApiLifetime(out, client, redis, table, keys);
                    keys.cleanup(redis);
                }
            } finally {
                keys.cleanup(redis);
            }
        }
        Results.Table calls = out.table("blocking_calls.csv", "scenario", "client", "phase", "thread", "method");
        for (BlockingCalls.Call c : BlockingCalls.calls()) calls.row(out.scenario(), c.phase().split(":")[0], c.phase(), c.thread(), c.method());
        int code = out.finish();
        if (controlMissed != null) throw new LabException(controlMissed);
        return code;
    }

    String controlMissed;

    /** One API from start to shutdown: lifecycle around it, the detector's control and load, then the faults. */
    void oneApiLifetime(Results out, String client, RedisServer redis, ChunkTable table, Keys keys) {
        String name = "lab-api-" + client; // ChunkApi's client name on the server
        Set<Long> threadsBefore = liveThreadIds();
        Progress.step(client + ": API start-up");
        ChunkApi api = ChunkApi.start(client, redis, table, cacheConfig, keys.prefix(), redisTimeoutMillis, 0, 16);
        int peak = 0;
        try {
            TieredCache cache = api.cache();
            // no request has been sent yet: a connection seen now was opened by the start-up itself (Lettuce
            // connects in the background, so it is given up to the grace time to appear)
            long started = System.nanoTime();
            cache.awaitL2(graceMillis);
            int atStartup = connections(redis, name);
            while (atStartup == 0 && System.nanoTime() - started < graceMillis * 1_000_000L) {
                Lab.sleepMillis(50);
                atStartup = connections(redis, name);
            }
            out.info("lifecycle", client, "connections_at_startup", "count", atStartup);
            out.info("lifecycle", client, "startup_connection_seen_ms", "ms", atStartup == 0 ? Double.NaN : (System.nanoTime() - started) / 1e6);
            Progress.line(client + ": " + atStartup + " connection(s) named " + name + " on the server after start-up, before any request"
                    + (atStartup == 0 ? " (none within " + graceMillis + " ms: the client connects on first use)" : ""));

            boolean lettuce = client.equals(Clients.LETTUCE);
            if (lettuce) negativeControl(out, client, cache);
            if (injectBlocking) cache.continueOnL2Thread = true;

            ChunkApi.Client http = new ChunkApi.Client(api.base());
            Load load = new Load(http, n);
            BlockingCalls.phase(client + ":load");
            FixedRate.Result r = FixedRate.run(FixedRate.Config.of(client + "-load", ratePerSecond, loadS * 1000L).warmupMillis(Math.min(1000, loadS * 200L)), load);
            BlockingCalls.phase(client + ":faults");
            FixedRate.report(out, "load", client, r);
            peak = connections(redis, name);
            out.info("lifecycle", client, "connections_under_load", "count", peak);
            out.info("load", client, "async_requests", "count", load.async.get());
            out.info("load", client, "l3_served", "count", cache.l3Served.sum());
            if (lettuce) {
                List<BlockingCalls.Call> found = BlockingCalls.calls(client + ":load");
                out.checkZero("load", client, "event_loop_blocking_calls", found.size(), Math.max(1, load.async.get()), Criterion.EVENT_LOOP_BLOCKING_CALLS);
                System.out.printf("%-8s load %d req (%d async): %d blocking call(s) on the event loop%s%n", client, r.scheduled(), load.async.get(), found.size(),
                        found.isEmpty() ? "" : ", first: " + found.get(0).method() + " on " + found.get(0).thread());
            }

            faults(out, client, redis, api, cache, http, load);
        } finally {
            clientThreadsStarted = clientThreadsSince(threadsBefore).size();
            BlockingCalls.phase("shutdown");
            api.close();
        }

        // lifecycle after close: the server's view of the API's connections, and this JVM's view of its threads
        long deadline = System.nanoTime() + graceMillis * 1_000_000L;
        int left = connections(redis, name);
        while (left > 0 && System.nanoTime() < deadline) {
            Lab.sleepMillis(50);
            left = connections(redis, name);
        }
        List<Thread> threadsLeft = clientThreadsSince(threadsBefore);
        while (!threadsLeft.isEmpty() && System.nanoTime() < deadline) {
            Lab.sleepMillis(50);
            threadsLeft = clientThreadsSince(threadsBefore);
        }
        out.checkZero("lifecycle", client, "connections_after_shutdown", left, Math.max(1, peak), Criterion.LIFECYCLE_CONNECTIONS_LEFT);
        out.checkZero("lifecycle", client, "threads_left_after_shutdown", threadsLeft.size(), Math.max(1, clientThreadsStarted), Criterion.LIFECYCLE_THREADS_LEFT);
        out.info("lifecycle", client, "client_threads_started", "count", clientThreadsStarted);
        Results.Table t = out.table("threads_left.csv", "scenario", "client", "thread");
        for (Thread th : threadsLeft) t.row(out.scenario(), client, th.getName());
        System.out.printf("%-8s shutdown: %d connection(s) left on the server, %d of %d client thread(s) left%s%n", client, left, threadsLeft.size(),
                clientThreadsStarted, threadsLeft.isEmpty() ? "" : ": " + String.join(", ", threadsLeft.stream().map(Thread::getName).toList()));
    }

    // ------------------------------------------------------------------ 2. the detector's negative control

    /**
     * A Thread.sleep in a callback that runs on Lettuce's event loop: the detector must see it. The callback is
     * registered right after the GET is written, long before its reply, so it runs on the thread that completes
     * the reply; it sleeps only when it really is on an event-loop thread (checked), and is tried until it was.
     */
    void negativeControl(Results out, String client, TieredCache cache) {
        String phase = client + ":control";
        BlockingCalls.phase(phase);
        int onLoop = 0, tries = 0;
        while (onLoop == 0 && tries < 50) {
            tries++;
            java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
            try {
                cache.readL2Async(1).thenAccept(v -> {
                    if (!BlockingCalls.onEventLoop(Thread.currentThread())) return;
                    ran.set(true);
                    try {
                        Thread.sleep(1); // the deliberate blocking call
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                Lab.sleepMillis(100); // not connected yet: try again
            }
            if (ran.get()) onLoop++;
        }
        int detected = BlockingCalls.calls(phase).size();
        out.info("setup_check", client, "negative_control_on_event_loop", "count", onLoop);
        out.info("setup_check", client, "negative_control_detected", "count", detected);
        Progress.line(client + ": negative control: " + onLoop + " deliberate sleep on the event loop, " + detected + " detected");
        if (detected == 0) {
            controlMissed = "the blocking-call detector missed its negative control (" + onLoop + " sleep(s) on " + client
                    + "'s event loop, 0 detected): the run is invalid, its blocking-call counts prove nothing (is BlockHound installed?)";
        }
    }

    // ------------------------------------------------------------------ 3. faults under load

    void faults(Results out, String client, RedisServer redis, ChunkApi api, TieredCache cache, ChunkApi.Client http, Load load) {
        long uncaughtBefore = api.uncaught.sum();
        long fallbackBefore = cache.l2Errors.sum() + cache.l2Rejected.sum() + cache.l2Undecodable.sum();
        long requests = 0, failed = 0;

        // a) Redis killed 300 ms into the load, restarted after it, load goes on
        Progress.step(client + ": Redis killed under " + ratePerSecond + " req/s for " + downS + " s, restarted, " + recoveryS + " s more");
        Faults kill = Faults.plan(client).after(300, "kill", redis::kill).start();
        FixedRate.Result down = FixedRate.run(FixedRate.Config.continuing(client + "-down", ratePerSecond, downS * 1000L), load);
        kill.await(10_000);
        redis.restart();
        FixedRate.Result recovery = FixedRate.run(FixedRate.Config.continuing(client + "-recovery", ratePerSecond, recoveryS * 1000L), load);
        FixedRate.report(out, "redis_killed", client, down);
        FixedRate.report(out, "redis_restarted", client, recovery);

        // b) every L2 value replaced by one that does not decode, one in ten by a list (WRONGTYPE on GET)
        int corrupted = corruptL2(redis, cache, n);
        Progress.step(client + ": " + corrupted + " L2 values undecodable or of the wrong type, " + corruptS + " s of load");
        long undecodableBefore = cache.l2Undecodable.sum();
        FixedRate.Result corrupt = FixedRate.run(FixedRate.Config.continuing(client + "-corrupt", ratePerSecond, corruptS * 1000L), load);
        FixedRate.report(out, "l2_corrupt", client, corrupt);
        out.info("l2_corrupt", client, "l2_values_corrupted", "count", corrupted);
        out.info("l2_corrupt", client, "l2_undecodable_seen", "count", cache.l2Undecodable.sum() - undecodableBefore);

        for (FixedRate.Result r : List.of(down, recovery, corrupt)) {
            requests += r.scheduled();
            failed += r.errors() + r.unfinished();
        }
        long uncaught = api.uncaught.sum() - uncaughtBefore;
        long fallbacks = cache.l2Errors.sum() + cache.l2Rejected.sum() + cache.l2Undecodable.sum() - fallbackBefore;
        out.info("faults", client, "requests", "count", requests);
        out.info("faults", client, "answered_200_decodable", "count", requests - failed);
        out.info("faults", client, "fallbacks_past_l2", "count", fallbacks);
        out.info("faults", client, "faults_done", "count", 2);
        out.checkZero("faults", client, "http_5xx_or_failed", failed, requests, Criterion.FAULT_REQUESTS_FAILED);
        out.checkZero("faults", client, "uncaught_exceptions", uncaught, requests, Criterion.UNCAUGHT_EXCEPTIONS);
        if (api.lastUncaught.get() != null) Progress.line(client + ": first uncaught exception: " + Lab.oneLine(api.lastUncaught.get()));
        System.out.printf("%-8s faults: %d req, %d answered 200 with a chunk, %d failed, %d L2 calls fell back past L2, %d uncaught exception(s)%n",
                client, requests, requests - failed, failed, fallbacks, uncaught);
    }

    /** Overwrites the L2 value of every chunk: truncated JSON, or for one id in ten a list (GET answers WRONGTYPE). */
    static int corruptL2(RedisServer redis, TieredCache cache, int chunks) {
        int n = 0;
        try (Jedis j = redis.admin()) {
            Pipeline p = j.pipelined();
            for (long id = 1; id <= chunks; id++) {
                String k = cache.key(id);
                if (id % 10 == 0) {
                    p.del(k);
                    p.rpush(k, "not a chunk");
                } else {
                    p.setex(k, 3600, "{\"id\":" + id + ",\"version\":1,\"filePath\":\"trunc");
                }
                n++;
            }
            p.sync();
        }
        return n;
    }

    // ------------------------------------------------------------------ the load

    /**
     * One request: a uniformly random chunk, alternately through the sync and the async path. Anything but a
     * 200 whose body decodes as that chunk is a failed request (FixedRate counts it).
     */
    static final class Load implements FixedRate.SyncCall {
        final ChunkApi.Client http;
        final int n;
        final AtomicLong count = new AtomicLong(), async = new AtomicLong();

        Load(ChunkApi.Client http, int n) {
            this.http = http;
            this.n = n;
        }

        @Override
        public void call() throws Exception {
            long id = 1 + ThreadLocalRandom.current().nextInt(n);
            boolean viaAsync = count.incrementAndGet() % 2 == 0;
            if (viaAsync) async.incrementAndGet();
            HttpResponse<byte[]> r = http.fetch((viaAsync ? "/async/chunks/" : "/chunks/") + id);
            if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
            ChunkTable.Chunk c = ChunkTable.parse(r.body());
            if (c.id() != id) throw new IllegalStateException("chunk " + c.id() + " for id " + id);
        }
    }

    // ------------------------------------------------------------------ 1. lifecycle: connections and threads

    /** The server's connections named {@code name} (CLIENT LIST, from the lab's admin connection, which is named otherwise). */
    static int connections(RedisServer redis, String name) {
        try (Jedis j = redis.admin()) {
            int count = 0;
            for (String line : j.clientList().split("\n")) {
                for (String kv : line.trim().split(" ")) if (kv.equals("name=" + name)) count++;
            }
            return count;
        }
    }

    int clientThreadsStarted;

    static Set<Long> liveThreadIds() {
        Set<Long> ids = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) ids.add(t.getId());
        return ids;
    }

    /** Client threads (by {@link #CLIENT_THREAD}) alive now that were not alive in {@code before}; tracks the most seen. */
    List<Thread> clientThreadsSince(Set<Long> before) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !before.contains(t.getId()) && CLIENT_THREAD.matcher(t.getName()).matches()) out.add(t);
        }
        return out;
    }
}
