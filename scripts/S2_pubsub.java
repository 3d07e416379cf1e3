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
// Test 3 kills B's subscriber connection (CLIENT KILL): the client sees the reset at once and resubscribes.
// Test 4 cuts the same subscriber the way a network does (`--partition-seconds`, default 10 s, the seed's
// Edge Case 2 length, and 30 s, far past the clients' 2 s command timeouts; quick: 2 s; 0 = skip): B's
// subscriber connects through the lab's network path (lab.net.NetworkPath, a TCP proxy; on loopback it adds
// no delay), which stops forwarding it in both directions, no reset, both ends stay ESTABLISHED, while A keeps
// publishing at the same rate on its own connection (and C, the control, on its own). Per client: when (if)
// B notices, whether it reconnects, the messages published during the partition delivered on time (within the
// 100 ms P99 target), late (and how long after the heal) or lost, and what Redis did with the frozen
// subscriber (CLIENT LIST omem/obl/oll sampled every 100 ms; dropped or kept under client-output-buffer-limit
// pubsub, recorded in run.csv). Loss is judged with the same criterion as test 3, over the whole test.
// Redis's omem for B grows only once the kernel's socket buffers (Redis's send buffer, the path's receive
// buffer) are full: at 100/s of ~100-byte messages a 30 s partition (~300 KB) stays inside them.
// Partition start and end times: faults.csv and run.csv (fault_N). A partition of 70 s outlives the server's
// 60 s pubsub soft-limit window too (`--partition-seconds 70`), at 100/s far below its 8 MB.
//
// Output: data/S2_pubsub/{metrics,spectra,timeline,ramp,reconnects,partitions,faults,run}.csv; exit 0 = all criteria passed.
//   ramp.csv:       scenario,client,rate_per_s,achieved_rate_per_s,published,lost,loss_pct,p50_ms,p99_ms,max_ms,ok
//   reconnects.csv: scenario,client,kill,killed_connections,resubscribed_ms
//   partitions.csv: scenario,client,partition_ms,time_to_notice_ms,reconnects,published_during,on_time,late,lost,
//                   late_first_after_heal_ms,late_all_after_heal_ms,delay_max_ms,server_omem_max_bytes,server_dropped_subscriber

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import lab.redis.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.FixedRate;
import lab.inval.Invalidation;
import lab.inval.Invalidation.Books;
import lab.inval.Invalidation.Bus;
import lab.inval.Invalidation.Node;
import lab.inval.Invalidation.Publisher;
import lab.inval.Invalidation.Tally;
import lab.inval.Invalidation.Transport;
import lab.net.NetworkPath;
import lab.net.NetworkProfile;
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

    @Option(names = "--partition-seconds", split = ",", paramLabel = "S", description = "Silent partitions of B's subscriber, one test per length (default: 10,30; quick: 2; 0 = none).")
    List<Double> partitionSeconds;

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
        List<Double> partitions = partitionSeconds != null ? partitionSeconds : common.quick ? List.of(2.0) : List.of(10.0, 30.0);
        if (partitions.equals(List.of(0.0))) partitions = List.of();
        for (double ps : partitions) if (ps < 0.1) throw new LabException("--partition-seconds must be >= 0.1 each (or 0 alone: no partition test)");
        long beforeMillis = common.quick ? 500 : 1000, afterMillis = common.quick ? 1000 : 2000;

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
            // the silent partition needs a path even on loopback: then it adds no delay, only the fault
            NetworkPath own = redis.network() == null && !partitions.isEmpty() ? NetworkPath.start(NetworkProfile.loopback, redis.host(), redis.port()) : null;
            RedisServer viaPath = own != null ? redis.via(own) : redis;
            if (!partitions.isEmpty()) {
                if (own != null) out.network(own); // its faults go to faults.csv and run.csv
                out.meta("partition", "silent, both directions, on B's subscriber connection only (network path proxy); A publishes and C listens on their own connections");
                out.meta("partition_ms", partitions.stream().map(x -> Long.toString(Math.round(x * 1000))).toList());
                out.meta("partition_before_after_ms", beforeMillis + "," + afterMillis);
                out.meta("redis_config_client-output-buffer-limit", redis.configGet("client-output-buffer-limit"));
            }
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
                    for (double ps : partitions) {
                        long pm = Math.round(ps * 1000);
                        Progress.step(client + ": silent partition of B's subscriber for " + pm + " ms at " + ratePerSecond + "/s");
                        partition(out, client, redis, viaPath, keys, pm, beforeMillis, afterMillis);
                    }
                }
            } finally {
                keys.cleanup(redis);
                if (own != null) own.close();
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
        return load(client, a, () -> p, keys, label, rate, millis);
    }

    /** The same, numbering each message with whichever publisher {@code p} names at that moment (one per phase). */
    FixedRate.Result load(String client, Transport a, Supplier<Publisher> p, Keys keys, String label, double rate, long millis) {
        FixedRate.Config cfg = FixedRate.Config.of(label, rate, millis).warmupMillis(0).drainMillis(5000);
        String[] ring = new String[1000];
        for (int i = 0; i < ring.length; i++) ring[i] = keys.key("item:" + i);
        if (client.equals(Clients.JEDIS)) {
            return FixedRate.run(cfg.workers(4), () -> {
                Publisher now = p.get();
                a.publish(now.next(ring[(int) (now.published() % ring.length)]));
            });
        }
        return FixedRate.runAsync(cfg, () -> {
            Publisher now = p.get();
            return a.publishAsync(now.next(ring[(int) (now.published() % ring.length)]));
        });
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
        out.info("reconnect", client, "late_B", "count", late(b.node().books(p.id)));
        Latency.Summary s = out.latency("reconnect", client, "resubscribe", gap);
        out.check("reconnect", client, "resubscribe_max", worstMillis, Criterion.PUBSUB_RECONNECT_MS);
        out.checkZero("reconnect", client, "loss_pct_B", lostB, p.published(), Criterion.PUBSUB_LOSS_PCT);
        out.info("reconnect", client, "loss_pct_all", "%", all.lossPercent());
        System.out.printf("%-8s reconnect: %d kill(s), resubscribed p50=%s max=%.1f ms, B lost %d of %d (%.2f%%) published during the gaps; A and C (controls) lost %d%n",
                client, killed, Latency.fmt(s.p50Nanos()), worstMillis, lostB, p.published(), lossPctB, all.lost() - lostB);
    }

    // ------------------------------------------------------------------ test 4: the same subscriber, silently partitioned

    /** How often the server's view of the frozen subscriber (CLIENT LIST) is sampled during a partition. */
    static final long SAMPLE_MS = 100;

    /**
     * Test 3's subscriber cut off by the network instead of by the server: B's subscriber connection goes
     * through the network path, which stops forwarding it both ways for {@code partitionMillis}; nothing is
     * reset. A publishes at the seed's rate for {@code beforeMillis}, through the partition and for
     * {@code afterMillis} after the heal, numbering each phase with its own publisher. A message published
     * during the partition is on time when B evicted it within the P99 target, late when later (the heal
     * releases what the path and the kernel buffers held), lost when its sequence number never arrived.
     * Noticed = the client made a new subscriber connection (its own reconnect), seen while the test runs.
     */
    void partition(Results out, String client, RedisServer redis, RedisServer viaPath, Keys keys, long partitionMillis, long beforeMillis, long afterMillis) {
        NetworkPath path = viaPath.network();
        String test = "partition_" + Results.num(partitionMillis / 1000.0) + "s";
        String channel = "partition:" + client + ":" + partitionMillis;
        Bus direct = Bus.pubsub(redis, keys).named(channel), throughPath = Bus.pubsub(viaPath, keys).named(channel);
        List<Transport> ts = new ArrayList<>();
        try {
            ts.add(direct.open(client, new Node("A"), NAME_PREFIX + "p"));
            ts.add(throughPath.open(client, new Node("B"), NAME_PREFIX + "p"));
            ts.add(direct.open(client, new Node("C"), NAME_PREFIX + "p"));
            Transport a = ts.get(0), b = ts.get(1);
            Node nb = b.node();
            List<Node> nodes = ts.stream().map(Transport::node).toList();
            long subId = Invalidation.connectedId(redis, b.receiverName(), true);
            long reconnects0 = b.reconnects();
            Publisher before = new Publisher("A." + test + ".before"), during = new Publisher("A." + test + ".during"), after = new Publisher("A." + test + ".after");
            AtomicReference<Publisher> current = new AtomicReference<>(before);
            CompletableFuture<FixedRate.Result> load = CompletableFuture.supplyAsync(
                    () -> load(client, a, current::get, keys, test + " " + client, ratePerSecond, beforeMillis + partitionMillis + afterMillis));
            Lab.sleepMillis(beforeMillis);

            current.set(during);
            NetworkPath.Fault fault = path.partition(b.receiverName(), NetworkPath.named(b.receiverName()), NetworkPath.Direction.both);
            long start = fault.startNanos, healAt = start + partitionMillis * 1_000_000L, end = healAt + afterMillis * 1_000_000L;
            long nextSample = start, droppedAt = 0, noticedAt = 0, firstLateAt = 0, allLateAt = 0, receivedAtHeal = -1;
            double omemMax = 0, oblMax = 0, ollMax = 0;
            while (true) {
                long now = System.nanoTime();
                if (receivedAtHeal < 0 && now >= healAt) {
                    if (Invalidation.clientFields(redis, subId).isEmpty() && droppedAt == 0) droppedAt = now;
                    fault.end();
                    current.set(after);
                    receivedAtHeal = nb.books(during.id).received();
                    Progress.line(String.format("%s %s healed: B had %d of the %d published during it; server: subscriber %s, omem max %.0f bytes",
                            client, test, receivedAtHeal, during.published(), droppedAt > 0 ? "dropped" : "kept", omemMax));
                }
                if (now >= end) break;
                if (receivedAtHeal < 0 && now >= nextSample) {
                    // what the server holds for the frozen subscriber (the admin connection is direct, never partitioned)
                    Map<String, String> f = Invalidation.clientFields(redis, subId);
                    if (f.isEmpty()) {
                        if (droppedAt == 0) droppedAt = now;
                    } else {
                        omemMax = Math.max(omemMax, field(f, "omem"));
                        oblMax = Math.max(oblMax, field(f, "obl"));
                        ollMax = Math.max(ollMax, field(f, "oll"));
                    }
                    nextSample += SAMPLE_MS * 1_000_000L;
                }
                if (noticedAt == 0 && b.reconnects() > reconnects0) noticedAt = System.nanoTime();
                if (receivedAtHeal >= 0) {
                    long got = nb.books(during.id).received();
                    if (firstLateAt == 0 && got > receivedAtHeal) firstLateAt = System.nanoTime();
                    if (allLateAt == 0 && got >= during.published()) allLateAt = System.nanoTime();
                }
                Lab.sleepMillis(1);
            }
            FixedRate.Result r = load.join();
            for (Publisher p : List.of(before, during, after)) Invalidation.drain(p, nodes, 1000, 5000);
            long idAfter = Invalidation.connectedId(redis, b.receiverName(), true);

            // the messages published during the partition, as B got them
            Books bd = nb.books(during.id);
            long published = during.published(), received = bd.received(), lost = bd.lost(published);
            long late = late(bd), onTime = received - late;
            double noticeMillis = noticedAt > 0 ? (noticedAt - start) / 1e6 : Double.NaN;
            double lateFirstMillis = firstLateAt > 0 ? (firstLateAt - healAt) / 1e6 : Double.NaN;
            double lateAllMillis = allLateAt > 0 && late > 0 ? (allLateAt - healAt) / 1e6 : Double.NaN;
            out.info(test, client, "partition_ms", "ms", fault.durationMillis());
            out.info(test, client, "achieved_rate", "req/s", r.achievedRatePerSecond());
            out.info(test, client, "noticed", "count", noticedAt > 0 ? 1 : 0);
            out.info(test, client, "time_to_notice", "ms", noticeMillis);
            out.info(test, client, "reconnects_seen_by_client", "count", b.reconnects() - reconnects0);
            out.info(test, client, "resubscribed_on_server", "count", idAfter > 0 && idAfter != subId ? 1 : 0);
            out.info(test, client, "published_during_partition", "count", published);
            out.info(test, client, "on_time_B", "count", onTime);
            out.info(test, client, "late_B", "count", late);
            out.info(test, client, "lost_during_partition_B", "count", lost);
            out.info(test, client, "late_first_after_heal", "ms", lateFirstMillis);
            out.info(test, client, "late_all_after_heal", "ms", lateAllMillis);
            Latency.Summary delay = out.latency(test, client, "delay_during_partition", bd.latency()); // send to eviction, B
            out.info(test, client, "server_subscriber_omem_max", "bytes", omemMax);
            out.info(test, client, "server_subscriber_obl_max", "bytes", oblMax);
            out.info(test, client, "server_subscriber_oll_max", "count", ollMax);
            out.info(test, client, "server_dropped_subscriber", "count", droppedAt > 0 ? 1 : 0);
            // the same loss criterion as test 3, over every message of the test (before, during, after)
            List<Publisher> phases = List.of(before, during, after);
            Tally all = Invalidation.account(out, test, client, phases, nodes);
            long lostB = 0;
            for (Publisher p : phases) lostB += nb.books(p.id).lost(p.published());
            out.checkZero(test, client, "loss_pct_B", lostB, all.published(), Criterion.PUBSUB_LOSS_PCT);
            out.info(test, client, "loss_pct_all", "%", all.lossPercent());
            out.table("partitions.csv", "scenario", "client", "partition_ms", "time_to_notice_ms", "reconnects", "published_during", "on_time", "late", "lost",
                            "late_first_after_heal_ms", "late_all_after_heal_ms", "delay_max_ms", "server_omem_max_bytes", "server_dropped_subscriber")
                    .row("S2_pubsub", client, partitionMillis, noticeMillis, b.reconnects() - reconnects0, published, onTime, late, lost,
                            lateFirstMillis, lateAllMillis, delay.maxMillis(), omemMax, droppedAt > 0 ? 1 : 0);
            System.out.printf("%-8s partition %d ms: noticed %s, %d reconnect(s); of %d published during it B got %d on time, %d late (all in %.0f ms after the heal, delay max %.0f ms), %d lost;"
                            + " server: subscriber %s, omem max %.0f bytes; B lost %d of %d in the whole test, A and C (controls) lost %d%n",
                    client, partitionMillis, noticedAt > 0 ? String.format("after %.0f ms", noticeMillis) : "never", b.reconnects() - reconnects0,
                    published, onTime, late, lateAllMillis, delay.maxMillis(), lost, droppedAt > 0 ? "dropped" : "kept", omemMax, lostB, all.published(), all.lost() - lostB);
        } finally {
            for (NetworkPath.Fault f : path.faults()) f.end(); // never leave B frozen, whatever failed
            for (Transport t : ts) t.close();
        }
    }

    /** Messages evicted later than the propagation target (P99 < 100 ms) after their send: late, not lost. */
    static long late(Books b) {
        return b.received() - b.latency().getCountBetweenValues(0, (long) (Criterion.PUBSUB_P99_MS.target * 1e6));
    }

    static double field(Map<String, String> clientList, String name) {
        try {
            return Double.parseDouble(clientList.getOrDefault(name, "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
