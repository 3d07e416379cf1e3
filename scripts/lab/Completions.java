package lab;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The completion instant (System.nanoTime) of every request of a run, ok or failed: wrap the call
 * given to {@link FixedRate}, then ask when the first success after a fault came, how many failed
 * after it, and so on (recovery timing that a latency histogram cannot give).
 */
public final class Completions {
    private final ConcurrentLinkedQueue<Long> ok = new ConcurrentLinkedQueue<>(), failed = new ConcurrentLinkedQueue<>();

    public FixedRate.SyncCall wrap(FixedRate.SyncCall c) {
        return () -> {
            try {
                c.call();
                ok.add(System.nanoTime());
            } catch (Exception e) {
                failed.add(System.nanoTime());
                throw e;
            }
        };
    }

    public FixedRate.AsyncCall wrap(FixedRate.AsyncCall c) {
        return () -> {
            CompletionStage<?> st;
            try {
                st = c.call();
            } catch (RuntimeException e) {
                failed.add(System.nanoTime());
                throw e;
            }
            return st.whenComplete((v, t) -> (t == null ? ok : failed).add(System.nanoTime()));
        };
    }

    /** The first successful completion after {@code t}, or -1. */
    public long firstOkAfter(long t) { return ok.stream().filter(x -> x > t).mapToLong(Long::longValue).min().orElse(-1); }

    /** The last failed completion after {@code t}, or -1. */
    public long lastFailedAfter(long t) { return failed.stream().filter(x -> x > t).mapToLong(Long::longValue).max().orElse(-1); }

    public long okAfter(long t) { return ok.stream().filter(x -> x > t).count(); }

    public long failedAfter(long t) { return failed.stream().filter(x -> x > t).count(); }
}
