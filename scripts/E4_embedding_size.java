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
//   ./jbang scripts/E4_embedding_size.java            sizes 1,10,100,1000 chunks, Jedis and Lettuce
//   ./jbang scripts/E4_embedding_size.java --quick    a few repetitions per size (~30 s on a quiet machine)
//
// Output: data/E4_embedding_size/{metrics,curve,recommendations,run}.csv
//   curve.csv: scenario,client,encoding,chunks,bytes,encode_ms_p50,decode_ms_p50,set_ms_p50,get_ms_p50,
//              get_ms_p99,total_read_ms_p50 (= get p50 + decode p50, the median read path)
//   recommendations.csv: scenario,client,chunks,recommended,total_read_ms_p50,bytes,json_total_read_ms_p50,
//              json_bytes,json_get_ms_p99,compress_by_seed_rule
// Criteria: GET P99 of the uncompressed JSON entry <= 10 ms per size (a FAIL is the seed's signal
// to compress), and 0 values not bit-exact per encoding and client. Exit 0 = all passed.

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
import java.util.zip.Deflater;
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
import lab.redis.RedisServer;
import lab.Results;
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
            description = "Measured repetitions per size and encoding (default: 2000/1000/300/40 for 1/10/100/1000 chunks, quick: 200/100/30/3; scaled as 40000/chunks otherwise).")
    Integer reps;

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

        Map<String, long[]> codecMismatches = new LinkedHashMap<>(); // encoding -> values not bit-exact
        Map<String, long[]> transitMismatches = new LinkedHashMap<>(); // client|encoding -> GETs != SET bytes
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none().writesBytes(64L << 20))) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            Keys keys = new Keys("E4");
            List<BinaryKv> kvs = new ArrayList<>();
            try {
                for (String c : clients) kvs.add(open(c, redis));
                for (int chunks : chunkCounts) {
                    int n = reps != null ? reps : repsFor(chunks);
                    int warmup = common.quick ? 1 : Math.max(2, n / 5); // JIT, buffers and connections warm; not recorded
                    out.meta("reps_" + chunks + "_chunks", n);
                    List<Chunk> entry = entry(new Random(chunks), chunks);
                    Map<String, Row> rowsByEncoding = new LinkedHashMap<>();
                    for (Map.Entry<String, Codec> ce : codecs.entrySet()) {
                        String enc = ce.getKey();
                        Progress.step(chunks + " chunks, " + enc + ": encode/decode x " + n);
                        Row row = new Row();
                        rowsByEncoding.put(enc, row);
                        codecMismatches.computeIfAbsent(enc, k -> new long[1])[0] += measureCodec(ce.getValue(), entry, n, warmup, row);
                        for (int ci = 0; ci < clients.size(); ci++) {
                            String client = clients.get(ci);
                            Progress.line(client + ": SET/GET " + row.bytes + " B x " + n);
                            byte[] key = keys.key(enc + ":" + chunks).getBytes(StandardCharsets.UTF_8);
                            long bad = measureKv(kvs.get(ci), key, row.encoded, n, warmup, row, client);
                            transitMismatches.computeIfAbsent(client + "|" + enc, k -> new long[1])[0] += bad;
                        }
                    }
                    report(out, curve, recs, chunks, rowsByEncoding);
                }
            } finally {
                for (BinaryKv kv : kvs) kv.close();
                keys.cleanup(redis);
            }
        }

        // ---- criteria: bit-exact round trips (codec, then what each client fetched)
        for (Map.Entry<String, long[]> e : codecMismatches.entrySet()) {
            out.check("roundtrip_" + e.getKey(), "codec", "values_not_bit_exact", e.getValue()[0], Criterion.JSON_LOSS);
        }
        for (Map.Entry<String, long[]> e : transitMismatches.entrySet()) {
            String[] ce = e.getKey().split("\\|");
            out.check("roundtrip_" + ce[1], ce[0], "gets_not_byte_exact", e.getValue()[0], Criterion.JSON_LOSS);
        }
        return out.finish();
    }

    /** Measured repetitions per size, full and --quick (one table: the cost of a size grows with it). */
    static final int[][] REPS = {{1, 2000, 200}, {10, 1000, 100}, {100, 300, 30}, {1000, 40, 3}};

    int repsFor(int chunks) {
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

    /** Measurements of one (size, encoding); SET/GET per client. */
    static final class Row {
        byte[] encoded;
        int bytes;
        final Histogram encode = Latency.newHistogram(), decode = Latency.newHistogram();
        final Map<String, Histogram> set = new LinkedHashMap<>(), get = new LinkedHashMap<>();
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

    /** SET then GET the same bytes {@code n} times; returns GETs whose bytes differ from what was SET. */
    static long measureKv(BinaryKv kv, byte[] key, byte[] value, int n, int warmup, Row row, String client) {
        Histogram set = row.set.computeIfAbsent(client, c -> Latency.newHistogram());
        Histogram get = row.get.computeIfAbsent(client, c -> Latency.newHistogram());
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
    void report(Results out, Results.Table curve, Results.Table recs, int chunks, Map<String, Row> rows) {
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
            // the seed's rule: compress when the (uncompressed JSON) GET passes 10 ms
            Criterion.Status st = out.check(test, client, "json_get_p99", jg.p99Millis(), Criterion.EMBEDDING_GET_MS);
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
            boolean compress = st == Criterion.Status.FAIL;
            recs.row(out.scenario(), client, chunks, best, bestRead, b.bytes, jsonRead, json.bytes, jg.p99Millis(), compress);
            // the recommendation as a row: client column = the winning encoding, value = its median read path
            out.info("recommend_" + chunks + "_chunks", best, client + "_total_read_p50", "ms", bestRead);
            out.info("recommend_" + chunks + "_chunks", best, client + "_speedup_vs_json", "ratio", jsonRead / bestRead);
            System.out.printf("%-8s %4d chunks: JSON %,d B, GET p99 %.2f ms (%s), read p50 %.2f ms -> best %s: %,d B, read p50 %.2f ms (%.1fx)%n",
                    client, chunks, json.bytes, jg.p99Millis(), compress ? "> 10 ms: seed says compress" : "<= 10 ms", jsonRead,
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
