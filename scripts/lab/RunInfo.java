package lab;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The environment of a run, recorded beside every result (DESIGN principle 1: "recorded always"). */
final class RunInfo {
    private RunInfo() {}

    static void environment(Map<String, String> meta) {
        meta.put("git_commit", git("rev-parse", "--short=12", "HEAD"));
        // The lab's own outputs (data/, the report, charts, executed notebooks) are not code: a reference run
        // rewrites them script by script, and that must not make the next script's run look modified.
        String status = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)data", ":(exclude)RESULTS.md",
                ":(exclude)docs", ":(exclude)notebooks/*.ipynb", ":(exclude)README.md");
        meta.put("git_dirty", status.equals("unknown") ? "unknown" : String.valueOf(!status.isEmpty()));
        meta.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        meta.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        meta.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        meta.put("loadavg_at_start", loadAverage()); // other work on the machine skews latency: say how busy it was
        meta.put("max_heap_mb", String.valueOf(Runtime.getRuntime().maxMemory() >> 20));
        meta.put("jedis_version", mavenVersion("redis.clients", "jedis"));
        meta.put("lettuce_version", mavenVersion("io.lettuce", "lettuce-core"));
        meta.put("hdrhistogram_version", mavenVersion("org.hdrhistogram", "HdrHistogram"));
    }

    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            return String.valueOf(os.getSystemLoadAverage());
        }
    }

    /** The version from a jar's META-INF/maven/.../pom.properties, as resolved on this classpath. */
    static String mavenVersion(String group, String artifact) {
        String res = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = RunInfo.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }

    static String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            Processes.Output o = Processes.run(cmd, 5000);
            return o.exitCode() == 0 ? o.stdout().trim() : "unknown";
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
