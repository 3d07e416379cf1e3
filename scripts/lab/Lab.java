//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
package lab;

import java.io.PrintWriter;
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

    /** Scripts' main: run, then exit with the code. */
    public static void main(Callable<Integer> command, String... args) {
        int code = run(command, args);
        System.out.flush();
        System.exit(code);
    }

    /** The root cause as one readable line. */
    public static String oneLine(Throwable ex) {
        if (ex instanceof LabException) return ex.getMessage();
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String head = ex == root ? "" : ex.getClass().getSimpleName() + ": ";
        return (head + root.getClass().getSimpleName() + ": " + msg).replace('\n', ' ')
                + " (set LAB_DEBUG=1 for the stack trace)";
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

    public static String version(Class<?> inJar, String fallback) {
        Package p = inJar.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? fallback : v;
    }
}
