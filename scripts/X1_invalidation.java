///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//SOURCES lab/inval/*.java
//
// Beyond the seed (DESIGN "Scenarios and edge cases"; seed Decision Point 3 "Pub/Sub vs Polling" and
// Edge Case 2): which mechanism should carry L1 invalidations between instances?
//   pubsub           PUBLISH on a channel; at-most-once
//   streams          XADD MAXLEN ~ per invalidation; every instance XREADs (BLOCK) from the last ID it saw
//   tracking         server-assisted client-side caching, CLIENT TRACKING default mode (RESP3 push):
//                    Jedis 8 csc cache (RedisClient.builder().cache(...), RESP3) / Lettuce ClientSideCaching
//   tracking_bcast   CLIENT TRACKING BCAST PREFIX <run prefix> (Lettuce; Jedis 8's csc has no BCAST option)
// Same workload for each, Jedis and Lettuce: propagation latency one invalidation at a time, loss at
// 100 invalidations/s, loss across a cut of one instance's receiving connection, stale L1 entries after it.
//
//   ./jbang scripts/X1_invalidation.java            500 single, 10 s at 100/s, 5 s cut (about 3 minutes)
//   ./jbang scripts/X1_invalidation.java --quick    ~40 s
//
// An "invalidation" is a write by instance A (SET of a fresh key that B and C cached) announced by the
// mechanism: PUBLISH / XADD of `publisher|seq|sentNanos|key` after the SET, or, for tracking, Redis's
// own invalidation push caused by the SET (the key is mapped back to its sequence number in-process).
// Latency = start of A's write to eviction from B's / C's L1 (one JVM: one clock). Jedis's csc cache
// reads invalidation pushes only when its connection is used: each Jedis tracking instance sends a PING
// every millisecond, so its latency includes up to 1 ms of that polling.
// The cut: CLIENT KILL of B's receiving connection plus a held-off reconnect (see lab/inval/Invalidation.java).
//
// Output: data/X1_invalidation/{metrics,comparison,run}.csv and a comparison table.
//   comparison.csv: mechanism,client,metric,unit,value,status  (status MISSING where a combination is not available)

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import lab.Check;
import lab.ClientKind;
import lab.redis.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.FixedRate;
import lab.inval.ClientTracking;
import lab.inval.ClientTracking.JedisTracking;
import lab.inval.ClientTracking.LettuceTracking;
import lab.inval.ClientTracking.Tracking;
import lab.inval.Invalidation;
import lab.inval.Invalidation.Bus;
import lab.inval.Invalidation.Message;
import lab.inval.Invalidation.Node;
import lab.inval.Invalidation.Publisher;
import lab.inval.Invalidation.Tally;
import lab.inval.Invalidation.Transport;
import lab.redis.Keys;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Progress;
import lab.Quick;
import lab.redis.RedisServer;
import lab.Results;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;

