package lab.pg;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import lab.LabException;
import lab.Processes;
import lab.Threads;
import lab.redis.RedisServer;

/**
 * The API under test, the Java counterpart of the seed's FastAPI app: {@code GET /chunks/{id}} served
 * through the tiered cache, on a JDK HttpServer bound to a free 127.0.0.1 port.
 *
 * <p>Lifecycle (the seed's "FastAPI lifespan" criterion): {@link #start} creates the Redis client and
 * its pool, optionally warms L2, then listens; {@link #close} stops listening and closes the client.
 * Start never waits for, or fails on, Redis: a dead Redis only opens the breaker.
 *
 * <p>{@code GET /async/chunks/{id}} is the same answer through the async read path
 * ({@link TieredCache#lookupAsync}): the request thread returns at once, Lettuce's event loop only completes
 * the L2 reply, and the rest (L3 query, response) runs on the API's own async workers.
 *
 * <p>Responses: 200 JSON chunk; 404 unknown id; 400 malformed id; 405 other methods. Anything that
 * escapes request handling is counted ({@link #uncaught}) and answered 500, so a bug is visible.
 */
public final class ChunkApi implements AutoCloseable {
    private static final Pattern ID = Pattern.compile("[0-9]{1,18}");

    private final HttpServer server;
    private final ExecutorService workers;
    private final TieredCache cache;
    public final LongAdder uncaught = new LongAdder();
    public final AtomicReference<Throwable> lastUncaught = new AtomicReference<>();
    private final int warmed;
    /**
     * Where the async path continues after an L2 reply: its queue (LinkedTransferQueue) never takes a lock
     * on offer, so handing work over from an event-loop thread cannot park it (a LinkedBlockingQueue can).
     */
    private final ExecutorService asyncWorkers = asyncPool(8);

