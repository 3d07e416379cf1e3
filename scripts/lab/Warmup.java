package lab;

import java.util.Arrays;

/**
 * Time-based warm-up to steady state, before any recorded sample: runs an operation in a loop for at
 * least {@code minMillis}, and then until the P50 of two successive windows (1 s by default) agrees
 * within {@code tolerance} (5 %), or until {@code maxMillis}. A fixed number of iterations is not enough:
 * C2 compiles a code path after thousands of calls, and how long that takes depends on the path (Jackson
 * needs far more than a GET) and on the machine's load.
 */
public final class Warmup {
    private Warmup() {}

    /** One warm-up: how long it ran, how many calls and windows, whether the P50 settled, the last P50. */
    public record Report(String label, double seconds, long calls, int windows, boolean steady, double lastP50Millis) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s: %.1f s, %d calls, %d windows, %s (last window P50 %.4f ms)", label, seconds, calls,
                    windows, steady ? "steady" : "NOT steady at the cap", lastP50Millis);
        }
    }

    /** A call whose latency is timed; throwing stops the warm-up (the measurement would fail the same way). */
    public interface Call {
        void call() throws Exception;
    }

    /**
     * A warm-up as a step of a script: progress line, {@link #untilSteady} for at least {@code minMillis}
     * (at most 4x), and its length and whether it settled into run.csv ({@code warmup_<label>_s}, {@code _steady}).
     */
    public static Report step(Results out, String label, long minMillis, Call call) {
        Progress.step("warm-up " + label + " (>= " + minMillis / 1000.0 + " s, until the P50 settles)");
        Report w = untilSteady(label, minMillis, 4 * minMillis, call);
        out.meta("warmup_" + label + "_s", String.format(java.util.Locale.ROOT, "%.1f", w.seconds()));
        out.meta("warmup_" + label + "_steady", w.steady());
        Progress.line(w.toString());
        return w;
    }

    public static Report untilSteady(String label, long minMillis, long maxMillis, Call call) {
        return untilSteady(label, minMillis, maxMillis, 1000, 0.05, call);
    }

    public static Report untilSteady(String label, long minMillis, long maxMillis, long windowMillis, double tolerance, Call call) {
        long start = System.nanoTime();
        long minEnd = start + minMillis * 1_000_000, maxEnd = start + Math.max(minMillis, maxMillis) * 1_000_000;
        long[] window = new long[1 << 16];
        long calls = 0;
        int windows = 0, n = 0;
        double prev = Double.NaN, last = Double.NaN;
        boolean steady = false;
        long windowEnd = start + windowMillis * 1_000_000;
        while (true) {
            long t0 = System.nanoTime();
            try {
                call.call();
            } catch (Exception e) {
                throw new LabException(label + ": warm-up call failed: " + Lab.oneLine(e));
            }
            long t1 = System.nanoTime();
            calls++;
            if (n == window.length) window = Arrays.copyOf(window, n * 2);
            window[n++] = t1 - t0;
            if (t1 < windowEnd) continue;
            Arrays.sort(window, 0, n);
            prev = last;
            last = window[n / 2] / 1e6;
            windows++;
            n = 0;
            windowEnd = t1 + windowMillis * 1_000_000;
            steady = !Double.isNaN(prev) && Math.abs(last - prev) <= tolerance * Math.max(prev, 1e-9);
            if ((t1 >= minEnd && steady) || t1 >= maxEnd) break;
        }
        return new Report(label, (System.nanoTime() - start) / 1e9, calls, windows, steady, last);
    }
}
