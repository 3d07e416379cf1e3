package lab;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Child processes the lab starts (Redis, PostgreSQL, the API under test).
 *
 * Three layers make sure none outlives the run:
 * 1. callers close them (try-with-resources);
 * 2. a JVM shutdown hook kills whatever is still registered (normal exit, Ctrl-C / SIGTERM);
 * 3. a tiny watchdog shell per child kills it when this JVM disappears without running its hooks
 *    (SIGKILL, crash, test runner killed).
 */
public final class Processes {
    private Processes() {}

    private static final List<ProcessHandle> LIVE = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Processes::killAll, "lab-reaper"));
    }

    /** A free TCP port on 127.0.0.1 (the OS picks it; tiny race window before the child binds it). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new LabException("no free loopback port: " + e.getMessage());
        }
    }

    /** Starts a child with stdout/stderr to {@code log}, registered for cleanup and watched by a watchdog. */
    public static Process start(List<String> command, Path workDir, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            Process p = pb.start();
            register(p.toHandle());
            return p;
        } catch (IOException e) {
            throw new LabException("cannot start " + command.get(0) + ": " + e.getMessage());
        }
    }

    /** What a command printed on stdout, and its exit code. */
    public record Output(int exitCode, String stdout) {}

    /**
     * Runs a short command to its end and returns its stdout (stderr is discarded). The output goes to a
     * temp file, not a pipe, so a command that hangs cannot block this thread before the timeout: after
     * {@code timeoutMillis} it is killed and this throws a one-line LabException.
     */
    public static Output run(List<String> command, long timeoutMillis) {
        Path out = null;
        try {
            out = java.nio.file.Files.createTempFile("lab-cmd-", ".out");
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new LabException(command.get(0) + " did not finish in " + timeoutMillis / 1000.0 + " s");
            }
            return new Output(p.exitValue(), java.nio.file.Files.readString(out, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LabException("cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        } finally {
            if (out != null) out.toFile().delete();
        }
    }

    /** Registers a process started elsewhere (e.g. by pg_ctl) so it is killed with the lab. */
    public static void register(ProcessHandle h) {
        LIVE.add(h);
        watchdog(h.pid());
    }

    public static void unregister(ProcessHandle h) {
        LIVE.remove(h);
    }

    /** SIGKILL the process and its descendants, then wait for them. */
    public static void kill(ProcessHandle h) {
        List<ProcessHandle> all = new ArrayList<>();
        h.descendants().forEach(all::add);
        all.add(h);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // still reported by isAlive() to the caller if it matters
            }
        }
        unregister(h);
    }

    public static void killAll() {
        for (ProcessHandle h : LIVE) {
            resume(h.pid()); // a SIGSTOPped process would ignore nothing, but be safe for SIGTERM-based tools
            kill(h);
        }
    }

    /** SIGSTOP: the process keeps its sockets but answers nothing (a hung server, not a dead one). */
    public static void pause(long pid) {
        signal("STOP", pid);
    }

    /** SIGCONT. */
    public static void resume(long pid) {
        signal("CONT", pid);
    }

    public static void signal(String sig, long pid) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new LabException("cannot send SIG" + sig + " to " + pid + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Finds an executable on the PATH (or null). */
    public static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (p.toFile().canExecute() && !p.toFile().isDirectory()) return p;
        }
        return null;
    }

    /**
     * A shell that polls this JVM and the child twice a second; when the JVM is gone it kills the
     * child, but only if that pid still has the same start time (so a recycled pid is never hit; the
     * command line is no mark: redis-server rewrites its own).
     */
    private static void watchdog(long childPid) {
        long me = ProcessHandle.current().pid();
        String started = "$(cut -d' ' -f22 /proc/" + childPid + "/stat 2>/dev/null)";
        String script = "s=" + started + "; "
                + "while kill -0 " + me + " 2>/dev/null && kill -0 " + childPid + " 2>/dev/null; do sleep 0.5; done; "
                + "if [ -n \"$s\" ] && [ \"" + started + "\" = \"$s\" ]; then "
                + "kill -CONT " + childPid + "; kill -9 " + childPid + "; fi";
        try {
            new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            // without a watchdog the shutdown hook still covers normal exits and Ctrl-C
        }
    }
}
