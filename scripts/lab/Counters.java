package lab;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Named monotonic counters read together, so a phase can say how much each grew during it:
 * <pre>
 *   Counters c = new Counters().add("l2_errors", cache.l2Errors::sum).add("http_5xx", http.s5xx::sum);
 *   Counters.Snapshot before = c.snapshot();
 *   ... run the phase ...
 *   Counters.Snapshot during = c.since(before);
 *   during.get("l2_errors");
 * </pre>
 */
public final class Counters {
    private final Map<String, LongSupplier> counters = new LinkedHashMap<>();

    public Counters add(String name, LongSupplier read) {
        counters.put(name, read);
        return this;
    }

    /** Every counter's value now. */
    public Snapshot snapshot() {
        Map<String, Long> v = new LinkedHashMap<>();
        counters.forEach((name, read) -> v.put(name, read.getAsLong()));
        return new Snapshot(v);
    }

    /** Every counter at zero (the base of a first difference that counts from the counters' creation). */
    public Snapshot zero() {
        Map<String, Long> v = new LinkedHashMap<>();
        counters.keySet().forEach(name -> v.put(name, 0L));
        return new Snapshot(v);
    }

    /** How much each counter grew since {@code earlier}. */
    public Snapshot since(Snapshot earlier) {
        return snapshot().minus(earlier);
    }

    /** Counter values at one instant (or differences between two). */
    public record Snapshot(Map<String, Long> values) {
        public long get(String name) {
            Long v = values.get(name);
            if (v == null) throw new IllegalArgumentException("no counter '" + name + "' " + values.keySet());
            return v;
        }

        public Snapshot minus(Snapshot earlier) {
            Map<String, Long> d = new LinkedHashMap<>();
            values.forEach((name, v) -> d.put(name, v - earlier.get(name)));
            return new Snapshot(d);
        }
    }
}
