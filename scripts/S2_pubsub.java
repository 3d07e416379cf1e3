///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//SOURCES lab/inval/*.java
//
// Scenario 2 of the seed (POC1_redis_integration.md, "Scenario 2: Pub/Sub Multi-Instance Invalidation"):
// three cache instances (each its own Redis connections and its own in-process L1 map) share one
// channel `cache:invalidate`; does an invalidation published by one reach all of them in < 100 ms (P99),
// with no message lost, at 100 invalidations/s, and across a subscriber reconnection?
//
//   ./jbang scripts/S2_pubsub.java            seed sizes: 1000 basic messages, 60 s at 100/s, rate ramp 200..51200/s
//   ./jbang scripts/S2_pubsub.java --quick    ~20 s
//
// The channel is `<run key prefix>cache:invalidate` (e.g. lab:S2:k3f9a:cache:invalidate), so runs sharing
// a server never hear each other. A message is `publisher|seq|sentNanos|key`; publisher and subscribers
// live in this JVM, so System.nanoTime() at send and at eviction are the same clock. Instance A publishes;
// B and C are the receivers, A itself is subscribed too as a control. Losses are sequence gaps per
// subscriber, never inferred from timing.
//
// Output: data/S2_pubsub/{metrics,spectra,timeline,ramp,reconnects,run}.csv; exit 0 = all criteria passed.
//   ramp.csv:       scenario,client,rate_per_s,achieved_rate_per_s,published,lost,loss_pct,p50_ms,p99_ms,max_ms,ok
//   reconnects.csv: scenario,client,kill,killed_connections,resubscribed_ms

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import lab.redis.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.FixedRate;
import lab.inval.Invalidation;
import lab.inval.Invalidation.Bus;
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
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "S2_pubsub", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scenario 2: Pub/Sub invalidation across three cache instances: propagation latency, loss at 100/s and above, loss across a subscriber reconnection; Jedis and Lettuce.")
public class S2_pubsub implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "1000", description = "Basic propagation: invalidations sent one at a time (default: ${DEFAULT-VALUE}).")
    @Quick("100") int messages;

    @Option(names = "--rate", paramLabel = "PER_S", defaultValue = "100", description = "High-frequency rate, invalidations/s (default: ${DEFAULT-VALUE}).")
    double ratePerSecond;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "60", description = "High-frequency duration (default: ${DEFAULT-VALUE}).")
    @Quick("3") int seconds;

    @Option(names = "--ramp-max", paramLabel = "PER_S", defaultValue = "51200", description = "Highest rate of the doubling ramp from 200/s (default: ${DEFAULT-VALUE}; 0 = no ramp).")
    @Quick("1600") int rampMax;

    @Option(names = "--ramp-step-seconds", paramLabel = "S", defaultValue = "2", description = "Duration of each ramp step (default: ${DEFAULT-VALUE}).")
    @Quick("1") int rampStepSeconds;

    @Option(names = "--kills", paramLabel = "N", defaultValue = "3", description = "Subscriber connections killed (CLIENT KILL) in the reconnection test (default: ${DEFAULT-VALUE}).")
    @Quick("1") int kills;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", description = "Clients to measure (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    public static void main(String... args) {
        Lab.main(new S2_pubsub(), args);
    }

    static final String NAME_PREFIX = "lab-s2";

    @Override
    public Integer call() {
        int n = messages;
        int hfSeconds = seconds;
        int maxRamp = rampMax;
        int stepSeconds = rampStepSeconds;
        int killCount = kills;
        if (n < 1 || hfSeconds < 1 || stepSeconds < 1 || killCount < 1 || maxRamp < 0 || !(ratePerSecond > 0)) {
            throw new LabException("--messages, --seconds, --ramp-step-seconds, --kills and --rate must be >= 1 (--ramp-max >= 0)");
        }
        Clients.requireKnown(clients);

        Results out = new Results(this, common);
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(1L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            Keys keys = new Keys("S2");
            Bus bus = Bus.pubsub(redis, keys);
            out.meta("channel", bus.address());
            out.meta("basic_messages", n);
            out.meta("high_frequency_rate_per_s", ratePerSecond);
            out.meta("high_frequency_seconds", hfSeconds);
            out.meta("ramp_max_per_s", maxRamp);
            out.meta("ramp_step_seconds", stepSeconds);
            out.meta("kills", killCount);
            out.meta("clock", "publisher and subscribers in one JVM: System.nanoTime() at send and at eviction");
            try {
                for (String client : clients) {
                    List<Transport> ts = new ArrayList<>();
                    try {
                        for (String name : List.of("A", "B", "C")) ts.add(bus.open(client, new Node(name), NAME_PREFIX));
                        Progress.step(client + ": basic propagation x " + n);
                        basic(out, client, ts, keys, n);
                        Progress.step(client + ": " + ratePerSecond + " invalidations/s for " + hfSeconds + " s");
                        double unloadedP99 = out.rows().stream().filter(r -> r.test().equals("basic") && r.client().equals(client) && r.metric().equals("propagation_p99"))
                                .mapToDouble(Results.Row::value).findFirst().orElse(Double.NaN);
                        highFrequency(out, client, ts, keys, hfSeconds, unloadedP99);
                        if (maxRamp >= 200) {
                            Progress.step(client + ": rate ramp 200.." + maxRamp + "/s, " + stepSeconds + " s per step");
                            ramp(out, client, ts, keys, maxRamp, stepSeconds);
                        }
                        Progress.step(client + ": subscriber reconnection x " + killCount + " (CLIENT KILL)");
                        reconnect(out, client, ts, keys, redis, killCount);
                    } finally {
                        for (Transport t : ts) t.close();
                    }
                }
            } finally {
                keys.cleanup(redis);
            }
        }
        return out.finish();
    }

    // ------------------------------------------------------------------ test 1: basic propagation

    /**
     * One invalidation at a time: every instance holds the key in its L1, A publishes, and we wait until
     * all three booked it. Latency = send to eviction from the L1; evicted_* counts keys really gone.
     */
    void basic(Results out, String client, List<Transport> ts, Keys keys, int n) {
        Transport a = ts.get(0);
        List<Node> nodes = ts.stream().map(Transport::node).toList();
        List<Node> remote = nodes.subList(1, 3);
        Publisher warm = new Publisher("A.warmup"), p = new Publisher("A.basic");
        for (int i = 0; i < Math.max(50, n / 5); i++) sendAndWait(a, warm, keys.key("basic:w"), nodes); // JIT and connection warm-up, not recorded
        long[] evicted = new long[nodes.size()];
        Progress.Every every = new Progress.Every(client + " basic", n);
        for (int i = 0; i < n; i++) {
            String key = keys.key("basic:" + (i % 100));
            for (Node node : nodes) node.l1.put(key, "v" + i);
            sendAndWait(a, p, key, nodes);
            for (int j = 0; j < nodes.size(); j++) if (!nodes.get(j).l1.containsKey(key)) evicted[j]++;
            every.tick(i);
        }
        Invalidation.drain(p, nodes, 500, 2000);
        Tally all = Invalidation.account(out, "basic", client, p, nodes);
        for (int j = 0; j < nodes.size(); j++) out.info("basic", client, "evicted_" + nodes.get(j).name, "count", evicted[j]);
        Histogram lat = Invalidation.latency(p, remote);
        Latency.Summary s = out.latency("basic", client, "propagation", lat);
        Latency.Summary self = out.latency("basic", client, "self_propagation", Invalidation.latency(p, nodes.subList(0, 1)));
        out.spectrum("basic", client, "propagation", lat);
        out.check("basic", client, "propagation_p99", s.p99Millis(), Criterion.PUBSUB_P99_MS);
        // a zero-count criterion: the count and the 95 % upper bound on the loss rate it allows
        out.checkZero("basic", client, "loss_pct", all.lost(), all.published() * all.receivers(), Criterion.PUBSUB_LOSS_PCT);
        System.out.printf("%-8s basic: B,C propagation %s | A (self, control) p50=%s | lost %d of %d x %d subscribers%n",
                client, s, Latency.fmt(self.p50Nanos()), all.lost(), all.published(), all.receivers());
    }

    static void sendAndWait(Transport a, Publisher p, String key, List<Node> nodes) {
        a.publish(p.next(key));
        for (Node node : nodes) node.awaitReceived(p.id, p.published(), 1000); // a miss is booked as lost, not waited for forever
    }

    // ------------------------------------------------------------------ test 2: high frequency, then the ramp

    void highFrequency(Results out, String client, List<Transport> ts, Keys keys, int seconds, double unloadedP99) {
        List<Node> nodes = ts.stream().map(Transport::node).toList();
        Publisher p = new Publisher("A.hf");
        FixedRate.Result r = load(client, ts.get(0), p, keys, "hf " + client, ratePerSecond, seconds * 1000L);
        Invalidation.drain(p, nodes, 1000, 5000);
        FixedRate.report(out, "high_frequency", client, r); // PUBLISH response time, from the intended send time
        Tally all = Invalidation.account(out, "high_frequency", client, p, nodes);
        Histogram lat = Invalidation.latency(p, nodes.subList(1, 3));
        Latency.Summary s = out.latency("high_frequency", client, "propagation", lat);
        out.spectrum("high_frequency", client, "propagation", lat);
        out.info("high_frequency", client, "propagation_p99_vs_unloaded", "ratio", s.p99Millis() / unloadedP99);
        out.check("high_frequency", client, "propagation_p99", s.p99Millis(), Criterion.PUBSUB_P99_MS);
        out.checkZero("high_frequency", client, "loss_pct", all.lost(), all.published() * all.receivers(), Criterion.PUBSUB_LOSS_PCT);
        System.out.printf("%-8s %.0f/s for %d s: achieved %.1f/s, propagation %s (p99 %.2f x unloaded), lost %d of %d x %d%n",
                client, ratePerSecond, seconds, r.achievedRatePerSecond(), s, s.p99Millis() / unloadedP99, all.lost(), all.published(), all.receivers());
    }

    /** Doubling rates from 200/s; stops after the first step that loses a message or breaks the P99 target. */
    void ramp(Results out, String client, List<Transport> ts, Keys keys, int maxRate, int stepSeconds) {
        List<Node> nodes = ts.stream().map(Transport::node).toList();
        Results.Table t = out.table("ramp.csv", "scenario", "client", "rate_per_s", "achieved_rate_per_s", "published", "lost", "loss_pct", "p50_ms", "p99_ms", "max_ms", "ok");
        double bestRate = 0;
        for (int rate = 200; rate <= maxRate; rate *= 2) {
            Publisher p = new Publisher("A.ramp" + rate);
            FixedRate.Result r = load(client, ts.get(0), p, keys, "ramp " + client + " " + rate, rate, stepSeconds * 1000L);
            Invalidation.drain(p, nodes, 1000, 5000);
            long lost = 0;
            for (Node n : nodes) lost += n.books(p.id).lost(p.published());
            double lossPct = 100.0 * lost / Math.max(1, p.published() * nodes.size());
            Latency.Summary s = Latency.summarize(Invalidation.latency(p, nodes.subList(1, 3)));
            boolean ok = lost == 0 && Criterion.PUBSUB_P99_MS.evaluate(s.p99Millis()) == Criterion.Status.PASS;
            t.row("S2_pubsub", client, rate, r.achievedRatePerSecond(), p.published(), lost, lossPct, s.p50Millis(), s.p99Millis(), s.maxMillis(), ok);
            Progress.line(String.format("%s ramp %d/s: achieved %.0f/s, lost %d, propagation p99 %.2f ms -> %s", client, rate, r.achievedRatePerSecond(), lost, s.p99Millis(), ok ? "ok" : "limit"));
            if (!ok) break;
            bestRate = rate;
        }
        out.info("ramp", client, "max_loss_free_rate", "req/s", bestRate);
        System.out.printf("%-8s ramp: highest rate with no loss and propagation p99 < %.0f ms: %.0f/s (ramp capped at %d/s)%n",
                client, Criterion.PUBSUB_P99_MS.target, bestRate, maxRate);
    }

    /** Open-loop publishing at a fixed rate: Jedis from 4 workers, Lettuce asynchronously. */
    FixedRate.Result load(String client, Transport a, Publisher p, Keys keys, String label, double rate, long millis) {
        FixedRate.Config cfg = FixedRate.Config.of(label, rate, millis).warmupMillis(0).drainMillis(5000);
        String[] ring = new String[1000];
        for (int i = 0; i < ring.length; i++) ring[i] = keys.key("item:" + i);
        if (client.equals(Clients.JEDIS)) {
            return FixedRate.run(cfg.workers(4), () -> a.publish(p.next(ring[(int) (p.published() % ring.length)])));
        }
        return FixedRate.runAsync(cfg, () -> a.publishAsync(p.next(ring[(int) (p.published() % ring.length)])));
    }

    // ------------------------------------------------------------------ test 3: subscriber reconnection

    /**
     * A publishes at the seed's rate while B's subscriber connection is killed on the server (CLIENT KILL).
     * Resubscribed = the server lists a new connection with B's name subscribed to the channel (checked
     * with CLIENT LIST, not taken from the client). Messages published in the gap are lost: Pub/Sub is
     * at-most-once, and that loss is reported against the seed's "no message lost" criterion.
     */
    void reconnect(Results out, String client, List<Transport> ts, Keys keys, RedisServer redis, int killCount) {
        Transport b = ts.get(1);
        List<Node> nodes = ts.stream().map(Transport::node).toList();
        Publisher p = new Publisher("A.reconnect");
        long spacingMillis = 2000;
        long loadMillis = killCount * spacingMillis + 1000;
        CompletableFuture<FixedRate.Result> load = CompletableFuture.supplyAsync(
                () -> load(client, ts.get(0), p, keys, "reconnect " + client, ratePerSecond, loadMillis));
        Results.Table t = out.table("reconnects.csv", "scenario", "client", "kill", "killed_connections", "resubscribed_ms");
        Histogram gap = Latency.newHistogram();
        int killed = 0;
        double worstMillis = 0;
        long seenBefore = b.reconnects();
        Lab.sleepMillis(500);
        for (int k = 1; k <= killCount; k++) {
            long oldId = Invalidation.connectedId(redis, b.receiverName(), true);
            long t0 = System.nanoTime();
            int kc = redis.killClients(b.receiverName());
            killed += kc;
            double ms = kc == 0 ? Double.NaN : Invalidation.awaitReconnected(redis, b.receiverName(), oldId, true, t0, 10_000);
            t.row("S2_pubsub", client, k, kc, ms);
            if (!Double.isNaN(ms)) Latency.record(gap, (long) (ms * 1e6));
            worstMillis = Double.isNaN(ms) || Double.isNaN(worstMillis) ? Double.NaN : Math.max(worstMillis, ms);
            Progress.line(String.format("%s kill %d: %d connection(s) killed, resubscribed after %.1f ms", client, k, kc, ms));
            Lab.sleepMillis(Math.max(0, spacingMillis - (long) (Double.isNaN(ms) ? 0 : ms)));
        }
        FixedRate.Result r = load.join();
        Invalidation.drain(p, nodes, 1000, 5000);
        if (killed == 0) worstMillis = Double.NaN; // no disconnect happened: nothing was measured
        Tally all = Invalidation.account(out, "reconnect", client, p, nodes);
        long lostB = b.node().books(p.id).lost(p.published());
        double lossPctB = 100.0 * lostB / Math.max(1, p.published());
        out.info("reconnect", client, "achieved_rate", "req/s", r.achievedRatePerSecond());
        out.info("reconnect", client, "disconnects", "count", killed);
        out.info("reconnect", client, "reconnects_seen_by_client", "count", b.reconnects() - seenBefore);
        Latency.Summary s = out.latency("reconnect", client, "resubscribe", gap);
        out.check("reconnect", client, "resubscribe_max", worstMillis, Criterion.PUBSUB_RECONNECT_MS);
        out.checkZero("reconnect", client, "loss_pct_B", lostB, p.published(), Criterion.PUBSUB_LOSS_PCT);
        out.info("reconnect", client, "loss_pct_all", "%", all.lossPercent());
        System.out.printf("%-8s reconnect: %d kill(s), resubscribed p50=%s max=%.1f ms, B lost %d of %d (%.2f%%) published during the gaps; A and C (controls) lost %d%n",
                client, killed, Latency.fmt(s.p50Nanos()), worstMillis, lostB, p.published(), lossPctB, all.lost() - lostB);
    }
}
