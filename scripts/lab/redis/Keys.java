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

    /** SCAN + UNLINK of this run's keys; returns how many were removed. */
    public long cleanup(RedisServer s) {
        long removed = 0;
        try (Jedis j = s.admin()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams p = new ScanParams().match(prefix + "*").count(1000);
            do {
                ScanResult<String> r = j.scan(cursor, p);
                List<String> keys = r.getResult();
                if (!keys.isEmpty()) removed += j.unlink(keys.toArray(String[]::new));
                cursor = r.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (RuntimeException e) {
            Progress.line("could not remove this run's keys (" + prefix + "*): " + e.getMessage());
        }
        return removed;
    }
}
