package lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import lab.Criterion.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Trials, intervals and three-valued verdicts: the logic every judged quantity goes through. */
class VerdictTest {

    @Test
    void medianAndOrderStatisticInterval() {
        Trials.Estimate six = Trials.of(5, 1, 4, 2, 6, 3);
        assertEquals(3.5, six.median());
        assertEquals(1, six.low());   // 6 trials: min..max is the 96.9 % order-statistic interval
        assertEquals(6, six.high());
        assertEquals(Trials.ORDER_STATISTIC, six.method());
        assertEquals(1 - 2.0 / 64, six.coverage(), 1e-12);

        Trials.Estimate nine = Trials.of(9, 8, 7, 6, 5, 4, 3, 2, 1);
        assertEquals(5, nine.median());
        assertEquals(2, nine.low());  // 2nd..8th order statistics
        assertEquals(8, nine.high());
        assertTrue(nine.coverage() >= 0.95, "coverage " + nine.coverage());

        Trials.Estimate five = Trials.of(3, 1, 2, 5, 4);
        assertEquals(Trials.MIN_MAX, five.method());
        assertEquals(1, five.low());
        assertEquals(5, five.high());
        assertEquals(1 - 2.0 / 32, five.coverage(), 1e-12);

        Trials.Estimate one = Trials.of(7);
        assertEquals(Trials.SINGLE, one.method());
        assertEquals(7, one.low());
        assertEquals(7, one.high());
    }

    @Test
    void orderStatisticRankKeepsAtLeast95PercentCoverage() {
        for (int n = 6; n <= 200; n++) {
            int k = Trials.rank(n);
            assertTrue(k >= 1, "n=" + n);
            assertTrue(Trials.coverage(n, k) >= 0.95, "n=" + n + " k=" + k);
            assertTrue(Trials.coverage(n, k + 1) < 0.95, "k is the largest: n=" + n);
        }
        for (int n = 1; n < 6; n++) assertEquals(0, Trials.rank(n), "no 95 % interval below 6 trials");
    }

    @Test
    void noSamplesIsMissingNeverAPass() {
        Trials.Estimate none = Trials.of();
        assertTrue(none.missing());
        assertEquals(Status.MISSING, Verdict.judge(Criterion.GET_P50_MS, none).status());
        Trials.Estimate nans = Trials.of(Double.NaN, Double.NaN);
        assertEquals(Status.MISSING, Verdict.judge(Criterion.GET_P50_MS, nans).status());
        // a NaN trial is dropped, not counted as zero
        assertEquals(2, Trials.of(1, Double.NaN, 3).trials());

        Latency.Summary empty = Latency.summarize(Latency.newHistogram());
        assertTrue(Double.isNaN(empty.p50Millis()), "empty histogram: P50 NaN, not 0");
        assertTrue(Double.isNaN(empty.p99Millis()));
        assertTrue(Double.isNaN(empty.maxMillis()));
        assertEquals(Status.MISSING, Criterion.GET_P99_MS.evaluate(empty.p99Millis()));
        assertEquals(Status.MISSING, Verdict.zeroCount(Criterion.POOL_ERRORS, 0, 0).status());
    }

    static Trials.Estimate around(double lo, double hi) {
        return Trials.of(lo, (lo + hi) / 2, (lo + hi) / 2, (lo + hi) / 2, (lo + hi) / 2, hi);
    }

