package lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The physical reference: {@code redis-benchmark} or {@code valkey-benchmark} (C, closed loop) against the same server in the
 * same run. A Java client's latency divided by this one says how much the client and the harness add.
 * It runs explicit commands on this run's own keys, so it is safe on a server the lab did not start.
 */
public final class RedisBenchmark {
    private RedisBenchmark() {}

    /** One redis-benchmark result line (milliseconds as redis-benchmark reports them). */
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

    public static boolean available(RedisServer s) {
        return tool(s) != null;
    }

    /**
     * Runs {@code <tool> -c clients -n requests --csv COMMAND...} and parses its CSV line.
     * Returns null when no benchmark tool is installed.
     */
    public static Line run(RedisServer s, int clients, int requests, String... command) {
        Path bin = tool(s);
        if (bin == null) return null;
        String name = bin.getFileName().toString();
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "-h", s.host(), "-p", Integer.toString(s.port()),
                "-c", Integer.toString(clients), "-n", Integer.toString(requests), "--csv"));
        Map<String, String> cred = credentials(s);
        if (cred.containsKey("password")) {
            if (cred.containsKey("user")) cmd.addAll(List.of("--user", cred.get("user")));
            cmd.addAll(List.of("-a", cred.get("password")));
        }
        if (s.url().startsWith("rediss://")) cmd.add("--tls");
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LabException(name + " did not finish in 120 s");
            }
            for (String line : out.split("\n")) {
                // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
                String[] f = line.replace("\"", "").split(",");
                if (f.length >= 8 && !f[0].equals("test")) {
                    return new Line(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[4]),
                            Double.parseDouble(f[6]), Double.parseDouble(f[7]));
                }
            }
            throw new LabException(name + " printed no result: " + out.trim().replace('\n', ' '));
        } catch (IOException e) {
            throw new LabException("cannot run " + name + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
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
