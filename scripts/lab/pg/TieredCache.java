//DEPS com.github.ben-manes.caffeine:caffeine:3.2.3
//DEPS io.github.resilience4j:resilience4j-circuitbreaker:2.3.0
package lab.pg;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Cache-aside over three tiers: L1 in-process (Caffeine), L2 Redis behind a circuit breaker
 * (Resilience4j), L3 PostgreSQL ({@link ChunkTable#load}). Values are the API's JSON bodies.
 *
 * <p>The breaker is what makes a dead Redis cheap: after a few failures it opens and every request
 * skips L2 at once (no connect attempt, no timeout) until, after {@code breakerOpen}, a few half-open
 * probes are let through; when they succeed it closes and L2 serves again.
 *
 * <p>With {@code coalesce}, concurrent misses of one id share one L3 query: the first caller loads and
 * fills L1 and L2, the others wait for its result (edge case 3, thundering herd).
 */
public final class TieredCache implements AutoCloseable {

    /** L1 size and TTL, L2 TTL, the breaker's open time and whether L3 loads are coalesced. */
    public record Config(int l1MaxEntries, Duration l1Ttl, long l2TtlSeconds, Duration breakerOpen, boolean coalesce) {
        public Config coalesce(boolean c) { return new Config(l1MaxEntries, l1Ttl, l2TtlSeconds, breakerOpen, c); }
    }

    /** Where a request was served from. */
    public enum Tier { L1, L2, L3, NOT_FOUND }

    /** A breaker state change, at System.nanoTime(). */
    public record Transition(long atNanos, String from, String to) {}

    private final Config cfg;
    private final L2 l2;
    private final ChunkTable l3;
    private final String keyPrefix;
    private final Cache<Long, byte[]> l1;
    private final CircuitBreaker breaker;
    private final ConcurrentHashMap<Long, CompletableFuture<byte[]>> inflight = new ConcurrentHashMap<>();
    private final List<Transition> transitions = new CopyOnWriteArrayList<>();

    public final LongAdder requests = new LongAdder(), l1Hits = new LongAdder(), l2Hits = new LongAdder(),
            l3Served = new LongAdder(), coalescedWaits = new LongAdder(), notFound = new LongAdder(),
            l2Errors = new LongAdder(), l2Rejected = new LongAdder();
    /** L2 calls (through the breaker, any outcome) that took at least {@link #l2SlowThresholdNanos}: e.g. calls that paid a client timeout. */
    public final LongAdder l2SlowCalls = new LongAdder();
    public volatile long l2SlowThresholdNanos = Long.MAX_VALUE;
    /** The breaker's slow-call threshold: calls slower than this count as slow, 50% slow calls open it. */
    public static final Duration SLOW_L2_CALL = Duration.ofMillis(100);
    private final AtomicLong firstL2OkAfterMark = new AtomicLong(), firstL2HitAfterMark = new AtomicLong();

    public TieredCache(Config cfg, L2 l2, ChunkTable l3, String keyPrefix) {
        this.cfg = cfg;
        this.l2 = l2;
        this.l3 = l3;
        this.keyPrefix = keyPrefix;
        this.l1 = Caffeine.newBuilder().maximumSize(cfg.l1MaxEntries()).expireAfterWrite(cfg.l1Ttl()).executor(Runnable::run).build();
        this.breaker = CircuitBreaker.of("redis-l2", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                // a Redis that answers, but slowly (swapping, a big KEYS, a hung replica link), trips it too:
                // far above a healthy loopback call (< 1 ms), below any sane client timeout
                .slowCallDurationThreshold(SLOW_L2_CALL)
                .slowCallRateThreshold(50)
                .waitDurationInOpenState(cfg.breakerOpen())
                .permittedNumberOfCallsInHalfOpenState(3)
                .recordExceptions(Exception.class)
                .build());
        breaker.getEventPublisher().onStateTransition(e -> transitions.add(new Transition(System.nanoTime(),
                e.getStateTransition().getFromState().name(), e.getStateTransition().getToState().name())));
    }

    public String key(long id) {
        return keyPrefix + "chunk:" + id;
    }

    /** The JSON body of chunk {@code id}, or null when PostgreSQL has no such chunk. */
    public byte[] get(long id) {
        return lookup(id).body;
    }

    public record Served(Tier tier, byte[] body) {}

    public Served lookup(long id) {
        requests.increment();
        byte[] v = l1.getIfPresent(id);
        if (v != null) {
            l1Hits.increment();
            return new Served(Tier.L1, v);
        }
        v = guarded(() -> l2.get(key(id)), L2_FAILED);
        // after a failed L2 read, no write-back: on a hung Redis it would make the request wait a second timeout
        boolean fillL2 = v != L2_FAILED;
        if (!fillL2) v = null;
        if (v != null && !decodes(v)) { // a value that is not a chunk: served from L3 and overwritten there, never served
            l2Undecodable.increment();
            v = null;
        }
        if (v != null) {
            l2Hits.increment();
            firstL2HitAfterMark.compareAndSet(0, System.nanoTime());
            l1.put(id, v);
            return new Served(Tier.L2, v);
        }
        v = cfg.coalesce() ? coalescedLoad(id, fillL2) : loadAndFill(id, fillL2);
        if (v == null) {
            notFound.increment();
            return new Served(Tier.NOT_FOUND, null);
        }
        l3Served.increment();
        return new Served(Tier.L3, v);
    }

    /** L3 query, then fill L1 and (through the breaker) L2. */
    private byte[] loadAndFill(long id, boolean fillL2) {
        byte[] v = l3.load(id);
        if (v != null) {
            l1.put(id, v);
            if (fillL2) guarded(() -> {
                l2.set(key(id), v, cfg.l2TtlSeconds());
                return null;
            });
        }
        return v;
    }

    private byte[] coalescedLoad(long id, boolean fillL2) {
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> leader = inflight.putIfAbsent(id, mine);
        if (leader != null) {
            coalescedWaits.increment();
            try {
                return leader.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("coalesced load of " + id + " took over 30 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        try {
            // a previous leader may have filled L1 and left between our L1 miss and our registration
            byte[] v = l1.getIfPresent(id);
            if (v != null) coalescedWaits.increment();
            else v = loadAndFill(id, fillL2);
            mine.complete(v);
            return v;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(id, mine);
        }
    }

    /** An L2 call through the breaker: any failure or an open breaker means "L2 has nothing" (onFailure), never an error. */
    private <T> T guarded(Supplier<T> call) {
        return guarded(call, null);
    }

    /** Marks a failed (or skipped) L2 read, distinct from a miss. */
    private static final byte[] L2_FAILED = new byte[0];

    private <T> T guarded(Supplier<T> call, T onFailure) {
        long t0 = System.nanoTime();
        try {
            T t = breaker.executeSupplier(call);
            firstL2OkAfterMark.compareAndSet(0, System.nanoTime());
            return t;
        } catch (CallNotPermittedException e) {
            l2Rejected.increment();
            return onFailure;
        } catch (RuntimeException e) {
            l2Errors.increment();
            return onFailure;
        } finally {
            if (System.nanoTime() - t0 >= l2SlowThresholdNanos) l2SlowCalls.increment();
        }
    }

    /**
     * Cache warming: one bulk L3 query for ids [1, n], pipelined into L2 (through the breaker: a dead
     * Redis makes warming a no-op, not a failed start). Returns how many entries reached L2.
     */
    public int warm(int n) {
        l2.awaitReady(5000);
        Map<Long, byte[]> rows = l3.loadRange(1, n);
        Map<String, byte[]> byKey = new java.util.LinkedHashMap<>();
        rows.forEach((id, v) -> byKey.put(key(id), v));
        Boolean ok = guarded(() -> {
            l2.setAll(byKey, cfg.l2TtlSeconds());
            return Boolean.TRUE;
        });
        return ok == null ? 0 : byKey.size();
    }

    /** Removes a chunk from L1 and L2 (not through the breaker: a test step, it must not be skipped). */
    public void evict(long id) {
        l1.invalidate(id);
        l2.del(key(id));
    }

    public void clearL1() {
        l1.invalidateAll();
    }

    // ---- direct tier reads (latency of each tier on its own, no breaker, no fill)

    public byte[] readL1(long id) {
        return l1.getIfPresent(id);
    }

    public void putL1(long id, byte[] v) {
        l1.put(id, v);
    }

    public byte[] readL2(long id) {
        return l2.get(key(id));
    }

    public byte[] readL3(long id) {
        return l3.load(id);
    }

    // ---- state for the timeline and the criteria

    public String breakerState() {
        return breaker.getState().name();
    }

    public List<Transition> transitions() {
        return List.copyOf(transitions);
    }

    public long transitionsTo(String state) {
        return transitions.stream().filter(t -> t.to().equals(state)).count();
    }

    /** Starts timing "first successful L2 call" and "first L2 hit" from now (e.g. at a Redis restart). */
    public void markL2Outage() {
        firstL2OkAfterMark.set(0);
        firstL2HitAfterMark.set(0);
    }

    /** System.nanoTime() of the first L2 success / hit since {@link #markL2Outage}, 0 if none yet. */
    public long firstL2OkNanos() {
        return firstL2OkAfterMark.get();
    }

    public long firstL2HitNanos() {
        return firstL2HitAfterMark.get();
    }

    public String client() {
        return l2.client();
    }

    public ChunkTable table() {
        return l3;
    }

    // ---- the async read path (Integration criteria: no blocking I/O in async context)

    /** L2 values that were there but did not decode as a chunk: served from L3 and overwritten instead. */
    public final LongAdder l2Undecodable = new LongAdder();

    /** Whether an L2 value decodes as a chunk (a truncated or foreign value must not reach a client). */
    static boolean decodes(byte[] v) {
        try {
            ChunkTable.parse(v);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * A deliberate bug for the tests and the detector's check: run the continuation after the L2 reply on the
     * thread that completed it (Lettuce's event loop) instead of {@code blocking}, so an L2 miss does its JDBC
     * read there. Never set in a measured run.
     */
    public volatile boolean continueOnL2Thread;

    /**
     * The async read path: L1, then L2 through the breaker without blocking the caller (Lettuce completes the
     * reply on its event loop), then everything after the reply on {@code blocking}: decoding, L1, the L3
     * query (JDBC blocks) and the L2 write-back. The event loop only completes futures. An L2 value that does
     * not decode ({@link ChunkTable#parse}) is treated as a miss and overwritten from L3, as in {@link #lookup}.
     * No coalescing here.
     */
    public CompletableFuture<Served> lookupAsync(long id, java.util.concurrent.Executor blocking) {
        requests.increment();
        byte[] v1 = l1.getIfPresent(id);
        if (v1 != null) {
            l1Hits.increment();
            return CompletableFuture.completedFuture(new Served(Tier.L1, v1));
        }
        CompletableFuture<byte[]> reply = guardedAsync(() -> l2.getAsync(key(id)));
        java.util.function.BiFunction<byte[], Throwable, Served> next = (v, failed) -> afterL2(id, v, failed);
        return continueOnL2Thread ? reply.handle(next) : reply.handleAsync(next, blocking);
    }

    private Served afterL2(long id, byte[] v, Throwable failed) {
        boolean fillL2 = failed == null; // after a failed L2 read, no write-back (as in lookup)
        if (v != null && failed == null) {
            if (decodes(v)) {
                l2Hits.increment();
                firstL2HitAfterMark.compareAndSet(0, System.nanoTime());
                l1.put(id, v);
                return new Served(Tier.L2, v);
            }
            l2Undecodable.increment();
        }
        byte[] body = l3.load(id);
        if (body == null) {
            notFound.increment();
            return new Served(Tier.NOT_FOUND, null);
        }
        l1.put(id, body);
        if (fillL2) guardedAsync(() -> l2.setAsync(key(id), body, cfg.l2TtlSeconds()));
        l3Served.increment();
        return new Served(Tier.L3, body);
    }

    /** An async L2 call through the breaker; counts like {@link #guarded}, and completes exceptionally on any failure. */
    private <T> CompletableFuture<T> guardedAsync(Supplier<CompletableFuture<T>> call) {
        long t0 = System.nanoTime();
        CompletableFuture<T> out = new CompletableFuture<>();
        CompletableFuture<T> f;
        try {
            f = breaker.executeCompletionStage(() -> call.get()).toCompletableFuture();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, e) -> {
            if (System.nanoTime() - t0 >= l2SlowThresholdNanos) l2SlowCalls.increment();
            if (e == null) {
                firstL2OkAfterMark.compareAndSet(0, System.nanoTime());
                out.complete(v);
                return;
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof CallNotPermittedException) l2Rejected.increment();
            else l2Errors.increment();
            out.completeExceptionally(cause);
        });
        return out;
    }

    /** One L2 read on the async path, no breaker, no fill (the detector's negative control hooks a callback on it). */
    public CompletableFuture<byte[]> readL2Async(long id) {
        return l2.getAsync(key(id));
    }

    /** Waits up to {@code millis} for the L2 client's connection (Lettuce connects in the background; Jedis on first use). */
    public void awaitL2(long millis) {
        l2.awaitReady(millis);
    }

    @Override
    public void close() {
        l2.close();
    }
}
