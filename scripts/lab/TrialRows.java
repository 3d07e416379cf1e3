package lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The rows of an experiment repeated as whole trials (the same phases, run again and again): each trial
 * adds its value of a quantity, {@link #emit} writes one row per quantity at the end, so every criterion
 * is judged on all its trials at once and every trial's value lands in trials.csv.
 * <ul>
 *   <li>{@link #check}: one value per trial, judged on the median across trials and its 95 % interval
 *       (lab.Trials, lab.Verdict). A value the trial waited for and never saw is {@code +Infinity}
 *       (unbounded, never a pass), not NaN (nothing measured).</li>
 *   <li>{@link #zero}: a count that must be zero, summed over every trial with its opportunities and judged
 *       with the Clopper-Pearson bound (Results.checkZero); the per-trial counts go to trials.csv.</li>
 *   <li>{@link #info}: context without a target; one trial gives a plain row, several give an estimate.</li>
 *   <li>{@link #fixedRate} and {@link #latency}: load runs and histograms, pooled over the trials into the
 *       usual latency rows (FixedRate.report, Results.latency).</li>
 * </ul>
 * Rows come out in the order their quantity was first added.
 */
public final class TrialRows {
    private enum Kind { INFO, CHECK, ZERO, FIXED_RATE, LATENCY }

    private static final class Entry {
        final Kind kind;
        final String test, client, metric, unit;
        final Criterion criterion;
        final Trials values = new Trials();
        long count, outOf;
        final List<FixedRate.Result> runs = new ArrayList<>();
        Histogram histogram;

        Entry(Kind kind, String test, String client, String metric, String unit, Criterion criterion) {
            this.kind = kind;
            this.test = test;
            this.client = client;
            this.metric = metric;
            this.unit = unit;
            this.criterion = criterion;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private Entry entry(Kind kind, String test, String client, String metric, String unit, Criterion c) {
        Entry e = entries.computeIfAbsent(kind + "|" + test + "|" + client + "|" + metric, k -> new Entry(kind, test, client, metric, unit, c));
        if (e.criterion != c) throw new IllegalArgumentException(test + " " + client + " " + metric + ": judged against two criteria");
        return e;
    }

    /** This trial's value of a quantity without a target. */
    public void info(String test, String client, String metric, String unit, double value) {
        entry(Kind.INFO, test, client, metric, unit, null).values.add(value);
    }

    /** This trial's value of a quantity judged against {@code c}. */
    public void check(String test, String client, String metric, double value, Criterion c) {
        entry(Kind.CHECK, test, client, metric, c.unit, c).values.add(value);
    }

    /** This trial's count of events that must not happen, out of {@code outOf} opportunities. */
    public void zero(String test, String client, String metric, long count, long outOf, Criterion c) {
        Entry e = entry(Kind.ZERO, test, client, metric, c.unit, c);
        e.count += count;
        e.outOf += outOf;
        e.values.add(count);
    }

    /** This trial's load run of a phase; the rows are those of the runs pooled. */
    public void fixedRate(String test, String client, FixedRate.Result r) {
        entry(Kind.FIXED_RATE, test, client, "", "", null).runs.add(r);
    }

    /** This trial's latencies of an operation; the rows are those of the histograms added up. */
    public void latency(String test, String client, String op, Histogram h) {
        Entry e = entry(Kind.LATENCY, test, client, op, "ms", null);
        if (e.histogram == null) e.histogram = Latency.newHistogram();
        e.histogram.add(h);
    }

    /** How many trials a judged quantity has so far (0 if none). */
    public int trials(String test, String client, String metric) {
        Entry e = entries.get(Kind.CHECK + "|" + test + "|" + client + "|" + metric);
        return e == null ? 0 : e.values.size();
    }

    /** Every quantity's row(s), in the order first added. */
    public void emit(Results out) {
        for (Entry e : entries.values()) {
            switch (e.kind) {
                case INFO -> {
                    if (e.values.size() == 1) out.info(e.test, e.client, e.metric, e.unit, e.values.values()[0]);
                    else out.info(e.test, e.client, e.metric, e.unit, e.values.estimate());
                }
                case CHECK -> out.check(e.test, e.client, e.metric, e.values.estimate(), e.criterion);
                case ZERO -> {
                    out.trialValues(e.test, e.client, e.metric, e.values.estimate());
                    out.checkZero(e.test, e.client, e.metric, e.count, e.outOf, e.criterion);
                }
                case FIXED_RATE -> FixedRate.report(out, e.test, e.client, e.runs.size() == 1 ? e.runs.get(0) : FixedRate.pooled(e.runs));
                case LATENCY -> out.latency(e.test, e.client, e.metric, e.histogram);
            }
        }
    }
}
