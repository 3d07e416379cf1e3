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
//   ./jbang scripts/X1_invalidation.java            5 trials; per combination 2,500 single, 10 s at 100/s, a 5 s cut (about 4-5 minutes)
//   ./jbang scripts/X1_invalidation.java --quick    3 trials, 60 single, 2 s at 100/s, a 1 s cut (~45 s)
//
// Measurement design: every combination (mechanism / client) is opened at once and warmed up until the
// round trip of one invalidation settles (lab.Warmup). Then --trials rounds, interleaved across the
// combinations (A B C ..., then ... C B A, so drift and order effects cancel); in each round every
// combination runs an unrecorded warm-up (--trial-warmup single invalidations), its share of the single
// invalidations, then its share of the 100/s seconds. Propagation P99 is judged on the median across
// trials of each trial's P99 with its 95 % interval (lab.Trials, lab.Verdict: PASS / FAIL / INCONCLUSIVE);
// the latency rows propagation_pooled_* are the distribution over every trial's samples (INFO). Loss at
// 100/s is a zero count: lost deliveries out of every delivery sent (published x receivers) over all
// trials, with its Clopper-Pearson bound; each trial's loss is in trials.csv. The cut runs once per
// combination after the trials (INFO: it is what the mechanism does across a cut, not a noisy quantity).
// While a combination waits its turn its Jedis tracking pollers are paused, so it adds no load.
//
// An "invalidation" is a write by instance A (SET of a fresh key that B and C cached) announced by the
// mechanism: PUBLISH / XADD of `publisher|seq|sentNanos|key` after the SET, or, for tracking, Redis's
// own invalidation push caused by the SET (the key is mapped back to its sequence number in-process).
// Latency = start of A's write to eviction from B's / C's L1 (one JVM: one clock). Jedis's csc cache
// reads invalidation pushes only when its connection is used: each Jedis tracking instance sends a PING
// every millisecond, so its latency includes up to 1 ms of that polling.
// The cut: CLIENT KILL of B's receiving connection plus a held-off reconnect (see lab/inval/Invalidation.java).
//
// Output: data/X1_invalidation/{metrics,trials,comparison,run}.csv and a comparison table.
//   trials.csv: every trial's propagation P50/P99, loss (% and count) and achieved rate per combination.
//   comparison.csv: mechanism,client,metric,unit,value,status  (status MISSING where a combination is not available;
//   propagation_p50/p99 are the medians across trials, the loss columns are over every trial)

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
import lab.Trials;
import lab.Warmup;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;

@Command(name = "X1_invalidation", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Which mechanism should carry L1 invalidations: Pub/Sub, CLIENT TRACKING (default, BCAST) or Streams; Jedis and Lettuce; "
                + "latency and loss at 100/s in interleaved trials, loss and stale entries across a cut.")
