package lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.redis.RedisBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** X2_saturation on a real spawned Redis: the chart CSV's schema, a knee row per series, the reference. */
class X2SaturationTest {

    static final List<String> SATURATION_COLUMNS = List.of("scenario", "client", "concurrency", "offered_rate", "achieved_rate", "p50_ms", "p99_ms", "p999_ms",
            "errors", "unfinished", "service_p50_ms", "service_p99_ms", "lag_p99_ms", "scheduler_cpu_pct", "jvm_cpu_pct", "redis_cpu_pct", "held");

    @Test
    void stepsTheRateAndReportsAKneePerSeries(@TempDir Path out) {
        ScriptRun.Outcome o = ScriptRun.inProcess("X2_saturation", "--quick", "--out", out.toString(), "--rates", "100,1000,4000",
                "--step-s", "0.5", "--jedis-concurrency", "1,4");
        assertTrue(o.exitCode() == 0 || o.exitCode() == 1, o.all());
        List<Map<String, String>> m = ScriptRun.csv(out.resolve("metrics.csv"));
        assertEquals(Results.METRICS_COLUMNS, List.copyOf(m.get(0).keySet()));
        List<Map<String, String>> sat = ScriptRun.csv(out.resolve("saturation.csv"));
        assertEquals(SATURATION_COLUMNS, List.copyOf(sat.get(0).keySet()));
        List<Map<String, String>> kneeSteps = ScriptRun.csv(out.resolve("knee_trials.csv"));
        List<String> kneeColumns = new java.util.ArrayList<>(SATURATION_COLUMNS);
        kneeColumns.add(3, "trial");
        assertEquals(kneeColumns, List.copyOf(kneeSteps.get(0).keySet()));
        List<Map<String, String>> trials = ScriptRun.csv(out.resolve("trials.csv"));
        for (String series : List.of("jedis-c1", "jedis-c4", "lettuce-c1")) {
            String client = series.substring(0, series.indexOf('-')), conc = series.substring(series.indexOf("-c") + 2);
            List<Map<String, String>> rows = sat.stream().filter(r -> r.get("client").equals(client) && r.get("concurrency").equals(conc)).toList();
            assertTrue(!rows.isEmpty() && rows.size() <= 3, series + " has one row per step until it bends");
            assertEquals(100, Double.parseDouble(rows.get(0).get("offered_rate")), 1e-9, "starts at the lowest step");
            for (int i = 0; i < rows.size(); i++) {
                Map<String, String> r = rows.get(i);
                assertTrue(Double.parseDouble(r.get("achieved_rate")) >= 0);
                assertTrue(Double.parseDouble(r.get("scheduler_cpu_pct")) >= 0);
                // the series stops at the first step that bends: only the last row may have held = 0
                if (i < rows.size() - 1) assertEquals("1", r.get("held"), series + " continued after a bent step");
            }
            double knee = ScriptRun.metric(m, "knee", series, "knee_rate");
            double lastHeld = rows.stream().filter(r -> r.get("held").equals("1")).mapToDouble(r -> Double.parseDouble(r.get("offered_rate"))).max().orElse(0);
            assertEquals(lastHeld, knee, 1e-9, series + ": the knee is the last step that held");
            assertTrue(m.stream().anyMatch(r -> r.get("client").equals(series) && "THROUGHPUT_RPS".equals(r.get("criterion"))));

            // the knee search is repeated as 3 interleaved trials: trial 1 is the ladder, trials 2 and 3 search from its knee
            double[] kneeTrials = trialValues(trials, series, "knee_rate_trials");
            double[] achievedTrials = trialValues(trials, series, "knee_achieved_rate");
            assertEquals(3, kneeTrials.length, series);
            assertEquals(3, achievedTrials.length, series);
            assertEquals(knee, kneeTrials[0], 1e-9, series + ": trial 1 is the ladder");
            double ladderAchieved = rows.stream().filter(r -> r.get("held").equals("1")).mapToDouble(r -> Double.parseDouble(r.get("achieved_rate"))).reduce((a, b) -> b).orElse(0);
            assertEquals(ladderAchieved, achievedTrials[0], 1e-6, series + ": trial 1's achieved rate is the ladder knee's");
            for (int trial = 2; trial <= 3; trial++) {
                String tr = Integer.toString(trial);
                List<Map<String, String>> searched = kneeSteps.stream().filter(r -> r.get("client").equals(client) && r.get("concurrency").equals(conc)
                        && r.get("trial").equals(tr)).toList();
                assertTrue(!searched.isEmpty() && searched.size() <= 3, series + " trial " + trial + " ran a step or a few: " + searched.size());
                assertEquals(lastHeld == 0 ? 100 : lastHeld, Double.parseDouble(searched.get(0).get("offered_rate")), 1e-9, series + " trial " + trial + " starts at the ladder's knee");
                double highestHeld = searched.stream().filter(r -> r.get("held").equals("1")).mapToDouble(r -> Double.parseDouble(r.get("offered_rate"))).max().orElse(0);
                assertEquals(highestHeld, kneeTrials[trial - 1], 1e-9, series + " trial " + trial + ": its knee is its highest step that held");
            }
        }

        // every criterion row rests on the trials: the median of 3 with its interval, every trial's value in trials.csv
        List<Map<String, String>> criteria = m.stream().filter(r -> !r.get("criterion").isEmpty()).toList();
        assertEquals(3, criteria.size(), "one knee criterion per series: " + criteria);
        for (Map<String, String> r : criteria) {
            String what = r.get("test") + "/" + r.get("client") + "/" + r.get("metric");
            assertEquals("knee_achieved_rate", r.get("metric"), what);
            assertTrue(!r.get("ci_low").equals("NaN") && !r.get("ci_high").equals("NaN") && !r.get("interval").isEmpty(), "interval: " + what);
            assertEquals("3", r.get("trials"), what);
            assertEquals(Trials.MIN_MAX, r.get("interval"), what);
            assertEquals(3, trialValues(trials, r.get("client"), r.get("metric")).length, "every trial's value is in trials.csv: " + what);
        }
        Csv.metrics(out.resolve("metrics.csv")); // every stored verdict re-derives from its interval
        if (Processes.onPath("redis-benchmark") != null) { // on Redis the reference is its own tool
            assertTrue(ScriptRun.metric(m, "reference", "redis-benchmark", "get_rps_c1") > 0);
            assertTrue(ScriptRun.metric(m, "reference", "redis-benchmark", "get_rps_c4") > 0);
        }
        assertTrue(o.stdout().contains("cores shared"), "the 2-core caveat is printed");
        assertTrue(ScriptRun.ownServers().isEmpty(), "no Redis left behind: " + ScriptRun.ownServers());
    }

    /** Every trial's value of a knee quantity of one series, in trial order. */
    static double[] trialValues(List<Map<String, String>> trials, String series, String metric) {
        return trials.stream().filter(t -> t.get("test").equals("knee") && t.get("client").equals(series) && t.get("metric").equals(metric))
                .mapToDouble(t -> Double.parseDouble(t.get("value"))).toArray();
    }

    @Test
    void badRatesAreAOneLineError(@TempDir Path out) {
        ScriptRun.Outcome o = ScriptRun.inProcess("X2_saturation", "--quick", "--out", out.toString(), "--rates", "1000,100");
        assertEquals(Lab.EXIT_ERROR, o.exitCode());
        assertTrue(o.stderr().contains("ascending"), o.stderr());
    }

}
