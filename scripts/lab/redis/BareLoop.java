package lab.redis;

import java.util.Arrays;
import lab.LabException;
import redis.clients.jedis.Jedis;

/**
 * The reference without any harness for an open-loop (fixed-rate) measurement: one plain Jedis
 * connection, commands sent from the calling thread at a fixed rate (busy-waiting to each intended time,
 * so no thread is handed anything and none is woken), the service time of each command timed into an
 * array. No pool, no worker, no histogram, no interface between the timer and the socket: what is left
 * is the client's own code, the kernel and the server. The lab's fixed-rate harness (lab.FixedRate) on
 * the same server, at the same rate and in the same rounds, over this loop's P50 is how much the harness
 * and the client library add (reference rows {@code *_p50_fixed_rate_vs_bare_loop} of Q3 and S3).
 *
 * <p>The loop does not correct for coordinated omission: a command that overruns its period delays the
 * next one, and the delay is not counted. At the rates it runs (100 to 1000 req/s, commands of tens of
 * microseconds) commands hardly ever overrun, and its P50 is the quantity compared.
 */
public final class BareLoop implements AutoCloseable {

    /** One command on the bare connection (it picks its own key; that choice is timed, as in the harness's call). */
    public interface Command {
        void send(Jedis j);
    }

    /** A run's service times: P50 and P99 (ms) and how many commands were timed. */
    public record Result(double p50Millis, double p99Millis, long count) {}

    private final Jedis jedis;

    private BareLoop(Jedis jedis) {
        this.jedis = jedis;
    }

    /** A new plain connection to the server, on the same path (network profile included) as the lab's clients. */
    public static BareLoop open(RedisServer redis, String clientName) {
        return new BareLoop(new Jedis(redis.hostAndPort(), redis.jedisConfig().clientName(clientName).build()));
    }

    /** The connection, e.g. for a closed-loop warm-up through lab.Warmup. */
    public Jedis jedis() {
        return jedis;
    }

    /** {@code calls} commands back to back, not timed: the connection is established and the path compiled. */
    public BareLoop warmup(int calls, Command c) {
        for (int i = 0; i < calls; i++) c.send(jedis);
        return this;
    }

    /**
     * {@code rate * durationMillis / 1000} commands (at least one) at intended times {@code t0 + i / rate},
     * spinning until each; returns the P50 and P99 of their service times.
     */
    public Result run(double ratePerSecond, long durationMillis, Command c) {
        if (!(ratePerSecond > 0)) throw new LabException("bare loop: rate must be > 0 req/s, got " + ratePerSecond);
        int n = (int) Math.max(1, ratePerSecond * durationMillis / 1000.0);
        long[] nanos = new long[n];
        double periodNanos = 1e9 / ratePerSecond;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long intended = t0 + (long) (i * periodNanos);
            while (System.nanoTime() < intended) Thread.onSpinWait();
            long a = System.nanoTime();
            c.send(jedis);
            nanos[i] = System.nanoTime() - a;
        }
        Arrays.sort(nanos);
        return new Result(nanos[n / 2] / 1e6, nanos[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)] / 1e6, n);
    }

    @Override
    public void close() {
        jedis.close();
    }
}
