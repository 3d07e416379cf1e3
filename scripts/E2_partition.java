///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//
// Edge Case 2 of the seed (POC1_redis_integration.md, "Edge Case 2: Network Partition During Pub/Sub"):
// a subscriber is cut off for ~10 s while 10+ invalidations are published, then reconnects. How many
// stale reads does its L1 serve afterwards, for how long, and do the mitigations stop them?
//   none                nothing: the L1 keeps what it had (Pub/Sub is at-most-once)
//   version_check       every L1 hit is checked against a version kept in Redis (one GET per read)
//   flush_on_reconnect  the whole L1 is dropped when the subscriber (re)subscribes
//
//   ./jbang scripts/E2_partition.java            seed sizes: 10 s cut, 12 invalidations, 5 s of reads after
//   ./jbang scripts/E2_partition.java --quick    1.5 s cut, ~15 s in all
//
// The cut is real and targets the subscriber connection only: CLIENT KILL of instance B's subscriber
// (named lab-e2-<client>-B-sub) plus a held-off reconnect: Jedis's reconnect loop waits; Lettuce keeps its
// own auto-reconnect, but while the cut lasts its address resolver points at a closed port, so every
// attempt is refused as on a broken network and Lettuce's real back-off decides when it comes back.
// B's data connection stays up (a subscriber-only loss, as when Redis drops a slow subscriber on its
// output-buffer limit). Values are the key's version number, so a read is stale when it differs from
// the version in Redis. A writes; C is a control that is never cut.
//
// Output: data/E2_partition/{metrics,run}.csv; exit 0 = the mitigated variants served no stale read.

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import lab.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.Invalidation;
import lab.Invalidation.Bus;
import lab.Invalidation.Node;
import lab.Invalidation.Publisher;
import lab.Invalidation.Transport;
import lab.Keys;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Progress;
import lab.RedisServer;
import lab.Results;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;

