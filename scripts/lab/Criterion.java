package lab;

/**
 * The seed's success criteria, defined once (POC1_redis_integration.md, "Success Criteria" and the
 * per-scenario metrics). Scripts, the report and the notebooks evaluate measurements only through
 * these constants, so a target changes in exactly one place.
 *
 * <p>Units are in the name of the unit field, and a measured value must be given in that unit.
 */
public enum Criterion {
    // ---- Performance criteria (seed table "Performance Criteria") and scenario 1 metrics
    GET_P50_MS("Get latency (P50)", "ms", Cmp.LT, 5, "Success Criteria / Performance"),
    GET_P99_MS("Get latency (P99)", "ms", Cmp.LT, 20, "Success Criteria / Performance"),
    SET_P50_MS("Set latency (P50)", "ms", Cmp.LT, 5, "Success Criteria / Performance"),
    DEL_P50_MS("Delete latency (P50)", "ms", Cmp.LT, 5, "Scenario 1 test 1: latency <5ms per operation"),
    PUBSUB_P99_MS("Pub/Sub propagation (P99)", "ms", Cmp.LT, 100, "Success Criteria / Performance"),
    THROUGHPUT_RPS("Throughput sustained at 100 req/s (achieved rate, within 0.5%)", "req/s", Cmp.GE, 99.5, "Success Criteria / Performance"),
    POOL_ERRORS("Connection pool errors @ 100 req/s", "count", Cmp.EQ, 0, "Success Criteria / Performance"),

    // ---- Functional criteria
    TTL_ERROR_MS("TTL expiration error (max |observed - TTL|)", "ms", Cmp.LE, 100, "Success Criteria / Functional"),
    JSON_LOSS("JSON round trip: values not bit-exact after decode", "count", Cmp.EQ, 0, "Success Criteria / Functional"),
    SERIALIZATION_MS("JSON serialization + deserialization overhead (P99)", "ms", Cmp.LT, 1, "Scenario 1 test 3"),
    PUBSUB_LOSS_PCT("Pub/Sub messages lost", "%", Cmp.EQ, 0, "Success Criteria / Functional (100% delivery)"),
    PUBSUB_RECONNECT_MS("Subscriber reconnection time", "ms", Cmp.LT, 1000, "Scenario 2 test 3"),
    DEGRADED_5XX("HTTP 5xx while Redis is down", "count", Cmp.EQ, 0, "Success Criteria / Functional (graceful degradation)"),
    RECONNECT_MS("Auto-reconnect after Redis restart", "ms", Cmp.LT, 2000, "Success Criteria / Functional"),

    // ---- Scenario metrics that have targets
    POOL_MAX_WAIT_MS("Max pool borrow wait, 4x oversubscribed", "ms", Cmp.LT, 50, "Scenario 3 test 2"),
    POOL_EXHAUSTION_ERRORS("Requests failed with the pool 4x oversubscribed (graceful queueing)", "count", Cmp.EQ, 0, "Scenario 3 test 2"),
    FAILED_REQUESTS_PCT("Failed requests during a Redis restart", "%", Cmp.LT, 1, "Scenario 3 test 3"),
    STARTUP_MS("API start-up time", "ms", Cmp.LT, 5000, "Scenario 4 test 1"),
    DEGRADED_LATENCY_MS("Latency while Redis is down (P99)", "ms", Cmp.LT, 500, "Scenario 4 test 2"),
    HIT_RATE_RECOVERY_S("Time for the L2 hit rate to return to >= 80%", "s", Cmp.LE, 300, "Scenario 4 test 3"),
    OOM_ERRORS("OOM errors seen by clients under allkeys-lru", "count", Cmp.EQ, 0, "Scenario 5 test 1"),
    EVICTION_RATE_PCT("Eviction rate (evicted / written)", "%", Cmp.LT, 10, "Risk 5"),

