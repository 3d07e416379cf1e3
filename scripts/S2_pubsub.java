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
//   ./jbang scripts/S2_pubsub.java            seed sizes in 5 trials: 5000 basic messages (1000 per trial), 60 s at 100/s
//                                             (12 s per trial), rate ramp 200..51200/s, 5 kills per client (about 5 min)
//   ./jbang scripts/S2_pubsub.java --quick    3 trials, 3 kills per client (~30 s)
//
// Each client has its own three instances on its own channel, `<run key prefix>cache:invalidate:<client>`
// (e.g. lab:S2:k3f9a:cache:invalidate:jedis), so runs sharing a server, and the two clients, never hear each
// other. A message is `publisher|seq|sentNanos|key`; publisher and subscribers live in this JVM, so
// System.nanoTime() at send and at eviction are the same clock. Instance A publishes; B and C are the
// receivers, A itself is subscribed too as a control. Losses are sequence gaps per subscriber, never
// inferred from timing.
//
// Trials (lab.Trials, lab.Verdict). Every client is warmed up to steady state first (closed-loop
// invalidations until the P50 settles, lab.Warmup). Tests 1 and 2 then run as --trials rounds, interleaved
// across the clients (jedis lettuce, then lettuce jedis, ...; each high-frequency trial after an unrecorded
// --trial-warmup-millis at the same rate): the propagation P99 is judged on the median across trials of each
// trial's P99 with its 95 % interval (PASS / FAIL / INCONCLUSIVE); the pooled spectrum over all trials is
// INFO. In test 3 each CLIENT KILL is a trial, the kills alternating between the clients the same way: the
// resubscription time is the median across kills with its interval (a kill never followed by a resubscription
// within 10 s is unbounded, never a pass); the max over kills is INFO. Losses are zero counts judged over every
// message of all trials with their Clopper-Pearson bound, each trial's (kill's) loss in trials.csv.
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
// Output: data/S2_pubsub/{metrics,trials,spectra,timeline,ramp,reconnects,partitions,faults,run}.csv; exit 0 = all criteria passed.
//   metrics.csv rows of tests 1 and 2 (counts, latency rows, spectra, timeline) are pooled over the trials.
//   ramp.csv:       scenario,client,rate_per_s,achieved_rate_per_s,published,lost,loss_pct,p50_ms,p99_ms,max_ms,ok
//   reconnects.csv: scenario,client,kill,killed_connections,resubscribed_ms (NaN: not resubscribed within 10 s)
//   partitions.csv: scenario,client,partition_ms,time_to_notice_ms,reconnects,published_during,on_time,late,lost,
//                   late_first_after_heal_ms,late_all_after_heal_ms,delay_max_ms,server_omem_max_bytes,server_dropped_subscriber

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import lab.redis.Clients;
import lab.Check;
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
import lab.Threads;
import lab.Trials;
import lab.Warmup;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "S2_pubsub", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scenario 2: Pub/Sub invalidation across three cache instances: propagation latency, loss at 100/s and above, loss across a subscriber reconnection; Jedis and Lettuce, in interleaved trials.")
public class S2_pubsub implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "5000", description = "Basic propagation: invalidations sent one at a time, split across the trials (default: ${DEFAULT-VALUE}: the seed's 1000 per trial).")
    @Quick("300") int messages;

    @Option(names = "--rate", paramLabel = "PER_S", defaultValue = "100", description = "High-frequency rate, invalidations/s (default: ${DEFAULT-VALUE}).")
    double ratePerSecond;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "60", description = "High-frequency duration per client, split across the trials (default: ${DEFAULT-VALUE}).")
    @Quick("3") int seconds;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "5",
            description = "Independent trials of the basic and high-frequency tests, interleaved across the clients (default: ${DEFAULT-VALUE}).")
    @Quick("3") int trials;

    @Option(names = "--warmup-millis", paramLabel = "MS", defaultValue = "3000",
            description = "Closed-loop warm-up per client before its first trial, until the P50 settles (lab.Warmup; default: ${DEFAULT-VALUE}).")
    @Quick("300") long warmupMillis;

    @Option(names = "--trial-warmup-millis", paramLabel = "MS", defaultValue = "500",
            description = "Unrecorded publishing at --rate before each high-frequency trial (default: ${DEFAULT-VALUE}).")
    @Quick("200") long trialWarmupMillis;

    @Option(names = "--ramp-max", paramLabel = "PER_S", defaultValue = "51200", description = "Highest rate of the doubling ramp from 200/s (default: ${DEFAULT-VALUE}; 0 = no ramp).")
    @Quick("800") int rampMax;

    @Option(names = "--ramp-step-seconds", paramLabel = "S", defaultValue = "2", description = "Duration of each ramp step (default: ${DEFAULT-VALUE}).")
    @Quick("1") int rampStepSeconds;

    @Option(names = "--kills", paramLabel = "N", defaultValue = "5",
            description = "Subscriber connections killed (CLIENT KILL) per client in the reconnection test, one trial each, alternating between the clients (default: ${DEFAULT-VALUE}).")
    @Quick("3") int kills;

    @Option(names = "--kill-spacing-millis", paramLabel = "MS", defaultValue = "2000",
            description = "Time from one kill to the next (the other client's) in the reconnection test (default: ${DEFAULT-VALUE}).")
    @Quick("1000") long killSpacingMillis;

    @Option(names = "--partition-seconds", split = ",", paramLabel = "S", description = "Silent partitions of B's subscriber, one test per length (default: 10,30; quick: 2; 0 = none).")
    List<Double> partitionSeconds;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", description = "Clients to measure (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    public static void main(String... args) {
        Lab.main(new S2_pubsub(), args);
    }

    static final String NAME_PREFIX = "lab-s2";
    /** How long a killed subscriber may take to be back on the server before the kill counts as never resubscribed. */
    static final long RESUBSCRIBE_TIMEOUT_MILLIS = 10_000;

    @Override
    public Integer call() {
        int t = Check.atLeast("--trials", trials, 1);
        int n = Check.atLeast("--messages", messages, 1);
        if (n < t) throw new LabException("--messages must be at least --trials (" + t + "), got " + n);
        long hfMillis = Check.atLeast("--seconds", seconds, 1) * 1000L;
        if (hfMillis / t < 200) throw new LabException("--seconds gives less than 0.2 s per trial: raise it or lower --trials");
        int stepSeconds = Check.atLeast("--ramp-step-seconds", rampStepSeconds, 1);
        int killCount = Check.atLeast("--kills", kills, 1);
        int maxRamp = Check.atLeast("--ramp-max", rampMax, 0);
        Check.positive("--rate", ratePerSecond);
        Check.atLeast("--warmup-millis", warmupMillis, 0);
        Check.atLeast("--trial-warmup-millis", trialWarmupMillis, 0);
        Check.atLeast("--kill-spacing-millis", killSpacingMillis, 100);
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
            out.meta("channel", bus.address() + ":<client>");
            out.meta("trials", t);
            out.meta("trial_order", "interleaved: the clients in order, reversed every other trial (test 3: every other kill round)");
            out.meta("basic_messages", n);
            out.meta("basic_messages_per_trial", n / t + (n % t == 0 ? "" : "-" + (n / t + 1)));
            out.meta("high_frequency_rate_per_s", ratePerSecond);
            out.meta("high_frequency_seconds", seconds);
            out.meta("high_frequency_ms_per_trial", hfMillis / t);
            out.meta("ramp_max_per_s", maxRamp);
            out.meta("ramp_step_seconds", stepSeconds);
            out.meta("kills", killCount);
            out.meta("kill_spacing_ms", killSpacingMillis);
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
                pubsubTests(out, redis, bus, keys, t, n, hfMillis, maxRamp, stepSeconds, killCount);
                for (String client : clients) {
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

    /** Tests 1 to 3, every client's three instances open at once, each client on its own channel. */
    void pubsubTests(Results out, RedisServer redis, Bus bus, Keys keys, int t, int n, long hfMillis, int maxRamp, int stepSeconds, int killCount) {
        Map<String, Instances> open = new LinkedHashMap<>();
        try {
            for (String client : clients) {
                Instances m = new Instances(client);
                open.put(client, m);
                Bus channel = bus.named(client);
                for (String name : List.of("A", "B", "C")) m.ts.add(channel.open(client, new Node(name), NAME_PREFIX));
            }
            List<String> names = new ArrayList<>(open.keySet());
            for (Instances m : open.values()) warmUp(out, m, keys);
            for (int trial = 0; trial < t; trial++) {
                int msgs = Trials.share(n, t, trial);
                long ms = Trials.share((int) hfMillis, t, trial);
                List<String> order = Trials.order(names, trial);
                Progress.step(String.format(java.util.Locale.ROOT, "trial %d/%d: %s, each %d basic invalidations, then %s/s for %.1f s",
                        trial + 1, t, String.join(" ", order), msgs, Results.num(ratePerSecond), ms / 1000.0));
                for (String client : order) {
                    basicTrial(open.get(client), keys, msgs, trial);
                    highFrequencyTrial(open.get(client), keys, ms, trial);
                }
            }
            for (Instances m : open.values()) {
                Latency.Summary unloaded = basic(out, m);
                highFrequency(out, m, unloaded.p99Millis());
            }
            if (maxRamp >= 200) {
                for (Instances m : open.values()) {
                    Progress.step(m.client + ": rate ramp 200.." + maxRamp + "/s, " + stepSeconds + " s per step");
                    ramp(out, m.client, m.ts, keys, maxRamp, stepSeconds);
                }
            }
            Progress.step(String.join(", ", names) + ": subscriber reconnection, " + killCount + " kill(s) each (CLIENT KILL), alternating, one every "
                    + killSpacingMillis + " ms, at " + Results.num(ratePerSecond) + "/s");
            reconnect(out, open, keys, redis, killCount);
        } finally {
            for (Instances m : open.values()) for (Transport tr : m.ts) tr.close();
        }
    }


    /** One client's three instances (A publishes; B, C receive; A hears itself as a control) and what its trials measured. */
    static final class Instances {
        final String client;
        final List<Transport> ts = new ArrayList<>();
        final List<Publisher> basic = new ArrayList<>(), highFrequency = new ArrayList<>();
        final List<FixedRate.Result> highFrequencyRuns = new ArrayList<>();
        final long[] evicted = new long[3];
        final Map<String, Trials> perTrial = new LinkedHashMap<>();

        Instances(String client) {
            this.client = client;
        }

        List<Node> nodes() {
            return ts.stream().map(Transport::node).toList();
        }

        List<Node> remote() {
            return nodes().subList(1, 3);
        }

        Trials trials(String metric) {
            return perTrial.computeIfAbsent(metric, k -> new Trials());
        }
    }

    /** Closed-loop invalidations until the P50 settles (the JIT has compiled publish, delivery and eviction), not recorded. */
    void warmUp(Results out, Instances m, Keys keys) {
        Publisher warm = new Publisher("A.warmup");
        List<Node> nodes = m.nodes();
        String key = keys.key("basic:w");
        Warmup.step(out, "pubsub_" + m.client, warmupMillis, () -> {
            for (Node node : nodes) node.l1.put(key, "w");
            sendAndWait(m.ts.get(0), warm, key, nodes);
        });
    }

    /** The share of {@code lost} in {@code published} messages to each of {@code receivers}, in %; NaN when nothing was sent. */
    static double lossPercent(long lost, long published, long receivers) {
        return published * receivers == 0 ? Double.NaN : 100.0 * lost / (published * receivers);
    }

    static long lost(Publisher p, List<Node> nodes) {
        long lost = 0;
        for (Node node : nodes) lost += node.books(p.id).lost(p.published());
        return lost;
    }

    // ------------------------------------------------------------------ test 1: basic propagation

    /**
     * One trial: one invalidation at a time, every instance holds the key in its L1, A publishes, and we wait
     * until all three booked it. Latency = send to eviction from the L1; evicted_* counts keys really gone.
     */
    void basicTrial(Instances m, Keys keys, int n, int trial) {
        Transport a = m.ts.get(0);
        List<Node> nodes = m.nodes();
        Publisher p = new Publisher("A.basic.t" + (trial + 1));
        Progress.Every every = new Progress.Every(m.client + " basic trial " + (trial + 1), n);
        for (int i = 0; i < n; i++) {
            String key = keys.key("basic:" + (i % 100));
            for (Node node : nodes) node.l1.put(key, "v" + i);
            sendAndWait(a, p, key, nodes);
            for (int j = 0; j < nodes.size(); j++) if (!nodes.get(j).l1.containsKey(key)) m.evicted[j]++;
            every.tick(i);
        }
        Invalidation.drain(p, nodes, 500, 2000);
        m.basic.add(p);
        m.trials("basic_propagation_p99").add(Latency.summarize(Invalidation.latency(p, m.remote())).p99Millis());
        m.trials("basic_loss_pct").add(lossPercent(lost(p, nodes), p.published(), nodes.size()));
    }

    /** Criteria on the trials; counts, latency rows and spectra pooled over them. Returns the pooled propagation summary. */
    Latency.Summary basic(Results out, Instances m) {
        String client = m.client;
        List<Node> nodes = m.nodes();
        Tally all = Invalidation.account(out, "basic", client, m.basic, nodes);
        for (int j = 0; j < nodes.size(); j++) out.info("basic", client, "evicted_" + nodes.get(j).name, "count", m.evicted[j]);
        Histogram lat = latency(m.basic, m.remote());
        Latency.Summary s = out.latency("basic", client, "propagation", lat);
        Latency.Summary self = out.latency("basic", client, "self_propagation", latency(m.basic, nodes.subList(0, 1)));
        out.spectrum("basic", client, "propagation", lat);
        Trials.Estimate p99 = m.trials("basic_propagation_p99").estimate();
        out.check("basic", client, "propagation_p99", p99, Criterion.PUBSUB_P99_MS);
        // a zero-count criterion over every trial: the count and the 95 % upper bound on the loss rate it allows
        out.trialValues("basic", client, "loss_pct", m.trials("basic_loss_pct").estimate());
        out.checkZero("basic", client, "loss_pct", all.lost(), all.published() * all.receivers(), Criterion.PUBSUB_LOSS_PCT);
        System.out.printf("%-8s basic, %d trials: B,C propagation P99 %s | pooled %s | A (self, control) p50=%s | lost %d of %d x %d subscribers%n",
                client, p99.trials(), p99.text("ms"), s, Latency.fmt(self.p50Nanos()), all.lost(), all.published(), all.receivers());
        return s;
    }

    /** Send-to-eviction latency of several publishers' messages over several receivers, merged. */
    static Histogram latency(List<Publisher> ps, List<Node> receivers) {
        Histogram h = Latency.newHistogram();
        for (Publisher p : ps) h.add(Invalidation.latency(p, receivers));
        return h;
    }

    static void sendAndWait(Transport a, Publisher p, String key, List<Node> nodes) {
        a.publish(p.next(key));
        for (Node node : nodes) node.awaitReceived(p.id, p.published(), 1000); // a miss is booked as lost, not waited for forever
    }

    // ------------------------------------------------------------------ test 2: high frequency, then the ramp

    /** One trial: --trial-warmup-millis of unrecorded publishing at --rate, then {@code millis} at the same rate, recorded. */
    void highFrequencyTrial(Instances m, Keys keys, long millis, int trial) {
        Transport a = m.ts.get(0);
        List<Node> nodes = m.nodes();
        String label = "hf " + m.client + " t" + (trial + 1);
        if (trialWarmupMillis > 0) {
            Publisher warm = new Publisher("A.hf.warmup.t" + (trial + 1));
            load(m.client, a, warm, keys, label + " warm-up", ratePerSecond, trialWarmupMillis);
            Invalidation.drain(warm, nodes, 200, 2000);
        }
        Publisher p = new Publisher("A.hf.t" + (trial + 1));
        FixedRate.Result r = load(m.client, a, p, keys, label, ratePerSecond, millis);
        Invalidation.drain(p, nodes, 1000, 5000);
        m.highFrequency.add(p);
        m.highFrequencyRuns.add(r);
        m.trials("hf_propagation_p99").add(Latency.summarize(Invalidation.latency(p, m.remote())).p99Millis());
        m.trials("hf_loss_pct").add(lossPercent(lost(p, nodes), p.published(), nodes.size()));
    }

    void highFrequency(Results out, Instances m, double unloadedP99) {
        String client = m.client;
        List<Node> nodes = m.nodes();
        FixedRate.Result r = FixedRate.pooled(m.highFrequencyRuns);
        FixedRate.report(out, "high_frequency", client, r); // PUBLISH response time, from the intended send time
        Tally all = Invalidation.account(out, "high_frequency", client, m.highFrequency, nodes);
        Histogram lat = latency(m.highFrequency, m.remote());
        Latency.Summary s = out.latency("high_frequency", client, "propagation", lat);
        out.spectrum("high_frequency", client, "propagation", lat);
        out.info("high_frequency", client, "propagation_p99_vs_unloaded", "ratio", s.p99Millis() / unloadedP99);
        Trials.Estimate p99 = m.trials("hf_propagation_p99").estimate();
        out.check("high_frequency", client, "propagation_p99", p99, Criterion.PUBSUB_P99_MS);
        out.trialValues("high_frequency", client, "loss_pct", m.trials("hf_loss_pct").estimate());
        out.checkZero("high_frequency", client, "loss_pct", all.lost(), all.published() * all.receivers(), Criterion.PUBSUB_LOSS_PCT);
        System.out.printf("%-8s %.0f/s for %d s in %d trials: achieved %.1f/s, propagation P99 %s | pooled %s (p99 %.2f x unloaded), lost %d of %d x %d%n",
                client, ratePerSecond, seconds, p99.trials(), r.achievedRatePerSecond(), p99.text("ms"), s, s.p99Millis() / unloadedP99,
                all.lost(), all.published(), all.receivers());
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

    /** One client's reconnection test: its publisher and load, and what each kill of B's subscriber did. */
    static final class Kills {
        final Instances m;
        final Publisher p = new Publisher("A.reconnect");
        final Trials resubscribe = new Trials();
        final Histogram gap = Latency.newHistogram();
        /** A's messages published before each kill (the kill's trial runs from there to the next kill). */
        final List<Long> publishedAtKill = new ArrayList<>();
        final long reconnectsBefore;
        Future<FixedRate.Result> load;
        int killed, notResubscribed;

        Kills(Instances m) {
            this.m = m;
            this.reconnectsBefore = m.ts.get(1).reconnects();
        }
    }

    /**
     * A publishes at the seed's rate (every client at once, each on its own channel) while B's subscriber
     * connection is killed on the server (CLIENT KILL), --kills times per client, the clients alternating
     * (jedis lettuce, lettuce jedis, ...) one kill every --kill-spacing-millis. Resubscribed = the server
     * lists a new connection with B's name subscribed to the channel (checked with CLIENT LIST, not taken
     * from the client). Each kill is a trial: its resubscription time, and B's loss from it to the next kill.
     * Messages published in the gap are lost: Pub/Sub is at-most-once, and that loss is reported against the
     * seed's "no message lost" criterion, over every message of the test.
     */
    void reconnect(Results out, Map<String, Instances> open, Keys keys, RedisServer redis, int killCount) {
        long leadMillis = 500, tailMillis = 1000;
        long loadMillis = leadMillis + (long) killCount * open.size() * killSpacingMillis + tailMillis;
        Results.Table table = out.table("reconnects.csv", "scenario", "client", "kill", "killed_connections", "resubscribed_ms");
        Map<String, Kills> per = new LinkedHashMap<>();
        ExecutorService loads = Executors.newFixedThreadPool(open.size(), Threads.daemon("s2-reconnect-load"));
        try {
            for (Instances m : open.values()) {
                Kills k = new Kills(m);
                per.put(m.client, k);
                k.load = loads.submit(() -> load(m.client, m.ts.get(0), k.p, keys, "reconnect " + m.client, ratePerSecond, loadMillis));
            }
            Lab.sleepMillis(leadMillis);
            List<String> names = new ArrayList<>(per.keySet());
            for (int round = 0; round < killCount; round++) {
                for (String client : Trials.order(names, round)) {
                    Kills k = per.get(client);
                    Transport b = k.m.ts.get(1);
                    long oldId = Invalidation.connectedId(redis, b.receiverName(), true);
                    k.publishedAtKill.add(k.p.published());
                    long t0 = System.nanoTime();
                    int kc = redis.killClients(b.receiverName());
                    k.killed += kc;
                    double ms = kc == 0 ? Double.NaN : Invalidation.awaitReconnected(redis, b.receiverName(), oldId, true, t0, RESUBSCRIBE_TIMEOUT_MILLIS);
                    table.row("S2_pubsub", client, round + 1, kc, ms);
                    if (!Double.isNaN(ms)) Latency.record(k.gap, (long) (ms * 1e6));
                    if (kc > 0 && Double.isNaN(ms)) k.notResubscribed++;
                    // no connection killed: nothing measured (NaN); killed and never back within the timeout: unbounded, never a pass
                    k.resubscribe.add(kc == 0 ? Double.NaN : Double.isNaN(ms) ? Double.POSITIVE_INFINITY : ms);
                    Progress.line(String.format("%s kill %d/%d: %d connection(s) killed, resubscribed after %.1f ms", client, round + 1, killCount, kc, ms));
                    Lab.sleepMillis(Math.max(0, killSpacingMillis - (System.nanoTime() - t0) / 1_000_000));
                }
            }
            for (Kills k : per.values()) {
                FixedRate.Result r;
                try {
                    r = k.load.get();
                } catch (Exception e) {
                    throw new LabException(k.m.client + " reconnect load: " + Lab.oneLine(e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e));
                }
                Invalidation.drain(k.p, k.m.nodes(), 1000, 5000);
                reconnectRows(out, k, r);
            }
        } finally {
            loads.shutdownNow();
        }
    }

    /** Test 3's rows of one client: resubscription time judged over its kills, B's loss as a zero count over the whole test. */
    void reconnectRows(Results out, Kills k, FixedRate.Result r) {
        String client = k.m.client;
        Transport b = k.m.ts.get(1);
        List<Node> nodes = k.m.nodes();
        Books booksB = b.node().books(k.p.id);
        long published = k.p.published();
        // each kill's share of B's loss: messages published from that kill to the next (the first also covers the lead-in)
        Trials lossPerKill = new Trials();
        for (int i = 0; i < k.publishedAtKill.size(); i++) {
            long from = i == 0 ? 0 : k.publishedAtKill.get(i), to = i + 1 < k.publishedAtKill.size() ? k.publishedAtKill.get(i + 1) : published;
            lossPerKill.add(lossPercent(booksB.lost(to) - booksB.lost(from), to - from, 1));
        }
        Tally all = Invalidation.account(out, "reconnect", client, k.p, nodes);
        long lostB = booksB.lost(published);
        out.info("reconnect", client, "achieved_rate", "req/s", r.achievedRatePerSecond());
        out.info("reconnect", client, "disconnects", "count", k.killed);
        out.info("reconnect", client, "reconnects_seen_by_client", "count", b.reconnects() - k.reconnectsBefore);
        out.info("reconnect", client, "late_B", "count", late(booksB));
        out.info("reconnect", client, "not_resubscribed_in_10s", "count", k.notResubscribed);
        Latency.Summary s = out.latency("reconnect", client, "resubscribe", k.gap); // resubscribe_max: the max over the kills that came back
        Trials.Estimate e = k.resubscribe.estimate();
        out.check("reconnect", client, "resubscribe_ms", e, Criterion.PUBSUB_RECONNECT_MS);
        out.trialValues("reconnect", client, "loss_pct_B", lossPerKill.estimate());
        out.checkZero("reconnect", client, "loss_pct_B", lostB, published, Criterion.PUBSUB_LOSS_PCT);
        out.info("reconnect", client, "loss_pct_all", "%", all.lossPercent());
        System.out.printf("%-8s reconnect: %d kill(s), resubscribed %s (max %s%s), B lost %d of %d (%.2f%%) published during the test; A and C (controls) lost %d%n",
                client, k.killed, e.text("ms"), s.count() == 0 ? "n/a" : Latency.fmt(s.maxNanos()),
                k.notResubscribed == 0 ? "" : ", " + k.notResubscribed + " never back within " + RESUBSCRIBE_TIMEOUT_MILLIS / 1000 + " s",
                lostB, published, lossPercent(lostB, published, 1), all.lost() - lostB);
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
