///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/redis/*.java
//SOURCES lab/codec/*.java
//
// Edge Case 4 of the seed (POC1_redis_integration.md, "Embedding Size Exceeds Redis String Limit"):
// a cache entry of 1, 10, 100 or 1000 chunks with 768-float embeddings is 3 KB .. 3 MB in float32
// (more as JSON). How do size, encode/decode time and GET/SET latency grow, and does compression
// (zlib, LZ4) pay off when GET latency passes 10 ms, as the seed's mitigation proposes?
//
// Encodings: json (Jackson), binary (float32 little-endian via ByteBuffer), and each compressed with
// zlib (java.util.zip, level --zlib-level) or LZ4 (lz4-java block format). Every encoding must
// round-trip bit-exactly (every float compared by its IEEE-754 bits). An entry holds only chunk ids
// and embeddings, so its size is the seed's 3 KB x chunks; code text would compress far better than
// the embeddings, whose Gaussian values (x 0.05) have noisy low mantissa bits and compress poorly.
// Redis is on loopback: there is no bandwidth limit here, so compression can only win when the bytes
// saved on the wire and in Redis cost less than the CPU spent; on a real network it wins sooner.
//
// Phases: (1) encode/decode --reps times per size and encoding (CPU only, no client); (2) a closed-loop
// SET/GET warm-up per client over every size's JSON entry until its P50 settles (lab.Warmup); (3) --trials
// rounds of SET/GET: each round visits every size (in order, reversed every other round), and in each size
// every encoding and client (clients reversed every other round), --reps SET/GET pairs each. The judged
// quantity, the JSON entry's GET P99 per size and client, is each round's P99; the row is the median across
// rounds with its 95 % interval (lab.Trials, lab.Verdict: PASS / FAIL / INCONCLUSIVE). Curve and INFO rows
// pool every round.
//
//   ./jbang scripts/E4_embedding_size.java            sizes 1,10,100,1000 chunks, Jedis and Lettuce, 5 rounds (about 3 min on 2 cores)
//   ./jbang scripts/E4_embedding_size.java --quick    a few repetitions per size, 3 rounds (~30 s on a quiet machine)
//
// Output: data/E4_embedding_size/{metrics,trials,curve,recommendations,run}.csv
//   curve.csv: scenario,client,encoding,chunks,bytes,encode_ms_p50,decode_ms_p50,set_ms_p50,get_ms_p50,
//              get_ms_p99,total_read_ms_p50 (= get p50 + decode p50, the median read path; pooled over rounds)
//   recommendations.csv: scenario,client,chunks,recommended,total_read_ms_p50,bytes,json_total_read_ms_p50,
//              json_bytes,json_get_ms_p99 (median across rounds),compress_by_seed_rule (the GET P99 FAILed 10 ms)
// Criteria: GET P99 of the uncompressed JSON entry <= 10 ms per size and client (a FAIL is the seed's signal
// to compress), judged on the rounds' P99s; 0 values not bit-exact per encoding (out of every id and float
// decoded) and 0 GETs not byte-exact per encoding and client (out of every GET), each zero count with its
// 95 % Clopper-Pearson bound (per-round counts of the GETs in trials.csv). Exit 0 = all passed.

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import lab.Check;
import lab.codec.EmbeddingCodecs;
import lab.codec.EmbeddingCodecs.Chunk;
import lab.codec.EmbeddingCodecs.Codec;
import lab.redis.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.Embeddings;
import lab.redis.Keys;
import lab.Lab;
import lab.LabException;
import lab.Latency;
import lab.Progress;
import lab.Quick;
import lab.redis.RedisServer;
import lab.Results;
import lab.Trials;
import lab.Verdict;
import lab.Warmup;
import net.jpountz.lz4.LZ4Factory;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;

