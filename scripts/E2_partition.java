///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//SOURCES lab/inval/*.java
//
// Edge Case 2 of the seed (POC1_redis_integration.md, "Edge Case 2: Network Partition During Pub/Sub"):
// a subscriber is cut off for ~10 s while 10+ invalidations are published, then reconnects. How many
// stale reads does its L1 serve afterwards, for how long, and do the mitigations stop them?
//   none                nothing: the L1 keeps what it had (Pub/Sub is at-most-once)
//   version_check       every L1 hit is checked against a version kept in Redis (one GET per read)
//   flush_on_reconnect  the whole L1 is dropped when the subscriber (re)subscribes
//
//   ./jbang scripts/E2_partition.java            seed sizes: 10 s cut, 12 invalidations, 5 s of reads after
//   ./jbang scripts/E2_partition.java --quick    1.5 s cut, one 5 s partition per variant, about 1 min
//
// The cut is real and targets the subscriber connection only: CLIENT KILL of instance B's subscriber
// (named lab-e2-<client>-B-sub) plus a held-off reconnect: Jedis's reconnect loop waits; Lettuce keeps its
// own auto-reconnect, but while the cut lasts its address resolver points at a closed port, so every
// attempt is refused as on a broken network and Lettuce's real back-off decides when it comes back.
// B's data connection stays up (a subscriber-only loss, as when Redis drops a slow subscriber on its
// output-buffer limit). Values are the key's version number, so a read is stale when it differs from
// the version in Redis. A writes; C is a control that is never cut.
//
// A second fault, a silent partition (`--faults partition`): B's subscriber connection goes through the lab's
// network path (lab.net.NetworkPath, a TCP proxy) and the path stops forwarding it in both directions: no
// reset, the connection stays ESTABLISHED on both ends, Redis keeps writing into it (its output buffer for B,
// CLIENT LIST omem, is recorded at the heal), what was held back is delivered after the heal, late. B reads
// all along (during the partition and after it). Mitigations compared per partition length:
//   none / version_check / flush_on_reconnect    as above
//   heartbeat           (Jedis) PING on the subscriber every 1 s, no PONG for 2 s: drop L1, read through
//                       to Redis (no L1) until subscribed again, reconnect; flush on resubscribe too
//                       (not for Lettuce: its public API has no way to drop a connection it thinks is alive)
// TCP keepalive cannot be a row on the proxy (its own sockets acknowledge keepalive probes), so a third fault,
// a kernel partition (`--faults keepalive`, root with ip and nft; otherwise skipped with the reason printed and
// a keepalive_setup row saying so): the same server binary runs inside a network namespace (lab.net.NetNamespace,
// a veth pair, link-local addresses); B's subscriber connects to one of the namespace's addresses, everyone else
// to another, and the partition is an nft drop rule in the namespace on B's address, both directions, present and
// future connections (no reset). B's subscriber has TCP keepalive on (Jedis: on its socket; Lettuce:
// SocketOptions.KeepAliveOptions) with flush on resubscribe:
//   tcp keepalive (idle 1 s, interval 1 s, count 3)    --keepalive-* options: the kernel ends the silent
//                       connection after ~idle + interval x count (ETIMEDOUT to the blocked client), the client
//                       reconnects once the partition heals and flushes its L1 on resubscribe
//   tcp keepalive (OS default: idle 7200 s, ...)       SO_KEEPALIVE alone: never noticed within a partition
//                                                      (first partition length only)
// Noticed = the kernel of this host ended B's subscriber connection (/proc/net/tcp), the moment the client's
// blocked read fails. Rows as for the proxy partition, same partition.csv; start and end times in faults.csv.
// Partition lengths: 10 s (the seed's) and 30 s (longer than the heartbeat's and Jedis's 2 s timeouts by far);
// quick: 5 s only. The partition's start and end times go to faults.csv and run.csv.
//
// Criterion (mitigated variants only): 0 stale reads by B, out of every read B served after it was back (CLIENT KILL:
// from the resubscription for --observe-seconds; partitions: from the heal for --observe-seconds), a zero count
// reported with its 95 % Clopper-Pearson bound on the stale-read rate (the reads are the denominator). One run
// per variant and fault, no repeated trials: the full run is long already.
// Output: data/E2_partition/{metrics,run,faults,partition}.csv; exit 0 = the mitigated variants served no stale read.

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import lab.Check;
import lab.ClientKind;
import lab.redis.Clients;
import lab.net.KeepAlive;
import lab.net.NetNamespace;
import lab.net.NetworkPath;
import lab.redis.NamespacedRedis;
import lab.net.NetworkProfile;
import lab.CommonOptions;
import lab.Criterion;
import lab.inval.Invalidation;
import lab.inval.Invalidation.Bus;
import lab.inval.Invalidation.Node;
import lab.inval.Invalidation.Publisher;
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
import redis.clients.jedis.RedisClient;

