package lab.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.LabException;
import lab.Processes;

/**
 * The physical reference: {@code redis-benchmark} or {@code valkey-benchmark} (C, closed loop) against
 * the same server in the same run. A Java client's latency divided by this one says how much the client
 * and the harness add. It runs explicit commands on this run's own keys, so it is safe on a server the
 * lab did not start.
 */
public final class RedisBenchmark {
    private RedisBenchmark() {}

    /** One benchmark result line (milliseconds as the tool reports them). */
    public record Line(String command, double requestsPerSecond, double avgMillis, double p50Millis, double p99Millis, double maxMillis) {}

    /**
     * The benchmark tool for this server: its own (valkey-benchmark for Valkey, redis-benchmark for
     * the others), else the other one on the PATH (both speak the same protocol), else null. Chosen by
     * the server's detected name, so a Valkey reached by URL or image gets valkey-benchmark too.
     */
    public static Path tool(RedisServer s) {
        String own = s.serverName().equals("valkey") ? "valkey-benchmark" : "redis-benchmark";
        Path p = Processes.onPath(own);
        if (p == null) p = Processes.onPath(own.equals("valkey-benchmark") ? "redis-benchmark" : "valkey-benchmark");
        return p;
    }

    /** The tool's name as it appears in the client column of reference rows, e.g. valkey-benchmark; null when none. */
    public static String toolName(RedisServer s) {
        Path p = tool(s);
        return p == null ? null : p.getFileName().toString();
    }

    /** Some benchmark tool (redis-benchmark or valkey-benchmark) is on the PATH. */
    public static boolean available() {
        return Processes.onPath("redis-benchmark") != null || Processes.onPath("valkey-benchmark") != null;
    }

    /**
     * Null when the reference can run against {@code s}, else why not. redis-benchmark (7.x) and
     * valkey-benchmark (8.0) take a password only on their command line (-a / -u), where {@code ps}
     * shows it to every user of the machine, and read neither REDISCLI_AUTH nor stdin for it: on a
     * password-protected server the reference is skipped rather than the password exposed.
     */
    public static String unavailable(RedisServer s) {
        if (tool(s) == null) return "not installed (neither redis-benchmark nor valkey-benchmark on the PATH): no reference";
        if (credentials(s).containsKey("password")) {
            return "skipped: the server needs a password and " + toolName(s) + " takes it only on its command line, visible in ps";
        }
        return null;
    }

    /**
     * The tool for a script's same-run reference, or null when it cannot run against {@code s}; either way
     * run.csv's {@code benchmark_tool} says which tool or why none, and a skipped reference is printed.
     */
    public static String forReference(lab.Results out, RedisServer s) {
        String unavailable = unavailable(s);
        out.meta("benchmark_tool", unavailable != null ? unavailable : toolName(s));
        if (unavailable == null) return toolName(s);
        lab.Progress.line("benchmark reference " + unavailable + ": skipping the reference ratio");
        return null;
    }

    /** Runs {@code <tool> -c clients -n requests --csv COMMAND...} and parses its CSV line. */
    public static Line run(RedisServer s, int clients, int requests, String... command) {
        String why = unavailable(s);
        if (why != null) throw new LabException("benchmark reference " + why);
        Path bin = tool(s);
        String name = bin.getFileName().toString();
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "-h", s.host(), "-p", Integer.toString(s.port()),
                "-c", Integer.toString(clients), "-n", Integer.toString(requests), "--csv"));
        if (s.url().startsWith("rediss://")) cmd.add("--tls");
        cmd.addAll(List.of(command));
        String out = Processes.run(cmd, 120_000).stdout();
        for (String line : out.split("\n")) {
            // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
            String[] f = line.replace("\"", "").split(",");
            if (f.length >= 8 && !f[0].equals("test")) {
                return new Line(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[4]),
                        Double.parseDouble(f[6]), Double.parseDouble(f[7]));
            }
        }
        throw new LabException(name + " printed no result: " + out.trim().replace('\n', ' '));
    }

    private static Map<String, String> credentials(RedisServer s) {
        Map<String, String> m = new LinkedHashMap<>();
        java.net.URI u = java.net.URI.create(s.url());
        String info = u.getUserInfo();
        if (info != null) {
            int i = info.indexOf(':');
            String user = i < 0 ? "" : info.substring(0, i);
            String pw = i < 0 ? info : info.substring(i + 1);
            if (!user.isEmpty()) m.put("user", user);
            m.put("password", pw);
        }
        return m;
    }
}
