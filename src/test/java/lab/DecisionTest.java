package lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import lab.Decision.Answer;
import lab.Decision.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every branch of the seed's decision tree and of the four decision points, from metric rows built in memory. */
class DecisionTest {

    static Results.Row row(String scenario, String test, String client, Criterion c, double value) {
        return new Results.Row(scenario, test, client, c.name().toLowerCase(), c.unit, value, c, c.evaluate(value));
    }

    static double passing(Criterion c) {
        return switch (c.cmp) {
            case LT -> c.target - 1e-3;
            case LE, EQ, GE -> c.target;
            case GT -> c.target + 1;
        };
    }

    static double failing(Criterion c) {
        return switch (c.cmp) {
            case LT, LE, EQ -> c.target + 1;
            case GT, GE -> c.target - 1;
        };
    }

    /** A complete run where everything passes: every criterion once, plus the rows the decision points read. */
    static List<Results.Row> allPass() {
        List<Results.Row> rows = new ArrayList<>();
        for (Criterion c : Criterion.values()) rows.add(row("X_any", "t", "jedis", c, passing(c)));
        rows.add(row("S2_pubsub", "propagation", "lettuce", Criterion.PUBSUB_P99_MS, 3));
        rows.add(row("S3_pool", "sustained", "lettuce", Criterion.POOL_ERRORS, 0));
        rows.add(row("S3_pool", "sustained", "lettuce", Criterion.GET_P99_MS, 2));
        rows.add(row("S4_degradation", "runtime", "api", Criterion.DEGRADED_5XX, 0));
        return rows;
    }

    static UnaryOperator<List<Results.Row>> failAll(Criterion c) {
        return rows -> rows.stream().map(r -> r.criterion() == c ? row(r.scenario(), r.test(), r.client(), c, failing(c)) : r).toList();
    }

    static UnaryOperator<List<Results.Row>> nanAll(Criterion c) {
        return rows -> rows.stream().map(r -> r.criterion() == c ? row(r.scenario(), r.test(), r.client(), c, Double.NaN) : r).toList();
    }

    static UnaryOperator<List<Results.Row>> drop(Criterion c) {
        return rows -> rows.stream().filter(r -> r.criterion() != c).toList();
    }

    static UnaryOperator<List<Results.Row>> add(Results.Row extra) {
        return rows -> Stream.concat(rows.stream(), Stream.of(extra)).toList();
    }

    @SafeVarargs
    static UnaryOperator<List<Results.Row>> all(UnaryOperator<List<Results.Row>>... ops) {
        return rows -> {
            for (UnaryOperator<List<Results.Row>> op : ops) rows = op.apply(rows);
            return rows;
        };
    }