@Command(name = "E2_partition", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Edge case 2: a subscriber cut off while invalidations are published: stale reads from its L1 afterwards, with and without mitigation.")
public class E2_partition implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--cut-seconds", paramLabel = "S", defaultValue = "10", description = "How long the subscriber stays cut off (default: ${DEFAULT-VALUE}).")
    @Quick("1.5") double cutSeconds;

    @Option(names = "--invalidations", paramLabel = "N", defaultValue = "12", description = "Writes (each with its invalidation) during the cut (default: ${DEFAULT-VALUE}).")
    int invalidations;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "20", description = "Cached keys every instance holds (default: ${DEFAULT-VALUE}).")
    int keyCount;

    @Option(names = "--observe-seconds", paramLabel = "S", defaultValue = "5", description = "Reads by the cut instance after it is back (default: ${DEFAULT-VALUE}).")
    @Quick("0.5") double observeSeconds;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", converter = ClientKind.Converter.class, description = "Subscriber clients (default: ${DEFAULT-VALUE}).")
    List<ClientKind> clients;

    @Option(names = "--faults", split = ",", defaultValue = "kill,partition,keepalive", description = "Faults to run: kill (CLIENT KILL + held-off reconnect), partition (silent, on the network path), keepalive (silent kernel partition, TCP keepalive on B; root) (default: ${DEFAULT-VALUE}).")
    List<String> faults;

    @Option(names = "--keepalive-idle-seconds", paramLabel = "S", defaultValue = "1", description = "Keepalive rows: idle time before the first probe (default: ${DEFAULT-VALUE}).")
    int keepaliveIdleSeconds;

    @Option(names = "--keepalive-interval-seconds", paramLabel = "S", defaultValue = "1", description = "Keepalive rows: time between probes (default: ${DEFAULT-VALUE}).")
    int keepaliveIntervalSeconds;

    @Option(names = "--keepalive-count", paramLabel = "N", defaultValue = "3", description = "Keepalive rows: unanswered probes before the kernel gives up (default: ${DEFAULT-VALUE}).")
    int keepaliveCount;

    @Option(names = "--partition-seconds", split = ",", paramLabel = "S", description = "Silent partition lengths (default: 10,30; quick: 5, just long enough for the 1 s keepalive rows to notice, at ~4.1 s).")
    List<Double> partitionSeconds;

    /** The heartbeat mitigation's settings (stated in run.csv). */
    static final long HEARTBEAT_MS = 1000, HEARTBEAT_TIMEOUT_MS = 2000;

    public static void main(String... args) {
        Lab.main(new E2_partition(), args);
    }

    static final List<String> VARIANTS = List.of("none", "version_check", "flush_on_reconnect");

    @Override
    public Integer call() {
        long cutMillis = (long) (1000 * cutSeconds);
        long observeMillis = (long) (1000 * observeSeconds);
        Check.atLeast("--cut-seconds", cutSeconds, 0.1);
        Check.atLeast("--observe-seconds", observeSeconds, 0.1);
        Check.atLeast("--invalidations", invalidations, 1);
        Check.atLeast("--keys", keyCount, 1);
        for (String f : faults) if (!List.of("kill", "partition", "keepalive").contains(f)) throw new LabException("unknown fault '" + f + "' (kill, partition, keepalive)");
        KeepAlive stated = KeepAlive.of(keepaliveIdleSeconds, keepaliveIntervalSeconds, keepaliveCount);
        List<Double> partitions = partitionSeconds != null ? partitionSeconds : common.quick ? List.of(5.0) : List.of(10.0, 30.0);
        for (double ps : partitions) if (ps < 0.1) throw new LabException("--partition-seconds must be >= 0.1");
        Results out = new Results(this, common);
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(1L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            out.meta("cut", "CLIENT KILL of the subscriber connection + held-off reconnect (subscriber only; data connection stays up)");
            out.meta("cut_ms", cutMillis);
            out.meta("invalidations_during_cut", invalidations);
            out.meta("keys", keyCount);
            out.meta("observe_ms", observeMillis);
            Keys keys = new Keys("E2");
            // the silent partition needs a path even on loopback: then it adds no delay, only the fault
            NetworkPath own = redis.network() == null && faults.contains("partition") ? NetworkPath.start(NetworkProfile.loopback, redis.host(), redis.port()) : null;
            RedisServer viaPath = own != null ? redis.via(own) : redis;
            if (own != null) out.network(own);
            if (faults.contains("partition")) {
                out.meta("partition", "silent, both directions, on B's subscriber connection only (network path proxy; B's data connection and A, C unaffected)");
                out.meta("partition_ms", partitions.stream().map(x -> Long.toString(Math.round(x * 1000))).toList());
                out.meta("heartbeat", "PING every " + HEARTBEAT_MS + " ms on the subscriber connection, no PONG for " + HEARTBEAT_TIMEOUT_MS + " ms: drop L1 and read through to Redis until subscribed again, reconnect (Jedis)");
            }
            // the kernel partition: its own namespace and server (same binary), or the reason it cannot run here
            String noKernel = faults.contains("keepalive") ? NamespacedRedis.unavailable(common.server()) : null;
            NetNamespace ns = null;
            NamespacedRedis nsRedis = null;
            if (faults.contains("keepalive") && noKernel == null) {
                try {
                    ns = NetNamespace.create();
                    nsRedis = NamespacedRedis.start(ns, common.server());
                } catch (LabException e) {
                    noKernel = e.getMessage();
                    if (ns != null) ns.close();
                    ns = null;
                }
            }
            if (faults.contains("keepalive")) {
                out.info("keepalive_setup", "all", "kernel_partition_available", "count", noKernel == null ? 1 : 0);
                if (noKernel != null) {
                    System.out.println("keepalive rows skipped: " + noKernel);
                    out.meta("keepalive_skipped", noKernel);
                } else {
                    Progress.step("kernel partition: " + nsRedis.describe());
                    out.meta("keepalive_server", nsRedis.describe());
                    out.meta("keepalive_partition", "silent, both directions, nft drop in the namespace on the address only B's Pub/Sub connections use (its subscriber and its idle publish connection; present and future connections; A, C, B's data unaffected)");
                    out.meta("keepalive_stated", stated.label());
                    out.meta("partition_ms", partitions.stream().map(x -> Long.toString(Math.round(x * 1000))).toList());
                    out.meta("keepalive_os_default", KeepAlive.osDefault().label());
                }
            }
            try (RedisClient data = Clients.jedis(redis.direct(), 4, "lab-e2-data");
                 RedisClient nsData = nsRedis == null ? null : Clients.jedis(nsRedis, 4, "lab-e2k-data")) {
                for (String client : ClientKind.names(clients)) {
                    if (faults.contains("kill")) {
                        for (String variant : VARIANTS) {
                            Progress.step(client + " / " + variant + ": cut B for " + cutMillis + " ms, " + invalidations + " invalidations");
                            run(out, redis, data, keys, client, variant, cutMillis, observeMillis);
                        }
                    }
                    if (faults.contains("partition")) {
                        for (double ps : partitions) {
                            for (String m : PARTITION_MITIGATIONS) {
                                if (m.equals("heartbeat") && !client.equals(Clients.JEDIS)) continue; // Lettuce: see the header
                                long pm = Math.round(ps * 1000);
                                Progress.step(client + " / " + m + ": silent partition of B's subscriber for " + pm + " ms, " + invalidations + " invalidations");
                                runPartition(out, redis, viaPath, viaPath, null, data, keys, client, m, pm, observeMillis, proxyCut(viaPath.network()));
                            }
                        }
                    }
                    if (nsRedis != null) {
                        for (int i = 0; i < partitions.size(); i++) {
                            long pm = Math.round(partitions.get(i) * 1000);
                            // the OS default once: its first probe (7200 s idle) is beyond any partition length
                            for (KeepAlive ka : i == 0 ? List.of(stated, KeepAlive.osDefault()) : List.of(stated)) {
                                Progress.step(client + " / " + ka.label() + ": kernel partition of B's subscriber for " + pm + " ms, " + invalidations + " invalidations");
                                runPartition(out, nsRedis, nsRedis, nsRedis.at(1), ka, nsData, keys, client, ka.label(), pm, observeMillis, kernelCut(nsRedis));
                            }
                        }
                    }
                }
            } finally {
                keys.cleanup(redis);
                if (own != null) own.close();
                if (ns != null) recordKernelFaults(out, ns);
                if (nsRedis != null) nsRedis.close();
                if (ns != null) ns.close();
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
            long subscriptionsBefore = nb.subscriptions();
            int killed = Invalidation.cut(redis, b);
            Publisher p = new Publisher("A." + variant);
            Map<String, Long> firstStaleAt = new HashMap<>();
            long cutStart = System.nanoTime();
            for (int w = 0; w < invalidations; w++) {
                write(data, a, p, key[w % keyCount], truth, firstStaleAt);
                sleepUntil(cutStart + (w + 1) * cutMillis * 1_000_000L / invalidations);
            }

            // heal; B is back when the server lists its subscriber again
            long healAt = System.nanoTime();
            Invalidation.heal(b);
            double backMillis = Invalidation.awaitReconnected(redis, b.receiverName(), oldId, true, healAt, 60_000);
            if (Double.isNaN(backMillis)) throw new LabException(client + ": B did not resubscribe within 60 s after the cut");
            // the server lists the subscription before the client has read SUBSCRIBE's reply (where the flush runs)
            long clientDeadline = System.nanoTime() + 5_000_000_000L;
            while (nb.subscriptions() <= subscriptionsBefore && System.nanoTime() < clientDeadline) Lab.sleepMillis(1);
            backMillis = Math.max(backMillis, (System.nanoTime() - healAt) / 1e6);

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
            // judged as a zero count out of every read B served after it was back (the observed window)
            if (variant.equals("none")) out.info(test, client, "stale_reads_after_reconnect", "count", staleReads);
            else out.checkZero(test, client, "stale_reads_after_reconnect", staleReads, reads, Criterion.STALE_READS_MITIGATED);
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

    static final List<String> PARTITION_MITIGATIONS = List.of("none", "version_check", "flush_on_reconnect", "heartbeat");

    /**
     * Silent partition of B's subscriber: B reads all along; A writes {@code invalidations} times during
     * the partition. Measures when (if) B notices, the stale reads it serves during and after, which
     * invalidations arrive late (after the heal) and which never, and what Redis did with the frozen subscriber.
     */
    void runPartition(Results out, RedisServer redis, RedisServer viaPath, RedisServer forB, KeepAlive keepAlive, RedisClient data, Keys keys, String client,
                      String mitigation, long partitionMillis, long observeMillis, Cutter cutter) {
        String test = "partition_" + Results.num(partitionMillis / 1000.0) + "s:" + mitigation;
        Bus bus = Bus.pubsub(viaPath, keys).named(client + "-" + (keepAlive == null ? mitigation : keepAlive.systemDefault() ? "ka-os" : "ka") + "-" + partitionMillis);
        Bus busB = new Bus(forB, bus.mechanism(), bus.address(), bus.streamMaxLen());
        List<Transport> ts = new ArrayList<>();
        try {
            for (String name : List.of("A", "B", "C")) {
                Node n = new Node(name);
                if (name.equals("B")) n.keepAlive = keepAlive; // before the transport connects
                ts.add((name.equals("B") ? busB : bus).open(client, n, "lab-e2p"));
            }
            Transport a = ts.get(0), b = ts.get(1);
            Node nb = b.node();
            nb.flushL1OnResubscribe = mitigation.equals("flush_on_reconnect") || mitigation.equals("heartbeat") || keepAlive != null;
            if (mitigation.equals("heartbeat")) {
                nb.heartbeatTimeoutMillis = HEARTBEAT_TIMEOUT_MS;
                nb.heartbeatMillis = HEARTBEAT_MS; // takes effect on the next connection: reconnect once, before the fault
                long id0 = Invalidation.connectedId(redis, b.receiverName(), true);
                Invalidation.cut(redis, b);
                Invalidation.heal(b);
                if (Double.isNaN(Invalidation.awaitReconnected(redis, b.receiverName(), id0, true, System.nanoTime(), 10_000))) {
                    throw new LabException(client + ": B did not resubscribe with its heartbeat on");
                }
            }
            String variant = mitigation.equals("version_check") ? "version_check" : mitigation.equals("heartbeat") ? "heartbeat" : "none"; // read path
            String[] key = new String[keyCount];
            Map<String, String> truth = new HashMap<>();
            for (int i = 0; i < keyCount; i++) {
                key[i] = keys.key(client + ":p" + partitionMillis + ":" + mitigation + ":item:" + i);
                data.set(key[i], "1");
                data.set(versionKey(key[i]), "1");
                truth.put(key[i], "1");
                for (Transport t : ts) t.node().l1.put(key[i], "1");
            }
            long subId = cutter.subscriberId(redis, b);
            long reconnects0 = b.reconnects(), flushes0 = nb.flushes();

            Publisher p = new Publisher("A.p." + mitigation);
            Histogram readNanos = Latency.newHistogram();
            long[] reads = new long[2], stale = new long[2]; // [during, after]
            Map<String, Long> firstStaleAt = new HashMap<>(), lastStaleReadAt = new HashMap<>();
            Map<String, Boolean> lastReadStale = new HashMap<>();
            long noticedAt = 0, lateDoneAt = 0;

            Cut fault = cutter.start(redis, b, subId);
            long start = fault.startNanos(), healAt = start + partitionMillis * 1_000_000L, end = healAt + observeMillis * 1_000_000L;
            int written = 0;
            long receivedAtHeal = -1;
            String omemAtHeal = "", stateAtHeal = "";
            while (true) {
                long now = System.nanoTime();
                if (receivedAtHeal < 0 && now >= healAt) {
                    // what the server did with the frozen subscriber, then the heal
                    Map<String, String> c = clientFields(redis, subId);
                    omemAtHeal = c.getOrDefault("omem", "");
                    stateAtHeal = c.isEmpty() ? "disconnected" : "connected";
                    receivedAtHeal = nb.books(p.id).received();
                    fault.end();
                }
                if (receivedAtHeal >= 0 && lateDoneAt == 0 && receivedAtHeal < invalidations && nb.books(p.id).received() >= invalidations) lateDoneAt = now;
                if (now >= end) break;
                if (written < invalidations && now >= start + (written + 1) * partitionMillis * 1_000_000L / (invalidations + 1)) {
                    write(data, a, p, key[written % keyCount], truth, firstStaleAt);
                    written++;
                }
                if (noticedAt == 0 && fault.noticedNanos() > 0) noticedAt = fault.noticedNanos();
                if (noticedAt == 0 && (b.reconnects() > reconnects0 || nb.heartbeatTimeouts() > 0 && nb.firstHeartbeatTimeoutNanos() > start)) {
                    noticedAt = nb.firstHeartbeatTimeoutNanos() > start ? nb.firstHeartbeatTimeoutNanos() : System.nanoTime();
                }
                int phase = receivedAtHeal < 0 ? 0 : 1;
                for (String k : key) {
                    long t0 = System.nanoTime();
                    String v = read(nb, data, k, variant);
                    long t1 = System.nanoTime();
                    Latency.record(readNanos, t1 - t0);
                    reads[phase]++;
                    boolean isStale = !v.equals(truth.get(k));
                    if (isStale) {
                        stale[phase]++;
                        lastStaleReadAt.put(k, t1);
                    }
                    lastReadStale.put(k, isStale);
                }
                Lab.sleepMillis(10);
            }
            Invalidation.drain(p, List.of(a.node(), ts.get(2).node(), nb), 500, 3000);
            long receivedEnd = nb.books(p.id).received();
            long stillStale = lastReadStale.values().stream().filter(x -> x).count();
            double windowMillis = 0;
            for (Map.Entry<String, Long> e : lastStaleReadAt.entrySet()) {
                windowMillis = Math.max(windowMillis, (e.getValue() - firstStaleAt.getOrDefault(e.getKey(), e.getValue())) / 1e6);
            }
            Map<String, String> after = clientFields(redis, subId);

            out.info(test, client, "partition_ms", "ms", fault.durationMillis());
            out.info(test, client, "noticed", "count", noticedAt > 0 ? 1 : 0);
            out.info(test, client, "time_to_notice", "ms", noticedAt > 0 ? (noticedAt - start) / 1e6 : Double.NaN);
            out.info(test, client, "reconnects_B", "count", b.reconnects() - reconnects0);
            out.info(test, client, "l1_flushes_B", "count", nb.flushes() - flushes0);
            out.info(test, client, "invalidations_published", "count", p.published());
            out.info(test, client, "invalidations_on_time", "count", receivedAtHeal);
            out.info(test, client, "invalidations_late", "count", receivedEnd - receivedAtHeal);
            out.info(test, client, "invalidations_never", "count", Math.max(0, p.published() - receivedEnd));
            out.info(test, client, "late_invalidations_done_after_heal", "ms", lateDoneAt > 0 ? (lateDoneAt - healAt) / 1e6 : Double.NaN);
            out.info(test, client, "reads_during_partition", "count", reads[0]);
            out.info(test, client, "stale_reads_during_partition", "count", stale[0]);
            out.info(test, client, "reads_after_heal", "count", reads[1]);
            out.info(test, client, "still_stale_at_end", "count", stillStale);
            out.info(test, client, "staleness_window_max", "ms", windowMillis);
            out.info(test, client, "server_subscriber_omem_at_heal", "bytes", omemAtHeal.isEmpty() ? Double.NaN : Double.parseDouble(omemAtHeal));
            out.info(test, client, "server_kept_frozen_subscriber", "count", stateAtHeal.equals("connected") ? 1 : 0);
            out.info(test, client, "old_subscriber_connection_at_end", "count", after.isEmpty() ? 0 : 1);
            out.latency(test, client, "read", readNanos);
            // judged as a zero count out of every read B served from the heal to the end of the observation
            if (mitigation.equals("none") || keepAlive != null && keepAlive.systemDefault()) out.info(test, client, "stale_reads_after_heal", "count", stale[1]);
            else out.checkZero(test, client, "stale_reads_after_heal", stale[1], reads[1], Criterion.STALE_READS_MITIGATED);
            out.table("partition.csv", "client", "partition_ms", "mitigation", "time_to_notice_ms", "stale_reads_during", "stale_reads_after_heal",
                            "invalidations_on_time", "invalidations_late", "invalidations_never", "late_done_after_heal_ms", "server_omem_at_heal", "server_kept_subscriber")
                    .row(client, partitionMillis, mitigation, noticedAt > 0 ? (noticedAt - start) / 1e6 : Double.NaN, stale[0], stale[1],
                            receivedAtHeal, receivedEnd - receivedAtHeal, Math.max(0, p.published() - receivedEnd), lateDoneAt > 0 ? (lateDoneAt - healAt) / 1e6 : Double.NaN, omemAtHeal, stateAtHeal);
            System.out.printf("%-8s partition %5d ms %-18s noticed %s; stale reads %d during / %d after heal; invalidations %d on time, %d late%s, %d never (of %d); server: subscriber %s at heal, omem %s%n",
                    client, partitionMillis, mitigation, noticedAt > 0 ? String.format("after %.0f ms", (noticedAt - start) / 1e6) : "never", stale[0], stale[1],
                    receivedAtHeal, receivedEnd - receivedAtHeal, lateDoneAt > 0 ? String.format(" (all in %.0f ms after the heal)", (lateDoneAt - healAt) / 1e6) : "",
                    Math.max(0, p.published() - receivedEnd), p.published(), stateAtHeal, omemAtHeal);
        } finally {
            for (Transport t : ts) {
                Invalidation.heal(t);
                t.close();
            }
        }
    }

    /** One silent partition of B's subscriber, however it is done. */
    interface Cut {
        long startNanos();

        void end();

        double durationMillis();

        /** System.nanoTime() when the client's side of the connection ended (0: not yet, or not observable here). */
        default long noticedNanos() {
            return 0;
        }
    }

    /** Starts a partition of transport {@code b}'s subscriber; {@code subId} is its CLIENT LIST id ({@link #subscriberId}). */
    interface Cutter {
        Cut start(RedisServer server, Transport b, long subId);

        /** B's subscriber connection as the server lists it (CLIENT LIST id). */
        default long subscriberId(RedisServer admin, Transport b) {
            return Invalidation.connectedId(admin, b.receiverName(), true);
        }
    }

    /** On the proxy: B's subscriber connections by name, present and future. */
    static Cutter proxyCut(NetworkPath path) {
        return (server, b, subId) -> {
            NetworkPath.Fault f = path.partition(b.receiverName(), NetworkPath.named(b.receiverName()), NetworkPath.Direction.both);
            return new Cut() {
                @Override public long startNanos() { return f.startNanos; }
                @Override public void end() { f.end(); }
                @Override public double durationMillis() { return f.durationMillis(); }
            };
        };
    }

    /**
     * In the kernel: an nft drop on the namespace address B's subscriber uses (present and future connections);
     * noticed when this host's kernel no longer holds B's connection (keepalive gave up: ETIMEDOUT to the client).
     */
    static Cutter kernelCut(NamespacedRedis server) {
        return new Cutter() {
          @Override public long subscriberId(RedisServer admin, Transport b) {
            return liveSubscriberId(admin, b.receiverName());
          }

          @Override public Cut start(RedisServer admin, Transport b, long subId) {
            String addr = clientFields(admin, subId).getOrDefault("addr", "");
            int localPort = Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
            NetNamespace.Fault f = server.namespace().partition(b.receiverName(), NetNamespace.Match.serverAddress(server.at(1).host()), NetworkPath.Direction.both);
            return new Cut() {
                long noticed;

                @Override public long startNanos() { return f.startNanos; }
                @Override public void end() { f.end(); }
                @Override public double durationMillis() { return f.durationMillis(); }
                @Override public long noticedNanos() {
                    // only while the partition lasts: after the heal the connection may end for other reasons
                    if (noticed == 0 && f.endedAt() == null && !NetNamespace.established(localPort, NamespacedRedis.PORT)) noticed = System.nanoTime();
                    return noticed;
                }
            };
          }
        };
    }

    /**
     * The id of B's subscriber connection that this host still holds. A connection the kernel ended here
     * (keepalive gave up in an earlier row) stays listed on the server until the server next writes to it and
     * gets a reset, so the server may list B's name twice; the live one is the one established here. Waits up
     * to 5 s for it (B may still be resubscribing); the first one listed if none shows up.
     */
    static long liveSubscriberId(RedisServer admin, String name) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try (redis.clients.jedis.Jedis j = admin.admin()) {
                for (String line : j.clientList().split("\n")) {
                    String f = " " + line.trim() + " ";
                    if (!f.contains(" name=" + name + " ") || f.contains(" sub=0 ")) continue;
                    int at = f.indexOf(" addr=");
                    String addr = f.substring(at + 6, f.indexOf(' ', at + 6));
                    int port = Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
                    if (NetNamespace.established(port, NamespacedRedis.PORT)) {
                        int idAt = f.indexOf(" id=");
                        return Long.parseLong(f.substring(idAt + 4, f.indexOf(' ', idAt + 4)));
                    }
                }
            }
            if (System.nanoTime() > deadline) break;
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        return Invalidation.connectedId(admin, name, true);
    }

    /** The kernel partitions' start and end times, beside the proxy's (faults.csv, run.csv). */
    static void recordKernelFaults(Results out, NetNamespace ns) {
        int n = 0;
        for (NetNamespace.Fault f : ns.faults()) {
            out.table("faults.csv", "fault", "target", "direction", "extra_delay_us", "started_utc", "ended_utc", "duration_ms")
                    .row(f.kind, f.target, f.direction, 0, f.startedAt, f.endedAt() == null ? "" : f.endedAt(), f.durationMillis());
            out.meta("kernel_fault_" + (++n), f.toString());
        }
        if (n > 0) out.meta("kernel_faults", n);
    }

    /** CLIENT LIST fields of connection {@code id} (empty: the server no longer has it). */
    static Map<String, String> clientFields(RedisServer redis, long id) {
        try (redis.clients.jedis.Jedis j = redis.admin()) {
            for (String line : j.clientList().split("\n")) {
                Map<String, String> f = new HashMap<>();
                for (String kv : line.trim().split(" ")) {
                    int i = kv.indexOf('=');
                    if (i > 0) f.put(kv.substring(0, i), kv.substring(i + 1));
                }
                if (Long.toString(id).equals(f.get("id"))) return f;
            }
        }
        return Map.of();
    }

    /** The cut instance's read path: L1, then Redis; with version_check every L1 hit is verified first. */
    static String read(Node n, RedisClient data, String k, String variant) {
        if (variant.equals("heartbeat") && n.unsubscribed) return data.get(k); // no subscription, no L1
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

    /**
     * A's write: a new version of {@code k} in Redis (INCR of its version key, then SET), in A's own L1
     * and in the truth B is checked against; B is stale on {@code k} from now until the invalidation lands.
     */
    static void write(RedisClient data, Transport a, Publisher p, String k, Map<String, String> truth, Map<String, Long> firstStaleAt) {
        String version = Long.toString(data.incr(versionKey(k)));
        data.set(k, version);
        a.node().l1.put(k, version);
        truth.put(k, version);
        firstStaleAt.putIfAbsent(k, System.nanoTime());
        a.publish(p.next(k));
    }

    static String versionKey(String k) {
        return k + ":version";
    }

    static void sleepUntil(long nanos) {
        long wait = nanos - System.nanoTime();
        if (wait > 0) Lab.sleepMillis(wait / 1_000_000);
    }
}
