package lab.redis;

import lab.LabException;

import java.util.Locale;
import java.util.Map;

/**
 * The rule for a Redis the lab did not start: the lab writes only its own keys there and changes no
 * configuration, so the one way it could still touch someone else's data is by filling the server
 * until it evicts. Before the first write this checks maxmemory, the eviction policy and the memory
 * in use against what the scenario declares it will hold, and refuses in one line when eviction could
 * reach keys that are not the lab's.
 */
final class ExternalSafety {
    private ExternalSafety() {}

    /**
     * Redis spends more than the value bytes on a key (dictionary entry, key string, allocator
     * rounding, client buffers), so the declared volume is doubled, plus a fixed margin.
     */
    static final double OVERHEAD_FACTOR = 2.0;
    static final long MARGIN_BYTES = 1L << 20;

    static void requireSafeWrites(RedisServer s, long writesBytes) {
        Map<String, String> mem = s.info("memory");
        String maxText = s.configGet("maxmemory");
        String policy = s.configGet("maxmemory-policy");
        boolean configRefused = maxText == null || policy == null;
        // INFO memory carries both since Redis 4, and is often allowed where CONFIG is renamed away
        if (maxText == null) maxText = mem.get("maxmemory");
        if (policy == null) policy = mem.get("maxmemory_policy");
        if (maxText == null || policy == null) {
            throw new LabException(s.safeUrl() + " does not tell the lab its maxmemory and maxmemory-policy (CONFIG GET refused, INFO memory has"
                    + " neither), so the lab cannot rule out that its writes make the server evict other keys; run without --redis-url");
        }
        long maxmemory;
        try {
            maxmemory = RedisServer.parseBytes(maxText);
        } catch (NumberFormatException e) {
            throw new LabException(s.safeUrl() + " reports maxmemory '" + maxText + "', which the lab cannot read; run without --redis-url");
        }
        String verdict = verdict(maxmemory, policy, longOf(mem.get("used_memory")), keysWithTtl(s), writesBytes);
        if (verdict != null) {
            throw new LabException(s.safeUrl() + " " + verdict + (configRefused ? " (read from INFO memory: CONFIG GET was refused)" : "")
                    + "; the lab never risks other keys on a server it did not start: run without --redis-url (the lab starts its own Redis),"
                    + " or use a server with more free memory or maxmemory-policy noeviction");
        }
    }

    /**
     * Null when the writes cannot make the server evict a key the lab did not write; else why they could.
     * noeviction and no maxmemory never evict; volatile-* evicts only keys with a TTL.
     */
    static String verdict(long maxmemory, String policy, long usedBytes, long keysWithTtl, long writesBytes) {
        String p = policy.toLowerCase(Locale.ROOT);
        if (maxmemory <= 0 || p.equals("noeviction")) return null;
        if (p.startsWith("volatile-") && keysWithTtl == 0) return null;
        String what = "has maxmemory " + mb(maxmemory) + " with maxmemory-policy " + policy
                + (p.startsWith("volatile-") ? " and " + keysWithTtl + " keys with a TTL" : "") + ", " + mb(usedBytes) + " in use";
        if (writesBytes < 0) return what + ", and this scenario does not say how much it writes";
        long need = (long) (writesBytes * OVERHEAD_FACTOR) + MARGIN_BYTES;
        if (usedBytes + need <= maxmemory) return null;
        return what + ": this scenario holds up to " + mb(writesBytes) + " of its own keys (" + mb(need)
                + " with Redis overhead), which could make it evict keys that are not the lab's";
    }

    /** Keys with a TTL in every database (eviction is server-wide): INFO keyspace "db0:keys=3,expires=1,...". */
    static long keysWithTtl(RedisServer s) {
        long n = 0;
        for (String v : s.info("keyspace").values()) {
            for (String kv : v.split(",")) if (kv.startsWith("expires=")) n += longOf(kv.substring("expires=".length()));
        }
        return n;
    }

    static long longOf(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1 << 20));
    }
}
