package lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Bursts of {@code concurrency} simultaneous requests: all are released at once and each latency counts
 * from that release, so a request that queued for a connection shows its wait. Errors are counted by
 * root-cause type. Sync calls run on {@code concurrency} daemon threads held ready at a latch; async
 * calls are all issued from the calling thread. Close to stop the threads.
 */
public final class Bursts implements AutoCloseable {
    private final int concurrency;
    private final ExecutorService threads;
    /** Latency from the release of each burst (successful requests only). */
    public final Histogram latency = Latency.newHistogram();
    /** Failed requests by root-cause type. */
    public final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    public Bursts(String name, int concurrency) {
        this.concurrency = concurrency;
        this.threads = Executors.newFixedThreadPool(concurrency, Threads.daemon(name));
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** One burst of sync calls; {@code record} false for warm-up bursts (nothing counted). */
    public void sync(FixedRate.SyncCall call, boolean record) {
        CountDownLatch ready = new CountDownLatch(concurrency), go = new CountDownLatch(1), done = new CountDownLatch(concurrency);
        long[] lat = new long[concurrency];
        long[] goAt = new long[1];
        for (int i = 0; i < concurrency; i++) {
            int idx = i;
            threads.execute(() -> {
                try {
                    ready.countDown();
                    go.await();
                    call.call();
                    lat[idx] = System.nanoTime() - goAt[0];
                } catch (Throwable t) {
                    lat[idx] = -1;
                    if (record) errors.computeIfAbsent(Lab.rootType(t), k -> new LongAdder()).increment();
                } finally {
                    done.countDown();
                }
            });
        }
        await(ready);
        goAt[0] = System.nanoTime(); // visible to the workers: written before go.countDown()
        go.countDown();
        await(done);
        if (record) {
            synchronized (latency) {
                for (long l : lat) if (l >= 0) Latency.record(latency, l);
            }
        }
    }

    /** One burst of async calls, issued back to back; waits at most 10 s for them to complete. */
    public void async(FixedRate.AsyncCall call, boolean record) {
        List<CompletableFuture<?>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            fs.add(call.call().toCompletableFuture().whenComplete((v, t) -> {
                if (!record) return;
                if (t == null) {
                    synchronized (latency) { Latency.record(latency, System.nanoTime() - t0); }
                } else {
                    errors.computeIfAbsent(Lab.rootType(t), k -> new LongAdder()).increment();
                }
            }));
        }
        try {
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // counted per request above
        }
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(30, TimeUnit.SECONDS)) throw new LabException("a burst did not finish in 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
