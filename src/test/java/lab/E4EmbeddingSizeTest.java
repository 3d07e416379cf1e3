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
        Csv.metrics(dir.resolve("metrics.csv")); // every stored verdict re-derives from its interval or its value
        // the seed's rule is judged on the JSON baseline, per size and client
        for (int chunks : new int[] {1, 100}) {
            for (String c : CLIENTS) {
                assertTrue(rows.stream().anyMatch(r -> r.get("test").equals("entry_" + chunks + "_chunks") && r.get("client").equals(c)
                        && r.get("criterion").equals("EMBEDDING_GET_MS")), chunks + " " + c);
            }
        }
    }

    /**
     * Every criterion row rests on rounds or on a zero count: the JSON GET P99 is the median of the 3 quick rounds'
     * P99s (min..max interval, each round's value in trials.csv); the round trips are zero counts out of every value
     * decoded (codec) or every GET (per client, each round's count in trials.csv), with a Clopper-Pearson bound.
     */
    @Test
    void everyCriterionRestsOnRoundsOrOnAZeroCountBound() {
        List<Map<String, String>> m = ScriptRun.csv(dir.resolve("metrics.csv"));
        List<Map<String, String>> trials = ScriptRun.csv(dir.resolve("trials.csv"));
        List<Map<String, String>> criteria = m.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertEquals(2 * CLIENTS.size() + ENCODINGS.size() * (1 + CLIENTS.size()), criteria.size(), "GET P99 per size and client, round trips");
        for (Map<String, String> r : criteria) {
            String what = r.get("test") + "/" + r.get("client") + "/" + r.get("metric");
            assertTrue(!r.get("ci_low").equals("NaN") && !r.get("ci_high").equals("NaN") && !r.get("interval").isEmpty(), "interval: " + what);
            long perTrial = trials.stream().filter(t -> t.get("test").equals(r.get("test")) && t.get("client").equals(r.get("client"))
                    && t.get("metric").equals(r.get("metric"))).count();
            switch (r.get("metric")) {
                case "json_get_p99" -> {
                    assertEquals("3", r.get("trials"), what);
                    assertEquals(Trials.MIN_MAX, r.get("interval"), what);
                    assertEquals(3, perTrial, "each round's P99 is in trials.csv: " + what);
                }
                // 5 reps of 1 and of 100 chunks, every id and float of each decode
                case "values_not_bit_exact" -> {
                    assertEquals("clopper-pearson-95 of " + 5 * (1 + 100) * (1 + 768), r.get("interval"), what);
                    assertEquals(0, perTrial, what);
                }
                // 5 GETs per size and round, 2 sizes, 3 rounds
                case "gets_not_byte_exact" -> {
                    assertEquals("clopper-pearson-95 of " + 5 * 2 * 3, r.get("interval"), what);
                    assertEquals(3, perTrial, "each round's count is in trials.csv: " + what);
                }
                default -> fail("unexpected criterion row " + what);
            }
        }
        assertTrue(run().contains("trials,3"), "run.csv says how many rounds");
    }

    static String run() {
        try {
            return java.nio.file.Files.readString(dir.resolve("run.csv"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
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
