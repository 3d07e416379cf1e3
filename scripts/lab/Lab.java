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

    /** The lab's version for {@code -V}: {@code git describe} of the checkout, else this constant. */
    public static final String VERSION = "redis-l2-lab 1.0";

    private static volatile String server;

    /** Names the server the running script measures (safe URL, no password), for errors that lose it. */
    public static void usingServer(String safeDescription) {
        server = safeDescription;
    }

    /** Runs a picocli command and returns its exit code (tests call this; scripts pass it to System.exit). */
    public static int run(Callable<Integer> command, String... args) {
        CommandLine cl = new CommandLine(command);
        quickDefaults(cl, quickRequested(args));
        if (cl.getCommandSpec().version().length == 0 && cl.getCommandSpec().versionProvider() == null) {
            cl.getCommandSpec().versionProvider(() -> new String[] {version()}); // asked only by -V
        }
        Results.clearCurrent();
        server = null;
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage() + fromEnvironment(ex) + " (try --help)");
            return EXIT_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            String lost = lostServer(ex);
            c.getErr().println("error: " + (lost != null ? lost : oneLine(ex)));
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

    static String version() {
        String d = RunInfo.git("describe", "--tags", "--always", "--dirty");
        return d.equals("unknown") ? VERSION : VERSION + " (" + d + ")";
    }

    /** " (value of the environment variable X=...)" when the bad value came from the option's env default. */
    static String fromEnvironment(CommandLine.ParameterException ex) {
        if (!(ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o) || o.defaultValueString(false) == null) return "";
        var m = java.util.regex.Pattern.compile("\\$\\{env:([A-Za-z_0-9]+)").matcher(o.defaultValueString(false));
        // picocli applies defaults even to options that are typed, so a bad variable fails either way
        if (!m.find() || System.getenv(m.group(1)) == null || !String.valueOf(ex.getMessage()).contains(System.getenv(m.group(1)))) return "";
        return " (value of the environment variable " + m.group(1) + "=" + System.getenv(m.group(1)) + ")";
    }

    /**
     * When the server stopped answering (timeout, disconnect): names the server, the phase and the
     * client, and writes the rows measured so far as a partial run. Null for any other error.
     */
    static String lostServer(Throwable ex) {
        Throwable cause = null;
        for (Throwable t = ex; t != null && cause == null; t = t.getCause() == t ? null : t.getCause()) {
            String n = t.getClass().getName();
            if (n.endsWith("JedisConnectionException") || n.endsWith("RedisConnectionException") || n.endsWith("RedisCommandTimeoutException")
                    || t instanceof java.net.SocketTimeoutException || t instanceof java.net.SocketException) {
                cause = t;
            }
        }
        if (cause == null) return null;
        Throwable root = rootCause(cause);
        String phase = Progress.lastStep();
        String what = "lost " + (server == null ? "the Redis server" : server) + " in phase '" + phase + "' (client " + client(ex) + "): "
                + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()).replace('\n', ' ');
        Results r = Results.current();
        if (r == null) return what;
        try {
            r.finishPartial(phase, what);
            return what + "; the " + r.rows().size() + " rows measured before were written to " + r.dir() + " (run.csv partial,true)";
        } catch (RuntimeException e) {
            return what + "; the rows measured before could not be written: " + oneLine(e);
        }
    }

    /** Which client library raised the error, from its stack. */
    static String client(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getClassName().startsWith("redis.clients.jedis")) return "jedis";
                if (e.getClassName().startsWith("io.lettuce")) return "lettuce";
            }
            String n = t.getClass().getName();
            if (n.startsWith("redis.clients.jedis")) return "jedis";
            if (n.startsWith("io.lettuce")) return "lettuce";
        }
        return "unknown";
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
