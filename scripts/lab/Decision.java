package lab;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The seed's decision, computed once from measured metrics (POC1_redis_integration.md, "Phase 4:
 * Analysis &amp; Decision" and "Decision Points"). The report and the notebooks call only this.
 *
 * <pre>
 * All criteria met?
 * ├─ YES → Proceed with Redis Standard implementation
 * ├─ NO → Performance issues?
 *     ├─ YES → Consider Dragonfly
 *     ├─ NO → Stability issues?
 *         ├─ YES → Consider sync client + threadpool
 *         └─ NO → Consider alternative (Valkey, KeyDB)
 * </pre>
 *
 * "All criteria" are the seed's Success Criteria (performance, functional, integration tables): the
 * criteria whose seed section starts with "Success Criteria". The other targets (scenario tests, edge
 * cases, deep questions) are reported beside the decision but do not move it. Every question is
 * three-valued: a criterion with no row, or a NaN value, is MISSING, never a pass; a question that
 * cannot be answered because of missing data makes the outcome INCOMPLETE and names what is missing.
 * A FAIL is still a FAIL when other data is missing (one failed performance criterion answers
 * "performance issues?" with YES whatever else is missing).
 */
public final class Decision {
    private Decision() {}

    /** Which question of the tree a criterion answers. */
    public enum Category { PERFORMANCE, STABILITY, FUNCTIONAL }

    /** Three-valued answer to a question of the tree or a decision point. */
    public enum Answer { YES, NO, MISSING }

    /** The leaf reached. */
    public enum Outcome {
        PROCEED_REDIS("Proceed with Redis Standard implementation"),
        BENCHMARK_DRAGONFLY("Consider Dragonfly: benchmark it (performance issues)"),
        SYNC_CLIENT("Consider sync client + threadpool (stability issues)"),
        ALTERNATIVE("Consider an alternative (Valkey, KeyDB)"),
        INCOMPLETE("Incomplete: missing data");

        public final String text;

        Outcome(String text) {
            this.text = text;
        }
    }

    private static final Map<Criterion, Category> CATEGORY = new EnumMap<>(Criterion.class);

    static {
        for (Criterion c : List.of(Criterion.GET_P50_MS, Criterion.GET_P99_MS, Criterion.SET_P50_MS, Criterion.DEL_P50_MS,
                Criterion.PUBSUB_P99_MS, Criterion.THROUGHPUT_RPS, Criterion.SERIALIZATION_MS, Criterion.POOL_MAX_WAIT_MS,
                Criterion.DEGRADED_LATENCY_MS, Criterion.EMBEDDING_GET_MS, Criterion.WARM_STARTUP_MS, Criterion.RDB_DELTA_MS)) {
            CATEGORY.put(c, Category.PERFORMANCE);
        }
        for (Criterion c : List.of(Criterion.POOL_ERRORS, Criterion.PUBSUB_RECONNECT_MS, Criterion.DEGRADED_5XX, Criterion.RECONNECT_MS,
                Criterion.FAILED_REQUESTS_PCT, Criterion.STARTUP_MS, Criterion.HIT_RATE_RECOVERY_S, Criterion.OOM_ERRORS,
                Criterion.UNCAUGHT_EXCEPTIONS)) {
            CATEGORY.put(c, Category.STABILITY);
        }
    }

    /**
     * Performance: latency and throughput targets. Stability: errors, reconnection, restarts and
     * degradation. Functional: correctness (TTL, round trips, delivery, eviction policy, staleness).
     * A criterion added later without a mapping here is classified by its name (errors, failures,
     * reconnection: stability), then its seed section, else FUNCTIONAL.
     */
    public static Category category(Criterion c) {
        Category k = CATEGORY.get(c);
        if (k != null) return k;
        if (c.name().matches(".*(ERRORS|FAILED|RECONNECT|5XX|EXCEPTION|OOM).*")) return Category.STABILITY;
        String s = c.seedSection;
        if (s.contains("Performance")) return Category.PERFORMANCE;
        if (s.contains("Integration")) return Category.STABILITY;
        return Category.FUNCTIONAL;
    }

    /** Part of "All criteria met?": the seed's Success Criteria tables. */
    public static boolean gates(Criterion c) {
        return c.seedSection.startsWith("Success Criteria");
    }

