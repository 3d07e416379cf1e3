package lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-loop, fixed-rate load (the way wrk2 and YCSB measure): request i has an intended start time
 * {@code t0 + i / rate}, whatever happened to request i-1. Its <b>response time</b> counts from that
 * intended time, so a stalled server shows up as large latencies for every request that should have
 * been sent during the stall (coordinated omission corrected). <b>Service time</b> counts from the
 * moment the call really started. <b>Schedule lag</b> is how late the generator itself dispatched:
 * the harness's own error, reported so nobody mistakes it for the server's.
 *
 * <p>Synchronous calls run on a worker pool (a request waits for a free worker, and that wait is part
 * of its response time); asynchronous calls are fired from the scheduler thread itself.
 *
 * <p>The harness's own cost is kept out of the way of the measurement: the scheduler parks until
 * {@link #SPIN_NANOS} before a request's intended time and spins the rest (a parked thread wakes tens of
 * microseconds late, more on a loaded machine), and a synchronous call that is due on time while no
 * other request is outstanding runs on the scheduler thread itself instead of being handed to a worker
 * (a hand-off wakes another thread: another few tens of microseconds on every request). When the
 * scheduler falls behind (a stalled server) or a request is still outstanding, calls go to the worker
 * pool as before, so a stall still finds up to {@code workers} requests in flight.
 */
public final class FixedRate {
    private FixedRate() {}

    /** How long before an intended send time the scheduler stops parking and spins. */
    static final long SPIN_NANOS = 200_000;

    /** A blocking request (Jedis, HTTP client...). Throwing counts as an error, by exception type. */
    public interface SyncCall {
        void call() throws Exception;
    }

    /** A non-blocking request (Lettuce async): the stage completing exceptionally counts as an error. */
    public interface AsyncCall {
        CompletionStage<?> call();
    }

    /** What to run. Rates in requests per second, times in milliseconds. */
    public record Config(String label, double ratePerSecond, long durationMillis, long warmupMillis, int workers,
                         long windowMillis, long drainMillis) {
        public static Config of(String label, double ratePerSecond, long durationMillis) {
            return new Config(label, ratePerSecond, durationMillis, Math.min(2000, durationMillis / 10), 16, 1000, 5000);
        }

        /** A phase that continues load already running (the clients are warm): measured from its first request. */
        public static Config continuing(String label, double ratePerSecond, long durationMillis) {
            return of(label, ratePerSecond, durationMillis).warmupMillis(0);
        }

        public Config warmupMillis(long w) { return new Config(label, ratePerSecond, durationMillis, w, workers, windowMillis, drainMillis); }
        public Config workers(int n) { return new Config(label, ratePerSecond, durationMillis, warmupMillis, n, windowMillis, drainMillis); }
        public Config windowMillis(long w) { return new Config(label, ratePerSecond, durationMillis, warmupMillis, workers, w, drainMillis); }
        public Config drainMillis(long d) { return new Config(label, ratePerSecond, durationMillis, warmupMillis, workers, windowMillis, d); }
    }

    /** One window of the timeline (by completion time, seconds since the measured phase began). */
    public record Window(double startSeconds, long ok, long errors, long p50Nanos, long p99Nanos, long maxNanos) {}

    /** The measured phase only (warm-up excluded). */
    public record Result(Config config, Histogram responseTimeNanos, Histogram serviceTimeNanos, Histogram scheduleLagNanos,
                         long scheduled, long ok, long errors, long unfinished, Map<String, Long> errorsByType,
                         double achievedRatePerSecond, List<Window> timeline) {

        /** errors + unfinished, as a percentage of scheduled requests. */
        public double failedPercent() {
            return scheduled == 0 ? Double.NaN : 100.0 * (errors + unfinished) / scheduled;
        }
    }

    public static Result run(Config cfg, SyncCall call) {
        ExecutorService pool = Executors.newFixedThreadPool(cfg.workers(), Threads.daemon("load-" + cfg.label()));
        try {
            double periodNanos = 1e9 / cfg.ratePerSecond();
            return drive(cfg, (intendedNanos, rec) -> {
                Runnable task = () -> {
                    long start = System.nanoTime();
                    try {
                        call.call();
                        rec.done(intendedNanos, start, System.nanoTime(), null);
                    } catch (Throwable t) {
                        rec.done(intendedNanos, start, System.nanoTime(), t);
                    }
                };
                // on time and nothing else in flight: no hand-off (outstanding counts this request already)
                boolean onTime = System.nanoTime() - intendedNanos < periodNanos / 2;
                if (onTime && rec.outstanding.get() == 1) task.run();
                else pool.execute(task);
            });
        } finally {
            pool.shutdownNow();
        }
    }

    public static Result runAsync(Config cfg, AsyncCall call) {
        return drive(cfg, (intendedNanos, rec) -> {
            long start = System.nanoTime();
            try {
                call.call().whenComplete((v, t) -> rec.done(intendedNanos, start, System.nanoTime(), t));
            } catch (Throwable t) {
                rec.done(intendedNanos, start, System.nanoTime(), t);
            }
        });
    }