    // criterion, interval low, high, expected
    static Stream<Arguments> intervals() {
        return Stream.of(
                Arguments.of(Criterion.GET_P50_MS, 1, 4, Status.PASS),          // < 5
                Arguments.of(Criterion.GET_P50_MS, 6, 9, Status.FAIL),
                Arguments.of(Criterion.GET_P50_MS, 5, 9, Status.FAIL),          // low on the target: not < 5
                Arguments.of(Criterion.GET_P50_MS, 4, 6, Status.INCONCLUSIVE),
                Arguments.of(Criterion.GET_P50_MS, 1, 5, Status.INCONCLUSIVE),  // high on the target
                Arguments.of(Criterion.TTL_ERROR_MS, 50, 100, Status.PASS),     // <= 100
                Arguments.of(Criterion.TTL_ERROR_MS, 101, 200, Status.FAIL),
                Arguments.of(Criterion.TTL_ERROR_MS, 90, 110, Status.INCONCLUSIVE),
                Arguments.of(Criterion.THROUGHPUT_RPS, 99.5, 100, Status.PASS), // >= 99.5
                Arguments.of(Criterion.THROUGHPUT_RPS, 90, 99, Status.FAIL),
                Arguments.of(Criterion.THROUGHPUT_RPS, 99, 100, Status.INCONCLUSIVE),
                Arguments.of(Criterion.POOL_ERRORS, 0, 0, Status.PASS),         // == 0
                Arguments.of(Criterion.POOL_ERRORS, 1, 3, Status.FAIL),
                Arguments.of(Criterion.POOL_ERRORS, 0, 2, Status.INCONCLUSIVE));
    }

    @ParameterizedTest(name = "{0} [{1}, {2}] -> {3}")
    @MethodSource("intervals")
    void intervalAgainstTarget(Criterion c, double lo, double hi, Status expected) {
        Verdict v = Verdict.judge(c, around(lo, hi));
        assertEquals(expected, v.status(), v.text());
        if (expected == Status.INCONCLUSIVE) assertTrue(v.text().contains("trials") || v.text().contains("samples"), v.text());
    }

    @Test
    void greaterThanComparator() {
        Criterion gt = Criterion.THROUGHPUT_RPS; // only GE in the seed: check GT through Cmp directly
        assertTrue(Criterion.Cmp.GT.test(2, 1));
        assertFalse(Criterion.Cmp.GT.test(1, 1));
        assertEquals(Status.PASS, Verdict.judge(gt, Trials.of(100, 100, 100)).status());
    }

    @Test
    void inconclusiveSaysHowManyTrialsWouldSettleIt() {
        Verdict v = Verdict.judge(Criterion.SERIALIZATION_MS, Trials.of(0.7, 0.8, 0.85, 0.9, 0.95, 1.2));
        assertEquals(Status.INCONCLUSIVE, v.status());
        assertTrue(v.text().matches(".*about \\d+ trials \\(now 6\\).*"), v.text());
    }

    @Test
    void zeroCountUpperBound() {
        // rule of three: 0 of 12,000 -> < 0.025 %
        assertEquals(3.0 / 12_000, Verdict.upperBound(0, 12_000), 1e-6);
        Verdict v = Verdict.zeroCount(Criterion.PUBSUB_LOSS_PCT, 0, 12_000);
        assertEquals(Status.PASS, v.status());
        assertEquals("0 of 12,000: rate < 0.025 % at 95 %", v.text());
        Verdict one = Verdict.zeroCount(Criterion.PUBSUB_LOSS_PCT, 1, 12_000);
        assertEquals(Status.FAIL, one.status(), "a nonzero count is a FAIL");
        // Clopper-Pearson one-sided 95 % for 1 of 100: upper 0.0466, lower 0.000513
        assertEquals(0.0466, Verdict.upperBound(1, 100), 5e-4);
        assertEquals(0.000513, Verdict.lowerBound(1, 100), 5e-6);
        assertEquals(1, Verdict.upperBound(10, 10));
        assertTrue(Verdict.upperBound(733, 1000) > 0.733 && Verdict.lowerBound(733, 1000) < 0.733);
    }

