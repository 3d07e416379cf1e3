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

    static Results.Row inconclusive(String scenario, String test, String client, Criterion c) {
        return new Results.Row(scenario, test, client, c.name().toLowerCase(), c.unit, c.target, c, Criterion.Status.INCONCLUSIVE,
                6, c.target - 1, c.target + 1, Trials.ORDER_STATISTIC);
    }

    static UnaryOperator<List<Results.Row>> inconclusiveAll(Criterion c) {
        return rows -> rows.stream().map(r -> r.criterion() == c ? inconclusive(r.scenario(), r.test(), r.client(), c) : r).toList();
    }

    @Test
    void inconclusiveGateRowIsUndecidedNeverAPass() {
        Decision.Result d = Decision.evaluate(inconclusiveAll(Criterion.GET_P99_MS).apply(allPass()));
        assertEquals(Answer.UNDECIDED, d.allMet());
        assertEquals(Answer.UNDECIDED, d.performanceIssues());
        assertEquals(Outcome.UNDECIDED, d.outcome());
        assertEquals(null, d.leaf());
        assertTrue(d.undecided().contains("GET_P99_MS"), d.undecided().toString());
        assertTrue(d.path().contains("undecided"), d.path());
        assertTrue(d.outcomeText().startsWith("undecided"), d.outcomeText());
        // decision point 2 reads S3 sustained lettuce: an inconclusive row there is an undecided point
        assertEquals(Answer.UNDECIDED, d.points().get(1).answer());
        assertTrue(d.points().get(1).choice().startsWith("undecided"));
    }

    @Test
    void failStillDecidesOverInconclusive() {
        Decision.Result d = Decision.evaluate(all(inconclusiveAll(Criterion.GET_P99_MS), failAll(Criterion.SET_P50_MS)).apply(allPass()));
        assertEquals(Answer.NO, d.allMet());
        assertEquals(Answer.YES, d.performanceIssues());
        assertEquals(Outcome.BENCHMARK_DRAGONFLY, d.leaf());
        // a stability question left undecided once performance is clean
        Decision.Result s = Decision.evaluate(all(inconclusiveAll(Criterion.RECONNECT_MS), failAll(Criterion.JSON_LOSS)).apply(allPass()));
        assertEquals(Answer.NO, s.performanceIssues());
        assertEquals(Answer.UNDECIDED, s.stabilityIssues());
        assertEquals(null, s.leaf());
        assertEquals(Outcome.UNDECIDED, s.outcome());
    }

    @Test
    void rowsOfTheLabsOwnScenariosStayBesideTheGate() {
        List<Results.Row> rows = new ArrayList<>(allPass());
        rows.add(row("X2_saturation", "knee", "lettuce", Criterion.THROUGHPUT_RPS, 50));
        rows.add(row("E4_embedding_size", "codec", "lz4", Criterion.EMBEDDING_GET_MS, 99));
        rows.add(row("X1_invalidation", "streams", "lettuce", Criterion.PUBSUB_P99_MS, 500));
        Decision.Result d = Decision.evaluate(rows);
        assertEquals(Outcome.PROCEED_REDIS, d.outcome());
        assertEquals(Answer.YES, d.points().get(2).answer(), "X1's propagation is not decision point 3's evidence");
        assertEquals(2, d.beside().size(), "gate criteria from X1/X2; E4's embedding target is not a gate criterion");
        assertEquals(Criterion.Status.FAIL, d.criteria().stream().filter(c -> c.criterion() == Criterion.EMBEDDING_GET_MS).findFirst().orElseThrow().status(),
                "a target outside the gate keeps its rows, E4's included");
        assertTrue(Decision.paragraph(d).contains("Beside the gate"), Decision.paragraph(d));
    }

    /** All pass, with the auto-reconnect under the Expected Outcomes' 1 s (the gate asks only < 2 s). */
    static List<Results.Row> successful() {
        return all(drop(Criterion.RECONNECT_MS), add(row("S4_degradation", "restart", "api", Criterion.RECONNECT_MS, 500))).apply(allPass());
    }

    @Test
    void expectedOutcomesClassification() {
        assertEquals(Decision.Classification.SUCCESS, Decision.evaluate(successful()).expected().classification());
        // the seed's Failure scenario lists Pub/Sub loss > 1 %
        List<Results.Row> lossy = new ArrayList<>(successful());
        lossy.add(row("S2_pubsub", "reconnect", "jedis", Criterion.PUBSUB_LOSS_PCT, 12.5));
        Decision.Result d = Decision.evaluate(lossy);
        assertEquals(Decision.Classification.FAILURE, d.expected().classification());
        assertTrue(d.expected().reasons().get(0).contains("Pub/Sub message loss > 1 %"), d.expected().reasons().toString());
        assertEquals(Outcome.ALTERNATIVE, d.leaf(), "the tree classes delivery as functional");
        String why = d.disagreement().orElseThrow();
        assertTrue(why.contains("Failure") && why.contains("Consider an alternative"), why);
        assertTrue(Decision.paragraph(d).contains(why));
        // a loss under 1 % fails the criterion but is not the Failure scenario
        List<Results.Row> small = new ArrayList<>(successful());
        small.add(row("S2_pubsub", "reconnect", "jedis", Criterion.PUBSUB_LOSS_PCT, 0.5));
        assertEquals(Decision.Classification.SUCCESS, Decision.evaluate(small).expected().classification());
        // Partial: latency above target
        assertEquals(Decision.Classification.PARTIAL, Decision.evaluate(failAll(Criterion.GET_P50_MS).apply(successful())).expected().classification());
        assertTrue(Decision.evaluate(failAll(Criterion.GET_P50_MS).apply(successful())).disagreement().isEmpty(), "Dragonfly = Partial");
        // Failure: 5xx with Redis down, connection errors under load
        assertEquals(Decision.Classification.FAILURE, Decision.evaluate(failAll(Criterion.DEGRADED_5XX).apply(successful())).expected().classification());
        assertEquals(Decision.Classification.FAILURE, Decision.evaluate(failAll(Criterion.POOL_ERRORS).apply(successful())).expected().classification());
        // Success asks auto-reconnect < 1 s where the gate asks < 2 s
        Decision.Result slow = Decision.evaluate(allPass()); // reconnect just under 2 s
        assertEquals(Outcome.PROCEED_REDIS, slow.outcome());
        assertEquals(Decision.Classification.PARTIAL, slow.expected().classification());
        assertTrue(slow.disagreement().isPresent());
        // inconclusive where it decides: undecided
        assertEquals(Decision.Classification.UNDECIDED, Decision.evaluate(inconclusiveAll(Criterion.GET_P50_MS).apply(successful())).expected().classification());
        assertEquals(Decision.Classification.UNDECIDED, Decision.evaluate(List.of()).expected().classification());
    }
}