    /** A criterion over all its rows: FAIL if any row failed, else MISSING if none or any missing, else PASS. */
    public record CriterionResult(Criterion criterion, Category category, boolean gate, Criterion.Status status,
                                  List<Results.Row> rows) {}

    /** A decision point of the seed: its question, answer, the choice it leads to and the rows it read. */
    public record Point(int number, String title, String question, Answer answer, String choice, List<Results.Row> rows) {}

    /** Everything the report shows: criteria, the tree's answers, the decision points and the outcome. */
    /**
     * {@code leaf} is where the tree ends on the measured data (null when a question of the tree cannot be
     * answered); {@code outcome} is the leaf when nothing is missing, else INCOMPLETE.
     */
    public record Result(List<CriterionResult> criteria, Answer allMet, Answer performanceIssues, Answer stabilityIssues,
                         Outcome leaf, Outcome outcome, List<Point> points, List<String> missing) {

        /** Dual-layer (skip L2) is recommended when decision point 4 says degradation does not work. */
        public boolean skipL2() {
            return points.get(3).answer() == Answer.NO;
        }

        /** One line: the leaf, or what is missing to reach one. */
        public String outcomeText() {
            if (outcome == Outcome.INCOMPLETE) {
                return "incomplete: missing " + String.join(", ", missing)
                        + (leaf == null ? "" : " (the measured data so far leads to: " + leaf.text + ")");
            }
            return outcome.text + (skipL2() ? "; decision point 4: skip L2 (dual layer L1 + L3)" : "");
        }

        /** The path through the tree as text, e.g. "All criteria met? NO → Performance issues? YES → Consider Dragonfly". */
        public String path() {
            StringBuilder b = new StringBuilder("All criteria met? " + allMet);
            if (allMet == Answer.NO) {
                b.append(" → Performance issues? ").append(performanceIssues);
                if (performanceIssues == Answer.NO) b.append(" → Stability issues? ").append(stabilityIssues);
            }
            b.append(" → ").append(leaf == null ? "no leaf (missing data)" : leaf.text);
            return outcome == Outcome.INCOMPLETE ? b.append(" (incomplete)").toString() : b.toString();
        }
    }

    /** Evaluates every criterion, the tree and the four decision points from metric rows. */
    public static Result evaluate(List<Results.Row> rows) {
        Map<Criterion, List<Results.Row>> by = new LinkedHashMap<>();
        for (Criterion c : Criterion.values()) by.put(c, new ArrayList<>());
        for (Results.Row r : rows) if (r.criterion() != null) by.get(r.criterion()).add(r);

        List<CriterionResult> criteria = new ArrayList<>();
        for (Criterion c : Criterion.values()) {
            criteria.add(new CriterionResult(c, category(c), gates(c), combine(by.get(c)), List.copyOf(by.get(c))));
        }
        List<CriterionResult> gate = criteria.stream().filter(CriterionResult::gate).toList();
        Answer allMet = allPass(gate);
        Answer perf = anyFail(gate.stream().filter(c -> c.category() == Category.PERFORMANCE).toList());
        Answer stab = anyFail(gate.stream().filter(c -> c.category() == Category.STABILITY).toList());

        List<String> missing = new ArrayList<>();
        Outcome leaf;
        if (allMet == Answer.YES) leaf = Outcome.PROCEED_REDIS;
        else if (allMet == Answer.MISSING) { leaf = null; missing(gate, c -> true, missing); }
        else if (perf == Answer.YES) leaf = Outcome.BENCHMARK_DRAGONFLY;
        else if (perf == Answer.MISSING) { leaf = null; missing(gate, c -> c.category() == Category.PERFORMANCE, missing); }
        else if (stab == Answer.YES) leaf = Outcome.SYNC_CLIENT;
        else if (stab == Answer.MISSING) { leaf = null; missing(gate, c -> c.category() == Category.STABILITY, missing); }
        else leaf = Outcome.ALTERNATIVE;

        List<Point> points = List.of(
                point(1, "Redis Standard vs Dragonfly", "GET/SET latency P50 < 5 ms with Redis Standard?",
                        select(rows, r -> r.criterion() == Criterion.GET_P50_MS || r.criterion() == Criterion.SET_P50_MS),
                        List.of(Criterion.GET_P50_MS, Criterion.SET_P50_MS),
                        "Proceed with Redis Standard (longevity wins)", "Benchmark Dragonfly (performance wins if < 2 ms)"),
                point(2, "Async vs sync client", "Async client (lettuce) stable at 100 req/s in S3 (test sustained: 0 errors, P99 < 20 ms)?",
                        select(rows, r -> r.scenario().startsWith("S3_") && r.test().equals("sustained") && r.client().equals(ClientKind.LETTUCE)),
                        List.of(Criterion.POOL_ERRORS),
                        "Use the async client (lettuce)", "Sync client (jedis) + thread pool"),
                point(3, "Pub/Sub vs polling", "Pub/Sub propagation P99 < 100 ms (S2)?",
                        select(rows, r -> r.criterion() == Criterion.PUBSUB_P99_MS),
                        List.of(Criterion.PUBSUB_P99_MS),
                        "Use Pub/Sub for invalidation", "Polling alternative (check key version every 5 s)"),
                point(4, "Triple-layer vs dual-layer", "Graceful degradation works flawlessly (S4: 0 HTTP 5xx with Redis down, every S4 criterion met)?",
                        select(rows, r -> r.scenario().startsWith("S4_")),
                        List.of(Criterion.DEGRADED_5XX),
                        "Triple layer (L1 + L2 Redis + L3 PostgreSQL)", "Dual layer (L1 + L3, skip Redis)"));
        for (Point p : points) {
            if (p.answer() == Answer.MISSING) missing.add("decision point " + p.number() + " (" + p.title() + ")");
        }
        // A decision point without data leaves the decision incomplete too: the leaf is then only provisional.
        Outcome outcome = missing.isEmpty() ? leaf : Outcome.INCOMPLETE;
        return new Result(List.copyOf(criteria), allMet, perf, stab, leaf, outcome, points, List.copyOf(missing));
    }

