package lab.net;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP keepalive settings for a client socket: after {@code idleSeconds} without a packet the kernel sends a
 * probe every {@code intervalSeconds}; {@code count} unanswered probes and it ends the connection with
 * ETIMEDOUT, which is how a client blocked on a silent connection hears of it. {@link #osDefault()} is
 * SO_KEEPALIVE alone: the kernel's own timers (Linux: net.ipv4.tcp_keepalive_time 7200 s, _intvl 75 s,
 * _probes 9), which outlive any partition a run measures.
 */
public record KeepAlive(boolean systemDefault, int idleSeconds, int intervalSeconds, int count) {

    /** Stated settings, set per socket (Linux: TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT). */
    public static KeepAlive of(int idleSeconds, int intervalSeconds, int count) {
        if (idleSeconds < 1 || intervalSeconds < 1 || count < 1) throw new lab.LabException("keepalive idle, interval and count must be >= 1");
        return new KeepAlive(false, idleSeconds, intervalSeconds, count);
    }

    /** SO_KEEPALIVE only, with the kernel's timers as this machine has them (-1 where they cannot be read). */
    public static KeepAlive osDefault() {
        return new KeepAlive(true, sysctl("tcp_keepalive_time"), sysctl("tcp_keepalive_intvl"), sysctl("tcp_keepalive_probes"));
    }

    private static int sysctl(String name) {
        try {
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4", name)).get(0).trim()); // procfs: read by line
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Seconds from the last packet heard until the kernel gives the connection up. */
    public double giveUpSeconds() {
        return idleSeconds + (double) intervalSeconds * count;
    }

    public Duration idle() { return Duration.ofSeconds(idleSeconds); }
    public Duration interval() { return Duration.ofSeconds(intervalSeconds); }

    /** The mitigation's name in the tables: "tcp keepalive (idle 1 s, interval 1 s, count 3)". */
    public String label() {
        return "tcp keepalive (" + (systemDefault ? "OS default: " : "") + "idle " + idleSeconds + " s, interval " + intervalSeconds + " s, count " + count + ")";
    }

    /** Sets the options on a socket (before or after connect). */
    public void apply(Socket s) throws IOException {
        s.setKeepAlive(true);
        if (systemDefault) return;
        s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, idleSeconds);
        s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, intervalSeconds);
        s.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, count);
    }

    @Override public String toString() {
        return label();
    }
}
