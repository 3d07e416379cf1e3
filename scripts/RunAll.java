///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//
// Runs every experiment of the lab (scripts/[SEQXI][0-9]*_*.java: scenarios, edge cases, deep questions,
// extra studies), each as its own JVM, then regenerates RESULTS.md from the data (scripts/Report.java).
//
//   ./jbang scripts/RunAll.java                        full runs into data/, then RESULTS.md
//   ./jbang scripts/RunAll.java --quick --out /tmp/d   quick runs, report in /tmp/d/RESULTS.md
//   ./jbang scripts/RunAll.java --only S1_basic,S3_pool
//   ./jbang scripts/RunAll.java --report-only          RESULTS.md from the data already there
//   ./jbang scripts/RunAll.java --servers redis,valkey the matrix: each script on each server in turn
//                                                      (S1 redis, S1 valkey, S2 redis, ...); Redis data in
//                                                      ROOT/<script>/, any other server's in ROOT/<server>/<script>/
//   ./jbang scripts/RunAll.java --networks loopback,lan,zone --only S1_basic,S3_pool,S4_degradation,E4_embedding_size
//                                                      each script on each network profile in turn (combinable with
//                                                      --servers); loopback data where it goes today, another profile's
//                                                      in ROOT/network/<profile>/<script>/ (ROOT/<server>/network/... for
//                                                      a server other than Redis)
//
// A script is started with `java -cp <this JVM's classpath> <Script>` when its class is on this
// classpath (the Maven test build compiles them all together), else through `./jbang scripts/X.java`
// (JBang compiles each script with its own //DEPS). Exit 0 = every script passed its criteria,
// 1 = some failed (or ended in error), 2 = RunAll itself could not run (bad option, report failed).

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import lab.CommonOptions;
import lab.Lab;
import lab.LabException;
import lab.Processes;
import lab.Progress;
import lab.Script;
import lab.Results;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "RunAll", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs every scenario script (each as its own JVM), prints a summary table and regenerates RESULTS.md.")
public class RunAll implements Callable<Integer> {

    @Option(names = "--quick", description = "Pass --quick to every script (seconds each instead of minutes).")
    boolean quick;

    @Option(names = "--out", paramLabel = "ROOT", description = "Parent of the scripts' output folders: ROOT/<script>/ (default: data; with --quick: runs/quick, never the reference data/).")
    Path outRoot;

    @Option(names = "--only", split = ",", paramLabel = "NAMES", description = "Run only these scripts, e.g. S1_basic,S3_pool.")
    List<String> only;

    @Option(names = "--skip", split = ",", paramLabel = "NAMES", description = "Do not run these scripts.")
    List<String> skip;

    @Option(names = "--servers", split = ",", paramLabel = "NAMES",
            description = "Run every script on each of these servers in turn (redis, valkey), interleaved per script; Redis writes ROOT/<script>/, another server ROOT/<server>/<script>/. Default: one run on the server the scripts pick (--server / LAB_SERVER, else redis).")
    List<CommonOptions.Server> servers;

    @Option(names = "--networks", split = ",", paramLabel = "PROFILES",
            description = "Run every script on each of these network profiles in turn (loopback, lan, zone, region), interleaved per script and combinable with --servers; loopback writes where it writes today, another profile ROOT/network/<profile>/<script>/ (ROOT/<server>/network/<profile>/<script>/ for a server other than Redis). Default: one run on the profile the scripts pick (--network / LAB_NETWORK, else loopback).")
    List<lab.net.NetworkProfile> networks;

    @Option(names = "--report-only", description = "Run no script: regenerate the report from ROOT.")
    boolean reportOnly;

    @Option(names = "--results", paramLabel = "FILE", description = "Report file (default: RESULTS.md when ROOT is data, else ROOT/RESULTS.md).")
    Path results;

    @Option(names = "--scripts", paramLabel = "DIR", defaultValue = "scripts", description = "Folder of the scripts (default: ${DEFAULT-VALUE}).")
    Path scriptsDir;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "20", description = "Per-script time limit; a script still running then is killed and counted as failed (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    /** How a script is started. */
    enum Launcher { auto, classpath, jbang }

