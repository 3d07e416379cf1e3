package lab.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.LabException;
import lab.Processes;

/**
 * The physical reference: {@code redis-benchmark} (C, closed loop) against the same server in the
 * same run. A Java client's latency divided by this one says how much the client and the harness add.
 * It runs explicit commands on this run's own keys, so it is safe on a server the lab did not start.
 */
public final class RedisBenchmark {
    private RedisBenchmark() {}

    /** One redis-benchmark result line (milliseconds as redis-benchmark reports them). */
    public record Line(String command, double requestsPerSecond, double avgMillis, double p50Millis, double p99Millis, double maxMillis) {}

    public static boolean available() {
        return Processes.onPath("redis-benchmark") != null;
    }

    /**
     * Null when the reference can run against {@code s}, else why not. redis-benchmark (7.x, and
     * valkey-benchmark 8.0) takes a password only on its command line (-a / -u), where {@code ps}
     * shows it to every user of the machine, and reads neither REDISCLI_AUTH nor stdin for it: on a
     * password-protected server the reference is skipped rather than the password exposed.
     */
    public static String unavailable(RedisServer s) {
        if (!available()) return "not installed: no reference";
        if (credentials(s).containsKey("password")) {
            return "skipped: the server needs a password and redis-benchmark takes it only on its command line, visible in ps";
        }
        return null;
    }

    /**
     * Runs {@code redis-benchmark -c clients -n requests --csv COMMAND...} and parses its CSV line.
     * Returns null when redis-benchmark is not installed.
     */
    public static Line run(RedisServer s, int clients, int requests, String... command) {
        Path bin = Processes.onPath("redis-benchmark");
        if (bin == null) return null;
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "-h", s.host(), "-p", Integer.toString(s.port()),
                "-c", Integer.toString(clients), "-n", Integer.toString(requests), "--csv"));
        if (unavailable(s) != null) throw new LabException("redis-benchmark reference " + unavailable(s));
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
        throw new LabException("redis-benchmark printed no result: " + out.trim().replace('\n', ' '));
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
