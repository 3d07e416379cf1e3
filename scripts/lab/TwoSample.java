package lab;

import java.util.Arrays;

/**
 * Two independent samples of one quantity (the same script on two servers, each with its own trials):
 * how far apart they are, with a 95 % interval, distribution-free like {@link Trials}.
 *
 * <ul>
 *   <li>{@link #shift}: trials on both sides (medians across trials). The value is the difference of the two
 *       reported medians; the interval is the Mann-Whitney (Hodges-Lehmann) interval for the shift between
 *       the two distributions: the k-th smallest and k-th largest of the n·m pairwise differences y - x, k from
 *       the exact null distribution of the Mann-Whitney U (coverage &gt;= 95 %; 6 + 6 trials: the 6th and the
 *       31st of 36, 95.9 %). With too few trials for any such k (3 + 3: P(U = 0) = 5 %) the interval is the
 *       smallest..largest pairwise difference, whose coverage {@link Estimate#coverage} says.</li>
 *   <li>{@link #rateDifference}: a count out of n on each side (messages lost of those sent): the difference of
 *       the two rates with Newcombe's hybrid score interval (method 10, from the two Wilson intervals), which
 *       stays sensible at 0 events where the plain normal interval collapses to a point.</li>
 * </ul>
 */
public final class TwoSample {
    private TwoSample() {}

    public static final String SHIFT = "two-sample-shift-95";
    public static final String SHIFT_MIN_MAX = "two-sample-shift-min-max";
    public static final String RATE = "rate-difference-newcombe-95";

    /** y - x with its interval; {@code coverage} of that interval (NaN when a side has fewer than 2 values). */
    public record Estimate(double value, double low, double high, String method, double coverage) {}

    /** The shift y - x between two samples of trials (NaN values dropped), see the class comment. */
    public static Estimate shift(double[] x, double[] y) {
        double[] a = finite(x), b = finite(y);
        if (a.length == 0 || b.length == 0) return new Estimate(Double.NaN, Double.NaN, Double.NaN, SHIFT, Double.NaN);
        double value = Trials.of(b).median() - Trials.of(a).median();
        int n = a.length, m = b.length;
        double[] d = new double[n * m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) d[i * m + j] = b[j] - a[i];
        Arrays.sort(d);
        double[] cdf = uCdf(n, m);
        int k = 0; // largest k with P(U <= k-1) <= 2.5 %
        for (int j = 1; j <= n * m / 2; j++) {
            if (cdf[j - 1] <= 0.025) k = j;
            else break;
        }
        if (k == 0) return new Estimate(value, d[0], d[d.length - 1], SHIFT_MIN_MAX, 1 - 2 * cdf[0]);
        return new Estimate(value, d[k - 1], d[d.length - k], SHIFT, 1 - 2 * cdf[k - 1]);
    }

    /** P(U <= u) for u = 0..n·m under the null (both samples from one continuous distribution), exact. */
    static double[] uCdf(int n, int m) {
        // counts[i][j][u]: arrangements of i x's and j y's with U = u, built one element at a time; as
        // frequencies divided by C(i+j, i) so large samples do not overflow
        double[][] prev = new double[m + 1][];
        for (int j = 0; j <= m; j++) {
            prev[j] = new double[1];
            prev[j][0] = 1;
        }
        for (int i = 1; i <= n; i++) {
            double[][] cur = new double[m + 1][];
            cur[0] = new double[] {1};
            for (int j = 1; j <= m; j++) {
                // the largest element is an x (prob i/(i+j)): it exceeds all j y's, U grows by j; else a y: U unchanged
                double px = (double) i / (i + j);
                double[] withX = prev[j], withY = cur[j - 1];
                double[] f = new double[i * j + 1];
                for (int u = 0; u < withX.length; u++) f[u + j] += px * withX[u];
                for (int u = 0; u < withY.length; u++) f[u] += (1 - px) * withY[u];
                cur[j] = f;
            }
            prev = cur;
        }
        double[] p = prev[m];
        double[] cdf = new double[p.length];
        double s = 0;
        for (int u = 0; u < p.length; u++) cdf[u] = s += p[u];
        return cdf;
    }

    /**
     * The difference of two rates, k2/n2 - k1/n1, with Newcombe's hybrid score 95 % interval; as fractions
     * (multiply by 100 for percentage points). {value, low, high}.
     */
    public static double[] rateDifference(long k1, long n1, long k2, long n2) {
        if (n1 <= 0 || n2 <= 0) return new double[] {Double.NaN, Double.NaN, Double.NaN};
        double p1 = (double) k1 / n1, p2 = (double) k2 / n2;
        double[] w1 = wilson(k1, n1), w2 = wilson(k2, n2);
        double d = p2 - p1;
        double low = d - Math.sqrt(Math.pow(p2 - w2[0], 2) + Math.pow(w1[1] - p1, 2));
        double high = d + Math.sqrt(Math.pow(w2[1] - p2, 2) + Math.pow(p1 - w1[0], 2));
        return new double[] {d, Math.max(-1, low), Math.min(1, high)};
    }

    /** Wilson score 95 % interval of a rate. */
    static double[] wilson(long k, long n) {
        double z = 1.959963984540054, p = (double) k / n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    private static double[] finite(double[] v) {
        return v == null ? new double[0] : Arrays.stream(v).filter(d -> !Double.isNaN(d)).toArray();
    }
}