    @Option(names = "--launcher", paramLabel = "KIND", defaultValue = "auto", description = "How scripts start: auto, classpath (java -cp this classpath), jbang (./jbang scripts/X.java) (default: ${DEFAULT-VALUE}).")
    Launcher launcher;

    static final Pattern SCRIPT = Pattern.compile("[SEQXI][0-9]+_.*\\.java");

    public static void main(String... args) {
        Lab.main(new RunAll(), args);
    }

    record Outcome(String script, String server, String network, int exitCode, double seconds, String lastError) {
        String status() {
            return switch (exitCode) {
                case 0 -> "PASS";
                case 1 -> "FAIL";
                case 2 -> "ERROR";
                case -1 -> "TIMEOUT";
                default -> "EXIT " + exitCode;
            };
        }
    }

    private volatile Process current;

    @Override
    public Integer call() throws IOException {
        if (timeoutMinutes < 1) throw new LabException("--timeout must be >= 1 minute");
        List<String> all = discover(scriptsDir);
        for (List<String> names : Arrays.asList(only, skip)) {
            if (names == null) continue;
            for (String n : names) if (!all.contains(n)) throw new LabException("no script '" + n + "' in " + scriptsDir + " (scripts: " + String.join(", ", all) + ")");
        }
        List<String> chosen = all.stream().filter(s -> only == null || only.contains(s)).filter(s -> skip == null || !skip.contains(s)).toList();
        if (outRoot == null) outRoot = quick ? CommonOptions.QUICK_ROOT : Path.of("data");
        Path report = results != null ? results : outRoot.normalize().equals(Path.of("data")) ? Path.of("RESULTS.md") : outRoot.resolve("RESULTS.md");
        checkBeforeRunning(chosen, report);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process p = current;
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
        }));

        List<Outcome> outcomes = new ArrayList<>();
        Path reportData = outRoot;
        if (!reportOnly) {
            if (chosen.isEmpty()) throw new LabException("no script left to run after --only/--skip");
            List<CommonOptions.Server> matrix = serversToRun();
            List<lab.net.NetworkProfile> profiles = networksToRun();
            // without Redis in the matrix and without Redis data already in ROOT, the main report reads the one
            // server's folder; with Redis data there, it reads ROOT, which compares the servers side by side
            if (!matrix.isEmpty() && !matrix.contains(CommonOptions.Server.redis) && !hasRuns(outRoot)) reportData = outRoot.resolve(matrix.get(0).name());
            // likewise without loopback: the main report then reads the first profile's folder (the network
            // comparison needs loopback data in ROOT beside ROOT/network/<profile>/)
            if (!profiles.isEmpty() && !profiles.contains(lab.net.NetworkProfile.loopback) && !hasRuns(reportData)) {
                reportData = reportData.resolve("network").resolve(profiles.get(0).name());
                Progress.line("no loopback data in " + outRoot + ": the report reads " + reportData + " (add loopback to --networks for the comparison)");
            }
            long start = System.nanoTime();
            int step = 0, steps = chosen.size() * Math.max(1, matrix.size()) * Math.max(1, profiles.size());
            for (String s : chosen) {
                // servers and networks interleaved per script, so a change on the machine hits every combination alike
                for (CommonOptions.Server server : orNull(matrix)) {
                    for (lab.net.NetworkProfile network : orNull(profiles)) {
                        List<String> tags = new ArrayList<>();
                        if (server != null) tags.add(server.name());
                        if (network != null) tags.add(network.name());
                        String label = s + (tags.isEmpty() ? "" : " [" + String.join(", ", tags) + "]");
                        Progress.step(String.format(Locale.ROOT, "[%d/%d] %s%s (%.0f s elapsed)", ++step, steps, label, quick ? " --quick" : "",
                                (System.nanoTime() - start) / 1e9));
                        List<String> args = new ArrayList<>(List.of("--out", outDir(outRoot, server, network, s).toString()));
                        if (server != null) args.addAll(List.of("--server", server.name()));
                        // loopback is passed too, so a LAB_NETWORK in the environment cannot turn it into another profile
                        if (network != null) args.addAll(List.of("--network", network.name()));
                        if (quick) args.add(0, "--quick");
                        Outcome o = run(s, server == null ? "" : server.name(), network == null ? "" : network.name(), args, timeoutMinutes);
                        outcomes.add(o);
                        Progress.line(label + ": " + o.status() + String.format(Locale.ROOT, " in %.1f s", o.seconds()));
                    }
                }
            }
            summary(outcomes);
        }

        Progress.step("report: " + report + " from " + reportData);
        Outcome r = run("Report", "", "", List.of("--data", reportData.toString(), "--out", report.toString()), 10);
        if (r.exitCode() != 0) throw new LabException("the report failed (exit " + r.exitCode() + "): " + r.lastError());
        boolean allPassed = outcomes.stream().allMatch(o -> o.exitCode() == 0);
        return allPassed ? Lab.EXIT_PASS : Lab.EXIT_FAIL;
    }

    /**
     * What can fail without running anything fails first (so a bad folder or server costs no run): the
     * output and report folders are writable, the launcher exists, and REDIS_URL, when set, accepts connections (each script checks
     * credentials and configuration itself before measuring; RunAll stays free of Redis clients).
     */
    void checkBeforeRunning(List<String> chosen, Path report) {
        if (!reportOnly) Results.requireWritable(outRoot);
        Path reportDir = report.toAbsolutePath().getParent();
        if (reportDir != null) Results.requireWritable(reportDir);
        for (String s : reportOnly ? List.<String>of() : chosen) {
            String exe = command(s).get(0);
            if (!Files.isExecutable(Path.of(exe)) && Processes.onPath(exe) == null) {
                throw new LabException("cannot start " + s + ": '" + exe + "' is not installed (install JBang, or run from the Maven build with --launcher classpath)");
            }
        }
        String url = System.getenv("REDIS_URL");
        if (!reportOnly && url != null && !url.isBlank()) requireListening(url);
    }


    /** ROOT holds at least one script's results (ROOT/<script>/metrics.csv). */
    static boolean hasRuns(Path root) throws IOException {
        if (!Files.isDirectory(root)) return false;
        try (var dirs = Files.list(root)) {
            return dirs.anyMatch(d -> Files.isRegularFile(d.resolve("metrics.csv")));
        }
    }

    /** REDIS_URL's host and port accept a TCP connection within 2 s (a plain socket: no Redis client here). */
    static void requireListening(String url) {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new LabException("REDIS_URL is not a Redis URL: " + url.replaceAll(":[^:@/]*@", ":***@") + " (expected redis://[user:password@]host:port[/db])");
        }
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, port), 2000);
        } catch (IOException e) {
            throw new LabException("cannot reach REDIS_URL " + host + ":" + port + ": " + e.getMessage() + " (start that server or unset REDIS_URL)");
        }
    }

    /** Experiment scripts by file name, in the lab's order (lab.Script), then any other by kind and name. */
    public static List<String> discover(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new LabException("no scripts folder: " + dir.toAbsolutePath() + " (run from the lab's root or pass --scripts)");
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> SCRIPT.matcher(n).matches())
                    .map(n -> n.substring(0, n.length() - ".java".length()))
                    .sorted(Script.ORDER).toList();
        }
    }

    /** Where a script's data goes: ROOT/<script> for Redis (and a plain run), ROOT/<server>/<script> for another server. */
    static Path outDir(Path root, CommonOptions.Server server, String script) {
        return server == null || server == CommonOptions.Server.redis ? root.resolve(script) : root.resolve(server.name()).resolve(script);
    }

    /**
     * The same with a network profile: loopback (and a plain run) where {@link #outDir(Path, CommonOptions.Server, String)}
     * puts it, another profile one level down in that server's folder: ROOT/network/<profile>/<script> for Redis,
     * ROOT/<server>/network/<profile>/<script> for another server. The report reads ROOT/<script> as before and
     * the network comparison (lab.report.NetworkComparison) the profiles' folders.
     */
    static Path outDir(Path root, CommonOptions.Server server, lab.net.NetworkProfile network, String script) {
        if (network == null || network == lab.net.NetworkProfile.loopback) return outDir(root, server, script);
        Path serverRoot = outDir(root, server, script).getParent();
        return serverRoot.resolve("network").resolve(network.name()).resolve(script);
    }

    /** A dimension's values, or one null (the scripts' own choice) when the option was not given. */
    static <T> List<T> orNull(List<T> values) {
        return values.isEmpty() ? java.util.Collections.singletonList(null) : values;
    }

    /** --networks without duplicates, in the order given. */
    List<lab.net.NetworkProfile> networksToRun() {
        return networks == null ? List.of() : networks.stream().distinct().toList();
    }

    /**
     * --servers without duplicates; a server whose binary is missing is skipped with the one line that
     * says how to install it (the lab then runs Redis alone), unless the scripts get servers elsewhere.
     */
    List<CommonOptions.Server> serversToRun() {
        if (servers == null) return List.of();
        String backend = System.getenv("LAB_REDIS_BACKEND");
        boolean local = backend == null || backend.equals("auto") || backend.equals("binary");
        List<CommonOptions.Server> run = new ArrayList<>();
        for (CommonOptions.Server s : servers) {
            if (run.contains(s)) continue;
            if (local && s != CommonOptions.Server.redis && lab.Processes.onPath(s.binary()) == null) {
                Progress.line("skipping " + s + ": " + (s == CommonOptions.Server.valkey ? CommonOptions.Server.VALKEY_MISSING : s.binary() + " is not on the PATH"));
                continue;
            }
            run.add(s);
        }
        if (run.isEmpty()) throw new LabException("none of --servers " + servers + " can be started here");
        return run;
    }

    /** Runs one script as its own JVM, echoing its output indented; -1 as exit code on timeout. */
    Outcome run(String script, String server, String network, List<String> args, int minutes) throws IOException {
        List<String> cmd = command(script);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        current = p;
        String[] lastError = {""};
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                PrintWriter w = new PrintWriter(System.out, true);
                for (String line; (line = r.readLine()) != null; ) {
                    w.println("    " + line);
                    if (line.startsWith("error: ")) lastError[0] = line.substring("error: ".length());
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "output-" + script);
        pump.setDaemon(true);
        pump.start();
        int code;
        try {
            if (p.waitFor(minutes, TimeUnit.MINUTES)) {
                code = p.exitValue();
            } else {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
                code = -1;
                lastError[0] = "killed after " + minutes + " min";
            }
            pump.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            throw new LabException("interrupted");
        } finally {
            current = null;
        }
        return new Outcome(script, server, network, code, (System.nanoTime() - t0) / 1e9, lastError[0]);
    }

    /** java -cp (this classpath) when the script's class is here, else the lab's JBang launcher. */
    List<String> command(String script) {
        boolean here;
        try {
            Class.forName(script, false, RunAll.class.getClassLoader());
            here = true;
        } catch (ClassNotFoundException e) {
            here = false;
        }
        if (launcher == Launcher.classpath || (launcher == Launcher.auto && here)) {
            if (!here) throw new LabException("--launcher classpath: class " + script + " is not on this classpath");
            return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), script));
        }
        Path source = scriptsDir.resolve(script + ".java");
        Path local = scriptsDir.toAbsolutePath().getParent().resolve("jbang");
        String jbang = Files.isExecutable(local) ? local.toString() : "jbang";
        return new ArrayList<>(List.of(jbang, source.toString()));
    }

    static void summary(List<Outcome> outcomes) {
        int w = Math.max(6, outcomes.stream().mapToInt(o -> o.script().length()).max().orElse(6));
        StringBuilder b = new StringBuilder("\n== RunAll — summary ==\n");
        b.append(String.format(Locale.ROOT, "%-" + w + "s  %-7s  %-8s  %-7s  %4s  %9s  %s%n", "script", "server", "network", "status", "exit", "time (s)", "error"));
        b.append("-".repeat(w + 59)).append('\n');
        for (Outcome o : outcomes) {
            b.append(String.format(Locale.ROOT, "%-" + w + "s  %-7s  %-8s  %-7s  %4d  %9.1f  %s%n", o.script(), o.server(), o.network(), o.status(), o.exitCode(), o.seconds(), o.lastError()));
        }
        long passed = outcomes.stream().filter(o -> o.exitCode() == 0).count();
        b.append(passed).append(" of ").append(outcomes.size()).append(" script runs met all their criteria");
        b.append(String.format(Locale.ROOT, " (%.1f s of script time)%n", outcomes.stream().mapToDouble(Outcome::seconds).sum()));
        System.out.print(b);
    }
}