@Command(name = "X1_invalidation", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Which mechanism should carry L1 invalidations: Pub/Sub, CLIENT TRACKING (default, BCAST) or Streams; Jedis and Lettuce; latency, loss at 100/s, loss and stale entries across a cut.")
public class X1_invalidation implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "500", description = "Invalidations sent one at a time for the latency (default: ${DEFAULT-VALUE}).")
    @Quick("50") int messages;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10", description = "Seconds at 100 invalidations/s (default: ${DEFAULT-VALUE}).")
    @Quick("2") int seconds;

    @Option(names = "--cut-seconds", paramLabel = "S", defaultValue = "5", description = "How long B's receiving connection stays cut (default: ${DEFAULT-VALUE}).")
    @Quick("1") double cutSeconds;

    @Option(names = "--mechanisms", split = ",", defaultValue = "pubsub,streams,tracking,tracking_bcast", description = "Mechanisms (default: ${DEFAULT-VALUE}).")
    List<String> mechanisms;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", converter = ClientKind.Converter.class, description = "Clients (default: ${DEFAULT-VALUE}).")
    List<ClientKind> clients;

    public static void main(String... args) {
        Lab.main(new X1_invalidation(), args);
    }

    static final List<String> MECHANISMS = List.of("pubsub", "streams", "tracking", "tracking_bcast");
    static final double RATE_PER_S = 100;
    static final int CUT_INVALIDATIONS = 12;
    static final String NAME_PREFIX = "lab-x1";

    /** Where a combination cannot be measured, and why. */
    static final Map<String, String> NOT_AVAILABLE = Map.of(
            "tracking_bcast/jedis", "Jedis 8.0.2's client-side cache (redis.clients.jedis.csc) only enables default-mode CLIENT TRACKING; it has no BCAST option");

    record Row(String mechanism, String client, String metric, String unit, double value, String status) {}

    final List<Row> comparison = new ArrayList<>();

    @Override
    public Integer call() {
        int n = messages;
        int rateSeconds = seconds;
        long cutMillis = (long) (1000 * cutSeconds);
        Check.atLeast("--messages", n, 1);
        Check.atLeast("--seconds", rateSeconds, 1);
        Check.atLeast("--cut-seconds", cutSeconds, 0.1);
        for (String m : mechanisms) if (!MECHANISMS.contains(m)) throw new LabException("unknown mechanism '" + m + "' (" + String.join(", ", MECHANISMS) + ")");
        Results out = new Results(this, common);
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(1L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            out.meta("single_messages", n);
            out.meta("rate_per_s", RATE_PER_S);
            out.meta("rate_seconds", rateSeconds);
            out.meta("cut_ms", cutMillis);
            out.meta("cut_invalidations", CUT_INVALIDATIONS);
            out.meta("cut", "CLIENT KILL of B's receiving connection + held-off reconnect");
            Keys keys = new Keys("X1");
            try {
                for (String mechanism : mechanisms) {
                    for (String client : ClientKind.names(clients)) {
                        String why = NOT_AVAILABLE.get(mechanism + "/" + client);
                        if (why != null) {
                            missing(out, mechanism, client, why);
                            continue;
                        }
                        Progress.step(mechanism + " / " + client);
                        try (Combo c = open(redis, keys, mechanism, client)) {
                            measure(out, redis, keys, c, n, rateSeconds, cutMillis);
                        } catch (LabException e) {
                            missing(out, mechanism, client, e.getMessage());
                        }
                    }
                }
            } finally {
                keys.cleanup(redis);
            }
        }
        Results.Table t = out.table("comparison.csv", "mechanism", "client", "metric", "unit", "value", "status");
        for (Row r : comparison) t.row(r.mechanism(), r.client(), r.metric(), r.unit(), r.value(), r.status());
        printComparison();
        return out.finish();
    }

    // ------------------------------------------------------------------ the workload, the same for every combination

    void measure(Results out, RedisServer redis, Keys keys, Combo c, int n, int rateSeconds, long cutMillis) {
        String test = c.mechanism, client = c.client;
        List<Node> receivers = List.of(c.b.node(), c.c.node());

        // 1. latency: one invalidation at a time, each of a key B and C cached
        Publisher warm = new Publisher("A.warmup"), p = new Publisher("A.single");
        for (int i = 0; i < 20; i++) single(c, warm, keys.key(test + ":" + client + ":w:" + i), receivers);
        for (int i = 0; i < n; i++) single(c, p, keys.key(test + ":" + client + ":s:" + i), receivers);
        Invalidation.drain(p, receivers, 500, 2000);
        Tally single = Invalidation.account(out, test + ":single", client, p, receivers);
        Latency.Summary s = out.latency(test + ":single", client, "propagation", Invalidation.latency(p, receivers));
        out.check(test + ":single", client, "propagation_p99", s.p99Millis(), Criterion.PUBSUB_P99_MS);
        add(c, "propagation_p50", "ms", s.p50Millis());
        add(c, "propagation_p99", "ms", s.p99Millis());
        add(c, "propagation_max", "ms", s.maxMillis());
        add(c, "single_loss_pct", "%", single.lossPercent());

        // 2. 100/s, keys cached beforehand
        Publisher r = new Publisher("A.rate");
        int count = (int) (RATE_PER_S * rateSeconds);
        String[] rateKeys = new String[count + 50];
        for (int i = 0; i < rateKeys.length; i++) {
            rateKeys[i] = keys.key(test + ":" + client + ":r:" + i);
            c.seed(rateKeys[i]);
        }
        AtomicLong next = new AtomicLong();
        FixedRate.Result fr = FixedRate.run(FixedRate.Config.of(test + " " + client, RATE_PER_S, rateSeconds * 1000L).warmupMillis(0).workers(2),
                () -> c.a.publish(r.next(rateKeys[(int) Math.min(next.getAndIncrement(), rateKeys.length - 1)])));
        Invalidation.drain(r, receivers, 1000, 5000);
        out.info(test + ":rate", client, "achieved_rate", "req/s", fr.achievedRatePerSecond());
        Tally rate = Invalidation.account(out, test + ":rate", client, r, receivers);
        Latency.Summary rs = out.latency(test + ":rate", client, "propagation", Invalidation.latency(r, receivers));
        out.check(test + ":rate", client, "loss_pct", rate.lossPercent(), Criterion.PUBSUB_LOSS_PCT);
        add(c, "rate100_loss_pct", "%", rate.lossPercent());
        add(c, "rate100_propagation_p99", "ms", rs.p99Millis());

        // 3. the cut: B's receiving connection killed and held off while A writes keys B cached
        String[] cutKeys = new String[CUT_INVALIDATIONS];
        for (int i = 0; i < cutKeys.length; i++) {
            cutKeys[i] = keys.key(test + ":" + client + ":cut:" + i);
            c.seed(cutKeys[i]);
        }
        Publisher q = new Publisher("A.cut");
        long oldId = Invalidation.connectedId(redis, c.b.receiverName(), c.mechanism.equals("pubsub"));
        int killed = Invalidation.cut(redis, c.b);
        long cutStart = System.nanoTime();
        for (int i = 0; i < cutKeys.length; i++) {
            c.a.publish(q.next(cutKeys[i]));
            long wait = cutStart + (i + 1) * cutMillis * 1_000_000L / cutKeys.length - System.nanoTime();
            if (wait > 0) Lab.sleepMillis(wait / 1_000_000);
        }
        long healAt = System.nanoTime();
        Invalidation.heal(c.b);
        double backMillis = Invalidation.awaitReconnected(redis, c.b.receiverName(), oldId, c.mechanism.equals("pubsub"), healAt, 30_000);
        Invalidation.drain(q, receivers, 1000, 5000); // streams catch up here
        long staleEntries = 0;
        for (String k : cutKeys) if (c.b.node().l1.containsKey(k)) staleEntries++;
        Tally cut = Invalidation.account(out, test + ":cut", client, q, List.of(c.b.node()));
        out.info(test + ":cut", client, "disconnects", "count", killed);
        out.info(test + ":cut", client, "reconnected_after_heal", "ms", backMillis);
        out.info(test + ":cut", client, "stale_l1_entries_after", "count", staleEntries);
        out.info(test + ":cut", client, "l1_flushes_B", "count", c.b.node().flushes());

        // 4. after the cut: does B still get invalidations? (tracking is lost with the connection)
        Publisher after = new Publisher("A.after");
        String[] afterKeys = new String[10];
        for (int i = 0; i < afterKeys.length; i++) {
            afterKeys[i] = keys.key(test + ":" + client + ":after:" + i);
            c.seed(afterKeys[i]);
        }
        for (String k : afterKeys) c.a.publish(after.next(k));
        Invalidation.drain(after, List.of(c.b.node()), 1000, 3000);
        Tally post = Invalidation.account(out, test + ":after_cut", client, after, List.of(c.b.node()));
        add(c, "cut_loss_pct", "%", cut.lossPercent());
        add(c, "stale_l1_entries_after_cut", "count", staleEntries);
        add(c, "reconnected_after_heal", "ms", backMillis);
        add(c, "loss_after_reconnect_pct", "%", post.lossPercent());
        add(c, "disconnects", "count", killed);
        System.out.printf("%-15s %-8s p50=%s p99=%s | 100/s lost %.2f%% | cut: %d killed, lost %.0f%%, %d stale L1 entries, back %.0f ms | after reconnect lost %.0f%%%n",
                test, client, Latency.fmt(s.p50Nanos()), Latency.fmt(s.p99Nanos()), rate.lossPercent(), killed, cut.lossPercent(), staleEntries, backMillis, post.lossPercent());
    }

    /** One write of a fresh key B and C cached, then wait (bounded) for both to evict it. */
    static void single(Combo c, Publisher p, String key, List<Node> receivers) {
        c.seed(key);
        c.a.publish(p.next(key));
        for (Node node : receivers) node.awaitReceived(p.id, p.published(), 1000);
    }

    void add(Combo c, String metric, String unit, double value) {
        comparison.add(new Row(c.mechanism, c.client, metric, unit, value, Double.isNaN(value) ? "MISSING" : "INFO"));
    }

    void missing(Results out, String mechanism, String client, String why) {
        Progress.line("MISSING " + mechanism + " / " + client + ": " + why);
        out.meta("missing_" + mechanism + "_" + client, why);
        out.info(mechanism, client, "available", "bool", 0);
        comparison.add(new Row(mechanism, client, "available", "bool", Double.NaN, "MISSING"));
    }

    void printComparison() {
        List<String> metrics = List.of("propagation_p50", "propagation_p99", "rate100_loss_pct", "cut_loss_pct", "stale_l1_entries_after_cut",
                "reconnected_after_heal", "loss_after_reconnect_pct");
        Map<String, Map<String, Double>> byCombo = new LinkedHashMap<>();
        for (Row r : comparison) byCombo.computeIfAbsent(r.mechanism() + " / " + r.client(), k -> new LinkedHashMap<>()).put(r.metric(), r.value());
        StringBuilder b = new StringBuilder("\n== X1_invalidation — comparison (ms, %, count) ==\n");
        b.append(String.format("%-26s", "mechanism / client"));
        for (String m : metrics) b.append(String.format(" %14s", m.length() > 14 ? m.substring(0, 14) : m));
        b.append('\n');
        for (Map.Entry<String, Map<String, Double>> e : byCombo.entrySet()) {
            b.append(String.format("%-26s", e.getKey()));
            if (e.getValue().containsKey("available")) {
                b.append(" MISSING (not available: see run.csv)\n");
                continue;
            }
            for (String m : metrics) b.append(String.format(" %14s", Results.num(Math.round(e.getValue().getOrDefault(m, Double.NaN) * 100) / 100.0)));
            b.append('\n');
        }
        System.out.print(b);
    }

    // ------------------------------------------------------------------ the combinations

    /** Instances A (writer), B (cut), C for one mechanism and client. */
    static final class Combo implements AutoCloseable {
        final String mechanism, client;
        final Transport a, b, c;
        final Runnable closer;
        final Map<String, java.util.function.Consumer<String>> seeders;

        Combo(String mechanism, String client, Transport a, Transport b, Transport c, Map<String, java.util.function.Consumer<String>> seeders, Runnable closer) {
            this.mechanism = mechanism;
            this.client = client;
            this.a = a;
            this.b = b;
            this.c = c;
            this.seeders = seeders;
            this.closer = closer;
        }

        /** Makes the key exist in Redis and cached by B and C. */
        void seed(String key) {
            seeders.get("A").accept(key);
            seeders.get("B").accept(key);
            seeders.get("C").accept(key);
        }

        @Override
        public void close() {
            for (Transport t : List.of(a, b, c)) {
                Invalidation.heal(t);
                t.close();
            }
            closer.run();
        }
    }

    Combo open(RedisServer redis, Keys keys, String mechanism, String client) {
        if (mechanism.equals("pubsub") || mechanism.equals("streams")) {
            Bus bus = (mechanism.equals("pubsub") ? Bus.pubsub(redis, keys) : Bus.streams(redis, keys, 100_000)).named(client);
            RedisClient data = Clients.jedis(redis, 4, NAME_PREFIX + "-data");
            List<Transport> ts = new ArrayList<>();
            try {
                for (String name : List.of("A", "B", "C")) ts.add(bus.open(client, new Node(name), NAME_PREFIX));
            } catch (RuntimeException e) {
                for (Transport t : ts) t.close();
                data.close();
                throw e;
            }
            // the writer's write is a SET, then the announcement; B and C cache by putting into their L1
            Transport a = ClientTracking.writeThen(ts.get(0), data);
            Map<String, java.util.function.Consumer<String>> seeders = Map.of(
                    "A", k -> data.set(k, "0"),
                    "B", k -> ts.get(1).node().l1.put(k, "0"),
                    "C", k -> ts.get(2).node().l1.put(k, "0"));
            return new Combo(mechanism, client, a, ts.get(1), ts.get(2), seeders, data::close);
        }
        boolean bcast = mechanism.equals("tracking_bcast");
        String prefix = keys.key(mechanism + ":");
        Map<String, Message> registry = new ConcurrentHashMap<>();
        List<Tracking> ts = new ArrayList<>();
        try {
            for (String name : List.of("A", "B", "C")) {
                ts.add(client.equals(Clients.JEDIS) ? new JedisTracking(redis, new Node(name), registry, prefix, NAME_PREFIX) : new LettuceTracking(redis, new Node(name), registry, bcast, prefix, NAME_PREFIX));
            }
        } catch (RuntimeException e) {
            for (Tracking t : ts) t.close();
            throw new LabException("cannot enable CLIENT TRACKING with " + client + ": " + Lab.oneLine(e));
        }
        Map<String, java.util.function.Consumer<String>> seeders = Map.of(
                "A", k -> ts.get(0).set(k, "0"),
                "B", k -> ts.get(1).cachedGet(k),
                "C", k -> ts.get(2).cachedGet(k));
        return new Combo(mechanism, client, ts.get(0), ts.get(1), ts.get(2), seeders, () -> {});
    }
}
