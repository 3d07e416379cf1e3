package lab;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;

/**
 * Runs {@code sample} every {@code periodMillis} on a daemon thread until closed, with the seconds since
 * the start (e.g. a pool's state into a timeline table while load runs). Use with try-with-resources.
 */
public final class Sampler implements AutoCloseable {
    private final ScheduledExecutorService ex;

    private Sampler(String name, long firstMillis, long periodMillis, DoubleConsumer sample) {
        ex = Executors.newSingleThreadScheduledExecutor(Threads.daemon(name));
        long t0 = System.nanoTime();
        ex.scheduleAtFixedRate(() -> sample.accept((System.nanoTime() - t0) / 1e9), firstMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts sampling at once, then every periodMillis; {@code sample} gets the seconds since the start. */
    public static Sampler every(String name, long periodMillis, DoubleConsumer sample) {
        return new Sampler(name, 0, periodMillis, sample);
    }

    /** Samples at the end of each period (each sample covers a whole window), the first one period from now. */
    public static Sampler afterEach(String name, long periodMillis, Runnable sample) {
        return new Sampler(name, periodMillis, periodMillis, seconds -> sample.run());
    }

    @Override
    public void close() {
        ex.shutdownNow();
        try {
            ex.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
