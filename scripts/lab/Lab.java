//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
package lab;

import java.io.PrintWriter;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * How every script starts and ends: picocli parsing, one-line errors, and exit codes that say
 * whether the criteria passed.
 *
 * <pre>
 *   0  every criterion passed
 *   1  the run completed but at least one criterion failed
 *   2  bad input or an environment problem (unknown flag, unreachable server, missing data)
 *   130 interrupted (Ctrl-C)
 * </pre>
 */
public final class Lab {
    private Lab() {}

    public static final int EXIT_PASS = 0;
    public static final int EXIT_FAIL = 1;
    public static final int EXIT_ERROR = 2;

    /** Runs a picocli command and returns its exit code (tests call this; scripts pass it to System.exit). */
    public static int run(Callable<Integer> command, String... args) {
        CommandLine cl = new CommandLine(command);
        quickDefaults(cl, quickRequested(args));
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage() + " (try --help)");
            return EXIT_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("error: " + oneLine(ex));
            if (System.getenv("LAB_DEBUG") != null) ex.printStackTrace(c.getErr());
            return EXIT_ERROR;
        });
        return cl.execute(args);
    }

    /** --quick on the command line (defaults are resolved after parsing, but must not depend on option order), or LAB_QUICK=true. */
    static boolean quickRequested(String... args) {
        for (String a : args) {
            if (a.equals("--quick") || a.equals("--quick=true")) return true;
            if (a.equals("--quick=false")) return false;
        }
        return Boolean.parseBoolean(System.getenv("LAB_QUICK"));
    }

    /** Options with a {@link Quick} default: the quick value under --quick, and both listed in --help. */
    static void quickDefaults(CommandLine cl, boolean quick) {
        CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
        List<String> sizes = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : spec.options()) {
            Quick q = quickOf(o);
            if (q != null) sizes.add(o.longestName() + "=" + q.value());
        }
        if (sizes.isEmpty()) return;
        cl.setDefaultValueProvider(arg -> {
            Quick q = arg instanceof CommandLine.Model.OptionSpec o ? quickOf(o) : null;
            return quick && q != null ? q.value() : null; // null: the @Option's own (full) default
        });
        List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
        footer.add("Defaults under --quick: " + String.join(", ", sizes).replace("%", "%%") + ".");
        spec.usageMessage().footer(footer.toArray(String[]::new));
    }

    private static Quick quickOf(CommandLine.Model.OptionSpec o) {
        return o.userObject() instanceof AnnotatedElement e ? e.getAnnotation(Quick.class) : null;
    }

    /** Scripts' main: run, then exit with the code. */
    public static void main(Callable<Integer> command, String... args) {
        int code = run(command, args);
        System.out.flush();
        System.exit(code);
    }

    /** The root cause as one readable line. */
    public static String oneLine(Throwable ex) {
        if (ex instanceof LabException) return ex.getMessage();
        Throwable root = rootCause(ex);
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String head = ex == root ? "" : ex.getClass().getSimpleName() + ": ";
        return (head + root.getClass().getSimpleName() + ": " + msg).replace('\n', ' ')
                + " (set LAB_DEBUG=1 for the stack trace)";
    }

    /** The innermost cause: the exception that says what really failed. */
    public static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root;
    }

    /** The root cause's simple class name, the key of the lab's error counts (errors_&lt;type&gt;). */
    public static String rootType(Throwable t) {
        return rootCause(t).getClass().getSimpleName();
    }

    /** Thread.sleep that turns an interrupt (Ctrl-C) into a LabException, so loops end cleanly. */
    public static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }
}
