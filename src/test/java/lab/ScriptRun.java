package lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Runs a lab script the way a user would, from tests: in this JVM (fast) or as its own JVM (for exit
 * codes, Ctrl-C and crash behaviour). Scripts live in the default package, so they are found by name.
 */
public final class ScriptRun {
    private ScriptRun() {}

    /** Exit code and what the script printed. */
    public record Outcome(int exitCode, String stdout, String stderr) {
        public String all() {
            return stdout + stderr;
        }
    }

    /** Runs {@code script} in this JVM through {@link Lab#run}, capturing stdout and stderr. */
    @SuppressWarnings("unchecked")
    public static synchronized Outcome inProcess(String script, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            Callable<Integer> cmd = (Callable<Integer>) Class.forName(script).getDeclaredConstructor().newInstance();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Lab.run(cmd, args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no script class " + script, e);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            oldOut.print(out.toString(StandardCharsets.UTF_8));
            oldErr.print(err.toString(StandardCharsets.UTF_8));
        }
    }

    /** Starts {@code script} as its own JVM with the test classpath (caller waits or signals it). */
    public static Process start(Path logFile, Map<String, String> env, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), script));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code script} as its own JVM to the end (timeout in seconds). */
    public static Outcome subprocess(long timeoutSeconds, Map<String, String> env, String script, String... args) {
        try {
            Path log = Files.createTempFile("lab-run-", ".log");
            Process p = start(log, env, script, args);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(script + " did not finish in " + timeoutSeconds + " s: " + Files.readString(log));
            }
            String text = Files.readString(log);
            Files.deleteIfExists(log);
            System.out.print(text);
            return new Outcome(p.exitValue(), text, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads a CSV written by {@link Results} with the lab's reader ({@link Csv}) into rows keyed by column name. */
    public static List<Map<String, String>> csv(Path file) {
        Csv.Table t = Csv.read(file);
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> cells : t.rows()) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < t.columns().size(); i++) m.put(t.columns().get(i), cells.get(i));
            rows.add(m);
        }
        return rows;
    }

    /** The value of one metric row (scenario/test/client/metric), or fails. */
    public static double metric(List<Map<String, String>> rows, String test, String client, String metric) {
        return rows.stream().filter(r -> r.get("test").equals(test) && r.get("client").equals(client) && r.get("metric").equals(metric))
                .mapToDouble(r -> Double.parseDouble(r.get("value"))).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + test + "/" + client + "/" + metric));
    }

    /** Lab servers started (directly or through a script) by this JVM and still running: what a test must not leave. */
    public static List<ProcessHandle> ownServers() {
        long me = ProcessHandle.current().pid();
        return labServers().stream().filter(p -> {
            for (var a = p.parent(); a.isPresent(); a = a.get().parent()) if (a.get().pid() == me) return true;
            return false;
        }).toList();
    }

    /**
     * Server processes the lab started: their working directory is a lab temp dir ("redis-lab-*",
     * "pg-lab-*"). (Debian's redis-server is a symlink to redis-check-rdb and rewrites its title, so the
     * command line is no reliable mark.)
     */
    public static List<ProcessHandle> labServers() {
        long me = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses().filter(p -> {
            // ours (a descendant of this JVM) or nobody's (orphaned by a killed run); not another live run's
            boolean mine = false;
            for (var a = p.parent(); a.isPresent(); a = a.get().parent()) if (a.get().pid() == me) mine = true;
            if (!mine && p.parent().map(pp -> pp.pid() != 1).orElse(false)) return false;
            try {
                String cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).toString();
                return cwd.contains("redis-lab-") || cwd.contains("pg-lab-");
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    /** How many values trials.csv holds for the quantity of metrics row {@code r} (same test, client, metric). */
    static long trialCount(List<Map<String, String>> trials, Map<String, String> r) {
        return trials.stream().filter(t -> t.get("test").equals(r.get("test")) && t.get("client").equals(r.get("client"))
                && t.get("metric").equals(r.get("metric"))).count();
    }

    /** A criterion row carries its interval: both bounds and the method that gave them. */
    static void assertInterval(Map<String, String> r) {
        String what = r.get("test") + "/" + r.get("client") + "/" + r.get("metric");
        org.junit.jupiter.api.Assertions.assertTrue(!r.get("ci_low").equals("NaN") && !r.get("ci_high").equals("NaN") && !r.get("interval").isEmpty(), "interval: " + what);
    }
}
