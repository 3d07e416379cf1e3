package lab;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress lines on stderr, so stdout stays the result and long runs never look hung. */
public final class Progress {
    private Progress() {}

    public static void line(String message) {
        System.err.println("[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
    }

    private static volatile String lastStep = "start-up";

    /** The text of the last {@link #step}: the phase an error happened in. */
    public static String lastStep() {
        return lastStep;
    }

    /** A step of the experiment: "== step ==". */
    public static void step(String message) {
        lastStep = message;
        System.err.println("[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] == " + message);
    }

    /** Prints "label: i/n" at most every 5 s; call it inside a loop. */
    public static final class Every {
        private final String label;
        private final long total;
        private long last = System.nanoTime();

        public Every(String label, long total) {
            this.label = label;
            this.total = total;
        }

        public void tick(long done) {
            long now = System.nanoTime();
            if (now - last > 5_000_000_000L) {
                last = now;
                line(label + ": " + done + "/" + total);
            }
        }
    }
}
