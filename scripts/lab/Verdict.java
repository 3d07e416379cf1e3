package lab;

import java.util.Locale;

/**
 * Three-valued judgement of a criterion on a measured quantity with its interval ({@link Trials}):
 * PASS only when the whole interval lies on the passing side of the target, FAIL when it lies
 * entirely on the failing side, otherwise INCONCLUSIVE, with the number of trials that would likely
 * settle it. A quantity with no samples is MISSING, never 0 and never a pass.
 *
 * <p>Zero-count criteria (messages lost, errors, 5xx: target "== 0") are judged on the count itself:
 * any nonzero count is a FAIL; zero is a PASS reported with the 95 % upper bound on the rate it
 * allows (one-sided Clopper-Pearson, which for 0 events is 1 - 0.05^(1/n), about 3/n: the rule of three),
 * e.g. "0 of 12,000 lost: rate < 0.025 % at 95 %".
 */
public record Verdict(Criterion.Status status, String text) {

    /** The verdict of a criterion on an estimate (median across trials and its interval). */
    public static Verdict judge(Criterion c, Trials.Estimate e) {
        if (e.missing()) return new Verdict(Criterion.Status.MISSING, "MISSING: no samples");
        double lo = e.low(), hi = e.high(), t = c.target;
        boolean pass, fail;
        switch (c.cmp) {
            case LT -> { pass = hi < t; fail = lo >= t; }
            case LE -> { pass = hi <= t; fail = lo > t; }
            case GT -> { pass = lo > t; fail = hi <= t; }
            case GE -> { pass = lo >= t; fail = hi < t; }
            default -> { // EQ
                pass = Math.abs(lo - t) < 1e-9 && Math.abs(hi - t) < 1e-9;
                fail = hi < t - 1e-9 || lo > t + 1e-9;
            }
        }
        String measured = e.text(c.unit);
        if (pass) return new Verdict(Criterion.Status.PASS, measured + " " + c.targetText());
        if (fail) return new Verdict(Criterion.Status.FAIL, measured + " not " + c.targetText());
        return new Verdict(Criterion.Status.INCONCLUSIVE, measured + " straddles " + c.targetText() + "; " + settle(e, t));
    }

    /**
     * How many trials would likely settle an interval that straddles the target, assuming the spread
     * across trials stays the same (the interval narrows about as 1/sqrt(trials)).
     */
    static String settle(Trials.Estimate e, double target) {
        double gap = Math.abs(e.median() - target);
        double half = Math.max(e.high() - e.median(), e.median() - e.low());
        if (gap < 1e-12 || e.trials() < 2) return "the median sits on the target: more samples per trial or a longer run, not more trials";
        int n = Math.max(6, e.trials());
        long need = (long) Math.ceil(n * Math.pow(half / gap, 2) * 1.2);
        need = Math.max(need, n + 1);
        return "about " + need + " trials (now " + e.trials() + ") would settle it if the spread holds";
    }

    /** A count that must be zero, out of {@code outOf} opportunities (messages, requests...). */
    public static Verdict zeroCount(Criterion c, long count, long outOf) {
        if (outOf <= 0) return new Verdict(Criterion.Status.MISSING, "MISSING: nothing was attempted");
        String bound = String.format(Locale.ROOT, "rate %s %s %% at 95 %%", count == 0 ? "<" : "in [" + pct(lowerBound(count, outOf)) + ",",
                pct(upperBound(count, outOf)) + (count == 0 ? "" : "]"));
        String text = String.format(Locale.ROOT, "%,d of %,d: %s", count, outOf, bound);
        return new Verdict(count == 0 ? Criterion.Status.PASS : Criterion.Status.FAIL, text);
    }

    private static String pct(double p) {
        return Results.num(Double.parseDouble(String.format(Locale.ROOT, "%.3g", 100 * p)));
    }

    /**
     * One-sided 95 % upper bound on a rate after {@code count} events in {@code n} trials (Clopper-Pearson:
     * the p at which P(X <= count) = 5 %). For count 0 it is 1 - 0.05^(1/n), about 3/n.
     */
    public static double upperBound(long count, long n) {
        if (n <= 0) return Double.NaN;
        if (count >= n) return 1;
        if (count == 0) return 1 - Math.pow(0.05, 1.0 / n);
        double lo = (double) count / n, hi = 1;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (binomCdf(count, n, mid) > 0.05) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /** One-sided 95 % lower bound on a rate (the p at which P(X >= count) = 5 %); 0 for no event. */
    public static double lowerBound(long count, long n) {
        if (n <= 0) return Double.NaN;
        if (count == 0) return 0;
        double lo = 0, hi = (double) count / n;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (1 - binomCdf(count - 1, n, mid) < 0.05) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /** P(X <= k) for X ~ Binomial(n, p), summed in log space (k small or large, n up to billions). */
    static double binomCdf(long k, long n, double p) {
        if (p <= 0) return 1;
        if (p >= 1) return k >= n ? 1 : 0;
        double logP = Math.log(p), logQ = Math.log1p(-p);
        double logC = 0, sum = 0;
        for (long j = 0; j <= k; j++) {
            if (j > 0) logC += Math.log(n - j + 1) - Math.log(j);
            sum += Math.exp(logC + j * logP + (n - j) * logQ);
        }
        return Math.min(1, sum);
    }
}
