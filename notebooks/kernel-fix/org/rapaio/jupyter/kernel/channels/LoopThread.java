package org.rapaio.jupyter.kernel.channels;

/**
 * Replacement for rapaio-jupyter-kernel 3.0.1's LoopThread, put before the kernel jar on its classpath
 * by notebooks/install.sh.
 *
 * <p>Why: 3.0.1 hangs at start-up now and then (about one start in five on a busy 2-core machine),
 * through two races that both end with a channel loop thread gone and the kernel never answering:
 * <ol>
 *   <li>{@code start()} calls {@code Thread.start()} first and sets {@code running = true} after it; when
 *       the new thread runs before that assignment, {@code run()} reads false and returns at once;</li>
 *   <li>{@code Channels.connect} binds the sockets (starting these loops) before it fills its message
 *       handler map; the client's first {@code kernel_info_request} can arrive in between, and the shell
 *       loop dies on a NullPointerException in {@code Channels.getHandler}.</li>
 * </ol>
 * Here the flag is set before the thread starts, and a failure of one loop iteration is logged and the
 * loop goes on: the dropped request is a {@code kernel_info_request}, which Jupyter's client re-sends
 * every second until the kernel answers. Same public API as the original.
 */
public final class LoopThread extends Thread {
    private volatile boolean running;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            try {
                loopBody.run();
            } catch (RuntimeException e) {
                // one message lost, not the channel (see race 2 above)
                System.err.println(getName() + ": message dropped: " + e);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true; // before the thread exists, so run() cannot miss it
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
