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
 * "performance issues?" with YES whatever else is missing). A criterion whose interval straddles its
 * target (INCONCLUSIVE) is never a pass either: a question that rests on one is UNDECIDED, and so is the
 * outcome when nothing is missing, naming the criteria that need more trials.
 *
 * <p>The gate reads only the seed's criteria as measured by the seed's scenarios: rows of the lab's own
 * extra scenarios ({@link #BESIDE_THE_GATE}: Streams and client-side tracking, saturation, codecs) are
 * reported beside it. Beside the tree, the seed's "Expected Outcomes" classification (Success / Partial
 * Success / Failure) is computed from the same rows ({@link #classify}); where the two disagree the
 * result explains why ({@link Result#disagreement}).
 */
public final class Decision {
    private Decision() {}

    /** Which question of the tree a criterion answers. */
    public enum Category { PERFORMANCE, STABILITY, FUNCTIONAL }

    /** Three-valued answer to a question of the tree or a decision point. */
    public enum Answer { YES, NO, MISSING, UNDECIDED }

    /** Scenarios the seed does not define: their rows are reported beside the gate, never in it. */
    public static final List<String> BESIDE_THE_GATE = List.of("X1_", "X2_", "E4_");

    public static boolean besideTheGate(Results.Row r) {
        return BESIDE_THE_GATE.stream().anyMatch(p -> r.scenario().startsWith(p));
    }

    /** The seed's "Expected Outcomes" scenarios and the decision each one names. */
    public enum Classification {
        SUCCESS("Success", "Proceed with Redis Standard"),
        PARTIAL("Partial Success", "Benchmark Dragonfly"),
        FAILURE("Failure", "Fallback sync client + thread pool, or skip the L2 cache (dual layer L1 + L3)"),
        UNDECIDED("Undecided", "none yet: inconclusive or missing results");

        public final String label;
        public final String decision;

        Classification(String label, String decision) {
            this.label = label;
            this.decision = decision;
        }
    }

    /** The classification and the results that put the run there (one line each). */
    public record Expected(Classification classification, List<String> reasons) {}

    /** The leaf reached. */
    public enum Outcome {
        PROCEED_REDIS("Proceed with Redis Standard implementation"),
        BENCHMARK_DRAGONFLY("Consider Dragonfly: benchmark it (performance issues)"),
        SYNC_CLIENT("Consider sync client + threadpool (stability issues)"),
        ALTERNATIVE("Consider an alternative (Valkey, KeyDB)"),
        INCOMPLETE("Incomplete: missing data"),
        UNDECIDED("Undecided: inconclusive criteria need more trials");

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
                         Outcome leaf, Outcome outcome, List<Point> points, List<String> missing, List<String> undecided,
                         List<Results.Row> beside, Expected expected) {

        /**
         * Why the tree and the Expected Outcomes classification disagree, or empty when they agree (or
         * either is not decided). The tree's leaves map to the classification's decisions as: Proceed =
         * Success, Dragonfly = Partial, sync client or skip L2 = Failure; "Consider an alternative" has no
         * counterpart in the Expected Outcomes.
         */
        public java.util.Optional<String> disagreement() {
            if (leaf == null || expected.classification() == Classification.UNDECIDED) return java.util.Optional.empty();
            Classification fromTree = switch (leaf) {
                case PROCEED_REDIS -> skipL2() ? Classification.FAILURE : Classification.SUCCESS;
                case BENCHMARK_DRAGONFLY -> Classification.PARTIAL;
                case SYNC_CLIENT -> Classification.FAILURE;
                default -> null;
            };
            if (fromTree == expected.classification()) return java.util.Optional.empty();
            StringBuilder b = new StringBuilder("The decision tree ends at \"" + leaf.text + "\" (" + path() + "), while the seed's Expected Outcomes classify "
                    + "these results as " + expected.classification().label + " (" + String.join("; ", expected.reasons()) + "), whose decision is \""
                    + expected.classification().decision + "\".");
            if (leaf == Outcome.ALTERNATIVE) {
                b.append(" The tree reaches \"Consider an alternative\" only when the failed criteria are neither performance nor stability criteria"
                        + " (here: functional ones such as delivery or correctness); the Expected Outcomes name no alternative server and list"
                        + " message loss, connection errors and failed degradation under Failure.");
                boolean exhaustion = criteria.stream().anyMatch(c -> c.criterion() == Criterion.POOL_EXHAUSTION_ERRORS
                        && c.status() == Criterion.Status.FAIL);
                if (exhaustion) {
                    b.append(" The connection errors under load it names include Scenario 3's pool-exhaustion test, a target outside the"
                            + " Success Criteria tables, which the tree's stability question does not read.");
                }
            } else if (fromTree == Classification.SUCCESS) {
                b.append(" The tree's gate passed, but the Expected Outcomes ask for more than the gate (for example auto-reconnect < 1 s"
                        + " where the gate asks < 2 s).");
            } else {
                b.append(" The tree is driven by the category of the first failed question; the Expected Outcomes by the specific results they name.");
            }
            return java.util.Optional.of(b.toString());
        }

        /** Dual-layer (skip L2) is recommended when decision point 4 says degradation does not work. */
        public boolean skipL2() {
            return points.get(3).answer() == Answer.NO;
        }

        /** One line: the leaf, or what is missing to reach one. */
        public String outcomeText() {
            if (outcome == Outcome.UNDECIDED) {
                return "undecided: inconclusive " + String.join(", ", undecided)
                        + (leaf == null ? "" : " (the decided data so far leads to: " + leaf.text + ")");
            }
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
            boolean undecidedStep = allMet == Answer.UNDECIDED || (allMet == Answer.NO && (performanceIssues == Answer.UNDECIDED
                    || (performanceIssues == Answer.NO && stabilityIssues == Answer.UNDECIDED)));
            b.append(" → ").append(leaf != null ? leaf.text : undecidedStep ? "no leaf (undecided: inconclusive criteria)" : "no leaf (missing data)");
            if (outcome == Outcome.INCOMPLETE) b.append(" (incomplete)");
            else if (outcome == Outcome.UNDECIDED) b.append(" (undecided)");
            return b.toString();
        }
    }

    /** Evaluates every criterion, the tree and the four decision points from metric rows. */
    public static Result evaluate(List<Results.Row> rows) {
        Map<Criterion, List<Results.Row>> by = new LinkedHashMap<>();
        for (Criterion c : Criterion.values()) by.put(c, new ArrayList<>());
        List<Results.Row> beside = new ArrayList<>();
        for (Results.Row r : rows) {
            if (r.criterion() == null) continue;
            // a gate criterion reads only the plan's scenarios; targets outside the gate keep every row
            if (gates(r.criterion()) && besideTheGate(r)) beside.add(r);
            else by.get(r.criterion()).add(r);
        }

        List<CriterionResult> criteria = new ArrayList<>();
        for (Criterion c : Criterion.values()) {
            criteria.add(new CriterionResult(c, category(c), gates(c), combine(by.get(c)), List.copyOf(by.get(c))));
        }
        List<CriterionResult> gate = criteria.stream().filter(CriterionResult::gate).toList();
        Answer allMet = allPass(gate);
        Answer perf = anyFail(gate.stream().filter(c -> c.category() == Category.PERFORMANCE).toList());
        Answer stab = anyFail(gate.stream().filter(c -> c.category() == Category.STABILITY).toList());

        List<String> missing = new ArrayList<>();
        List<String> undecided = new ArrayList<>();
        Outcome leaf;
        if (allMet == Answer.YES) leaf = Outcome.PROCEED_REDIS;
        else if (allMet == Answer.MISSING || allMet == Answer.UNDECIDED) { leaf = null; unsettled(gate, c -> true, missing, undecided); }
        else if (perf == Answer.YES) leaf = Outcome.BENCHMARK_DRAGONFLY;
        else if (perf != Answer.NO) { leaf = null; unsettled(gate, c -> c.category() == Category.PERFORMANCE, missing, undecided); }
        else if (stab == Answer.YES) leaf = Outcome.SYNC_CLIENT;
        else if (stab != Answer.NO) { leaf = null; unsettled(gate, c -> c.category() == Category.STABILITY, missing, undecided); }
        else leaf = Outcome.ALTERNATIVE;

        List<Point> points = List.of(
                point(1, "Redis Standard vs Dragonfly", "GET/SET latency P50 < 5 ms with Redis Standard?",
                        select(rows, r -> !besideTheGate(r) && (r.criterion() == Criterion.GET_P50_MS || r.criterion() == Criterion.SET_P50_MS)),
                        List.of(Criterion.GET_P50_MS, Criterion.SET_P50_MS),
                        "Proceed with Redis Standard (longevity wins)", "Benchmark Dragonfly (performance wins if < 2 ms)"),
                point(2, "Async vs sync client", "Async client (lettuce) stable at 100 req/s in S3 (test sustained: 0 errors, P99 < 20 ms)?",
                        select(rows, r -> r.scenario().startsWith("S3_") && r.test().equals("sustained") && r.client().equals(ClientKind.LETTUCE)),
                        List.of(Criterion.POOL_ERRORS),
                        "Use the async client (lettuce)", "Sync client (jedis) + thread pool"),
                point(3, "Pub/Sub vs polling", "Pub/Sub propagation P99 < 100 ms (S2)?",
                        select(rows, r -> !besideTheGate(r) && r.criterion() == Criterion.PUBSUB_P99_MS),
                        List.of(Criterion.PUBSUB_P99_MS),
                        "Use Pub/Sub for invalidation", "Polling alternative (check key version every 5 s)"),
                point(4, "Triple-layer vs dual-layer", "Graceful degradation works flawlessly (S4: 0 HTTP 5xx with Redis down, every S4 criterion met)?",
                        select(rows, r -> r.scenario().startsWith("S4_")),
                        List.of(Criterion.DEGRADED_5XX),
                        "Triple layer (L1 + L2 Redis + L3 PostgreSQL)", "Dual layer (L1 + L3, skip Redis)"));
        for (Point p : points) {
            if (p.answer() == Answer.MISSING) missing.add("decision point " + p.number() + " (" + p.title() + ")");
            if (p.answer() == Answer.UNDECIDED) undecided.add("decision point " + p.number() + " (" + p.title() + ")");
        }
        // A decision point without data leaves the decision incomplete too: the leaf is then only provisional.
        Outcome outcome = !missing.isEmpty() ? Outcome.INCOMPLETE : !undecided.isEmpty() ? Outcome.UNDECIDED : leaf;
        return new Result(List.copyOf(criteria), allMet, perf, stab, leaf, outcome, points, List.copyOf(missing),
                List.copyOf(undecided), List.copyOf(beside), classify(rows));
    }

    /**
     * The seed's "Expected Outcomes": Failure when any result it lists under Failure is seen (connection
     * errors under load, Pub/Sub message loss &gt; 1 %, graceful degradation failing with 5xx); else Partial
     * Success when latency (GET/SET P50) or Pub/Sub propagation (P99) misses its target; else Success when
     * every result it lists under Success holds (GET/SET P50 and P99, Pub/Sub P99, throughput 100 req/s,
     * 0 errors with Redis down, auto-reconnect &lt; 1 s); else Partial Success (some Success result missed
     * without a Failure one). A result that is INCONCLUSIVE or MISSING where it would decide makes the
     * classification UNDECIDED. Rows beside the gate (X1, X2, E4) are not read.
     */
    public static Expected classify(List<Results.Row> all) {
        List<Results.Row> rows = all.stream().filter(r -> r.criterion() != null && !besideTheGate(r)).toList();
        List<String> failure = new ArrayList<>(), partial = new ArrayList<>(), unsure = new ArrayList<>(), success = new ArrayList<>();
        // Failure: connection errors under load
        for (Criterion c : List.of(Criterion.POOL_ERRORS, Criterion.POOL_EXHAUSTION_ERRORS)) {
            flag(rows, c, failure, unsure, "connection errors under load");
        }
        // Failure: Pub/Sub message loss > 1 % (judged on the interval's lower end when there is one)
        for (Results.Row r : of(rows, Criterion.PUBSUB_LOSS_PCT)) {
            double lo = Double.isNaN(r.ciLow()) ? r.value() : r.ciLow();
            double hi = Double.isNaN(r.ciHigh()) ? r.value() : r.ciHigh();
            if (Double.isNaN(r.value())) unsure.add("Pub/Sub loss not measured (" + where(r) + ")");
            else if (lo > 1) failure.add("Pub/Sub message loss > 1 %: " + Results.num(r.value()) + " % (" + where(r) + ")");
            else if (hi > 1 && r.value() > 0) unsure.add("Pub/Sub loss " + Results.num(r.value()) + " % may exceed 1 % (" + where(r) + ")");
        }
        flag(rows, Criterion.DEGRADED_5XX, failure, unsure, "graceful degradation fails (HTTP 5xx with Redis down)");
        // Partial: latency or Pub/Sub propagation above target
        for (Criterion c : List.of(Criterion.GET_P50_MS, Criterion.SET_P50_MS, Criterion.PUBSUB_P99_MS)) {
            flag(rows, c, partial, unsure, c.description + " above target");
        }
        // Success: every result listed
        for (Criterion c : List.of(Criterion.GET_P50_MS, Criterion.SET_P50_MS, Criterion.GET_P99_MS, Criterion.PUBSUB_P99_MS,
                Criterion.THROUGHPUT_RPS, Criterion.DEGRADED_5XX)) {
            Criterion.Status st = combine(of(rows, c));
            if (st != Criterion.Status.PASS) success.add(c.description + " " + st);
        }
        List<Results.Row> reconnect = of(rows, Criterion.RECONNECT_MS);
        if (reconnect.isEmpty() || reconnect.stream().anyMatch(r -> Double.isNaN(r.value()))) success.add("auto-reconnect MISSING");
        else {
            double worst = reconnect.stream().mapToDouble(r -> Double.isNaN(r.ciHigh()) ? r.value() : r.ciHigh()).max().orElse(Double.NaN);
            if (!(worst < 1000)) success.add("auto-reconnect " + Results.num(worst) + " ms, Expected Outcomes ask < 1 s");
        }
        if (!failure.isEmpty()) return new Expected(Classification.FAILURE, List.copyOf(failure));
        if (!unsure.isEmpty()) return new Expected(Classification.UNDECIDED, List.copyOf(unsure));
        if (!partial.isEmpty()) return new Expected(Classification.PARTIAL, List.copyOf(partial));
        if (success.stream().anyMatch(s -> s.endsWith("MISSING") || s.endsWith("INCONCLUSIVE"))) {
            return new Expected(Classification.UNDECIDED, List.copyOf(success));
        }
        if (!success.isEmpty()) return new Expected(Classification.PARTIAL, List.copyOf(success));
        return new Expected(Classification.SUCCESS, List.of("every result the Success scenario lists holds"));
    }

    private static List<Results.Row> of(List<Results.Row> rows, Criterion c) {
        return rows.stream().filter(r -> r.criterion() == c).toList();
    }

    private static void flag(List<Results.Row> rows, Criterion c, List<String> hit, List<String> unsure, String what) {
        for (Results.Row r : of(rows, c)) {
            if (r.status() == Criterion.Status.FAIL) hit.add(what + ": " + r.metric() + " = " + Results.measured(r) + " (" + where(r) + ")");
            else if (r.status() == Criterion.Status.INCONCLUSIVE) unsure.add(what + "? " + r.metric() + " INCONCLUSIVE (" + where(r) + ")");
        }
    }

    private static String where(Results.Row r) {
        return r.scenario() + " " + r.test() + " " + r.client();
    }

    /**
     * The decision as a paragraph of Markdown (for README and RESULTS.md): the outcome, the tree's path,
     * each decision point with its evidence, the Expected Outcomes classification and, when they
     * disagree, why; the rows beside the gate last.
     */
    public static String paragraph(Result d) {
        StringBuilder b = new StringBuilder();
        b.append("**Decision: ").append(d.outcomeText()).append(".** Tree: ").append(d.path()).append(".\n\n");
        for (Point p : d.points()) {
            b.append("- Decision point ").append(p.number()).append(" (").append(p.title()).append("): ").append(p.question()).append(' ')
                    .append(p.answer()).append(" → ").append(p.choice());
            List<String> ev = p.rows().stream().limit(4).map(r -> r.scenario() + " " + r.test() + " " + r.client() + " "
                    + r.metric() + " " + Results.measured(r) + " " + r.status()).toList();
            if (!ev.isEmpty()) b.append(" (").append(String.join("; ", ev)).append(p.rows().size() > 4 ? "; +" + (p.rows().size() - 4) + " more" : "").append(')');
            b.append('\n');
        }
        b.append("\nExpected Outcomes: **").append(d.expected().classification().label).append("** (")
                .append(String.join("; ", d.expected().reasons())).append(") → ").append(d.expected().classification().decision).append(".\n");
        d.disagreement().ifPresent(t -> b.append('\n').append(t).append('\n'));
        if (!d.beside().isEmpty()) {
            long fail = d.beside().stream().filter(r -> r.status() == Criterion.Status.FAIL).count();
            long pass = d.beside().stream().filter(r -> r.status() == Criterion.Status.PASS).count();
            b.append("\nBeside the gate (scenarios the seed does not define: ").append(String.join(", ", BESIDE_THE_GATE)).append("): ")
                    .append(pass).append(" PASS, ").append(fail).append(" FAIL, ").append(d.beside().size() - pass - fail).append(" other.\n");
        }
        return b.toString();
    }

    private static List<Results.Row> select(List<Results.Row> rows, Predicate<Results.Row> p) {
        return rows.stream().filter(r -> r.criterion() != null && p.test(r)).toList();
    }

    /**
     * YES when every row passed and each required criterion has a row; NO on any FAIL; else MISSING when a
     * row or a required criterion is missing, UNDECIDED when a row is INCONCLUSIVE.
     */
    private static Point point(int n, String title, String question, List<Results.Row> rows, List<Criterion> required,
                               String yes, String no) {
        Answer a;
        if (rows.stream().anyMatch(r -> r.status() == Criterion.Status.FAIL)) a = Answer.NO;
        else if (rows.isEmpty() || rows.stream().anyMatch(r -> r.status() == Criterion.Status.MISSING)
                || !required.stream().allMatch(c -> rows.stream().anyMatch(r -> r.criterion() == c))) a = Answer.MISSING;
        else if (rows.stream().anyMatch(r -> r.status() != Criterion.Status.PASS)) a = Answer.UNDECIDED;
        else a = Answer.YES;
        String choice = switch (a) {
            case YES -> yes;
            case NO -> no;
            case MISSING -> "missing: no measurement";
            case UNDECIDED -> "undecided: an inconclusive row needs more trials";
        };
        return new Point(n, title, question, a, choice, rows);
    }

    /** A criterion over its rows: FAIL if any failed, else MISSING if none or any missing, else INCONCLUSIVE if any is, else PASS. */
    static Criterion.Status combine(List<Results.Row> rows) {
        if (rows.stream().anyMatch(r -> r.status() == Criterion.Status.FAIL)) return Criterion.Status.FAIL;
        if (rows.isEmpty() || rows.stream().anyMatch(r -> r.status() == Criterion.Status.MISSING || r.status() == Criterion.Status.INFO)) return Criterion.Status.MISSING;
        if (rows.stream().anyMatch(r -> r.status() == Criterion.Status.INCONCLUSIVE)) return Criterion.Status.INCONCLUSIVE;
        return Criterion.Status.PASS;
    }

    private static Answer allPass(List<CriterionResult> cs) {
        if (cs.stream().anyMatch(c -> c.status() == Criterion.Status.FAIL)) return Answer.NO;
        if (cs.stream().anyMatch(c -> c.status() == Criterion.Status.MISSING)) return Answer.MISSING;
        if (cs.stream().anyMatch(c -> c.status() != Criterion.Status.PASS)) return Answer.UNDECIDED;
        return Answer.YES;
    }

    /** "Any issues?": YES on a FAIL, NO when all measured and passed, else MISSING or UNDECIDED. */
    private static Answer anyFail(List<CriterionResult> cs) {
        Answer all = allPass(cs);
        return switch (all) {
            case NO -> Answer.YES;
            case YES -> Answer.NO;
            default -> all;
        };
    }

    private static void unsettled(List<CriterionResult> cs, Predicate<CriterionResult> p, List<String> missing, List<String> undecided) {
        for (CriterionResult c : cs) {
            if (!p.test(c)) continue;
            if (c.status() == Criterion.Status.MISSING) missing.add(c.criterion().name());
            if (c.status() == Criterion.Status.INCONCLUSIVE) undecided.add(c.criterion().name());
        }
    }
}
