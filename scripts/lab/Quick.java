package lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code --quick} default of an option, beside its full default:
 * <pre>
 *   &#64;Option(names = "--duration-seconds", defaultValue = "60", description = "... (default: ${DEFAULT-VALUE}).")
 *   &#64;Quick("3") int durationSeconds;
 * </pre>
 * {@link Lab#run} installs a picocli default provider that gives the quick value under {@code --quick}
 * (or {@code LAB_QUICK=true}) and lists every quick value at the end of {@code --help}. An option given
 * on the command line always wins.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Quick {
    /** The default under --quick, in the option's own syntax (e.g. "3", "100,1000"). */
    String value();
}
