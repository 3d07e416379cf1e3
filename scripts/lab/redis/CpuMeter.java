package lab.redis;

import java.lang.management.ManagementFactory;
import java.util.Map;
import lab.FixedRate;
import lab.Results;

/**
 * Where the CPU went during a measured phase, in % of one core: the calling thread (for
 * {@link FixedRate} that is the scheduler, which also runs the client's dispatch for async calls),
 * this whole JVM (generator + clients), and the Redis server (INFO cpu, when it is reachable).
 * On a 2-core machine these three share 200 %: the numbers say which one ran out first.
 *
 * <p>Start and stop on the same thread: thread CPU time is per thread.
 */
public final class CpuMeter {

    /** CPU per wall second, in % of one core (NaN when not measurable). */
    public record Cost(double wallSeconds, double callerCpuPct, double jvmCpuPct, double redisCpuPct) {}

    private final RedisServer redis;
    private final long wall0, thread0, process0;
    private final double redis0;

    private CpuMeter(RedisServer redis) {
        this.redis = redis;
        this.redis0 = redisCpuSeconds(redis);
        this.process0 = processCpuNanos();
        this.thread0 = threadCpuNanos();
        this.wall0 = System.nanoTime();
    }

    /** Starts measuring now; {@code redis} may be null (no server CPU). */
    public static CpuMeter start(RedisServer redis) {
        return new CpuMeter(redis);
    }

    public Cost stop() {
        long wall = System.nanoTime() - wall0;
        long thread = threadCpuNanos() - thread0;
        long process = processCpuNanos() - process0;
        double r = redisCpuSeconds(redis) - redis0;
        return new Cost(wall / 1e9, pct(thread, wall), pct(process, wall), redis == null ? Double.NaN : 100.0 * r * 1e9 / wall);
    }

    private static double pct(long cpuNanos, long wallNanos) {
        return cpuNanos < 0 || wallNanos <= 0 ? Double.NaN : 100.0 * cpuNanos / wallNanos;
    }

    static long threadCpuNanos() {
        var mx = ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) return os.getProcessCpuTime();
        return -1;
    }

    /** used_cpu_user + used_cpu_sys of the server (seconds since its start); NaN if unreadable. */
    static double redisCpuSeconds(RedisServer redis) {
        if (redis == null) return Double.NaN;
        try {
            Map<String, String> m = redis.info("cpu");
            return Double.parseDouble(m.get("used_cpu_user")) + Double.parseDouble(m.get("used_cpu_sys"));
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The harness's own bar: scheduled rate within 0.5 % of the target, lag P99 < 1 ms, its CPU cost. */
    public static void harness(Results out, String client, FixedRate.Result r, CpuMeter.Cost cost) {
        double scheduledRate = r.scheduled() / (r.config().durationMillis() / 1e3);
        double target = r.config().ratePerSecond();
        out.info("harness", client, "scheduled_rate", "req/s", scheduledRate);
        out.info("harness", client, "scheduled_rate_error_pct", "%", 100 * Math.abs(scheduledRate - target) / target);
        out.info("harness", client, "achieved_rate_error_pct", "%", 100 * Math.abs(r.achievedRatePerSecond() - target) / target);
        out.info("harness", client, "lag_p99", "ms", r.scheduleLagNanos().getValueAtPercentile(99) / 1e6);
        out.info("harness", client, "lag_max", "ms", r.scheduleLagNanos().getMaxValue() / 1e6);
        out.info("harness", client, "scheduler_cpu", "%", cost.callerCpuPct());
        out.info("harness", client, "scheduler_cpu_per_request", "ms", cost.callerCpuPct() / 100 * cost.wallSeconds() * 1e3 / Math.max(1, r.scheduled()));
        out.info("harness", client, "jvm_cpu", "%", cost.jvmCpuPct());
        out.info("harness", client, "redis_cpu", "%", cost.redisCpuPct());
    }
}
