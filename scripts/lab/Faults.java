package lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fault actions at set times while load runs, on one daemon thread: e.g. kill the server 5 s in, start
 * it again 1 s later. Each step records the instants (System.nanoTime) it started and finished, so a
 * script can time recovery from them. {@link #start()} once the load is about to start, {@link #await} once it is over;
 * a failed action is rethrown there as a one-line LabException.
 * <pre>
 *   Faults f = Faults.plan("jedis").after(5000, "kill", redis::kill).after(1000, "restart", redis::restart);
 *   f.start(); ...run load...; f.await(30_000);
 *   long killAt = f.startedAt("kill"), upAt = f.at("restart");
 * </pre>
 */
public final class Faults {
    private record Step(long delayMillis, String name, Runnable action) {}

    private final String name;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, long[]> done = new LinkedHashMap<>(); // step -> {started, finished}
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private Thread thread;

    private Faults(String name) {
        this.name = name;
    }

    public static Faults plan(String name) {
        return new Faults(name);
    }

    /** Waits {@code delayMillis} after the previous step (or the start), runs {@code action}, records the instant as {@code step}. */
    public Faults after(long delayMillis, String step, Runnable action) {
        steps.add(new Step(delayMillis, step, action));
        return this;
    }

    public Faults start() {
        thread = Threads.startDaemon("fault-" + name, () -> {
            try {
                for (Step s : steps) {
                    Thread.sleep(s.delayMillis());
                    long[] t = {System.nanoTime(), 0};
                    synchronized (done) { done.put(s.name(), t); }
                    try {
                        s.action().run();
                    } catch (RuntimeException e) {
                        failure.set(new LabException(s.name() + " failed: " + Lab.oneLine(e)));
                        return;
                    }
                    synchronized (done) { t[1] = System.nanoTime(); }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return this;
    }

    /** Waits for the remaining steps (at most {@code timeoutMillis}); rethrows a failed action. */
    public void await(long timeoutMillis) {
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
        if (failure.get() != null) throw new LabException(name + ": " + failure.get().getMessage());
    }

    /** When {@code step} started (System.nanoTime), or 0 if it has not. */
    public long startedAt(String step) {
        synchronized (done) { return done.containsKey(step) ? done.get(step)[0] : 0; }
    }

    /** When {@code step} finished (System.nanoTime), or 0 if it has not. */
    public long at(String step) {
        synchronized (done) { return done.containsKey(step) ? done.get(step)[1] : 0; }
    }
}