    @Test
    void pairedDifference() {
        double[] on = {3, 4, 5, 6, 7, 8};
        double[] off = {1, 2, 3, 4, 5, 6};
        Trials.Estimate d = Trials.difference(on, off);
        assertEquals(2, d.median());
        assertEquals(2, d.low());
        assertEquals(2, d.high());
        assertTrue(d.method().startsWith(Trials.PAIRED), d.method());
        assertEquals(Status.FAIL, Verdict.judge(Criterion.RDB_DELTA_MS, d).status());
        // the pairs cancel the drift the two sides share, two separate intervals would overlap
        assertEquals(Status.PASS, Verdict.judge(Criterion.RDB_DELTA_MS, Trials.difference(off, off)).status());
        assertThrows(IllegalArgumentException.class, () -> Trials.difference(on, new double[] {1}));
    }

    @Test
    void resultsWriteTrialsAndIntervalsAndInconclusiveIsNotAPass(@TempDir Path dir) throws IOException {
        Results out = new Results("S9_test", dir);
        out.check("ops", "jedis", "get_p50", Trials.of(0.1, 0.2, 0.1, 0.15, 0.12, 0.11), Criterion.GET_P50_MS);
        out.checkZero("loss", "jedis", "lost", 0, 12_000, Criterion.PUBSUB_LOSS_PCT);
        assertTrue(out.passed());
        out.check("json", "jedis", "ser_plus_deser_p99", Trials.of(0.7, 0.8, 0.9, 1.1, 1.2, 0.95), Criterion.SERIALIZATION_MS);
        assertFalse(out.passed(), "INCONCLUSIVE is not a pass");
        assertEquals(Lab.EXIT_FAIL, out.finish());

        List<Results.Row> rows = Csv.metrics(dir.resolve("metrics.csv"));
        Results.Row get = rows.stream().filter(r -> r.metric().equals("get_p50")).findFirst().orElseThrow();
        assertEquals(6, get.trials());
        assertEquals(0.115, get.value(), 1e-9);
        assertEquals(0.1, get.ciLow(), 1e-9);
        assertEquals(0.2, get.ciHigh(), 1e-9);
        assertEquals(Trials.ORDER_STATISTIC, get.interval());
        Results.Row lost = rows.stream().filter(r -> r.metric().equals("lost")).findFirst().orElseThrow();
        assertEquals(0, lost.value());
        assertEquals(0.025, lost.ciHigh(), 1e-4); // in the criterion's unit: %
        assertEquals(Status.INCONCLUSIVE, rows.stream().filter(r -> r.metric().equals("ser_plus_deser_p99")).findFirst().orElseThrow().status());

        Csv.Table trials = Csv.read(dir.resolve("trials.csv"));
        assertEquals(List.of("scenario", "test", "client", "metric", "trial", "value"), trials.columns());
        assertEquals(12, trials.rows().size());
        assertArrayEquals(new double[] {0.1, 0.2, 0.1, 0.15, 0.12, 0.11},
                trials.rows().stream().filter(r -> r.get(3).equals("get_p50")).mapToDouble(r -> Double.parseDouble(r.get(5))).toArray());
    }

    @Test
    void oldMetricsFilesWithoutIntervalsStillRead(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, String.join(",", Results.METRICS_COLUMNS_V1) + "\nS1_basic,ops,jedis,get_p50,ms,0.5,5,<,PASS,GET_P50_MS\n");
        Results.Row r = Csv.metrics(f).get(0);
        assertEquals(Status.PASS, r.status());
        assertEquals(1, r.trials());
        assertFalse(r.hasInterval());
        Files.writeString(f, String.join(",", Results.METRICS_COLUMNS) + "\nS1_basic,ops,jedis,get_p50,ms,0.5,5,<,INCONCLUSIVE,GET_P50_MS,6,0.4,5.5,x\n");
        assertEquals(Status.INCONCLUSIVE, Csv.metrics(f).get(0).status());
        Files.writeString(f, String.join(",", Results.METRICS_COLUMNS) + "\nS1_basic,ops,jedis,get_p50,ms,0.5,5,<,PASS,GET_P50_MS,six,0.4,5.5,x\n");
        LabException e = assertThrows(LabException.class, () -> Csv.metrics(f));
        assertTrue(e.getMessage().contains("trials"), e.getMessage());
    }
}
