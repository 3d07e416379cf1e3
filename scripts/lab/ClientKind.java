package lab;

import java.util.Collection;

/**
 * The two Java Redis clients the lab compares, by name. The names are core constants (used in CSV
 * rows, in {@link Decision} and by {@code --clients}); building the clients is {@code lab.redis.Clients}.
 */
public enum ClientKind {
    jedis, lettuce;

    // String constants so a switch on a client name (as written in run.csv) can use them as labels.
    public static final String JEDIS = "jedis";
    public static final String LETTUCE = "lettuce";

    /** Fails with a one-line error on a client name the lab does not know. */
    public static void requireKnown(Collection<String> clients) {
        for (String c : clients) {
            if (!c.equals(JEDIS) && !c.equals(LETTUCE)) throw new LabException("unknown client '" + c + "' (jedis, lettuce)");
        }
    }
}
