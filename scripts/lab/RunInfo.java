package lab;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The environment of a run, recorded beside every result (DESIGN principle 1: "recorded always"). */
final class RunInfo {
    private RunInfo() {}

    static void environment(Map<String, String> meta) {
        meta.put("git_commit", git("rev-parse", "--short=12", "HEAD"));
        String status = git("status", "--porcelain", "--untracked-files=no");
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
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "git";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) return "unknown";
            return out;
        } catch (Exception e) {
            return "unknown";
        }
    }
}
