package lab;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A picocli converter for a closed set written as an enum whose constants spell hyphenated names with
 * '_' ({@code lettuce_pool} is "lettuce-pool" on the command line and in the CSV files). A blank value
 * converts to null, so an option can be given empty to mean "none". Subclass once per enum:
 * <pre>
 *   enum Variant { jedis, lettuce_reject }
 *   static final class VariantNames extends Choice&lt;Variant&gt; { VariantNames() { super(Variant.class, "variant"); } }
 *   &#64;Option(names = "--variants", split = ",", converter = VariantNames.class) List&lt;Variant&gt; variants;
 * </pre>
 */
public abstract class Choice<E extends Enum<E>> implements ITypeConverter<E> {
    private final Class<E> type;
    private final String what;

    protected Choice(Class<E> type, String what) {
        this.type = type;
        this.what = what;
    }

    /** The name as written on the command line and in the CSV files. */
    public static String label(Enum<?> e) {
        return e.name().replace('_', '-');
    }

    public static List<String> labels(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::label).toList();
    }

    @Override
    public E convert(String value) {
        if (value.isBlank()) return null;
        for (E e : type.getEnumConstants()) if (label(e).equals(value)) return e;
        throw new TypeConversionException("unknown " + what + " '" + value + "' " + labels(type));
    }
}
