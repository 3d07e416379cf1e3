package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edge case 4 end to end on a spawned Redis: every encoding round-trips bit-exactly, tidy curve and recommendations. */
class E4EmbeddingSizeTest {

    static final List<String> ENCODINGS = List.of("json", "json+zlib", "json+lz4", "binary", "binary+zlib", "binary+lz4");
    static final List<String> CLIENTS = List.of("jedis", "lettuce");

    @TempDir static Path dir;
    static ScriptRun.Outcome run;

    @BeforeAll
    static void runOnce() {
        // two sizes keep the test short; the codecs are the same at every size
        run = ScriptRun.inProcess("E4_embedding_size", "--quick", "--chunks", "1,100", "--reps", "5", "--out", dir.toString());
    }

    @Test
    void runsToTheEndAndLeavesNoServer() {
        assertTrue(run.exitCode() == Lab.EXIT_PASS || run.exitCode() == Lab.EXIT_FAIL, run.all());
        assertTrue(ScriptRun.ownServers().isEmpty(), "a Redis started by this run is still running: " + ScriptRun.ownServers());
    }

    @Test
    void everyEncodingRoundTripsBitExactlyThroughBothClients() {
        List<Map<String, String>> rows = ScriptRun.csv(dir.resolve("metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(rows.get(0).keySet()));
        for (String enc : ENCODINGS) {
            assertEquals(0, ScriptRun.metric(rows, "roundtrip_" + enc, "codec", "values_not_bit_exact"), enc);
            for (String c : CLIENTS) assertEquals(0, ScriptRun.metric(rows, "roundtrip_" + enc, c, "gets_not_byte_exact"), enc + " " + c);
        }
        rows.stream().filter(r -> !r.get("criterion").isEmpty()).forEach(r ->
                assertEquals(Criterion.valueOf(r.get("criterion")).evaluate(Double.parseDouble(r.get("value"))).name(), r.get("status"), r.toString()));
        // the seed's rule is judged on the JSON baseline, per size and client
        for (int chunks : new int[] {1, 100}) {
            for (String c : CLIENTS) {
                assertTrue(rows.stream().anyMatch(r -> r.get("test").equals("entry_" + chunks + "_chunks") && r.get("client").equals(c)
                        && r.get("criterion").equals("EMBEDDING_GET_MS")), chunks + " " + c);
            }
        }
    }

    @Test
    void curveHasOnePlausiblePointPerEncodingSizeAndClient() {
        List<Map<String, String>> curve = ScriptRun.csv(dir.resolve("curve.csv"));
        assertEquals(List.of("scenario", "client", "encoding", "chunks", "bytes", "encode_ms_p50", "decode_ms_p50", "set_ms_p50", "get_ms_p50",
                "get_ms_p99", "total_read_ms_p50"), List.copyOf(curve.get(0).keySet()));
        assertEquals(ENCODINGS.size() * 2 * CLIENTS.size(), curve.size());
        for (Map<String, String> r : curve) {
            for (String col : List.of("encode_ms_p50", "decode_ms_p50", "set_ms_p50", "get_ms_p50", "get_ms_p99")) {
                assertTrue(Double.parseDouble(r.get(col)) > 0, col + " in " + r);
            }
            double read = Double.parseDouble(r.get("total_read_ms_p50"));
            assertEquals(Double.parseDouble(r.get("get_ms_p50")) + Double.parseDouble(r.get("decode_ms_p50")), read, 1e-3, r.toString());
        }
        // float32 layout: [count] + per chunk [id length][id "chunk:1000NN"][dims][768 x 4 bytes]
        for (int chunks : new int[] {1, 100}) {
            long binary = bytes(curve, "binary", chunks);
            assertEquals(4 + chunks * (2 + 12 + 4 + 768 * 4L), binary);
            assertTrue(bytes(curve, "json", chunks) > 2 * binary, "JSON text of floats is much larger than float32");
            // Gaussian floats compress poorly: zlib saves little on float32 (but the value still shrinks or stays near)
            assertTrue(bytes(curve, "binary+zlib", chunks) > binary / 2, "embeddings should not compress 2x");
        }
    }

    @Test
    void recommendsOneMeasuredEncodingPerSizeAndClient() {
        List<Map<String, String>> recs = ScriptRun.csv(dir.resolve("recommendations.csv"));
        assertEquals(2 * CLIENTS.size(), recs.size());
        for (Map<String, String> r : recs) {
            assertTrue(ENCODINGS.contains(r.get("recommended")), r.toString());
            assertTrue(Double.parseDouble(r.get("total_read_ms_p50")) <= Double.parseDouble(r.get("json_total_read_ms_p50")), "the best is at most the baseline: " + r);
        }
    }

    @Test
    void badInputIsAOneLineError() {
        ScriptRun.Outcome o = ScriptRun.inProcess("E4_embedding_size", "--encodings", "json,xml", "--out", dir.resolve("bad").toString());
        assertEquals(Lab.EXIT_ERROR, o.exitCode());
        assertTrue(o.stderr().contains("unknown encoding 'xml'"), o.stderr());
        o = ScriptRun.inProcess("E4_embedding_size", "--encodings", "binary", "--out", dir.resolve("bad").toString());
        assertEquals(Lab.EXIT_ERROR, o.exitCode());
        assertTrue(o.stderr().contains("must include json"), o.stderr());
    }

    static long bytes(List<Map<String, String>> curve, String enc, int chunks) {
        return curve.stream().filter(r -> r.get("encoding").equals(enc) && r.get("chunks").equals(Integer.toString(chunks)))
                .mapToLong(r -> Long.parseLong(r.get("bytes"))).findFirst().orElseThrow();
    }

}