@Command(name = "E4_embedding_size", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Edge case 4: size, encode/decode time and GET/SET latency of embedding cache entries (1..1000 chunks) as JSON, float32 binary, zlib and LZ4.")
public class E4_embedding_size implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--chunks", split = ",", defaultValue = "1,10,100,1000", paramLabel = "N,...",
            description = "Chunks per cache entry (default: ${DEFAULT-VALUE}).")
    List<Integer> chunkCounts;

    @Option(names = "--reps", paramLabel = "N",
            description = "Measured repetitions per size and encoding: encode/decode, and SET/GET per client in each round (default: 2000/1000/300/40 for 1/10/100/1000 chunks, quick: 200/100/30/3; scaled as 40000/chunks otherwise).")
    Integer reps;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "5",
            description = "Rounds of SET/GET over every size, encoding and client, interleaved (sizes and clients reversed every other round); the JSON GET P99 is judged on the median across rounds (default: ${DEFAULT-VALUE}).")
    @Quick("3") int trials;

    @Option(names = "--warmup-millis", paramLabel = "MS", defaultValue = "2000",
            description = "Closed-loop SET/GET warm-up per client over every size's JSON entry before the first round, until its P50 settles (lab.Warmup; default: ${DEFAULT-VALUE}).")
    @Quick("300") long warmupMillis;

    @Option(names = "--encodings", split = ",", defaultValue = "json,json+zlib,json+lz4,binary,binary+zlib,binary+lz4",
            description = "Encodings to compare (default: ${DEFAULT-VALUE}).")
    List<String> encodings;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", description = "Clients to measure (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    @Option(names = "--zlib-level", defaultValue = "6", paramLabel = "0-9", description = "Deflater level (default: ${DEFAULT-VALUE}, zlib's default).")
    int zlibLevel;

    public static void main(String... args) {
        Lab.main(new E4_embedding_size(), args);
    }

    /** Binary byte[] SET/GET on one client. */
    interface BinaryKv extends AutoCloseable {
        void set(byte[] key, byte[] value);
        byte[] get(byte[] key);
        @Override void close();
    }

    @Override
    public Integer call() {
        if (chunkCounts.isEmpty() || chunkCounts.stream().anyMatch(c -> c < 1)) throw new LabException("--chunks must be >= 1");
        if (reps != null && reps < 1) throw new LabException("--reps must be >= 1");
        if (zlibLevel < 0 || zlibLevel > 9) throw new LabException("--zlib-level must be 0..9");
        int t = Check.atLeast("--trials", trials, 1);
        Check.atLeast("--warmup-millis", warmupMillis, 0);
        Map<String, Codec> codecs = new LinkedHashMap<>();
        for (String e : encodings) codecs.put(e, EmbeddingCodecs.named(e, zlibLevel));
        if (!codecs.containsKey("json")) throw new LabException("--encodings must include json (the seed's baseline)");
        Clients.requireKnown(clients);

        Results out = new Results(this, common);
        Results.Table curve = out.table("curve.csv", "scenario", "client", "encoding", "chunks", "bytes", "encode_ms_p50",
                "decode_ms_p50", "set_ms_p50", "get_ms_p50", "get_ms_p99", "total_read_ms_p50");
        Results.Table recs = out.table("recommendations.csv", "scenario", "client", "chunks", "recommended", "total_read_ms_p50", "bytes",
                "json_total_read_ms_p50", "json_bytes", "json_get_ms_p99", "compress_by_seed_rule");
        out.meta("chunks", chunkCounts);
        out.meta("dims", Embeddings.DIMS);
        out.meta("zlib_level", zlibLevel);
        out.meta("lz4", LZ4Factory.fastestInstance().toString());
        out.meta("jackson_version", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
        out.meta("trials", t);
        out.meta("trial_order", "rounds of SET/GET: sizes in order and clients in order, both reversed every other round");

        // ---- phase 1: encode/decode per size and encoding (CPU only), and the bit-exact check of every decoded value
        Map<Integer, Map<String, Row>> rows = new LinkedHashMap<>(); // chunks -> encoding -> measurements
        Map<String, long[]> codecChecks = new LinkedHashMap<>(); // encoding -> {values not bit-exact, values checked}
        for (int chunks : chunkCounts) {
            int n = repsFor(chunks);
            out.meta("reps_" + chunks + "_chunks", n);
            List<Chunk> entry = entry(new Random(chunks), chunks);
            Map<String, Row> byEncoding = new LinkedHashMap<>();
            for (Map.Entry<String, Codec> ce : codecs.entrySet()) {
                Progress.step(chunks + " chunks, " + ce.getKey() + ": encode/decode x " + n);
                Row row = new Row();
                byEncoding.put(ce.getKey(), row);
                long[] c = codecChecks.computeIfAbsent(ce.getKey(), k -> new long[2]);
                c[0] += measureCodec(ce.getValue(), entry, n, common.quick ? 1 : Math.max(2, n / 5), row);
                c[1] += n * valuesIn(entry);
            }
            rows.put(chunks, byEncoding);
        }

        Map<String, Transit> transit = new LinkedHashMap<>(); // client|encoding -> GETs not byte-exact per round, GETs checked
        Map<String, Trials> jsonGetP99 = new LinkedHashMap<>(); // chunks|client -> each round's JSON GET P99 (ms)
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(64L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            Keys keys = new Keys("E4");
            Map<String, BinaryKv> kvs = new LinkedHashMap<>();
            try {
                for (String c : clients) kvs.put(c, open(c, redis));
                // ---- phase 2: the same steady-state warm-up for every client before any recorded sample
                byte[][] jsonEntries = rows.values().stream().map(r -> r.get("json").encoded).toArray(byte[][]::new);
                byte[] warmKey = keys.key("warmup").getBytes(StandardCharsets.UTF_8);
                for (String c : clients) {
                    BinaryKv kv = kvs.get(c);
                    int[] next = {0};
                    Warmup.step(out, "set_get_" + c, warmupMillis, () -> {
                        byte[] v = jsonEntries[next[0]++ % jsonEntries.length];
                        kv.set(warmKey, v);
                        if (!Arrays.equals(v, kv.get(warmKey))) throw new LabException(c + ": GET returned other bytes than the SET");
                    });
                }
                // ---- phase 3: rounds of SET/GET, interleaved across sizes and clients
                for (int trial = 0; trial < t; trial++) {
                    List<Integer> sizes = Trials.order(chunkCounts, trial);
                    List<String> order = Trials.order(clients, trial);
                    Progress.step("round " + (trial + 1) + "/" + t + ": sizes " + sizes + ", clients " + String.join(" ", order));
                    for (int chunks : sizes) {
                        int n = repsFor(chunks), warmup = common.quick ? 1 : Math.max(2, n / 20); // the value in place; not recorded
                        Progress.line(chunks + " chunks: " + codecs.size() + " encodings x " + order.size() + " clients x " + n + " SET/GET");
                        for (Map.Entry<String, Row> re : rows.get(chunks).entrySet()) {
                            String enc = re.getKey();
                            Row row = re.getValue();
                            byte[] key = keys.key(enc + ":" + chunks).getBytes(StandardCharsets.UTF_8);
                            for (String client : order) {
                                Histogram set = Latency.newHistogram(), get = Latency.newHistogram();
                                long bad = measureKv(kvs.get(client), key, row.encoded, n, warmup, set, get);
                                row.set.computeIfAbsent(client, c -> Latency.newHistogram()).add(set);
                                row.get.computeIfAbsent(client, c -> Latency.newHistogram()).add(get);
                                Transit tr = transit.computeIfAbsent(client + "|" + enc, k -> new Transit(t));
                                tr.bad[trial] += bad;
                                tr.checked += n;
                                if (enc.equals("json")) {
                                    jsonGetP99.computeIfAbsent(chunks + "|" + client, k -> new Trials())
                                            .add(get.getTotalCount() == 0 ? Double.NaN : Latency.summarize(get).p99Millis());
                                }
                            }
                        }
                    }
                }
            } finally {
                for (BinaryKv kv : kvs.values()) kv.close();
                keys.cleanup(redis);
            }
        }
        for (int chunks : chunkCounts) report(out, curve, recs, chunks, rows.get(chunks), jsonGetP99);

        // ---- criteria: bit-exact round trips (codec: every id and float decoded; then every GET of each client)
        for (Map.Entry<String, long[]> e : codecChecks.entrySet()) {
            out.checkZero("roundtrip_" + e.getKey(), "codec", "values_not_bit_exact", e.getValue()[0], e.getValue()[1], Criterion.JSON_LOSS);
        }
        for (Map.Entry<String, Transit> e : transit.entrySet()) {
            String[] ce = e.getKey().split("\\|");
            Transit tr = e.getValue();
            out.trialValues("roundtrip_" + ce[1], ce[0], "gets_not_byte_exact", Trials.of(Arrays.stream(tr.bad).asDoubleStream().toArray()));
            out.checkZero("roundtrip_" + ce[1], ce[0], "gets_not_byte_exact", Arrays.stream(tr.bad).sum(), tr.checked, Criterion.JSON_LOSS);
        }
        return out.finish();
    }

    /** Measured repetitions per size, full and --quick (one table: the cost of a size grows with it). */
    static final int[][] REPS = {{1, 2000, 200}, {10, 1000, 100}, {100, 300, 30}, {1000, 40, 3}};

    int repsFor(int chunks) {
        if (reps != null) return reps;
        int col = common.quick ? 2 : 1;
        for (int[] r : REPS) if (r[0] == chunks) return r[col];
        int[] floor = {0, 20, 3}, ceiling = {0, 2000, 200}, budget = {0, 40_000, 5_000}; // other sizes: a budget of chunk-reads
        return Math.max(floor[col], Math.min(ceiling[col], budget[col] / chunks));
    }

    static List<Chunk> entry(Random rnd, int chunks) {
        List<Chunk> l = new ArrayList<>(chunks);
        for (int i = 0; i < chunks; i++) l.add(new Chunk("chunk:" + (100_000 + i), Embeddings.gaussian(rnd, Embeddings.DIMS)));
        return l;
    }

    /** Values one decode is checked on: every chunk's id and every float of its embedding. */
    static long valuesIn(List<Chunk> entry) {
        long n = 0;
        for (Chunk c : entry) n += 1 + c.embedding().length;
        return n;
    }

    /** Measurements of one (size, encoding); SET/GET per client, pooled over the rounds. */
    static final class Row {
        byte[] encoded;
        int bytes;
        final Histogram encode = Latency.newHistogram(), decode = Latency.newHistogram();
        final Map<String, Histogram> set = new LinkedHashMap<>(), get = new LinkedHashMap<>();
    }

    /** GETs of one client and encoding whose bytes differed from the SET, per round, and how many GETs were checked. */
    static final class Transit {
        final long[] bad;
        long checked;

        Transit(int rounds) {
            bad = new long[rounds];
        }
    }

    /** Encode and decode {@code n} times; returns how many values did not come back bit-exact. */
    static long measureCodec(Codec codec, List<Chunk> entry, int n, int warmup, Row row) {
        long mismatches = 0;
        for (int i = -warmup; i < n; i++) {
            long t0 = System.nanoTime();
            byte[] b = codec.encode(entry);
            long t1 = System.nanoTime();
            List<Chunk> back = codec.decode(b);
            long t2 = System.nanoTime();
            if (i < 0) continue;
            Latency.record(row.encode, t1 - t0);
            Latency.record(row.decode, t2 - t1);
            mismatches += mismatches(entry, back);
            row.encoded = b;
            row.bytes = b.length;
        }
        return mismatches;
    }

    static long mismatches(List<Chunk> expected, List<Chunk> actual) {
        long n = Math.abs(expected.size() - actual.size()) * (long) Embeddings.DIMS;
        for (int i = 0, m = Math.min(expected.size(), actual.size()); i < m; i++) {
            if (!expected.get(i).id().equals(actual.get(i).id())) n++;
            n += Embeddings.mismatches(expected.get(i).embedding(), actual.get(i).embedding());
        }
        return n;
    }

    /**
     * SET then GET the same bytes {@code n} times, after {@code warmup} unrecorded pairs, into this round's
     * histograms; returns the GETs whose bytes differ from what was SET.
     */
    static long measureKv(BinaryKv kv, byte[] key, byte[] value, int n, int warmup, Histogram set, Histogram get) {
        long bad = 0;
        for (int i = -warmup; i < n; i++) {
            long t0 = System.nanoTime();
            kv.set(key, value);
            long t1 = System.nanoTime();
            byte[] back = kv.get(key);
            long t2 = System.nanoTime();
            if (i < 0) continue;
            Latency.record(set, t1 - t0);
            Latency.record(get, t2 - t1);
            if (!Arrays.equals(value, back)) bad++;
        }
        return bad;
    }

    /** Rows, curve points and the recommended encoding for one size. */
    void report(Results out, Results.Table curve, Results.Table recs, int chunks, Map<String, Row> rows, Map<String, Trials> jsonGetP99) {
        String test = "entry_" + chunks + "_chunks";
        Row json = rows.get("json");
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            String enc = e.getKey();
            Row r = e.getValue();
            Latency.Summary en = Latency.summarize(r.encode), de = Latency.summarize(r.decode);
            out.info(test, "codec", enc + "_bytes", "bytes", r.bytes);
            out.info(test, "codec", enc + "_bytes_vs_json", "ratio", (double) r.bytes / json.bytes);
            out.info(test, "codec", enc + "_encode_p50", "ms", en.p50Millis());
            out.info(test, "codec", enc + "_encode_p99", "ms", en.p99Millis());
            out.info(test, "codec", enc + "_decode_p50", "ms", de.p50Millis());
            out.info(test, "codec", enc + "_decode_p99", "ms", de.p99Millis());
            for (String client : clients) {
                Latency.Summary s = Latency.summarize(r.set.get(client)), g = Latency.summarize(r.get.get(client));
                out.info(test, client, enc + "_set_p50", "ms", s.p50Millis());
                out.info(test, client, enc + "_set_p99", "ms", s.p99Millis());
                out.info(test, client, enc + "_get_p50", "ms", g.p50Millis());
                out.info(test, client, enc + "_get_p99", "ms", g.p99Millis());
                out.info(test, client, enc + "_total_read_p50", "ms", g.p50Millis() + de.p50Millis());
                out.info(test, client, enc + "_get_count", "count", g.count());
                curve.row(out.scenario(), client, enc, chunks, r.bytes, en.p50Millis(), de.p50Millis(), s.p50Millis(), g.p50Millis(),
                        g.p99Millis(), g.p50Millis() + de.p50Millis());
            }
        }
        for (String client : clients) {
            Latency.Summary jg = Latency.summarize(json.get.get(client));
            double jsonRead = jg.p50Millis() + Latency.summarize(json.decode).p50Millis();
            // the seed's rule: compress when the (uncompressed JSON) GET passes 10 ms; judged on the rounds' P99s
            Trials.Estimate p99 = jsonGetP99.getOrDefault(chunks + "|" + client, new Trials()).estimate();
            Verdict v = out.check(test, client, "json_get_p99", p99, Criterion.EMBEDDING_GET_MS);
            String best = null;
            double bestRead = Double.MAX_VALUE;
            for (Map.Entry<String, Row> e : rows.entrySet()) {
                Row r = e.getValue();
                double read = Latency.summarize(r.get.get(client)).p50Millis() + Latency.summarize(r.decode).p50Millis();
                if (read < bestRead) {
                    bestRead = read;
                    best = e.getKey();
                }
            }
            Row b = rows.get(best);
            boolean compress = v.status() == Criterion.Status.FAIL;
            recs.row(out.scenario(), client, chunks, best, bestRead, b.bytes, jsonRead, json.bytes, p99.median(), compress);
            // the recommendation as a row: client column = the winning encoding, value = its median read path
            out.info("recommend_" + chunks + "_chunks", best, client + "_total_read_p50", "ms", bestRead);
            out.info("recommend_" + chunks + "_chunks", best, client + "_speedup_vs_json", "ratio", jsonRead / bestRead);
            System.out.printf("%-8s %4d chunks: JSON %,d B, GET P99 over rounds %s (%s), read p50 %.2f ms -> best %s: %,d B, read p50 %.2f ms (%.1fx)%n",
                    client, chunks, json.bytes, p99.text("ms"), compress ? "> 10 ms: seed says compress" : v.status().name(), jsonRead,
                    best, b.bytes, bestRead, jsonRead / bestRead);
        }
    }

    // ------------------------------------------------------------------ the two clients, binary-safe

    BinaryKv open(String client, RedisServer redis) {
        if (client.equals(Clients.JEDIS)) {
            RedisClient j = Clients.jedis(redis, 2, "lab-e4-jedis");
            return new BinaryKv() {
                public void set(byte[] k, byte[] v) { j.set(k, v); }
                public byte[] get(byte[] k) { return j.get(k); }
                public void close() { j.close(); }
            };
        }
        io.lettuce.core.RedisClient c = Clients.lettuce(redis, "lab-e4-lettuce");
        StatefulRedisConnection<byte[], byte[]> conn = c.connect(ByteArrayCodec.INSTANCE);
        RedisAsyncCommands<byte[], byte[]> a = conn.async();
        return new BinaryKv() {
            public void set(byte[] k, byte[] v) { await(a.set(k, v)); }
            public byte[] get(byte[] k) { return await(a.get(k)); }
            public void close() { conn.close(); c.shutdown(); }
        };
    }

    static <T> T await(io.lettuce.core.RedisFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new LabException("lettuce: " + Lab.oneLine(e));
        }
    }
}
