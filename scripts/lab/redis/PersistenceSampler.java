package lab.redis;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.Lab;
import lab.Progress;
import lab.Threads;
import redis.clients.jedis.Jedis;

/**
 * Samples INFO persistence + stats every 50 ms from its own connection, counting from the end of
 * the warm-up; optionally sends one BGSAVE from {@code bgsaveAtMillis} on (retried while a
 * rule-triggered save makes Redis refuse it; the reply is recorded either way).
 */
public final class PersistenceSampler {
    private final RedisServer redis;
    private final long measureFromMillis, bgsaveAtMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;
    public volatile long samples, bgsaveSamples, aofRewriteSamples, forksAtStart = -1, forksAtEnd = -1, maxLatestForkUsec;
    public volatile String explicitBgsaveReply;
    public volatile boolean bgsaveAccepted;

    public PersistenceSampler(RedisServer redis, long measureFromMillis, long bgsaveAtMillis) {
        this.redis = redis;
        this.measureFromMillis = measureFromMillis;
        this.bgsaveAtMillis = bgsaveAtMillis;
    }

    public long forks() {
        return forksAtStart < 0 || forksAtEnd < 0 ? 0 : forksAtEnd - forksAtStart;
    }

    public void start() {
        thread = Threads.startDaemon("persistence-sampler", this::loop);
    }

    private void loop() {
        long t0 = System.currentTimeMillis();
        try (Jedis j = new Jedis(redis.hostAndPort(), redis.jedisConfig().clientName("lab-q3-info").build())) {
            while (running.get()) {
                long now = System.currentTimeMillis() - t0;
                if (now >= measureFromMillis) {
                    Map<String, String> i = RedisServer.parseInfo(j.info("persistence") + "\n" + j.info("stats"));
                    long forks = Long.parseLong(i.getOrDefault("total_forks", "0"));
                    if (forksAtStart < 0) forksAtStart = forks;
                    forksAtEnd = forks;
                    samples++;
                    if ("1".equals(i.get("rdb_bgsave_in_progress"))) bgsaveSamples++;
                    if ("1".equals(i.get("aof_rewrite_in_progress"))) aofRewriteSamples++;
                    // latest_fork_usec describes the last fork: count it only once a fork happened in the window
                    if (forks > forksAtStart) maxLatestForkUsec = Math.max(maxLatestForkUsec, Long.parseLong(i.getOrDefault("latest_fork_usec", "0")));
                }
                if (bgsaveAtMillis >= 0 && !bgsaveAccepted && now >= bgsaveAtMillis) {
                    // a rule-triggered save may be running: retry until Redis accepts ours
                    try {
                        explicitBgsaveReply = j.bgsave() + " (" + (now - bgsaveAtMillis) + " ms after mid-run)";
                        bgsaveAccepted = true;
                    } catch (RuntimeException e) {
                        explicitBgsaveReply = "refused until the end of the run: " + e.getMessage();
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            Progress.line("persistence sampler stopped: " + Lab.oneLine(e));
        }
    }

    public void stop() {
        running.set(false);
        if (thread == null) return;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
