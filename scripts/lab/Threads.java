package lab;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads: a measurement thread must never keep the JVM alive after a run. */
public final class Threads {
    private Threads() {}

    /** Daemon threads named {@code name}, {@code name-2}, {@code name-3}... */
    public static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            int i = n.incrementAndGet();
            Thread t = new Thread(r, i == 1 ? name : name + "-" + i);
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts {@code body} on a new daemon thread. */
    public static Thread startDaemon(String name, Runnable body) {
        Thread t = daemon(name).newThread(body);
        t.start();
        return t;
    }
}