    /** Threads started up front: creating one on first use takes the pool's lock, from whichever thread hands over. */
    private static ExecutorService asyncPool(int threads) {
        java.util.concurrent.ThreadPoolExecutor p = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 0, java.util.concurrent.TimeUnit.MILLISECONDS,
                new java.util.concurrent.LinkedTransferQueue<>(), Threads.daemon("api-async-worker"));
        p.prestartAllCoreThreads();
        return p;
    }
    private long startupNanos, clientCreateNanos, warmNanos;

    private ChunkApi(HttpServer server, ExecutorService workers, TieredCache cache, int warmed) {
        this.server = server;
        this.workers = workers;
        this.cache = cache;
        this.warmed = warmed;
    }

    /**
     * Starts the API: Redis client for {@code client} ("jedis" or "lettuce"), cache over {@code table},
     * pre-warming of ids 1..warmN into L2 when warmN > 0, {@code threads} request workers.
     */
    public static ChunkApi start(String client, RedisServer redis, ChunkTable table, TieredCache.Config cfg, String keyPrefix,
                                 long redisTimeoutMillis, int warmN, int threads) {
        long t0 = System.nanoTime();
        L2 l2 = L2.open(client, redis, "lab-api-" + client, redisTimeoutMillis);
        long t1 = System.nanoTime();
        TieredCache cache = new TieredCache(cfg, l2, table, keyPrefix);
        int warmed = warmN > 0 ? cache.warm(warmN) : 0;
        long t2 = System.nanoTime();
        ExecutorService workers = Executors.newFixedThreadPool(threads, Threads.daemon("api-worker"));
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", Processes.freePort()), 256);
        } catch (IOException e) {
            cache.close();
            workers.shutdownNow();
            throw new LabException("cannot start the API's HTTP server: " + e.getMessage());
        }
        ChunkApi api = new ChunkApi(server, workers, cache, warmed);
        server.createContext("/", api::handle);
        server.createContext("/async/chunks/", api::handleAsync);
        server.setExecutor(workers);
        server.start();
        api.startupNanos = System.nanoTime() - t0;
        api.clientCreateNanos = t1 - t0;
        api.warmNanos = warmN > 0 ? t2 - t1 : 0;
        return api;
    }

    private void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            if (!ex.getRequestMethod().equals("GET")) {
                send(ex, 405, "{\"error\":\"method not allowed\"}");
            } else if (path.startsWith("/chunks/")) {
                String idText = path.substring("/chunks/".length());
                if (!ID.matcher(idText).matches()) {
                    send(ex, 400, "{\"error\":\"malformed chunk id\"}");
                } else {
                    byte[] body = cache.get(Long.parseLong(idText));
                    if (body == null) send(ex, 404, "{\"error\":\"no such chunk\"}");
                    else send(ex, 200, body);
                }
            } else if (path.equals("/health")) {
                send(ex, 200, "{\"status\":\"ok\",\"l2_breaker\":\"" + cache.breakerState() + "\"}");
            } else {
                send(ex, 404, "{\"error\":\"not found\"}");
            }
        } catch (Throwable t) {
            uncaught.increment();
            lastUncaught.compareAndSet(null, t);
            try {
                send(ex, 500, "{\"error\":\"internal\"}");
            } catch (IOException | RuntimeException ignored) {
                // the client may be gone; the failure is already counted
            }
        } finally {
            ex.close();
        }
    }

    /** The async read path: answered from {@link #asyncWorkers} when the lookup completes; uncaught failures count as in {@link #handle}. */
    private void handleAsync(HttpExchange ex) {
        String idText = ex.getRequestURI().getPath().substring("/async/chunks/".length());
        if (!ex.getRequestMethod().equals("GET") || !ID.matcher(idText).matches()) {
            handle(ex); // the sync handler's 405/400 answers
            return;
        }
        java.util.concurrent.CompletableFuture<TieredCache.Served> f;
        try {
            f = cache.lookupAsync(Long.parseLong(idText), asyncWorkers);
        } catch (Throwable t) {
            f = java.util.concurrent.CompletableFuture.failedFuture(t);
        }
        f.whenCompleteAsync((served, failed) -> {
            try {
                if (failed != null) throw failed;
                if (served.body() == null) send(ex, 404, "{\"error\":\"no such chunk\"}");
                else send(ex, 200, served.body());
            } catch (Throwable t) {
                uncaught.increment();
                lastUncaught.compareAndSet(null, t);
                try {
                    send(ex, 500, "{\"error\":\"internal\"}");
                } catch (IOException | RuntimeException ignored) {
                    // the client may be gone; the failure is already counted
                }
            } finally {
                ex.close();
            }
        }, asyncWorkers);
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        send(ex, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public TieredCache cache() {
        return cache;
    }

    /** From start() called to listening: client creation, cache, warming, HTTP server. */
    public long startupNanos() {
        return startupNanos;
    }

    /** Part of the start-up spent creating the Redis client (Lettuce: Netty event loops). */
    public long clientCreateNanos() {
        return clientCreateNanos;
    }

    /** Part of the start-up spent warming L2 (bulk L3 read + pipelined SETs). */
    public long warmNanos() {
        return warmNanos;
    }

    public int warmed() {
        return warmed;
    }

    /** Stops listening, then closes the Redis client (the lifespan's shutdown half). */
    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        asyncWorkers.shutdownNow();
        cache.close();
    }

    /** A small HTTP/1.1 client for the API that counts answers by status class. */
    public static final class Client {
        private final HttpClient http;
        private final URI base;
        public final LongAdder s2xx = new LongAdder(), s4xx = new LongAdder(), s5xx = new LongAdder();

        public Client(URI base) {
            this.base = base;
            this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        }

        /** GET base+path; returns the status (transport failures throw and are counted by the caller). */
        public int get(String path) throws IOException, InterruptedException {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            int s = r.statusCode();
            if (s >= 500) s5xx.increment();
            else if (s >= 400) s4xx.increment();
            else if (s >= 200 && s < 300) s2xx.increment();
            return s;
        }

        /** GET base+path with its body (statuses counted as in {@link #get}). */
        public HttpResponse<byte[]> fetch(String path) throws IOException, InterruptedException {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            int s = r.statusCode();
            if (s >= 500) s5xx.increment();
            else if (s >= 400) s4xx.increment();
            else if (s >= 200 && s < 300) s2xx.increment();
            return r;
        }

        /** GET base+path; its status, or -1 when the request itself failed (for a probe that must not throw). */
        public int status(String path) {
            try {
                return get(path);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            } catch (Exception e) {
                return -1;
            }
        }
    }
}