    // ---- Edge cases and deep questions
    CLOCK_SKEW_EXPIRY_ERROR_MS("Expiry error across skewed instances (max |error|)", "ms", Cmp.LE, 500, "Edge Case 1"),
    STALE_READS_MITIGATED("Stale reads after a partition, with mitigation", "count", Cmp.EQ, 0, "Edge Case 2"),
    HERD_DB_QUERIES("PostgreSQL queries for 100 concurrent misses, with coalescing", "count", Cmp.EQ, 1, "Edge Case 3"),
    EMBEDDING_GET_MS("GET latency of a cache entry (P99), compress if above", "ms", Cmp.LE, 10, "Edge Case 4"),
    WARM_STARTUP_MS("Start-up time with pre-warming", "ms", Cmp.LT, 5000, "Deep Question 1"),
    VERSIONED_WRONG_READS("Wrong or failed reads across a schema change, version-prefixed keys", "count", Cmp.EQ, 0, "Deep Question 2"),
    RDB_DELTA_MS("SET latency delta RDB on vs off (P99)", "ms", Cmp.LT, 1, "Deep Question 3"),
    LIFECYCLE_CONNECTIONS_LEFT("Redis connections left open after API shutdown", "count", Cmp.EQ, 0, "Success Criteria / Integration"),
    LIFECYCLE_THREADS_LEFT("Client threads left running after API shutdown", "count", Cmp.EQ, 0, "Success Criteria / Integration"),
    EVENT_LOOP_BLOCKING_CALLS("Blocking calls on the async client's event-loop threads", "count", Cmp.EQ, 0, "Success Criteria / Integration"),
    FAULT_REQUESTS_FAILED("Requests not answered with the chunk under faults (graceful fallback)", "count", Cmp.EQ, 0, "Success Criteria / Integration"),
    UNCAUGHT_EXCEPTIONS("Uncaught exceptions", "count", Cmp.EQ, 0, "Success Criteria / Integration");

    /** How a measured value is compared with the target. */
    public enum Cmp {
        LT("<"), LE("<="), GT(">"), GE(">="), EQ("==");

        public final String symbol;

        Cmp(String symbol) {
            this.symbol = symbol;
        }

        public boolean test(double value, double target) {
            return switch (this) {
                case LT -> value < target;
                case LE -> value <= target;
                case GT -> value > target;
                case GE -> value >= target;
                case EQ -> Math.abs(value - target) < 1e-9;
            };
        }
    }

    /**
     * PASS/FAIL for a criterion; INCONCLUSIVE when the interval of a quantity measured over trials straddles
     * the target ({@link Verdict}); INFO for a metric without one; MISSING for a value that was not measured.
     */
    public enum Status { PASS, FAIL, INFO, MISSING, INCONCLUSIVE }

    public final String description;
    public final String unit;
    public final Cmp cmp;
    public final double target;
    public final String seedSection;

    Criterion(String description, String unit, Cmp cmp, double target, String seedSection) {
        this.description = description;
        this.unit = unit;
        this.cmp = cmp;
        this.target = target;
        this.seedSection = seedSection;
    }

    /** NaN (not measured) is MISSING, never a pass. */
    public Status evaluate(double value) {
        if (Double.isNaN(value)) return Status.MISSING;
        return cmp.test(value, target) ? Status.PASS : Status.FAIL;
    }

    /**
     * Checks a stored verdict against the one its own value, comparator and target give: null when
     * they agree, else what contradicts. Only PASS and FAIL are verdicts to re-derive; other statuses
     * (INFO, MISSING, or any added later) are left to their own rules.
     */
    public static String contradiction(Status stored, double value, String comparator, String target) {
        if (stored != Status.PASS && stored != Status.FAIL) return null;
        if (Double.isNaN(value)) return "status " + stored + " but no value (empty or NaN)";
        Cmp cmp = null;
        for (Cmp c : Cmp.values()) if (c.symbol.equals(comparator == null ? "" : comparator.trim())) cmp = c;
        if (cmp == null) return "status " + stored + " with an unknown comparator '" + comparator + "'";
        double t;
        try {
            t = Double.parseDouble(target.trim());
        } catch (RuntimeException e) {
            return "status " + stored + " with a target that is not a number: '" + target + "'";
        }
        Status derived = cmp.test(value, t) ? Status.PASS : Status.FAIL;
        return derived == stored ? null
                : "status " + stored + " contradicts the value: " + Results.num(value) + " " + cmp.symbol + " " + target + " is " + derived;
    }

    /** "< 5 ms" */
    public String targetText() {
        String t = target == Math.rint(target) ? Long.toString((long) target) : Double.toString(target);
        return cmp.symbol + " " + t + " " + unit;
    }
}
