///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS com.fasterxml.jackson.core:jackson-databind:2.20.1
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//
// Deep Question 2 of the seed (POC1_redis_integration.md, "Cache Key Versioning"): should cache keys
// carry the schema version (v1:chunk:123) or not (chunk:123)? The cached chunk changes schema:
//   v1 {id, filePath, content, embedding: [floats]}
//   v2 {id, path (renamed), language (added), content, embeddingF32: base64 float32 little-endian}
// Readers deserialize with Jackson, strict (FAIL_ON_UNKNOWN_PROPERTIES, Jackson's default) or lenient.
// Every decoded value is compared with the source of truth (the L3 row, bit-exact embedding):
// a read is ok, a miss, wrong (decoded, but fields missing or different: served silently) or
// failed (deserialization error: the reader reloads from L3 and rewrites the entry).
//
// Three measurements:
//   compat        2M keys (M = min(N/2, 500)), half written by v1, half by v2; each of the 4 readers reads all of them,
//                 with unversioned and with versioned keys.
//   rolling       a rolling deploy: K instances read uniformly random keys of a warm v1 cache,
//                 cache-aside; instance j switches to v2 at window pre + j*step. Hit rate, misses,
//                 failed and wrong reads, L3 loads per window, for unversioned-strict,
//                 unversioned-lenient and versioned keys.
//   invalidation  SCAN MATCH <old version>:* + UNLINK of n keys (with as many new-version keys
//                 beside them), n = N/100 .. N: time and keys/s.
// Embeddings have --dims values (default 64): the schema question does not depend on vector size,
// and the rolling deploy stays fast; --dims 768 gives the seed's size.
//
//   ./jbang scripts/Q2_key_versioning.java            N = 10000 keys
//   ./jbang scripts/Q2_key_versioning.java --quick    N = 1000 keys (~10 s)
//
// Output: data/Q2_key_versioning/{metrics,rolling,run}.csv
//   rolling.csv: scenario,scheme,window,v2_instances,requests,hit_rate_pct,misses,failed,wrong,l3_loads
//                (hit_rate_pct counts correct hits only; a wrong value served is not a hit)
// Criterion (added for this question): wrong + failed reads with version-prefixed keys == 0, in the
// compat and rolling tests, judged as a count out of the versioned reads made (compat: 4 readers x 2M keys,
// rolling: every read of the deploy) with its 95 % Clopper-Pearson upper bound on the rate (full run, compat:
// "0 of 4,000: rate < 0.075 %"). Unversioned results are INFO rows: they are what the criterion guards against.

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import lab.redis.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.Embeddings;
import lab.redis.Keys;
import lab.Lab;
import lab.LabException;
import lab.Progress;
import lab.Quick;
import lab.redis.RedisServer;
import lab.Results;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