    // name, change to the all-pass run, allMet, perf, stab, leaf, outcome, DP1..DP4
    static Stream<Arguments> tree() {
        Answer Y = Answer.YES, N = Answer.NO, M = Answer.MISSING;
        return Stream.of(
                Arguments.of("all pass -> proceed", all(), Y, N, N, Outcome.PROCEED_REDIS, Outcome.PROCEED_REDIS, List.of(Y, Y, Y, Y)),
                Arguments.of("GET p50 fails -> Dragonfly, DP1 no", failAll(Criterion.GET_P50_MS), N, Y, N,
                        Outcome.BENCHMARK_DRAGONFLY, Outcome.BENCHMARK_DRAGONFLY, List.of(N, Y, Y, Y)),
                Arguments.of("pub/sub p99 fails -> Dragonfly, DP3 no", failAll(Criterion.PUBSUB_P99_MS), N, Y, N,
                        Outcome.BENCHMARK_DRAGONFLY, Outcome.BENCHMARK_DRAGONFLY, List.of(Y, Y, N, Y)),
                Arguments.of("performance fails even with stability failing -> Dragonfly",
                        all(failAll(Criterion.SET_P50_MS), failAll(Criterion.POOL_ERRORS)), N, Y, Y,
                        Outcome.BENCHMARK_DRAGONFLY, Outcome.BENCHMARK_DRAGONFLY, List.of(N, N, Y, Y)),
                Arguments.of("pool errors (jedis only) -> sync client; DP2 reads lettuce only",
                        add(row("S3_pool", "sustained", "jedis", Criterion.POOL_ERRORS, 3)), N, N, Y,
                        Outcome.SYNC_CLIENT, Outcome.SYNC_CLIENT, List.of(Y, Y, Y, Y)),
                Arguments.of("lettuce unstable in S3 -> sync client, DP2 no",
                        add(row("S3_pool", "sustained", "lettuce", Criterion.POOL_ERRORS, 5)), N, N, Y,
                        Outcome.SYNC_CLIENT, Outcome.SYNC_CLIENT, List.of(Y, N, Y, Y)),
                Arguments.of("5xx while Redis down -> sync client and DP4 no (skip L2)", failAll(Criterion.DEGRADED_5XX), N, N, Y,
                        Outcome.SYNC_CLIENT, Outcome.SYNC_CLIENT, List.of(Y, Y, Y, N)),
                Arguments.of("functional only (JSON loss) -> alternative", failAll(Criterion.JSON_LOSS), N, N, N,
                        Outcome.ALTERNATIVE, Outcome.ALTERNATIVE, List.of(Y, Y, Y, Y)),
                Arguments.of("functional only (TTL) -> alternative", failAll(Criterion.TTL_ERROR_MS), N, N, N,
                        Outcome.ALTERNATIVE, Outcome.ALTERNATIVE, List.of(Y, Y, Y, Y)),
                Arguments.of("non-gating target fails -> still proceed", failAll(Criterion.SERIALIZATION_MS), Y, N, N,
                        Outcome.PROCEED_REDIS, Outcome.PROCEED_REDIS, List.of(Y, Y, Y, Y)),
                Arguments.of("no data at all -> incomplete", (UnaryOperator<List<Results.Row>>) r -> List.of(), M, M, M,
                        null, Outcome.INCOMPLETE, List.of(M, M, M, M)),
                Arguments.of("gate criterion without rows -> incomplete", drop(Criterion.TTL_ERROR_MS), M, N, N,
                        null, Outcome.INCOMPLETE, List.of(Y, Y, Y, Y)),
                Arguments.of("NaN value is missing, never a pass", nanAll(Criterion.GET_P99_MS), M, M, N,
                        null, Outcome.INCOMPLETE, List.of(Y, M, Y, Y)),
                Arguments.of("functional fails, performance missing -> incomplete", all(failAll(Criterion.JSON_LOSS), drop(Criterion.GET_P99_MS)),
                        N, M, N, null, Outcome.INCOMPLETE, List.of(Y, Y, Y, Y)),
                Arguments.of("functional fails, stability missing -> incomplete", all(failAll(Criterion.JSON_LOSS), drop(Criterion.RECONNECT_MS)),
                        N, N, M, null, Outcome.INCOMPLETE, List.of(Y, Y, Y, Y)),
                Arguments.of("decision point without data -> incomplete, leaf kept as provisional", drop(Criterion.DEGRADED_5XX),
                        M, N, M, null, Outcome.INCOMPLETE, List.of(Y, Y, Y, M)),
                Arguments.of("DP2 missing (no S3 sustained lettuce rows) -> incomplete with provisional proceed",
                        (UnaryOperator<List<Results.Row>>) r -> r.stream().filter(x -> !x.scenario().startsWith("S3_")).toList(),
                        Y, N, N, Outcome.PROCEED_REDIS, Outcome.INCOMPLETE, List.of(Y, M, Y, Y)),
                Arguments.of("performance failure decides even with other data missing",
                        all(failAll(Criterion.GET_P50_MS), drop(Criterion.TTL_ERROR_MS)), N, Y, N,
                        Outcome.BENCHMARK_DRAGONFLY, Outcome.BENCHMARK_DRAGONFLY, List.of(N, Y, Y, Y)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tree")
    void decisionTree(String name, UnaryOperator<List<Results.Row>> change, Answer allMet, Answer perf, Answer stab,
                      Outcome leaf, Outcome outcome, List<Answer> points) {
        Decision.Result d = Decision.evaluate(change.apply(allPass()));
        assertEquals(allMet, d.allMet(), "all criteria met");
        assertEquals(perf, d.performanceIssues(), "performance issues");
        assertEquals(stab, d.stabilityIssues(), "stability issues");
        assertEquals(leaf, d.leaf(), "leaf (null: unresolved)");
        assertEquals(outcome, d.outcome(), "outcome");
        assertEquals(points, d.points().stream().map(Decision.Point::answer).toList(), "decision points");
        assertEquals(points.get(3) == Answer.NO, d.skipL2());
        if (outcome == Outcome.INCOMPLETE) {
            assertFalse(d.missing().isEmpty());
            assertTrue(d.outcomeText().startsWith("incomplete: missing "), d.outcomeText());
            for (String m : d.missing()) assertTrue(d.outcomeText().contains(m));
        } else {
            assertTrue(d.missing().isEmpty(), d.missing().toString());
            assertTrue(d.outcomeText().startsWith(outcome.text), d.outcomeText());
        }
    }

    @Test
    void incompleteNamesTheMissingCriterionAndDecisionPoint() {
        Decision.Result d = Decision.evaluate(drop(Criterion.PUBSUB_P99_MS).apply(allPass()));
        assertEquals(Outcome.INCOMPLETE, d.outcome());
        assertTrue(d.missing().contains("PUBSUB_P99_MS"), d.missing().toString());
        assertTrue(d.missing().stream().anyMatch(m -> m.startsWith("decision point 3")), d.missing().toString());
        assertTrue(d.outcomeText().contains("PUBSUB_P99_MS"));
    }

    @Test
    void everyCriterionHasACategoryAndTheSeedSuccessCriteriaGate() {
        for (Criterion c : Criterion.values()) {
            Decision.Category k = Decision.category(c);
            if (c.seedSection.equals("Success Criteria / Performance") && c != Criterion.POOL_ERRORS) {
                assertEquals(Decision.Category.PERFORMANCE, k, c.name());
            }
            if (c.seedSection.equals("Success Criteria / Functional")) assertTrue(k != Decision.Category.PERFORMANCE, c.name());
        }
        assertEquals(Decision.Category.STABILITY, Decision.category(Criterion.POOL_ERRORS));
        assertEquals(Decision.Category.STABILITY, Decision.category(Criterion.DEGRADED_5XX));
        assertEquals(Decision.Category.FUNCTIONAL, Decision.category(Criterion.JSON_LOSS));
        assertTrue(Decision.gates(Criterion.GET_P50_MS));
        assertFalse(Decision.gates(Criterion.SERIALIZATION_MS));
    }

    @Test
    void criterionStatusCombinesRows() {
        Decision.Result d = Decision.evaluate(List.of(
                row("S1_basic", "ops", "jedis", Criterion.GET_P50_MS, 0.1),
                row("S1_basic", "ops", "lettuce", Criterion.GET_P50_MS, 9)));
        Decision.CriterionResult get = d.criteria().stream().filter(c -> c.criterion() == Criterion.GET_P50_MS).findFirst().orElseThrow();
        assertEquals(Criterion.Status.FAIL, get.status());
        assertEquals(2, get.rows().size());
        Decision.CriterionResult ttl = d.criteria().stream().filter(c -> c.criterion() == Criterion.TTL_ERROR_MS).findFirst().orElseThrow();
        assertEquals(Criterion.Status.MISSING, ttl.status());
    }
}