@Command(name = "E2_partition", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Edge case 2: a subscriber cut off while invalidations are published: stale reads from its L1 afterwards, with and without mitigation.")
public class E2_partition implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--cut-seconds", paramLabel = "S", description = "How long the subscriber stays cut off (default: 10, quick: 1.5).")
    Double cutSeconds;

    @Option(names = "--invalidations", paramLabel = "N", defaultValue = "12", description = "Writes (each with its invalidation) during the cut (default: ${DEFAULT-VALUE}).")
    int invalidations;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "20", description = "Cached keys every instance holds (default: ${DEFAULT-VALUE}).")
    int keyCount;

    @Option(names = "--observe-seconds", paramLabel = "S", description = "Reads by the cut instance after it is back (default: 5, quick: 1).")
    Double observeSeconds;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", description = "Subscriber clients (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    public static void main(String... args) {
        Lab.main(new E2_partition(), args);
    }

    static final List<String> VARIANTS = List.of("none", "version_check", "flush_on_reconnect");

    @Override
    public Integer call() {
        long cutMillis = (long) (1000 * (cutSeconds != null ? cutSeconds : common.quick ? 1.5 : 10));
        long observeMillis = (long) (1000 * (observeSeconds != null ? observeSeconds : common.quick ? 1 : 5));
        if (cutMillis < 100 || observeMillis < 100 || invalidations < 1 || keyCount < 1) {
            throw new LabException("--cut-seconds and --observe-seconds must be >= 0.1, --invalidations and --keys >= 1");
        }
        Clients.requireKnown(clients);
        Results out = new Results("E2_partition", common.outDir("E2_partition"));
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none())) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            out.meta("cut", "CLIENT KILL of the subscriber connection + held-off reconnect (subscriber only; data connection stays up)");
            out.meta("cut_ms", cutMillis);
            out.meta("invalidations_during_cut", invalidations);
            out.meta("keys", keyCount);
            out.meta("observe_ms", observeMillis);
            Keys keys = new Keys("E2");
            try (RedisClient data = Clients.jedis(redis, 4, "lab-e2-data")) {
                for (String client : clients) {
                    for (String variant : VARIANTS) {
                        Progress.step(client + " / " + variant + ": cut B for " + cutMillis + " ms, " + invalidations + " invalidations");
                        run(out, redis, data, keys, client, variant, cutMillis, observeMillis);
                    }
                }
            } finally {
                keys.cleanup(redis);
            }
        }
        return out.finish();
    }

    void run(Results out, RedisServer redis, RedisClient data, Keys keys, String client, String variant, long cutMillis, long observeMillis) {
        Bus bus = Bus.pubsub(redis, keys);
        List<Transport> ts = new ArrayList<>();
        try {
            for (String name : List.of("A", "B", "C")) ts.add(bus.open(client, new Node(name), "lab-e2"));
            Transport a = ts.get(0), b = ts.get(1);
            Node nb = b.node();
            nb.flushL1OnResubscribe = variant.equals("flush_on_reconnect");

            // every instance caches every key at version 1
            String[] key = new String[keyCount];
            Map<String, String> truth = new HashMap<>();
            for (int i = 0; i < keyCount; i++) {
                key[i] = keys.key(client + ":" + variant + ":item:" + i);
                data.set(key[i], "1");
                data.set(versionKey(key[i]), "1");
                truth.put(key[i], "1");
                for (Transport t : ts) t.node().l1.put(key[i], "1");
            }

            // the cut, and the writes B will miss
            long oldId = Invalidation.connectedId(redis, b.receiverName(), true);
            int killed = Invalidation.cut(redis, b);
            Publisher p = new Publisher("A." + variant);
            Map<String, Long> firstStaleAt = new HashMap<>();
            long cutStart = System.nanoTime();
            for (int w = 0; w < invalidations; w++) {
                String k = key[w % keyCount];
                String version = Long.toString(data.incr(versionKey(k)));
                data.set(k, version);
                a.node().l1.put(k, version);
                truth.put(k, version);
                firstStaleAt.putIfAbsent(k, System.nanoTime());
                a.publish(p.next(k));
                sleepUntil(cutStart + (w + 1) * cutMillis * 1_000_000L / invalidations);
            }

            // heal; B is back when the server lists its subscriber again
            long healAt = System.nanoTime();
            Invalidation.heal(b);
            double backMillis = Invalidation.awaitReconnected(redis, b.receiverName(), oldId, true, healAt, 60_000);
            if (Double.isNaN(backMillis)) throw new LabException(client + ": B did not resubscribe within 60 s after the cut");

            // B serves reads, round-robin over all keys, for the observation period
            Histogram readNanos = Latency.newHistogram();
            long reads = 0, staleReads = 0;
            Map<String, Long> freshAt = new HashMap<>(), staleServed = new HashMap<>();
            long end = System.nanoTime() + observeMillis * 1_000_000L;
            while (System.nanoTime() < end) {
                for (String k : key) {
                    long t0 = System.nanoTime();
                    String v = read(nb, data, k, variant);
                    long t1 = System.nanoTime();
                    Latency.record(readNanos, t1 - t0);
                    reads++;
                    if (!v.equals(truth.get(k))) {
                        staleReads++;
                        staleServed.merge(k, 1L, Long::sum);
                    } else {
                        freshAt.putIfAbsent(k, t1);
                    }
                }
                Lab.sleepMillis(10);
            }
            long stillStale = firstStaleAt.keySet().stream().filter(k -> !freshAt.containsKey(k)).count();
            double windowMillis = 0;
            for (Map.Entry<String, Long> e : firstStaleAt.entrySet()) {
                long until = freshAt.getOrDefault(e.getKey(), end); // censored at the end of the observation
                windowMillis = Math.max(windowMillis, (until - e.getValue()) / 1e6);
            }
            Invalidation.drain(p, List.of(a.node(), ts.get(2).node()), 500, 3000);

            String test = variant;
            out.info(test, client, "disconnects", "count", killed);
            out.info(test, client, "cut_ms", "ms", (healAt - cutStart) / 1e6);
            out.info(test, client, "resubscribed_after_heal", "ms", backMillis);
            Invalidation.account(out, test, client, p, List.of(nb, ts.get(2).node()));
            out.info(test, client, "l1_flushes_B", "count", nb.flushes());
            out.info(test, client, "stale_keys", "count", firstStaleAt.size());
            out.info(test, client, "reads_after_reconnect", "count", reads);
            out.info(test, client, "stale_keys_served_after_reconnect", "count", staleServed.size());
            out.info(test, client, "still_stale_at_end", "count", stillStale);
            out.info(test, client, "staleness_window_max", "ms", windowMillis);
            out.latency(test, client, "read", readNanos);
            if (variant.equals("none")) out.info(test, client, "stale_reads_after_reconnect", "count", staleReads);
            else out.check(test, client, "stale_reads_after_reconnect", staleReads, Criterion.STALE_READS_MITIGATED);
            System.out.printf("%-8s %-18s cut %.0f ms (%d killed), back %.0f ms after heal; B lost %d of %d invalidations; after reconnect: %d stale of %d reads on %d keys, %d still stale at the end; staleness window max %.0f ms%s; read p50 %s%n",
                    client, variant, (healAt - cutStart) / 1e6, killed, backMillis, nb.books(p.id).lost(p.published()), p.published(), staleReads, reads,
                    staleServed.size(), stillStale, windowMillis, stillStale > 0 ? " (censored: still stale)" : "", Latency.fmt(Latency.summarize(readNanos).p50Nanos()));
        } finally {
            for (Transport t : ts) {
                Invalidation.heal(t);
                t.close();
            }
        }
    }

    /** The cut instance's read path: L1, then Redis; with version_check every L1 hit is verified first. */
    static String read(Node n, RedisClient data, String k, String variant) {
        String v = n.l1.get(k);
        if (v != null && variant.equals("version_check")) {
            String current = data.get(versionKey(k));
            if (!v.equals(current)) v = null; // the L1 copy is outdated: reload
        }
        if (v == null) {
            v = data.get(k);
            n.l1.put(k, v);
        }
        return v;
    }

    static String versionKey(String k) {
        return k + ":version";
    }

    static void sleepUntil(long nanos) {
        long wait = nanos - System.nanoTime();
        if (wait > 0) Lab.sleepMillis(wait / 1_000_000);
    }
}