    private interface Dispatcher {
        void dispatch(long intendedNanos, Recording rec);
    }

    /** Thread-safe bookkeeping of one run. */
    private static final class Recording {
        final long measuredFromNanos;
        final Recorder response = new Recorder(Latency.HIGHEST_TRACKABLE_NANOS, 3);
        final Recorder service = new Recorder(Latency.HIGHEST_TRACKABLE_NANOS, 3);
        final LongAdder ok = new LongAdder(), errors = new LongAdder(), windowOk = new LongAdder(), windowErrors = new LongAdder();
        final AtomicLong outstanding = new AtomicLong();
        final AtomicLong outstandingMeasured = new AtomicLong(); // warm-up stragglers are not failures of the measured phase
        final AtomicLong lastCompletionNanos = new AtomicLong();
        final Map<String, LongAdder> errorTypes = new ConcurrentHashMap<>();

        Recording(long measuredFromNanos) {
            this.measuredFromNanos = measuredFromNanos;
        }

        void done(long intended, long start, long end, Throwable error) {
            try {
                if (intended < measuredFromNanos) return; // warm-up
                lastCompletionNanos.accumulateAndGet(end, Math::max);
                if (error == null) {
                    ok.increment();
                    windowOk.increment();
                    response.recordValue(clamp(end - intended));
                    service.recordValue(clamp(end - start));
                } else {
                    errors.increment();
                    windowErrors.increment();
                    errorTypes.computeIfAbsent(Lab.rootType(error), k -> new LongAdder()).increment();
                }
            } finally {
                outstanding.decrementAndGet();
                if (intended >= measuredFromNanos) outstandingMeasured.decrementAndGet();
            }
        }

        static long clamp(long v) {
            return Math.max(0, Math.min(v, Latency.HIGHEST_TRACKABLE_NANOS));
        }
    }

    private static Result drive(Config cfg, Dispatcher dispatcher) {
        if (!(cfg.ratePerSecond() > 0)) throw new LabException("rate must be > 0 req/s, got " + cfg.ratePerSecond());
        double periodNanos = 1e9 / cfg.ratePerSecond();
        long t0 = System.nanoTime() + 1_000_000; // a millisecond to settle
        long measuredFrom = t0 + cfg.warmupMillis() * 1_000_000;
        long end = measuredFrom + cfg.durationMillis() * 1_000_000;
        Recording rec = new Recording(measuredFrom);
        Histogram lag = Latency.newHistogram();
        Histogram responseTotal = Latency.newHistogram(), serviceTotal = Latency.newHistogram();
        List<Window> timeline = new ArrayList<>();

        // The window ticker: folds interval histograms into totals and the timeline.
        Thread ticker = Threads.startDaemon("load-ticker-" + cfg.label(), () -> {
            long next = measuredFrom + cfg.windowMillis() * 1_000_000;
            long lastProgress = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                long wait = next - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                if (Thread.currentThread().isInterrupted()) break;
                if (System.nanoTime() < next) continue;
                synchronized (timeline) {
                    foldWindow(rec, responseTotal, serviceTotal, timeline, (next - measuredFrom) / 1e9 - cfg.windowMillis() / 1e3);
                }
                next += cfg.windowMillis() * 1_000_000;
                if (System.nanoTime() - lastProgress > 5_000_000_000L && System.nanoTime() < end) {
                    lastProgress = System.nanoTime();
                    Progress.line(String.format("%s: %.0f/%d s at %.0f req/s, %d ok, %d errors", cfg.label(),
                            (System.nanoTime() - measuredFrom) / 1e9, cfg.durationMillis() / 1000, cfg.ratePerSecond(), rec.ok.sum(), rec.errors.sum()));
                }
            }
        });

        long scheduled = 0;
        for (long i = 0; ; i++) {
            long intended = t0 + (long) (i * periodNanos);
            if (intended >= end) break;
            long now = System.nanoTime();
            while (intended - now > SPIN_NANOS) {
                LockSupport.parkNanos(intended - now - SPIN_NANOS);
                now = System.nanoTime();
            }
            while (now < intended) {
                Thread.onSpinWait();
                now = System.nanoTime();
            }
            if (intended >= measuredFrom) {
                scheduled++;
                lag.recordValue(Recording.clamp(now - intended));
                rec.outstandingMeasured.incrementAndGet();
            }
            rec.outstanding.incrementAndGet();
            dispatcher.dispatch(intended, rec);
        }
        long drainUntil = System.nanoTime() + cfg.drainMillis() * 1_000_000;
        while (rec.outstandingMeasured.get() > 0 && System.nanoTime() < drainUntil) LockSupport.parkNanos(1_000_000);
        long unfinished = rec.outstandingMeasured.get();
        ticker.interrupt();
        try {
            ticker.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (timeline) {
            double lastStart = timeline.isEmpty() ? 0 : timeline.get(timeline.size() - 1).startSeconds() + cfg.windowMillis() / 1e3;
            foldWindow(rec, responseTotal, serviceTotal, timeline, lastStart);
        }
        long lastDone = rec.lastCompletionNanos.get();
        double seconds = Math.max(cfg.durationMillis() / 1e3, (lastDone - measuredFrom) / 1e9);
        Map<String, Long> types = new TreeMap<>();
        rec.errorTypes.forEach((k, v) -> types.put(k, v.sum()));
        return new Result(cfg, responseTotal, serviceTotal, lag, scheduled, rec.ok.sum(), rec.errors.sum(), unfinished, types,
                rec.ok.sum() / seconds, List.copyOf(timeline));
    }

