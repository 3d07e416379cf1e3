//DEPS io.projectreactor.tools:blockhound:1.0.13.RELEASE
package lab.async;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import lab.LabException;
import reactor.blockhound.BlockHound;

/**
 * Blocking calls on the async client's event-loop threads, detected with BlockHound (a Java agent that
 * instruments the JDK's blocking methods and reports a call made on a thread marked non-blocking).
 *
 * <p>Marked non-blocking here: Lettuce's Netty I/O event loops and its event-executor loops (by thread
 * name), besides whatever Netty's own BlockHound integration marks (loaded through ServiceLoader, with its
 * allowances for Netty internals). Every detection is recorded, not thrown, so a run can count them; each
 * carries the phase it happened in ({@link #phase}).
 *
 * <p>Besides BlockHound's list (sleep, park, wait, file and socket I/O of the old socket implementation) the
 * wait of a JDK 13+ socket ({@code sun.nio.ch.Net.poll}, where a blocking read or connect of a
 * java.net.Socket waits: JDBC) is marked blocking.
 *
 * <p>On JDK 13+ BlockHound needs the JVM flag {@link #JVM_FLAG} (JBang passes it through the script's //JAVA_OPTIONS
 * line); {@link #runInJvmWithFlag} runs a script in a child JVM that has it.
 */
public final class BlockingCalls {
    private BlockingCalls() {}

    public static final String JVM_FLAG = "-XX:+AllowRedefinitionToAddDeleteMethods";

    /** Lettuce's event-loop threads: lettuce-nioEventLoop-4-1, lettuce-epollEventLoop-..., lettuce-eventExecutorLoop-1-1. */
    public static final Pattern EVENT_LOOP = Pattern.compile("lettuce-(nio|epoll|kqueue|iouring|io_uring)EventLoop-.*|lettuce-eventExecutorLoop-.*");

    /** One detected call: the phase, the thread and the blocking method (e.g. java.lang.Thread.sleep). */
    public record Call(String phase, String thread, String method) {}

    private static final ConcurrentLinkedQueue<Call> CALLS = new ConcurrentLinkedQueue<>();
    private static volatile String phase = "setup";
    private static boolean installed;

    public static boolean onEventLoop(Thread t) {
        return EVENT_LOOP.matcher(t.getName()).matches();
    }

    /** Whether this JVM can take the agent (JDK 12 and older always can). */
    public static boolean jvmAllowsInstall() {
        return Runtime.version().feature() < 13 || ManagementFactory.getRuntimeMXBean().getInputArguments().contains(JVM_FLAG);
    }

    /**
     * Runs {@code main} with {@code args} in a child JVM that has {@link #JVM_FLAG} (same classpath, same console,
     * same environment) and returns its exit code; the child is stopped if this JVM is.
     */
    public static int runInJvmWithFlag(Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), JVM_FLAG,
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).inheritIO().start();
        } catch (java.io.IOException e) {
            throw new LabException("cannot start a JVM with " + JVM_FLAG + " for BlockHound: " + e.getMessage()
                    + " (add the flag to the java command, or run through ./jbang)");
        }
        Thread hook = new Thread(p::destroy, "lab-child-jvm-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while the child JVM ran");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs
            }
        }
    }

    /** Installs the detector once per JVM (BlockHound is global and cannot be removed). */
    public static synchronized void install() {
        if (installed) return;
        if (!jvmAllowsInstall()) {
            throw new LabException("BlockHound needs the JVM flag " + JVM_FLAG + " on JDK " + Runtime.version().feature()
                    + " (run through ./jbang, which passes it, or add it to the java command)");
        }
        Predicate<Thread> eventLoop = BlockingCalls::onEventLoop;
        BlockHound.install(builder -> builder
                .nonBlockingThreadPredicate(current -> current.or(eventLoop))
                .markAsBlocking("sun.nio.ch.Net", "poll", "(Ljava/io/FileDescriptor;IJ)I")
                .blockingMethodCallback(m -> CALLS.add(new Call(phase, Thread.currentThread().getName(), m.toString()))));
        installed = true;
    }

    /** Labels the detections from now on. */
    public static void phase(String name) {
        phase = name;
    }

    /** Every detection so far. */
    public static List<Call> calls() {
        return List.copyOf(CALLS);
    }

    /** The detections of one phase. */
    public static List<Call> calls(String phaseName) {
        return CALLS.stream().filter(c -> c.phase().equals(phaseName)).toList();
    }
}
