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
        }
        if (Processes.onPath("redis-benchmark") != null) { // on Redis the reference is its own tool
            assertTrue(ScriptRun.metric(m, "reference", "redis-benchmark", "get_rps_c1") > 0);
            assertTrue(ScriptRun.metric(m, "reference", "redis-benchmark", "get_rps_c4") > 0);
        }
        assertTrue(o.stdout().contains("cores shared"), "the 2-core caveat is printed");
        assertTrue(ScriptRun.ownServers().isEmpty(), "no Redis left behind: " + ScriptRun.ownServers());
    }

    @Test
    void badRatesAreAOneLineError(@TempDir Path out) {
        ScriptRun.Outcome o = ScriptRun.inProcess("X2_saturation", "--quick", "--out", out.toString(), "--rates", "1000,100");
        assertEquals(Lab.EXIT_ERROR, o.exitCode());
        assertTrue(o.stderr().contains("ascending"), o.stderr());
    }

}
