package lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The open-loop generator's own correctness, with no Redis: the schedule (count and spacing), the
 * intended-time accounting when a call stalls (coordinated omission must not hide the stall), and
 * error counting by type. Only lower bounds on times are asserted (noise can only make things later).
 */
class FixedRateTest {

    static final double RATE = 200;          // one request every 5 ms
    static final long DURATION_MS = 1000;

    @Test
    void schedulesExactlyRateTimesDurationAndNeverEarly() {
        List<Long> starts = java.util.Collections.synchronizedList(new ArrayList<>());
        FixedRate.Result r = FixedRate.run(FixedRate.Config.of("t", RATE, DURATION_MS).warmupMillis(0).workers(4),
                () -> starts.add(System.nanoTime()));
        assertEquals(200, r.scheduled(), "rate x duration requests in the measured phase");
        assertEquals(r.scheduled(), r.ok() + r.errors() + r.unfinished(), "every scheduled request accounted for");
        assertEquals(200, r.ok());
        assertEquals(200, r.responseTimeNanos().getTotalCount());
        assertEquals(200, r.serviceTimeNanos().getTotalCount());
        assertEquals(200, r.scheduleLagNanos().getTotalCount());
        // open loop: spread over the second, not fired as a burst (199 gaps of 5 ms; half of it is a loose lower bound)
        long span = starts.stream().mapToLong(Long::longValue).max().orElseThrow() - starts.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertTrue(span >= 0.5 * 199 * 5_000_000L, "requests spread over the run, span " + span / 1e6 + " ms");
        assertTrue(r.achievedRatePerSecond() > 0 && r.achievedRatePerSecond() <= RATE * 1.001, "achieved " + r.achievedRatePerSecond());
        // the timeline adds up to the totals
        assertEquals(r.ok(), r.timeline().stream().mapToLong(FixedRate.Window::ok).sum());
        assertEquals(r.errors(), r.timeline().stream().mapToLong(FixedRate.Window::errors).sum());
    }

    @Test
    void warmupIsNotCounted() {
        AtomicInteger calls = new AtomicInteger();
        FixedRate.Result r = FixedRate.run(FixedRate.Config.of("t", RATE, DURATION_MS).warmupMillis(500), calls::incrementAndGet);
        assertEquals(200, r.scheduled());
        assertEquals(200, r.ok());
        assertEquals(300, calls.get(), "100 warm-up calls ran but are not in the result");
    }

    /** A single 500 ms stall on one worker: every request queued behind it must carry the wait. */
    @Test
    void stalledSyncCallShowsUpInTheResponseTimesOfTheRequestsBehindIt() {
        AtomicInteger n = new AtomicInteger();
        FixedRate.Result r = FixedRate.run(FixedRate.Config.of("t", RATE, DURATION_MS).warmupMillis(0).workers(1), () -> {
            if (n.getAndIncrement() == 20) Thread.sleep(500);
        });
        assertEquals(200, r.ok());
        assertTrue(r.responseTimeNanos().getMaxValue() >= 490_000_000L, "the stalled request itself");
        // requests intended in the first 250 ms of the stall (about 50 of them) all finish after it: >= 250 ms each
        long behind = r.responseTimeNanos().getCountBetweenValues(250_000_000L, Long.MAX_VALUE / 4);
        assertTrue(behind >= 40, "requests queued behind the stall carry its wait, got " + behind);
        // service time counts from the real start: only the stalled call itself was slow to serve
        long slowService = r.serviceTimeNanos().getCountBetweenValues(250_000_000L, Long.MAX_VALUE / 4);
        assertTrue(slowService <= 5, "service time must not include the queueing, got " + slowService + " slow");
        assertTrue(r.responseTimeNanos().getValueAtPercentile(90) > r.serviceTimeNanos().getValueAtPercentile(90));
    }

    /** An async call that blocks the scheduler: the lag is the harness's, but response times still count from the intended time. */
    @Test
    void stalledAsyncDispatchIsCountedAsLagAndResponseTime() {
        AtomicInteger n = new AtomicInteger();
        FixedRate.Result r = FixedRate.runAsync(FixedRate.Config.of("t", RATE, DURATION_MS).warmupMillis(0), () -> {
            if (n.getAndIncrement() == 20) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return CompletableFuture.completedFuture("ok");
        });
        assertEquals(200, r.scheduled());
        assertEquals(200, r.ok());
        assertTrue(r.scheduleLagNanos().getMaxValue() >= 400_000_000L, "scheduler was late by the stall");
        long behind = r.responseTimeNanos().getCountBetweenValues(250_000_000L, Long.MAX_VALUE / 4);
        assertTrue(behind >= 40, "requests dispatched late carry the wait, got " + behind);
    }

    @Test
    void errorsAreCountedByRootCauseType() {
        AtomicInteger n = new AtomicInteger();
        FixedRate.Result r = FixedRate.run(FixedRate.Config.of("t", RATE, DURATION_MS).warmupMillis(0).workers(2), () -> {
            int i = n.getAndIncrement();
            if (i % 3 == 0) throw new IllegalStateException("every third");
            if (i % 5 == 0) throw new RuntimeException("wrapped", new IOException("root"));
        });
        long third = 0, fifth = 0;
        for (int i = 0; i < 200; i++) {
            if (i % 3 == 0) third++;
            else if (i % 5 == 0) fifth++;
        }
        assertEquals(Map.of("IllegalStateException", third, "IOException", fifth), r.errorsByType());
        assertEquals(third + fifth, r.errors());
        assertEquals(200 - third - fifth, r.ok());
        assertEquals(r.ok(), r.responseTimeNanos().getTotalCount(), "failed requests are not latency samples");
        assertEquals(100.0 * (third + fifth) / 200, r.failedPercent(), 1e-9);
        assertEquals(r.errors(), r.timeline().stream().mapToLong(FixedRate.Window::errors).sum());
    }

    @Test
    void asyncFailuresAreCountedAndUnfinishedAreReported() {
        AtomicInteger n = new AtomicInteger();
        FixedRate.Result r = FixedRate.runAsync(FixedRate.Config.of("t", RATE, DURATION_MS).warmupMillis(0).drainMillis(200), () -> {
            int i = n.getAndIncrement();
            if (i % 4 == 0) return CompletableFuture.failedFuture(new TimeoutException("slow"));
            if (i % 4 == 1) return new CompletableFuture<>(); // never completes
            return CompletableFuture.completedFuture("ok");
        });
        assertEquals(Map.of("TimeoutException", 50L), r.errorsByType());
        assertEquals(50, r.unfinished(), "requests still outstanding after the drain");
        assertEquals(100, r.ok());
        assertEquals(50.0, r.failedPercent(), 1e-9);
    }

    /** A warm-up request that never completes is not a failure of the measured phase. */
    @Test
    void warmupStragglersAreNotCountedAsUnfinished() {
        AtomicInteger n = new AtomicInteger();
        FixedRate.Result r = FixedRate.runAsync(FixedRate.Config.of("t", RATE, DURATION_MS).warmupMillis(100).drainMillis(200),
                () -> n.getAndIncrement() == 0 ? new CompletableFuture<>() : CompletableFuture.completedFuture("ok"));
        assertEquals(200, r.scheduled());
        assertEquals(200, r.ok());
        assertEquals(0, r.unfinished());
        assertEquals(0.0, r.failedPercent(), 1e-9);
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThrows(LabException.class, () -> FixedRate.run(FixedRate.Config.of("t", 0, 1000), () -> {}));
    }
}