@Command(name = "Q2_key_versioning", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Deep question 2: version-prefixed vs unversioned cache keys across a v1 -> v2 schema change (wrong reads, hit-rate dip, invalidation cost).")
public class Q2_key_versioning implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "10000", description = "Working set of the rolling deploy and largest invalidation size (default: ${DEFAULT-VALUE}).")
    @Quick("1000") int keysOption;

    @Option(names = "--instances", defaultValue = "4", paramLabel = "K", description = "API instances in the rolling deploy (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--dims", defaultValue = "64", paramLabel = "D", description = "Embedding values per chunk (default: ${DEFAULT-VALUE}; the seed's is 768).")
    int dims;

    public static void main(String... args) {
        Lab.main(new Q2_key_versioning(), args);
    }

    /** The two schemas of the cached chunk. */
    public record ChunkV1(String id, String filePath, String content, float[] embedding) {}

    public record ChunkV2(String id, String path, String language, String content, String embeddingF32) {}

    /** The L3 row: what every read must return, whatever its schema. */
    record Truth(String id, String path, String language, String content, float[] embedding) {}

    enum Outcome { OK, MISS, WRONG, FAILED }

    /** A reader/writer of one schema version, with one key scheme and one Jackson strictness. */
    final class Reader {
        final int version;
        final boolean strict, versioned;
        final ObjectMapper mapper;
        final String prefix;

        Reader(int version, boolean strict, boolean versioned, String prefix) {
            this.version = version;
            this.strict = strict;
            this.versioned = versioned;
            this.prefix = prefix;
            this.mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, strict);
        }

        String key(int i) {
            return prefix + (versioned ? "v" + version + ":" : "") + "chunk:" + i;
        }

        String name() {
            return "v" + version + "-" + (strict ? "strict" : "lenient");
        }

        String encode(Truth t) {
            try {
                Object v = version == 1 ? new ChunkV1(t.id(), t.path(), t.content(), t.embedding())
                        : new ChunkV2(t.id(), t.path(), t.language(), t.content(), Base64.getEncoder().encodeToString(Embeddings.toBytes(t.embedding())));
                return mapper.writeValueAsString(v);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Decodes a cached value and judges it against the truth. */
        Outcome judge(String json, Truth t) {
            if (json == null) return Outcome.MISS;
            try {
                if (version == 1) {
                    ChunkV1 c = mapper.readValue(json, ChunkV1.class);
                    boolean right = t.id().equals(c.id()) && t.path().equals(c.filePath()) && t.content().equals(c.content())
                            && c.embedding() != null && Embeddings.mismatches(t.embedding(), c.embedding()) == 0;
                    return right ? Outcome.OK : Outcome.WRONG;
                }
                ChunkV2 c = mapper.readValue(json, ChunkV2.class);
                boolean right = t.id().equals(c.id()) && t.path().equals(c.path()) && t.language().equals(c.language())
                        && t.content().equals(c.content()) && c.embeddingF32() != null
                        && Embeddings.mismatches(t.embedding(), Embeddings.fromBytes(Base64.getDecoder().decode(c.embeddingF32()))) == 0;
                return right ? Outcome.OK : Outcome.WRONG;
            } catch (Exception e) {
                return Outcome.FAILED;
            }
        }
    }

    Truth[] truth;

    Truth truth(int i) {
        return truth[i];
    }

    @Override
    public Integer call() {
        int n = keysOption;
        if (n < 100) throw new LabException("--keys must be >= 100");
        if (instances < 1) throw new LabException("--instances must be >= 1");
        if (dims < 1) throw new LabException("--dims must be >= 1");

        Results out = new Results(this, common);
        out.meta("keys", n);
        out.meta("instances", instances);
        out.meta("dims", dims);
        truth = new Truth[n];
        for (int i = 0; i < n; i++) {
            Random r = new Random(i);
            truth[i] = new Truth("chunk:" + i, "src/app/module_" + (i % 97) + ".py", i % 3 == 0 ? "python" : "typescript",
                    "def handler_" + i + "(request):\n    return render(request, 'x.html')\n", Embeddings.gaussian(r, dims));
        }
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(128L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            Keys keys = new Keys("Q2");
            try (RedisClient jedis = Clients.jedis(redis, 2, "lab-q2")) {
                int m = Math.min(n / 2, 500);
                Progress.step("compat: 4 readers x " + 2 * m + " keys, unversioned and versioned");
                long[] versionedCompat = compat(out, jedis, keys, m);
                Progress.step("rolling deploy: " + instances + " instances, " + n + " keys");
                Map<String, long[]> rolled = new LinkedHashMap<>();
                for (String scheme : List.of("unversioned-strict", "unversioned-lenient", "versioned")) {
                    rolled.put(scheme, rolling(out, jedis, keys, scheme, n));
                }
                long[] v = rolled.get("versioned");
                // a wrong or failed read is an event that must not happen: its count out of the reads made, with a bound on its rate
                out.checkZero("rolling", "versioned", "wrong_plus_failed", v[1] + v[2], v[5], Criterion.VERSIONED_WRONG_READS);
                out.checkZero("compat", "versioned", "wrong_plus_failed", versionedCompat[0], versionedCompat[1], Criterion.VERSIONED_WRONG_READS);
                Progress.step("invalidation: SCAN + UNLINK");
                double[] inv = invalidation(out, jedis, keys, n);
                recommend(out, rolled, inv, n);
            } finally {
                keys.cleanup(redis);
            }
        }
        return out.finish();
    }

    // ------------------------------------------------------------------ compat matrix

    /** Returns {wrong + failed reads, reads} of the versioned readers. */
    long[] compat(Results out, RedisClient jedis, Keys keys, int m) {
        long versionedBad = 0, versionedReads = 0;
        for (boolean versioned : new boolean[] {false, true}) {
            String scheme = versioned ? "versioned" : "unversioned";
            String prefix = keys.key("compat:" + scheme + ":");
            Reader w1 = new Reader(1, true, versioned, prefix), w2 = new Reader(2, true, versioned, prefix);
            // keys 0..m-1 written by a v1 instance, m..2m-1 by a v2 instance (on its own version's key)
            for (int i = 0; i < 2 * m; i++) {
                Reader w = i < m ? w1 : w2;
                jedis.set(w.key(i), w.encode(truth(i)));
            }
            for (Reader r : List.of(new Reader(1, true, versioned, prefix), new Reader(1, false, versioned, prefix),
                    new Reader(2, true, versioned, prefix), new Reader(2, false, versioned, prefix))) {
                for (int writtenBy = 1; writtenBy <= 2; writtenBy++) {
                    long[] c = new long[Outcome.values().length];
                    for (int i = (writtenBy - 1) * m; i < writtenBy * m; i++) c[r.judge(jedis.get(r.key(i)), truth(i)).ordinal()]++;
                    String test = "compat_" + scheme;
                    String what = "written_v" + writtenBy + "_";
                    for (Outcome o : Outcome.values()) out.info(test, r.name(), what + o.name().toLowerCase(), "count", c[o.ordinal()]);
                    if (versioned) {
                        versionedBad += c[Outcome.WRONG.ordinal()] + c[Outcome.FAILED.ordinal()];
                        versionedReads += m;
                    }
                    System.out.printf("compat %-11s reader %-10s on v%d data: ok %4d  miss %4d  wrong %4d  failed %4d%n", scheme, r.name(), writtenBy,
                            c[0], c[1], c[2], c[3]);
                }
            }
        }
        out.info("compat", "versioned", "reads", "count", versionedReads);
        return new long[] {versionedBad, versionedReads};
    }

    // ------------------------------------------------------------------ rolling deploy

    /** Returns {l3 loads during and after the deploy, wrong, failed, min window hit rate x100, leftover old keys, reads}. */
    long[] rolling(Results out, RedisClient jedis, Keys keys, String scheme, int n) {
        boolean versioned = scheme.equals("versioned");
        boolean strict = !scheme.equals("unversioned-lenient");
        String prefix = keys.key("rolling:" + scheme + ":");
        Reader v1 = new Reader(1, strict, versioned, prefix), v2 = new Reader(2, strict, versioned, prefix);
        // a warm v1 cache: the steady state before the deploy
        String[] batch = new String[2000];
        for (int i = 0; i < n; i += 1000) {
            int len = 0;
            for (int j = i; j < Math.min(n, i + 1000); j++) {
                batch[len++] = v1.key(j);
                batch[len++] = v1.encode(truth(j));
            }
            jedis.mset(Arrays.copyOf(batch, len));
        }
        int pre = 2, step = 2, post = 4;
        int windows = pre + step * instances + post;
        int perWindow = Math.max(200, n / 4);
        Reader[] current = new Reader[instances];
        Arrays.fill(current, v1);
        Random rnd = new Random(7);
        Results.Table t = out.table("rolling.csv", "scenario", "scheme", "window", "v2_instances", "requests", "hit_rate_pct", "misses",
                "failed", "wrong", "l3_loads");
        long loads = 0, wrong = 0, failed = 0;
        double minHit = 100;
        Progress.Every progress = new Progress.Every(scheme, (long) windows * perWindow);
        for (int w = 0; w < windows; w++) {
            int upgraded = Math.max(0, Math.min(instances, (w - pre) / step + 1));
            if (w < pre) upgraded = 0;
            for (int j = 0; j < upgraded; j++) current[j] = v2;
            long[] c = new long[Outcome.values().length];
            for (int q = 0; q < perWindow; q++) {
                Reader r = current[q % instances];
                int i = rnd.nextInt(n);
                Outcome o = r.judge(jedis.get(r.key(i)), truth(i));
                c[o.ordinal()]++;
                // cache-aside: a miss or an undecodable entry is reloaded from L3 and rewritten in the reader's schema;
                // a wrong (but decodable) entry is served as is: the reader cannot tell
                if (o == Outcome.MISS || o == Outcome.FAILED) jedis.set(r.key(i), r.encode(truth(i)));
                progress.tick((long) w * perWindow + q);
            }
            long l3 = c[Outcome.MISS.ordinal()] + c[Outcome.FAILED.ordinal()];
            double hit = 100.0 * c[Outcome.OK.ordinal()] / perWindow;
            if (w >= pre) {
                loads += l3;
                minHit = Math.min(minHit, hit);
            }
            wrong += c[Outcome.WRONG.ordinal()];
            failed += c[Outcome.FAILED.ordinal()];
            t.row(out.scenario(), scheme, w, upgraded, perWindow, hit, c[Outcome.MISS.ordinal()], c[Outcome.FAILED.ordinal()], c[Outcome.WRONG.ordinal()], l3);
        }
        long leftover = versioned ? count(jedis, prefix + "v1:*") : 0;
        out.info("rolling", scheme, "requests", "count", (long) windows * perWindow);
        out.info("rolling", scheme, "hit_rate_min_window", "%", minHit);
        out.info("rolling", scheme, "l3_loads_from_deploy_on", "count", loads);
        out.info("rolling", scheme, "l3_loads_per_key", "ratio", (double) loads / n);
        out.info("rolling", scheme, "wrong_reads_served", "count", wrong);
        out.info("rolling", scheme, "failed_reads", "count", failed);
        out.info("rolling", scheme, "old_version_keys_left", "count", leftover);
        System.out.printf("rolling %-20s min hit rate %5.1f %%, L3 loads %6d (%.2f per key), wrong served %6d, failed %6d, old keys left %d%n",
                scheme, minHit, loads, (double) loads / n, wrong, failed, leftover);
        return new long[] {loads, wrong, failed, Math.round(minHit * 100), leftover, (long) windows * perWindow};
    }

    long count(RedisClient jedis, String pattern) {
        long c = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams p = new ScanParams().match(pattern).count(1000);
        do {
            ScanResult<String> r = jedis.scan(cursor, p);
            c += r.getResult().size();
            cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return c;
    }

    // ------------------------------------------------------------------ explicit invalidation

    /** SCAN+UNLINK of the old version's keys at several sizes; returns {keys, ms} of the largest. */
    double[] invalidation(Results out, RedisClient jedis, Keys keys, int n) {
        String value = new Reader(1, true, true, "").encode(truth(0));
        double[] largest = null;
        scanUnlink(jedis, keys.key("inv-warmup:"), 100, value); // JIT and connection warm-up, not recorded
        for (int size : new int[] {Math.max(100, n / 100), Math.max(100, n / 10), n}) {
            if (largest != null && size <= largest[0]) continue;
            String prefix = keys.key("inv" + size + ":");
            long dbKeys = populate(jedis, prefix, size, value); // SCAN walks the whole keyspace, not only the old keys
            long t0 = System.nanoTime();
            long[] removedAndScans = scanUnlink(jedis, prefix, size, null);
            double ms = (System.nanoTime() - t0) / 1e6;
            long removed = removedAndScans[0], scans = removedAndScans[1];
            if (removed != size) throw new LabException("invalidation removed " + removed + " of " + size + " old-version keys");
            long newLeft = count(jedis, prefix + "v2:*");
            if (newLeft != size) throw new LabException("invalidation touched new-version keys: " + newLeft + " of " + size + " left");
            String test = "invalidation_" + size;
            out.info(test, "jedis", "keys_removed", "count", removed);
            out.info(test, "jedis", "keyspace_scanned", "count", dbKeys);
            out.info(test, "jedis", "scan_calls", "count", scans);
            out.info(test, "jedis", "scan_unlink_time", "ms", ms);
            out.info(test, "jedis", "keys_per_second", "req/s", removed / (ms / 1000));
            System.out.printf("invalidation: SCAN+UNLINK %,d old keys among %,d: %.1f ms (%,.0f keys/s, %d SCAN calls)%n", removed, dbKeys, ms, removed / (ms / 1000), scans);
            largest = new double[] {size, ms};
        }
        return largest;
    }

    /** The old version's keys, and as many of the new version's beside them; returns the keyspace size. */
    static long populate(RedisClient jedis, String prefix, int size, String value) {
        for (String version : List.of("v1", "v2")) {
            for (int i = 0; i < size; i += 1000) {
                List<String> kv = new ArrayList<>();
                for (int j = i; j < Math.min(size, i + 1000); j++) {
                    kv.add(prefix + version + ":chunk:" + j);
                    kv.add(value);
                }
                jedis.mset(kv.toArray(String[]::new));
            }
        }
        return jedis.dbSize();
    }

    /** SCAN MATCH prefix v1:* COUNT 1000 + UNLINK per batch (populating first when value != null); returns {removed, SCAN calls}. */
    static long[] scanUnlink(RedisClient jedis, String prefix, int size, String value) {
        if (value != null) populate(jedis, prefix, size, value);
        long removed = 0, scans = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams p = new ScanParams().match(prefix + "v1:*").count(1000);
        do {
            ScanResult<String> r = jedis.scan(cursor, p);
            scans++;
            if (!r.getResult().isEmpty()) removed += jedis.unlink(r.getResult().toArray(String[]::new));
            cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return new long[] {removed, scans};
    }

    // ------------------------------------------------------------------ the answer, from the numbers

    void recommend(Results out, Map<String, long[]> rolled, double[] inv, int n) {
        long[] strict = rolled.get("unversioned-strict"), lenient = rolled.get("unversioned-lenient"), ver = rolled.get("versioned");
        long unversionedBad = strict[1] + strict[2] + lenient[1] + lenient[2];
        long versionedBad = ver[1] + ver[2];
        out.info("recommendation", "unversioned", "wrong_plus_failed_reads", "count", unversionedBad);
        out.info("recommendation", "versioned", "wrong_plus_failed_reads", "count", versionedBad);
        out.info("recommendation", "versioned", "extra_l3_loads_vs_unversioned_strict", "count", ver[0] - strict[0]);
        out.info("recommendation", "versioned", "invalidation_ms_per_10k_keys", "ms", inv[1] / inv[0] * 10_000);
        boolean versionedWins = versionedBad == 0 && unversionedBad > 0;
        out.info("recommendation", "versioned", "recommended", "bool", versionedWins ? 1 : 0);
        System.out.printf("%nrecommendation: %s%n", versionedWins
                ? String.format("version-prefixed keys. Across the deploy, unversioned keys gave %d failed reads (strict) and served %d wrong values (lenient, never repaired);"
                        + " versioned keys gave none, at the cost of %d L3 loads (%.2f per key, a cold namespace) and %.1f ms of SCAN+UNLINK per 10k old keys (or let their TTL expire).",
                        strict[2], lenient[1], ver[0], (double) ver[0] / n, inv[1] / inv[0] * 10_000)
                : String.format("the data does not favour versioned keys here (versioned wrong+failed %d, unversioned %d)", versionedBad, unversionedBad));
    }
}
