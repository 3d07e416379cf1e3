package lab;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The two-sample intervals the server comparison uses: exact Mann-Whitney ranks, Newcombe's rate difference. */
class TwoSampleTest {

    /** P(U <= u) by listing every way to place n x's among n + m positions (the null: all equally likely). */
    static double[] bruteForceCdf(int n, int m) {
        int total = n + m;
        double[] count = new double[n * m + 1];
        int all = 0;
        for (int mask = 0; mask < 1 << total; mask++) {
            if (Integer.bitCount(mask) != n) continue;
            all++;
            int u = 0, ysBelow = 0;
            for (int p = 0; p < total; p++) {
                if ((mask >> p & 1) == 1) u += ysBelow; // an x at rank p exceeds every y below it
                else ysBelow++;
            }
            count[u]++;
        }
        double[] cdf = new double[count.length];
        double s = 0;
        for (int u = 0; u < count.length; u++) cdf[u] = s += count[u] / all;
        return cdf;
    }

    @Test
    void mannWhitneyNullDistributionIsExact() {
        for (int[] nm : new int[][] {{1, 1}, {3, 3}, {6, 6}, {4, 7}, {7, 4}}) {
            assertArrayEquals(bruteForceCdf(nm[0], nm[1]), TwoSample.uCdf(nm[0], nm[1]), 1e-12, nm[0] + "+" + nm[1]);
        }
        // the textbook critical value: 6 + 6 trials reject at U <= 5 (two-sided 5 %)
        double[] cdf = TwoSample.uCdf(6, 6);
        assertTrue(cdf[5] <= 0.025 && cdf[6] > 0.025, "P(U<=5) = " + cdf[5] + ", P(U<=6) = " + cdf[6]);
    }

    @Test
    void shiftIntervalIsTheKthPairwiseDifference() {
        double[] x = {1, 2, 3, 4, 5, 6}, y = {11, 12, 13, 14, 15, 16};
        TwoSample.Estimate e = TwoSample.shift(x, y);
        // 36 differences 5..15; the 6th smallest and the 6th largest (k = 6 for 6 + 6)
        assertEquals(10, e.value(), 1e-12);
        assertEquals(7, e.low(), 1e-12);
        assertEquals(13, e.high(), 1e-12);
        assertEquals(TwoSample.SHIFT, e.method());
        assertTrue(e.coverage() >= 0.95, "coverage " + e.coverage());
        // the same sample on both sides: the interval holds 0
        TwoSample.Estimate same = TwoSample.shift(x, x);
        assertTrue(same.low() < 0 && same.high() > 0, same.toString());
        // too few trials for a 95 % rank: min..max of the differences, with its lower coverage
        TwoSample.Estimate few = TwoSample.shift(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        assertEquals(TwoSample.SHIFT_MIN_MAX, few.method());
        assertEquals(1, few.low(), 1e-12);
        assertEquals(5, few.high(), 1e-12);
        assertEquals(0.9, few.coverage(), 1e-12);
        assertTrue(Double.isNaN(TwoSample.shift(new double[] {Double.NaN}, y).value()), "no finite trial: nothing to compare");
    }

    @Test
    void rateDifferenceIsNewcombesHybridScoreInterval() {
        // Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80 gives 0.2000 [0.0524, 0.3339] by method 10
        double[] d = TwoSample.rateDifference(48, 80, 56, 70);
        assertEquals(0.2, d[0], 1e-12);
        assertEquals(0.0524, d[1], 5e-5);
        assertEquals(0.3339, d[2], 5e-5);
        // zero events on both sides: an interval around 0, not a point
        double[] zero = TwoSample.rateDifference(0, 3000, 0, 3000);
        assertEquals(0, zero[0], 0);
        assertTrue(zero[1] < 0 && zero[2] > 0, java.util.Arrays.toString(zero));
    }
}
