package lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One measured quantity over repeated, independent trials: the value the lab reports is the median
 * across trials, with a 95 % confidence interval for that median.
 *
 * <p>The interval is distribution-free (no normality assumed, latencies are skewed):
 * <ul>
 *   <li>{@value #ORDER_STATISTIC} (trials &gt;= 6): the binomial order-statistic interval for the median,
 *       [x(k), x(n+1-k)] with the largest k such that P(Binomial(n, 1/2) &lt; k) &lt;= 2.5 %; its coverage is
 *       at least 95 % (6 trials: min..max, 96.9 %; 9 trials: 2nd..8th, 96.1 %).</li>
 *   <li>{@value #MIN_MAX} (2 to 5 trials): no order-statistic interval reaches 95 % with so few trials,
 *       so the interval is min..max, whose coverage of the median is 1 - 2^(1-n) (5 trials: 93.8 %,
 *       3 trials: 75 %). Verdicts on it are conservative in the sense that PASS needs every trial to pass.</li>
 *   <li>{@value #SINGLE} (1 trial): no interval, the value alone.</li>
 * </ul>
 * A NaN trial (nothing measured) is dropped; a quantity with no finite trial is MISSING (median NaN).
 */
public final class Trials {
    public static final String ORDER_STATISTIC = "median-order-statistic-95";
    public static final String MIN_MAX = "median-min-max";
    public static final String SINGLE = "single";
    public static final String PAIRED = "paired-difference ";

    /** The reported value of a quantity: median across trials, interval and the trials behind it. */
    public record Estimate(double median, double low, double high, String method, double[] values) {
        public int trials() {
            return values.length;
        }

        public boolean missing() {
            return Double.isNaN(median);
        }

        /** Coverage of the interval for the median (1 for no interval is meaningless: NaN). */
        public double coverage() {
            return Trials.coverage(values.length, Trials.rank(values.length));
        }

        /** "0.045 [0.041, 0.052] ms (6 trials)" */
        public String text(String unit) {
            if (missing()) return "MISSING (no samples)";
            if (values.length == 1) return Results.num(round(median)) + " " + unit + " (1 trial)";
            return Results.num(round(median)) + " [" + Results.num(round(low)) + ", " + Results.num(round(high)) + "] " + unit
                    + " (" + values.length + " trials)";
        }

        private static double round(double v) {
            if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return v;
            double scale = Math.pow(10, 3 - Math.ceil(Math.log10(Math.abs(v))));
            return Math.round(v * scale) / scale;
        }
    }

    /** Collects one value per trial, in trial order. */
    private final List<Double> values = new ArrayList<>();

    public Trials add(double value) {
        values.add(value);
        return this;
    }

    public int size() {
        return values.size();
    }

    public double[] values() {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public Estimate estimate() {
        return of(values());
    }

    /**
     * The things compared (clients, mechanisms, series...) in trial {@code trial}'s order (0-based): as given,
     * reversed every other trial (A B C, C B A, A B C, ...), so drift and order effects cancel across trials.
     */
    public static <T> List<T> order(List<T> items, int trial) {
        List<T> o = new ArrayList<>(items);
        if (trial % 2 == 1) java.util.Collections.reverse(o);
        return o;
    }

    /** The median across trials with its 95 % interval (see the class comment for the method). */
    /** Trial {@code i}'s share of {@code total} samples (the remainder goes to the first trials). */
    public static int share(int total, int trials, int i) {
        return total / trials + (i < total % trials ? 1 : 0);
    }

    public static Estimate of(double... trialValues) {
        double[] v = Arrays.stream(trialValues).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) return new Estimate(Double.NaN, Double.NaN, Double.NaN, SINGLE, v);
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        if (n == 1) return new Estimate(median, median, median, SINGLE, v);
        int k = rank(n);
        if (k == 0) return new Estimate(median, s[0], s[n - 1], MIN_MAX, v);
        return new Estimate(median, s[k - 1], s[n - k], ORDER_STATISTIC, v);
    }

    /**
     * The per-trial paired difference a[i] - b[i] (e.g. RDB on minus RDB off measured in the same round),
     * estimated like any quantity: pairing cancels the drift both sides of a round share.
     */
    public static Estimate difference(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("paired trials need as many values on each side: " + a.length + " vs " + b.length);
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i] - b[i];
        Estimate e = of(d);
        return new Estimate(e.median(), e.low(), e.high(), PAIRED + e.method(), e.values());
    }

    /** The largest k (1-based) with P(Binomial(n, 1/2) < k) <= 2.5 %, or 0 when none exists (n < 6). */
    static int rank(int n) {
        int k = 0;
        double cdf = 0; // P(X <= j-1)
        for (int j = 1; j <= n / 2; j++) {
            cdf += binomHalf(n, j - 1);
            if (cdf <= 0.025) k = j;
            else break;
        }
        return k;
    }

    static double coverage(int n, int k) {
        if (n < 2) return Double.NaN;
        if (k == 0) k = 1; // min..max
        double tail = 0;
        for (int j = 0; j < k; j++) tail += binomHalf(n, j);
        return 1 - 2 * tail;
    }

    private static double binomHalf(int n, int j) {
        double logC = 0;
        for (int i = 1; i <= j; i++) logC += Math.log(n - j + i) - Math.log(i);
        return Math.exp(logC - n * Math.log(2));
    }
}