    private static void foldWindow(Recording rec, Histogram responseTotal, Histogram serviceTotal, List<Window> timeline, double startSeconds) {
        Histogram r = rec.response.getIntervalHistogram();
        serviceTotal.add(rec.service.getIntervalHistogram());
        responseTotal.add(r);
        long ok = rec.windowOk.sumThenReset(), err = rec.windowErrors.sumThenReset();
        if (ok + err == 0 && startSeconds < 0) return;
        timeline.add(new Window(startSeconds, ok, err, r.getTotalCount() == 0 ? 0 : r.getValueAtPercentile(50),
                r.getTotalCount() == 0 ? 0 : r.getValueAtPercentile(99), r.getMaxValue()));
    }

    /** Standard rows for a fixed-rate result: rates, errors, response/service time, schedule lag. */
    public static void report(Results out, String test, String client, Result r) {
        out.info(test, client, "offered_rate", "req/s", r.config().ratePerSecond());
        out.info(test, client, "achieved_rate", "req/s", r.achievedRatePerSecond());
        out.info(test, client, "scheduled", "count", r.scheduled());
        out.info(test, client, "ok", "count", r.ok());
        out.info(test, client, "errors", "count", r.errors());
        out.info(test, client, "unfinished", "count", r.unfinished());
        out.latency(test, client, "response_time", r.responseTimeNanos());
        out.latency(test, client, "service_time", r.serviceTimeNanos());
        out.latency(test, client, "schedule_lag", r.scheduleLagNanos());
        out.spectrum(test, client, "response_time", r.responseTimeNanos());
        Results.Table t = out.table("timeline.csv", "scenario", "test", "client", "t_s", "ok", "errors", "p50_ms", "p99_ms", "max_ms");
        for (Window w : r.timeline()) {
            t.row(out.scenario(), test, client, w.startSeconds(), w.ok(), w.errors(),
                    w.p50Nanos() / 1e6, w.p99Nanos() / 1e6, w.maxNanos() / 1e6);
        }
    }

    /** One row per error type of a run (errors_&lt;root cause class&gt;, count). */
    public static void errorTypes(Results out, String test, String client, Result r) {
        r.errorsByType().forEach((type, n) -> out.info(test, client, "errors_" + type, "count", n));
    }

    /**
     * One result from several runs of the same load (e.g. one per trial), for pooled rows and the timeline:
     * histograms and counts summed, the timelines concatenated (t_s counts the runs' measured seconds),
     * the achieved rate over all of them.
     */
    public static Result pooled(List<Result> rs) {
        if (rs.isEmpty()) throw new IllegalArgumentException("no runs to pool");
        Config first = rs.get(0).config();
        Histogram response = Latency.newHistogram(), service = Latency.newHistogram(), lag = Latency.newHistogram();
        long scheduled = 0, ok = 0, errors = 0, unfinished = 0, durationMillis = 0;
        double seconds = 0;
        Map<String, Long> types = new TreeMap<>();
        List<Window> timeline = new ArrayList<>();
        for (Result r : rs) {
            response.add(r.responseTimeNanos());
            service.add(r.serviceTimeNanos());
            lag.add(r.scheduleLagNanos());
            double offset = durationMillis / 1e3;
            for (Window w : r.timeline()) {
                timeline.add(new Window(w.startSeconds() + offset, w.ok(), w.errors(), w.p50Nanos(), w.p99Nanos(), w.maxNanos()));
            }
            scheduled += r.scheduled();
            ok += r.ok();
            errors += r.errors();
            unfinished += r.unfinished();
            seconds += r.achievedRatePerSecond() > 0 ? r.ok() / r.achievedRatePerSecond() : r.config().durationMillis() / 1e3;
            durationMillis += r.config().durationMillis();
            r.errorsByType().forEach((k, v) -> types.merge(k, v, Long::sum));
        }
        Config cfg = Config.of(first.label(), first.ratePerSecond(), durationMillis).warmupMillis(first.warmupMillis()).workers(first.workers());
        return new Result(cfg, response, service, lag, scheduled, ok, errors, unfinished, types, seconds > 0 ? ok / seconds : 0, timeline);
    }
}