    private static List<Results.Row> select(List<Results.Row> rows, Predicate<Results.Row> p) {
        return rows.stream().filter(r -> r.criterion() != null && p.test(r)).toList();
    }

    /** YES when every row passed and each required criterion has a row; NO on any FAIL; else MISSING. */
    private static Point point(int n, String title, String question, List<Results.Row> rows, List<Criterion> required,
                               String yes, String no) {
        Answer a;
        if (rows.stream().anyMatch(r -> r.status() == Criterion.Status.FAIL)) a = Answer.NO;
        else if (rows.isEmpty() || rows.stream().anyMatch(r -> r.status() != Criterion.Status.PASS)
                || !required.stream().allMatch(c -> rows.stream().anyMatch(r -> r.criterion() == c))) a = Answer.MISSING;
        else a = Answer.YES;
        return new Point(n, title, question, a, a == Answer.YES ? yes : a == Answer.NO ? no : "missing: no measurement", rows);
    }

    static Criterion.Status combine(List<Results.Row> rows) {
        if (rows.stream().anyMatch(r -> r.status() == Criterion.Status.FAIL)) return Criterion.Status.FAIL;
        if (rows.isEmpty() || rows.stream().anyMatch(r -> r.status() != Criterion.Status.PASS)) return Criterion.Status.MISSING;
        return Criterion.Status.PASS;
    }

    private static Answer allPass(List<CriterionResult> cs) {
        if (cs.stream().anyMatch(c -> c.status() == Criterion.Status.FAIL)) return Answer.NO;
        if (cs.stream().anyMatch(c -> c.status() != Criterion.Status.PASS)) return Answer.MISSING;
        return Answer.YES;
    }

    /** "Any issues?": YES on a FAIL, NO when all measured and passed, else MISSING. */
    private static Answer anyFail(List<CriterionResult> cs) {
        Answer all = allPass(cs);
        return all == Answer.NO ? Answer.YES : all == Answer.YES ? Answer.NO : Answer.MISSING;
    }

    private static void missing(List<CriterionResult> cs, Predicate<CriterionResult> p, List<String> out) {
        for (CriterionResult c : cs) {
            if (p.test(c) && c.status() == Criterion.Status.MISSING) out.add(c.criterion().name());
        }
    }
}
