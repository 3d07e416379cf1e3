//DEPS org.hdrhistogram:HdrHistogram:2.2.2
package lab;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * HdrHistogram conventions of the lab: values recorded in nanoseconds, 3 significant digits, up to
 * one hour; percentiles always come from the histogram, never from an average of averages.
 */
public final class Latency {
    private Latency() {}

    public static final long HIGHEST_TRACKABLE_NANOS = 3_600_000_000_000L;

    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    }

    /** Records a non-negative nanosecond value, clamped into the trackable range. */
    public static void record(Histogram h, long nanos) {
        h.recordValue(Math.max(0, Math.min(nanos, HIGHEST_TRACKABLE_NANOS)));
    }

    /** The usual summary of one histogram, in nanoseconds. */
    public record Summary(long count, double meanNanos, long p50Nanos, long p90Nanos, long p99Nanos,
                          long p999Nanos, long maxNanos) {

        // An empty histogram has no percentiles: NaN (MISSING), never 0 (which would pass any latency target).
        public double p50Millis() { return millis(p50Nanos); }
        public double p90Millis() { return millis(p90Nanos); }
        public double p99Millis() { return millis(p99Nanos); }
        public double p999Millis() { return millis(p999Nanos); }
        public double maxMillis() { return millis(maxNanos); }
        public double meanMillis() { return count == 0 ? Double.NaN : meanNanos / 1e6; }

        private double millis(long nanos) {
            return count == 0 ? Double.NaN : nanos / 1e6;
        }

        @Override
        public String toString() {
            if (count == 0) return "n=0 (no samples)";
            return String.format("n=%d p50=%s p99=%s p99.9=%s max=%s mean=%s", count, fmt(p50Nanos), fmt(p99Nanos),
                    fmt(p999Nanos), fmt(maxNanos), fmt((long) meanNanos));
        }
    }

    public static Summary summarize(Histogram h) {
        if (h.getTotalCount() == 0) return new Summary(0, Double.NaN, 0, 0, 0, 0, 0);
        return new Summary(h.getTotalCount(), h.getMean(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    /** One point of a percentile spectrum (for charts): percentile in [0,100], value in ns. */
    public record Point(double percentile, long valueNanos, long countAtOrBelow) {}

    /**
     * The full percentile spectrum, 5 ticks per halving of the remaining distance to 100%
     * (the same shape HdrHistogram's outputPercentileDistribution prints).
     */
    public static List<Point> spectrum(Histogram h) {
        List<Point> out = new ArrayList<>();
        if (h.getTotalCount() == 0) return out;
        for (var v : h.percentiles(5)) {
            out.add(new Point(v.getPercentile(), v.getValueIteratedTo(), v.getTotalCountToThisValue()));
        }
        return out;
    }

    /** Human form with the unit in it: 830 ns, 41.2 µs, 1.93 ms, 2.10 s. */
    public static String fmt(long nanos) {
        if (nanos < 1_000) return nanos + " ns";
        if (nanos < 1_000_000) return String.format("%.1f µs", nanos / 1e3);
        if (nanos < 1_000_000_000) return String.format("%.2f ms", nanos / 1e6);
        return String.format("%.2f s", nanos / 1e9);
    }
}