public class X1_invalidation implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "2500",
            description = "Invalidations sent one at a time for the latency, per combination, split across the trials (default: ${DEFAULT-VALUE}).")
    @Quick("60") int messages;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
            description = "Seconds at 100 invalidations/s per combination, split across the trials (default: ${DEFAULT-VALUE}).")
    @Quick("2") int seconds;

    @Option(names = "--cut-seconds", paramLabel = "S", defaultValue = "5", description = "How long B's receiving connection stays cut (default: ${DEFAULT-VALUE}).")
    @Quick("1") double cutSeconds;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "5",
            description = "Independent trials of the latency and the 100/s loss, interleaved across the combinations (default: ${DEFAULT-VALUE}).")
    @Quick("3") int trials;

    @Option(names = "--warmup-millis", paramLabel = "MS", defaultValue = "2000",
            description = "Warm-up of each combination before the first trial: single invalidations for at least this long, then until their "
                    + "round trip settles (lab.Warmup; default: ${DEFAULT-VALUE}).")
    @Quick("300") long warmupMillis;

    @Option(names = "--trial-warmup", paramLabel = "N", defaultValue = "50",
            description = "Unrecorded single invalidations of a combination at the start of each of its trials (default: ${DEFAULT-VALUE}).")
    @Quick("10") int trialWarmup;

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
        int t = Check.atLeast("--trials", trials, 1);
        int n = messages;
        long rateMillis = 1000L * seconds;
        long cutMillis = (long) (1000 * cutSeconds);
        if (n < t) throw new LabException("--messages must be at least --trials (" + t + "), got " + n);
        Check.atLeast("--seconds", seconds, 1);
        if (rateMillis / t < 100) throw new LabException("--seconds gives less than 0.1 s at 100/s per trial: raise it or lower --trials");
        Check.atLeast("--cut-seconds", cutSeconds, 0.1);
        Check.atLeast("--warmup-millis", warmupMillis, 0);
        Check.atLeast("--trial-warmup", trialWarmup, 0);
        for (String m : mechanisms) if (!MECHANISMS.contains(m)) throw new LabException("unknown mechanism '" + m + "' (" + String.join(", ", MECHANISMS) + ")");
        Results out = new Results(this, common);
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(8L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            out.meta("trials", t);
            out.meta("trial_order", "interleaved: the combinations (mechanism / client) in order, reversed every other trial");
            out.meta("single_messages", n);
            out.meta("single_messages_per_trial", n / t + (n % t == 0 ? "" : "-" + (n / t + 1)));
            out.meta("trial_warmup_messages", trialWarmup);
            out.meta("rate_per_s", RATE_PER_S);
            out.meta("rate_seconds", seconds);
            out.meta("rate_ms_per_trial", rateMillis / t);
            out.meta("cut_ms", cutMillis);
            out.meta("cut_invalidations", CUT_INVALIDATIONS);
            out.meta("cut", "CLIENT KILL of B's receiving connection + held-off reconnect");
            Keys keys = new Keys("X1");
            List<Combo> combos = new ArrayList<>();
            try {
                for (String mechanism : mechanisms) {
                    for (String client : ClientKind.names(clients)) {
                        String why = NOT_AVAILABLE.get(mechanism + "/" + client);
                        if (why != null) {
                            missing(out, mechanism, client, why);
                            continue;
                        }
                        Progress.step("open " + mechanism + " / " + client + ": instances A (writer), B, C");
                        try {
                            combos.add(open(redis, keys, mechanism, client));
                        } catch (LabException e) {
                            missing(out, mechanism, client, e.getMessage());
                        }
                    }
                }
                for (Combo c : combos) c.active(false);
                // 1. every combination warmed up to steady state before any recorded sample
                for (Combo c : combos) warmUp(out, keys, c);
                // 2. the trials: latency one at a time, then loss at 100/s, interleaved across the combinations
                for (int trial = 0; trial < t; trial++) {
                    List<Combo> order = Trials.order(combos, trial);
                    Progress.step(String.format(java.util.Locale.ROOT, "trial %d/%d: %s; each %d single invalidations, then %.1f s at %s/s", trial + 1, t,
                            String.join(", ", order.stream().map(Combo::label).toList()), Trials.share(n, t, trial), Trials.share((int) rateMillis, t, trial) / 1000.0,
                            Results.num(RATE_PER_S)));
                    for (Combo c : order) {
                        c.active(true);
                        trial(keys, c, trial, Trials.share(n, t, trial), Trials.share((int) rateMillis, t, trial));
                        c.active(false);
                    }
                }
                for (Combo c : combos) judge(out, c);
                // 3. the cut, once per combination (what the mechanism does across it)
                for (Combo c : combos) {
                    Progress.step(c.label() + ": cut of B's receiving connection for " + Results.num(cutSeconds) + " s");
                    c.active(true);
                    cut(out, redis, keys, c, cutMillis);
                    c.active(false);
                }
            } finally {
                for (Combo c : combos) c.close();
                keys.cleanup(redis);
            }
        }
        // rows in mechanism and client order (a combination that could not be opened was noted first)
        List<String> clientOrder = ClientKind.names(clients);
        comparison.sort(java.util.Comparator.comparingInt((Row r) -> MECHANISMS.indexOf(r.mechanism())).thenComparingInt(r -> clientOrder.indexOf(r.client())));
        Results.Table tb = out.table("comparison.csv", "mechanism", "client", "metric", "unit", "value", "status");
        for (Row r : comparison) tb.row(r.mechanism(), r.client(), r.metric(), r.unit(), r.value(), r.status());
        printComparison();
        return out.finish();
    }

    // ------------------------------------------------------------------ the workload, the same for every combination

    /** Single invalidations until their round trip settles (at least --warmup-millis, at most 4x); its length and steadiness go to run.csv. */
    void warmUp(Results out, Keys keys, Combo c) {
        c.active(true);
        String label = c.mechanism + "_" + c.client;
        Progress.step("warm-up " + c.label() + " (>= " + warmupMillis / 1000.0 + " s, until the round trip settles)");
        AtomicLong i = new AtomicLong();
        // windows of up to 1 s, shorter for a short (--quick) warm-up
        Warmup.Report w = Warmup.untilSteady(label, warmupMillis, 4 * warmupMillis, Math.min(1000, Math.max(100, warmupMillis / 2)), 0.05,
                () -> single(c, c.warm, keys.key(c.tag() + ":w:" + i.getAndIncrement()), c.receivers()));
        out.meta("warmup_" + label + "_s", String.format(java.util.Locale.ROOT, "%.1f", w.seconds()));
        out.meta("warmup_" + label + "_steady", w.steady());
        Progress.line(w.toString());
        c.active(false);
    }

    /** One trial of one combination: unrecorded warm-up, its single invalidations (latency), then its time at 100/s (loss). */
    void trial(Keys keys, Combo c, int trial, int singles, long rateMillis) {
        List<Node> receivers = c.receivers();
        String tag = c.tag() + ":t" + (trial + 1);
        for (int i = 0; i < trialWarmup; i++) single(c, c.warm, keys.key(tag + ":w:" + i), receivers);

        // latency: one invalidation at a time, each of a key B and C cached
        Publisher p = new Publisher("A.single.t" + (trial + 1));
        for (int i = 0; i < singles; i++) single(c, p, keys.key(tag + ":s:" + i), receivers);
        Invalidation.drain(p, receivers, 500, 2000);
        c.singles.add(p);
        Latency.Summary s = Latency.summarize(Invalidation.latency(p, receivers)); // NaN when nothing arrived: never a pass
        c.of("propagation_p50").add(s.p50Millis());
        c.of("propagation_p99").add(s.p99Millis());

        // loss: 100/s, keys cached beforehand
        Publisher r = new Publisher("A.rate.t" + (trial + 1));
        int count = (int) Math.round(RATE_PER_S * rateMillis / 1000.0);
        String[] rateKeys = new String[count + 50];
        for (int i = 0; i < rateKeys.length; i++) {
            rateKeys[i] = keys.key(tag + ":r:" + i);
            c.seed(rateKeys[i]);
        }
        AtomicLong next = new AtomicLong();
        FixedRate.Result fr = FixedRate.run(FixedRate.Config.of(c.label() + " t" + (trial + 1), RATE_PER_S, rateMillis).warmupMillis(0).workers(2),
                () -> c.a.publish(r.next(rateKeys[(int) Math.min(next.getAndIncrement(), rateKeys.length - 1)])));
        Invalidation.drain(r, receivers, 1000, 5000);
        c.rates.add(r);
        long lost = 0;
        for (Node node : receivers) lost += node.books(r.id).lost(r.published());
        long sent = r.published() * receivers.size();
        c.of("achieved_rate").add(fr.achievedRatePerSecond());
        c.of("lost").add(lost);
        c.of("loss_pct").add(sent == 0 ? Double.NaN : 100.0 * lost / sent);
        Progress.line(String.format(java.util.Locale.ROOT, "%-24s trial %d: %d single, P50 %s P99 %s | %d at 100/s, %d of %d deliveries lost",
                c.label(), trial + 1, p.published(), Latency.fmt(s.p50Nanos()), Latency.fmt(s.p99Nanos()), r.published(), lost, sent));
    }

    /** The rows of the trials: books over every trial, the latency criterion on the per-trial P99s, the loss criterion on the count. */
    void judge(Results out, Combo c) {
        String client = c.client, single = c.mechanism + ":single", rate = c.mechanism + ":rate";
        List<Node> receivers = c.receivers();
        Tally st = Invalidation.account(out, single, client, c.singles, receivers);
        out.latency(single, client, "propagation_pooled", pooled(c.singles, receivers));
        Trials.Estimate p99 = c.of("propagation_p99").estimate(), p50 = c.of("propagation_p50").estimate();
        out.info(single, client, "propagation_p50_trials", "ms", p50);
        out.check(single, client, "propagation_p99", p99, Criterion.PUBSUB_P99_MS);

        Tally rt = Invalidation.account(out, rate, client, c.rates, receivers);
        out.info(rate, client, "achieved_rate_trials", "req/s", c.of("achieved_rate").estimate());
        Latency.Summary rs = out.latency(rate, client, "propagation", pooled(c.rates, receivers));
        out.info(rate, client, "lost_trials", "count", c.of("lost").estimate());
        out.trialValues(rate, client, "loss_pct", c.of("loss_pct").estimate());
        out.checkZero(rate, client, "loss_pct", rt.lost(), rt.published() * rt.receivers(), Criterion.PUBSUB_LOSS_PCT);

        add(c, "propagation_p50", "ms", p50.median());
        add(c, "propagation_p99", "ms", p99.median());
        add(c, "propagation_max", "ms", Latency.summarize(pooled(c.singles, receivers)).maxMillis());
        add(c, "single_loss_pct", "%", st.lossPercent());
        add(c, "rate100_loss_pct", "%", rt.lossPercent());
        add(c, "rate100_propagation_p99", "ms", rs.p99Millis());
        c.summary = String.format(java.util.Locale.ROOT, "P50 %s, P99 %s | 100/s lost %d of %d",
                p50.text("ms"), p99.text("ms"), rt.lost(), rt.published() * rt.receivers());
    }

    /** Send-to-eviction latency of several publishers' messages (e.g. one per trial) over the receivers, merged. */
    static Histogram pooled(List<Publisher> ps, List<Node> receivers) {
        Histogram h = Latency.newHistogram();
        for (Publisher p : ps) h.add(Invalidation.latency(p, receivers));
        return h;
    }

    /** The cut: B's receiving connection killed and held off while A writes keys B cached; then, does B still get invalidations? */
    void cut(Results out, RedisServer redis, Keys keys, Combo c, long cutMillis) {
        String test = c.mechanism, client = c.client;
        List<Node> receivers = c.receivers();
        String[] cutKeys = new String[CUT_INVALIDATIONS];
        for (int i = 0; i < cutKeys.length; i++) {
            cutKeys[i] = keys.key(c.tag() + ":cut:" + i);
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

        // after the cut: does B still get invalidations? (tracking is lost with the connection)
        Publisher after = new Publisher("A.after");
        String[] afterKeys = new String[10];
        for (int i = 0; i < afterKeys.length; i++) {
            afterKeys[i] = keys.key(c.tag() + ":after:" + i);
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
        System.out.printf("%-15s %-8s %s | cut: %d killed, lost %.0f%%, %d stale L1 entries, back %.0f ms | after reconnect lost %.0f%%%n",
                test, client, c.summary, killed, cut.lossPercent(), staleEntries, backMillis, post.lossPercent());
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

    /** Instances A (writer), B (cut), C for one mechanism and client, and what its trials measured. */
    static final class Combo implements AutoCloseable {
        final String mechanism, client;
        final Transport a, b, c;
        final Runnable closer;
        final Map<String, java.util.function.Consumer<String>> seeders;
        final Publisher warm = new Publisher("A.warmup");
        final List<Publisher> singles = new ArrayList<>(), rates = new ArrayList<>();
        final Map<String, Trials> perTrial = new LinkedHashMap<>();
        String summary = "";

        Combo(String mechanism, String client, Transport a, Transport b, Transport c, Map<String, java.util.function.Consumer<String>> seeders, Runnable closer) {
            this.mechanism = mechanism;
            this.client = client;
            this.a = a;
            this.b = b;
            this.c = c;
            this.seeders = seeders;
            this.closer = closer;
        }

        String label() {
            return mechanism + " / " + client;
        }

        /** The part of this combination's keys after the run prefix. */
        String tag() {
            return mechanism + ":" + client;
        }

        List<Node> receivers() {
            return List.of(b.node(), c.node());
        }

        /** One value per trial of {@code metric}. */
        Trials of(String metric) {
            return perTrial.computeIfAbsent(metric, m -> new Trials());
        }

        /** Resumes (true) or pauses the Jedis tracking pollers: a combination waiting its turn adds no load. */
        void active(boolean on) {
            for (Transport t : List.of(a, b, c)) if (t instanceof JedisTracking jt) jt.pause(!on);
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
