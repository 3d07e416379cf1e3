package lab;

import java.util.Collection;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The two Java Redis clients the lab compares, by name. The names are core constants (used in CSV
 * rows, in {@link Decision} and by {@code --clients}); building the clients is {@code lab.redis.Clients}.
 * <pre>
 *   &#64;Option(names = "--clients", split = ",", defaultValue = "jedis,lettuce", converter = ClientKind.Converter.class, ...)
 *   List&lt;ClientKind&gt; clients;
 * </pre>
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

    /** The names, in order (as written in the CSV files). */
    public static List<String> names(Collection<ClientKind> kinds) {
        return kinds.stream().map(Enum::name).toList();
    }

    /** picocli converter with the lab's message for an unknown client. */
    public static final class Converter implements ITypeConverter<ClientKind> {
        @Override
        public ClientKind convert(String value) {
            for (ClientKind k : values()) if (k.name().equals(value)) return k;
            throw new TypeConversionException("unknown client '" + value + "' (jedis, lettuce)");
        }
    }
}
