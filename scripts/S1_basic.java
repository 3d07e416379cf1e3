///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS com.fasterxml.jackson.core:jackson-databind:2.20.1
//SOURCES lab/*.java
//
// Scenario 1 of the seed (POC1_redis_integration.md, "Scenario 1: Basic Operations"):
// do SET/GET/DELETE, TTL expiry and a JSON round trip of a code chunk work against Redis 7.x,
// and how fast are they, with the synchronous client (Jedis) and the asynchronous one (Lettuce)?
//
//   ./jbang scripts/S1_basic.java            seed sizes: 1000 ops per command, 100 TTL samples
//   ./jbang scripts/S1_basic.java --quick    a few seconds
//
// Output: data/S1_basic/{metrics,spectra,ttl_samples,run}.csv and a criteria table; exit 0 = all passed.

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import lab.Clients;
import lab.CommonOptions;
import lab.Criterion;
import lab.Keys;
import lab.Lab;
import lab.Latency;
import lab.LabException;
import lab.Progress;
import lab.RedisBenchmark;
import lab.RedisServer;
import lab.Results;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

@Command(name = "S1_basic", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scenario 1: SET/GET/DELETE latency, TTL expiry accuracy and JSON round trip, Jedis and Lettuce side by side.")
public class S1_basic implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--ops", paramLabel = "N", description = "Measured operations per command and client (default: 1000, quick: 200).")
    Integer ops;

    @Option(names = "--ttl-samples", paramLabel = "N", description = "Keys whose expiry is timed, per client (default: 100, quick: 20).")
    Integer ttlSamples;

    @Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", description = "Clients to measure (default: ${DEFAULT-VALUE}).")
    List<String> clients;

    public static void main(String... args) {
        Lab.main(new S1_basic(), args);
    }

    /** The three commands under test, so one loop measures both clients the same way. */
    interface Ops extends AutoCloseable {
        void set(String key, String value, long ttlSeconds);
        void setPx(String key, String value, long ttlMillis);
        String get(String key);
        void del(String key);
        @Override void close();
    }

    @Override
    public Integer call() {
        int n = ops != null ? ops : common.pick(1000, 200);
        int ttlN = ttlSamples != null ? ttlSamples : common.pick(100, 20);
        if (n < 1 || ttlN < 1) throw new LabException("--ops and --ttl-samples must be >= 1");
        Clients.requireKnown(clients);

        Results out = new Results("S1_basic", common.outDir("S1_basic"));
        try (RedisServer redis = RedisServer.provision(common, RedisServer.Needs.none())) {
            Progress.step(redis.title() + " — " + redis.describe());
            out.server(redis);
            out.meta("ops_per_command", n);
            out.meta("ttl_samples", ttlN);
            Keys keys = new Keys("S1");
            try {
                for (String client : clients) {
                    try (Ops o = open(client, redis)) {
                        Progress.step(client + ": SET/GET/DEL x " + n);
                        operations(out, client, o, keys, n);
                        Progress.step(client + ": TTL expiry x " + ttlN);
                        ttl(out, client, o, keys, ttlN);
                        Progress.step(client + ": JSON round trip x " + n);
                        json(out, client, o, keys, n);
                    }
                }
                reference(out, redis, keys, Math.max(n, common.pick(10_000, 1000)));
            } finally {
                keys.cleanup(redis);
            }
        }
        return out.finish();
    }

    // ------------------------------------------------------------------ test 1: SET / GET / DELETE

    void operations(Results out, String client, Ops o, Keys keys, int n) {
        Histogram set = Latency.newHistogram(), get = Latency.newHistogram(), del = Latency.newHistogram();
        int warmup = Math.max(100, n / 5); // JIT and connection warm-up, not recorded
        for (int i = -warmup; i < n; i++) {
            String k = keys.key("op:" + (i & 1023));
            long t0 = System.nanoTime();
            o.set(k, "value", 60);
            long t1 = System.nanoTime();
            String v = o.get(k);
            long t2 = System.nanoTime();
            o.del(k);
            long t3 = System.nanoTime();
            if (!"value".equals(v)) throw new LabException(client + ": GET returned " + v + " right after SET");
            if (i >= 0) {
                Latency.record(set, t1 - t0);
                Latency.record(get, t2 - t1);
                Latency.record(del, t3 - t2);
            }
        }
        Latency.Summary s = out.latency("ops", client, "set", set);
        Latency.Summary g = out.latency("ops", client, "get", get);
        Latency.Summary d = out.latency("ops", client, "del", del);
        out.check("ops", client, "set_p50", s.p50Millis(), Criterion.SET_P50_MS);
        out.check("ops", client, "get_p50", g.p50Millis(), Criterion.GET_P50_MS);
        out.check("ops", client, "get_p99", g.p99Millis(), Criterion.GET_P99_MS);
        out.check("ops", client, "del_p50", d.p50Millis(), Criterion.DEL_P50_MS);
        out.spectrum("ops", client, "set", set);
        out.spectrum("ops", client, "get", get);
        out.spectrum("ops", client, "del", del);
        System.out.printf("%-8s SET %s | GET %s | DEL %s%n", client, s, g, d);
    }

    // ------------------------------------------------------------------ test 2: TTL expiry

    /**
     * Keys are set with a 1000 ms TTL in batches; each key is polled every ~1 ms from 900 ms on, and the
     * expiry is the midpoint between the last GET that saw the value and the first that saw nil.
     * Error = observed lifetime - TTL (positive: expired late). The set time is the midpoint of the SET.
     */
    void ttl(Results out, String client, Ops o, Keys keys, int samples) {
        final long ttlMillis = 1000;
        Histogram absError = Latency.newHistogram();
        Results.Table raw = out.table("ttl_samples.csv", "scenario", "client", "sample", "ttl_ms", "observed_ms", "error_ms", "poll_gap_ms");
        double maxAbsMillis = 0;
        int batch = 20, done = 0;
        while (done < samples) {
            int size = Math.min(batch, samples - done);
            String[] k = new String[size];
            long[] setAt = new long[size], lastSeen = new long[size], goneAt = new long[size];
            for (int i = 0; i < size; i++) {
                k[i] = keys.key("ttl:" + (done + i));
                long a = System.nanoTime();
                o.setPx(k[i], "v", ttlMillis);
                setAt[i] = (a + System.nanoTime()) / 2;
                lastSeen[i] = setAt[i];
                Lab.sleepMillis(5); // spread the keys so they do not all expire in the same poll round
            }
            int remaining = size;
            long pollFrom = setAt[0] + TimeUnit.MILLISECONDS.toNanos(ttlMillis - 100);
            while (System.nanoTime() < pollFrom) Lab.sleepMillis(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (remaining > 0 && System.nanoTime() < deadline) {
                for (int i = 0; i < size; i++) {
                    if (goneAt[i] != 0) continue;
                    long a = System.nanoTime();
                    String v = o.get(k[i]);
                    long mid = (a + System.nanoTime()) / 2;
                    if (v != null) {
                        lastSeen[i] = mid;
                    } else {
                        goneAt[i] = mid;
                        remaining--;
                    }
                }
                Lab.sleepMillis(1);
            }
            for (int i = 0; i < size; i++) {
                if (goneAt[i] == 0) throw new LabException(client + ": key with a " + ttlMillis + " ms TTL still present after 5 s");
                double observed = ((lastSeen[i] + goneAt[i]) / 2.0 - setAt[i]) / 1e6;
                double error = observed - ttlMillis;
                maxAbsMillis = Math.max(maxAbsMillis, Math.abs(error));
                Latency.record(absError, (long) (Math.abs(error) * 1e6));
                raw.row("S1_basic", client, done + i, ttlMillis, observed, error, (goneAt[i] - lastSeen[i]) / 1e6);
            }
            done += size;
        }
        Latency.Summary s = Latency.summarize(absError);
        out.info("ttl", client, "ttl_abs_error_p50", "ms", s.p50Millis());
        out.info("ttl", client, "ttl_abs_error_p99", "ms", s.p99Millis());
        out.info("ttl", client, "ttl_samples", "count", samples);
        out.check("ttl", client, "ttl_abs_error_max", maxAbsMillis, Criterion.TTL_ERROR_MS);
        System.out.printf("%-8s TTL 1000 ms: |error| p50=%.2f ms p99=%.2f ms max=%.2f ms over %d keys%n", client, s.p50Millis(), s.p99Millis(), maxAbsMillis, samples);
    }

    // ------------------------------------------------------------------ test 3: JSON round trip

    /** The seed's cached value: a code chunk with a 768-float embedding. */
    public record CodeChunk(String id, String filePath, int startLine, int endLine, String content, float[] embedding) {}

    static CodeChunk chunk(Random rnd, int i) {
        float[] e = new float[768];
        for (int j = 0; j < e.length; j++) e[j] = (float) rnd.nextGaussian() * 0.05f;
        String content = "def handler_" + i + "(request):\n    return render(request, 'x.html', {'n': " + i + "})\n".repeat(8);
        return new CodeChunk("chunk:" + i, "src/app/module_" + (i % 50) + ".py", 10 * i, 10 * i + 8, content, e);
    }

    void json(Results out, String client, Ops o, Keys keys, int n) {
        ObjectMapper mapper = new ObjectMapper();
        Random rnd = new Random(42);
        Histogram ser = Latency.newHistogram(), deser = Latency.newHistogram(), overhead = Latency.newHistogram(), get = Latency.newHistogram();
        long lossy = 0, bytes = 0;
        // Jackson needs thousands of calls before its (de)serializers are compiled by C2: with a short
        // warm-up the first client measured carries the JIT's cost and the second does not.
        int warmup = common.pick(3000, 300);
        try {
            for (int i = -warmup; i < n; i++) {
                CodeChunk c = chunk(rnd, Math.abs(i));
                String k = keys.key("chunk:" + (i & 255));
                long t0 = System.nanoTime();
                String encoded = mapper.writeValueAsString(c);
                long t1 = System.nanoTime();
                o.set(k, encoded, 60);
                long t2 = System.nanoTime();
                String fetched = o.get(k);
                long t3 = System.nanoTime();
                CodeChunk back = mapper.readValue(fetched, CodeChunk.class);
                long t4 = System.nanoTime();
                if (i < 0) continue;
                bytes = encoded.length();
                Latency.record(ser, t1 - t0);
                Latency.record(deser, t4 - t3);
                Latency.record(overhead, (t1 - t0) + (t4 - t3));
                Latency.record(get, t3 - t2);
                if (!sameChunk(c, back)) lossy++;
            }
        } catch (java.io.IOException e) {
            throw new LabException(client + ": JSON round trip failed: " + e.getMessage());
        }
        out.latency("json", client, "serialize", ser);
        out.latency("json", client, "deserialize", deser);
        out.latency("json", client, "get_json", get);
        Latency.Summary ov = out.latency("json", client, "ser_plus_deser", overhead);
        out.info("json", client, "payload_bytes", "bytes", bytes);
        out.info("json", client, "round_trips", "count", n);
        out.check("json", client, "values_not_bit_exact", lossy, Criterion.JSON_LOSS);
        out.check("json", client, "ser_plus_deser_p99", ov.p99Millis(), Criterion.SERIALIZATION_MS);
        System.out.printf("%-8s JSON %d B: ser+deser p50=%.3f ms p99=%.3f ms, %d of %d not bit-exact%n", client, bytes, ov.p50Millis(), ov.p99Millis(), lossy, n);
    }

    /** Bit-exact comparison: every float by its IEEE-754 bits, not by tolerance. */
    static boolean sameChunk(CodeChunk a, CodeChunk b) {
        if (!a.id().equals(b.id()) || !a.filePath().equals(b.filePath()) || !a.content().equals(b.content())
                || a.startLine() != b.startLine() || a.endLine() != b.endLine() || a.embedding().length != b.embedding().length) return false;
        for (int i = 0; i < a.embedding().length; i++) {
            if (Float.floatToRawIntBits(a.embedding()[i]) != Float.floatToRawIntBits(b.embedding()[i])) return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ reference: the server's benchmark tool

    /**
     * The server's own benchmark tool (redis-benchmark, or valkey-benchmark on Valkey) -c 1 on the same
     * server and keys shape: how much do the Java clients add? The metric names keep "redis_benchmark"
     * so runs on different servers line up; the client column and run.csv name the tool used.
     */
    void reference(Results out, RedisServer redis, Keys keys, int requests) {
        String tool = RedisBenchmark.toolName(redis);
        if (tool == null) {
            out.meta("benchmark_tool", "not installed: no reference ratio");
            Progress.line("neither redis-benchmark nor valkey-benchmark on the PATH: skipping the reference ratio");
            return;
        }
        out.meta("benchmark_tool", tool);
        Progress.step(tool + " -c 1 -n " + requests + " (reference)");
        String k = keys.key("bench");
        RedisBenchmark.Line set = RedisBenchmark.run(redis, 1, requests, "SET", k, "value");
        RedisBenchmark.Line get = RedisBenchmark.run(redis, 1, requests, "GET", k);
        for (var e : List.of(new Object[] {"set", set}, new Object[] {"get", get})) {
            String op = (String) e[0];
            RedisBenchmark.Line l = (RedisBenchmark.Line) e[1];
            out.info("reference", tool, op + "_p50", "ms", l.p50Millis());
            out.info("reference", tool, op + "_p99", "ms", l.p99Millis());
            out.info("reference", tool, op + "_rps", "req/s", l.requestsPerSecond());
            for (String client : clients) {
                double p50 = out.rows().stream().filter(r -> r.test().equals("ops") && r.client().equals(client) && r.metric().equals(op + "_p50"))
                        .mapToDouble(Results.Row::value).findFirst().orElse(Double.NaN);
                // the tool reports whole microseconds in ms; a ratio near 1 means the client adds little
                out.info("reference", client, op + "_p50_vs_redis_benchmark", "ratio", p50 / l.p50Millis());
                System.out.printf("%-8s %s p50 %.3f ms = %.2f x %s (%.3f ms)%n", client, op.toUpperCase(), p50, p50 / l.p50Millis(), tool, l.p50Millis());
            }
        }
    }

    // ------------------------------------------------------------------ the two clients

    Ops open(String client, RedisServer redis) {
        if (client.equals(Clients.JEDIS)) {
            RedisClient j = Clients.jedis(redis, 10, "lab-s1-jedis");
            return new Ops() {
                public void set(String k, String v, long ttl) { j.set(k, v, SetParams.setParams().ex(ttl)); }
                public void setPx(String k, String v, long ttl) { j.set(k, v, SetParams.setParams().px(ttl)); }
                public String get(String k) { return j.get(k); }
                public void del(String k) { j.del(k); }
                public void close() { j.close(); }
            };
        }
        io.lettuce.core.RedisClient c = Clients.lettuce(redis, "lab-s1-lettuce");
        StatefulRedisConnection<String, String> conn = c.connect();
        RedisAsyncCommands<String, String> a = conn.async();
        return new Ops() {
            public void set(String k, String v, long ttl) { await(a.set(k, v, SetArgs.Builder.ex(ttl))); }
            public void setPx(String k, String v, long ttl) { await(a.set(k, v, SetArgs.Builder.px(ttl))); }
            public String get(String k) { return await(a.get(k)); }
            public void del(String k) { await(a.del(k)); }
            public void close() { conn.close(); c.shutdown(); }
        };
    }

    static <T> T await(io.lettuce.core.RedisFuture<T> f) {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new LabException("lettuce: " + Lab.oneLine(e));
        }
    }

}
