package lab.redis;

import java.util.List;
import lab.Progress;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Key names: every run writes under its own prefix {@code lab:<script>:<run id>:} so it can share a
 * server with anything else, and removes exactly its own keys at the end (never FLUSHALL on a server
 * the lab did not start).
 */
public final class Keys {
    private final String prefix;

    public Keys(String script) {
        this.prefix = "lab:" + script + ":" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36) + ":";
    }

    public String key(String name) {
        return prefix + name;
    }

    public String prefix() {
        return prefix;
    }

    /** How long cleanup keeps trying on a server that stopped answering (a pause may end; a lost server must not hang the run). */
    static final long CLEANUP_DEADLINE_MILLIS = 15_000;

    /**
     * SCAN + UNLINK of this run's keys; returns how many were removed. On a server the lab did not
     * start, retries for a bounded time when it does not answer (each try times out after the admin
     * connection's 2 s), so a paused server still gets its keys back and a lost one does not hang the run.
     */
    public long cleanup(RedisServer s) {
        long deadline = System.currentTimeMillis() + CLEANUP_DEADLINE_MILLIS;
        long removed = 0;
        while (true) {
            try (Jedis j = s.admin()) {
                String cursor = ScanParams.SCAN_POINTER_START;
                ScanParams p = new ScanParams().match(prefix + "*").count(1000);
                do {
                    ScanResult<String> r = j.scan(cursor, p);
                    List<String> keys = r.getResult();
                    if (!keys.isEmpty()) removed += j.unlink(keys.toArray(String[]::new));
                    cursor = r.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
                return removed;
            } catch (RuntimeException e) {
                // a server the lab started is thrown away with its keys: only someone else's is worth the wait
                if (s.owned() || System.currentTimeMillis() > deadline || Thread.currentThread().isInterrupted()) {
                    Progress.line("could not remove this run's keys (" + prefix + "*): " + e.getMessage());
                    return removed;
                }
                Progress.line("removing this run's keys (" + prefix + "*) failed, retrying: " + e.getMessage());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
