package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.report.ServerComparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The side-by-side section: grouped by the server run.csv names, per-server decision, the alternative leaves. */
class ServerComparisonTest {

    static final String HEADER = String.join(",", Results.METRICS_COLUMNS_V1) + "\n";

    static void run(Path dir, String serverName, String serverVersion, String metrics) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("metrics.csv"), HEADER + metrics);
        StringBuilder run = new StringBuilder("key,value\nredis_backend,binary\nredis_version,7.2.4\n");
        if (serverName != null) run.append("server_name,").append(serverName).append("\nserver_version,").append(serverVersion).append('\n');
        Files.writeString(dir.resolve("run.csv"), run.toString());
    }

    @Test
    void oneServerGivesNoSection(@TempDir Path data) throws IOException {
        run(data.resolve("S1_basic"), null, null, "S1_basic,ops,jedis,get_p50,ms,0.05,5,<,PASS,GET_P50_MS\n");
        assertEquals("", ServerComparison.section(data));
    }

    @Test
    void twoServersSideBySideWithDifferencesDecisionsAndLeaves(@TempDir Path data) throws IOException {
        // data from before server_name existed counts as Redis at its redis_version
        run(data.resolve("S1_basic"), null, null, "S1_basic,ops,jedis,get_p50,ms,0.05,5,<,PASS,GET_P50_MS\n");
        run(data.resolve("valkey").resolve("S1_basic"), "valkey", "8.0.1",
                "S1_basic,ops,jedis,get_p50,ms,6,5,<,FAIL,GET_P50_MS\nS1_basic,ops,jedis,get_count,count,10,,,INFO,\n");
        // a Valkey run left in the Redis folders is still Valkey's: grouped by run.csv, not by folder
        run(data.resolve("S2_pubsub"), "valkey", "8.0.1", "S2_pubsub,reconnect,jedis,loss_pct_B,%,0,0,==,PASS,PUBSUB_LOSS_PCT\n");

        List<ServerComparison.ServerData> servers = ServerComparison.load(data);
        assertEquals(List.of("redis 7.2.4", "valkey 8.0.1"), servers.stream().map(ServerComparison.ServerData::label).toList());
        assertEquals(2, servers.get(1).dirs().size());

        String md = ServerComparison.section(data);
        assertTrue(md.startsWith("## Servers side by side"), md);
        assertTrue(md.contains("| Get latency (P50) | < 5 ms | 0.05 ms ✅ (S1_basic ops jedis) | 6 ms ❌ (S1_basic ops jedis) | +5.95 ms (single runs) | **yes**: PASS → FAIL |  |"), md);
        assertTrue(md.contains("| Redis 7.2.4 |") && md.contains("| Valkey 8.0.1 | NO | YES |"), "the tree on each server: " + md);
        assertTrue(md.contains("**Valkey 8.0.1, measured**: incomplete: missing") && md.contains("leads to: Consider Dragonfly"), md);
        assertTrue(md.contains("Get latency (P50) (Redis 7.2.4 PASS, Valkey 8.0.1 FAIL)"), md);
        assertTrue(md.contains("**Dragonfly: not measured on this machine.**") && md.contains("LAB_REDIS_IMAGE=docker.dragonflydb.io/dragonflydb/dragonfly:v"), md);
        assertTrue(md.contains("**KeyDB: not measured on this machine.**") && md.contains("docker compose --profile keydb up -d keydb"), md);
    }

    @Test
    void intervalsAreShownWhenTheRowsCarryThem(@TempDir Path data) throws IOException {
        for (String[] s : new String[][] {{"S1_basic", null, null, "0.05", "0.04", "0.06"}, {"valkey/S1_basic", "valkey", "8.0.1", "0.07", "0.065", "0.08"}}) {
            Path dir = data.resolve(s[0]);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("metrics.csv"), String.join(",", Results.METRICS_COLUMNS_V1) + ",ci_low,ci_high\n"
                    + "S1_basic,ops,jedis,get_p50,ms," + s[3] + ",5,<,PASS,GET_P50_MS," + s[4] + "," + s[5] + "\n");
            Files.writeString(dir.resolve("run.csv"), "key,value\n" + (s[1] == null ? "redis_version,7.0.15\n" : "server_name,valkey\nserver_version,8.0.1\n"));
        }
        String md = ServerComparison.section(data);
        assertTrue(md.contains("+0.02 ms [+0.005, +0.04] (from the two bounds)"), "valkey - redis, interval [0.065 - 0.06, 0.08 - 0.04]: " + md);
    }

    static final String V2_HEADER = String.join(",", Results.METRICS_COLUMNS) + "\n";

    /** A run with trials: metrics.csv rows with their interval, trials.csv with every trial's value. */
    static void trialRun(Path dir, String serverName, String serverVersion, double[] trials, String status) throws IOException {
        Files.createDirectories(dir);
        Trials.Estimate e = Trials.of(trials);
        Files.writeString(dir.resolve("metrics.csv"), V2_HEADER + "S1_basic,ops,jedis,get_p50,ms," + e.median() + ",5,<," + status + ",GET_P50_MS,"
                + trials.length + "," + e.low() + "," + e.high() + "," + e.method() + "\n"
                + "S2_pubsub,reconnect,jedis,loss_pct_B,%," + (serverName == null ? "0.428571" : "2") + ",0,==,FAIL,PUBSUB_LOSS_PCT,1,0.1,3,clopper-pearson-95 of 700\n");
        StringBuilder t = new StringBuilder("scenario,test,client,metric,trial,value\n");
        for (int i = 0; i < trials.length; i++) t.append("S1_basic,ops,jedis,get_p50,").append(i + 1).append(',').append(trials[i]).append('\n');
        Files.writeString(dir.resolve("trials.csv"), t.toString());
        Files.writeString(dir.resolve("run.csv"), "key,value\nscenario,S1_basic\nredis_version,7.2.4\n"
                + (serverName == null ? "" : "server_name," + serverName + "\nserver_version," + serverVersion + "\n"));
    }

    @Test
    void differencesOfTrialsAreTwoSampleAndOfCountsARateDifference(@TempDir Path data) throws IOException {
        double[] redis = {0.050, 0.051, 0.052, 0.053, 0.054, 0.055}, valkey = {0.060, 0.061, 0.062, 0.063, 0.064, 0.065};
        trialRun(data.resolve("S1_basic"), null, null, redis, "PASS");
        trialRun(data.resolve("valkey").resolve("S1_basic"), "valkey", "8.0.1", valkey, "PASS");
        List<ServerComparison.ServerData> servers = ServerComparison.load(data);
        ServerComparison.CriterionComparison get = ServerComparison.criteria(servers.get(0), servers.get(1)).stream()
                .filter(c -> c.criterion() == Criterion.GET_P50_MS).findFirst().orElseThrow();
        TwoSample.Estimate shift = TwoSample.shift(redis, valkey);
        assertEquals("two-sample shift, 6+6 trials", get.difference().method());
        assertEquals(0.01, get.difference().value(), 1e-9);
        assertEquals(shift.low(), get.difference().low(), 1e-12);
        assertEquals(shift.high(), get.difference().high(), 1e-12);
        assertTrue(get.difference().excludesZero(), "every Valkey trial is above every Redis trial: " + get.difference());

        ServerComparison.CriterionComparison loss = ServerComparison.criteria(servers.get(0), servers.get(1)).stream()
                .filter(c -> c.criterion() == Criterion.PUBSUB_LOSS_PCT).findFirst().orElseThrow();
        double[] r = TwoSample.rateDifference(3, 700, 14, 700);
        assertEquals("rate difference, 700+700", loss.difference().method());
        assertEquals(100 * r[1], loss.difference().low(), 1e-9);
        assertEquals(100 * r[2], loss.difference().high(), 1e-9);
        assertFalse(loss.verdictChanged());

        String md = ServerComparison.section(data);
        assertTrue(md.contains("(two-sample shift, 6+6 trials) | no |"), md);
        // a difference beyond its interval is a behaviour difference, listed
        assertTrue(md.contains("S1_basic ops jedis get_p50: 0.0525 → 0.0625 ms, difference +0.01 ms ["), md);
    }

    @Test
    void rowsOfOneServerAreNotMeasuredOnTheOtherNeverDroppedOrCompared(@TempDir Path data) throws IOException {
        // Redis has a row Valkey lacks (a test recorded later on Redis only) and a whole script Valkey lacks
        run(data.resolve("S1_basic"), null, null, "S1_basic,ops,jedis,get_p50,ms,0.05,5,<,PASS,GET_P50_MS\n"
                + "S1_basic,ops_lan,jedis,get_p50,ms,7,5,<,FAIL,GET_P50_MS\n"
                + "S1_basic,ops,jedis,get_p99,ms,0.09,20,<,PASS,GET_P99_MS\n");
        run(data.resolve("E1_clock_skew"), null, null, "E1_clock_skew,logical_server,all-instances,max_abs_error,ms,3,500,<=,PASS,CLOCK_SKEW_EXPIRY_ERROR_MS\n");
        run(data.resolve("valkey").resolve("S1_basic"), "valkey", "8.0.1", "S1_basic,ops,jedis,get_p50,ms,0.06,5,<,PASS,GET_P50_MS\n");
        List<ServerComparison.ServerData> servers = ServerComparison.load(data);
        List<ServerComparison.CriterionComparison> cs = ServerComparison.criteria(servers.get(0), servers.get(1));

        ServerComparison.CriterionComparison p50 = cs.stream().filter(c -> c.criterion() == Criterion.GET_P50_MS).findFirst().orElseThrow();
        // like for like: Redis's FAIL on its Redis-only row is shown, not compared with Valkey's PASS
        assertEquals(Criterion.Status.PASS, p50.a().status());
        assertFalse(p50.verdictChanged());
        assertEquals("1 row not measured on Valkey 8.0.1 (S1_basic ops_lan jedis get_p50)", p50.oneSided());

        ServerComparison.CriterionComparison p99 = cs.stream().filter(c -> c.criterion() == Criterion.GET_P99_MS).findFirst().orElseThrow();
        assertFalse(p99.measuredOnBoth());
        assertEquals("not measured on Valkey 8.0.1", p99.b().text());
        assertFalse(p99.difference().measured());
        assertTrue(cs.stream().anyMatch(c -> c.criterion() == Criterion.CLOCK_SKEW_EXPIRY_ERROR_MS && !c.b().measured()), "a script on one server only is listed");

        String md = ServerComparison.section(data);
        assertTrue(md.contains("| Get latency (P99) | < 20 ms | 0.09 ms ✅ (S1_basic ops jedis) | not measured on Valkey 8.0.1 | — | — |  |"), md);
        assertTrue(md.contains("| 0.05 ms ✅ (S1_basic ops jedis) | 0.06 ms ✅ (S1_basic ops jedis) | +0.01 ms (single runs) | no | 1 row not measured on Valkey 8.0.1"), md);
        assertTrue(md.contains("Not measured on Valkey 8.0.1: E1_clock_skew (`./jbang scripts/RunAll.java --servers valkey --only E1_clock_skew`)"), md);
        assertFalse(md.substring(0, md.indexOf("### The decision tree")).contains("⚠️"), "a criterion not measured on a server is no MISSING verdict there: " + md);
        String page = ServerComparison.page(data);
        assertTrue(page.contains("| S1_basic | ops_lan | jedis | get_p50 | 7 ❌ | not measured on Valkey 8.0.1 | — |"), page);
        assertTrue(page.contains("| E1_clock_skew | logical_server | all-instances | max_abs_error | 3 ✅ | not measured on Valkey 8.0.1 | — |"), page);
        assertTrue(page.contains("E1_clock_skew: not measured on Valkey 8.0.1"), page);
        assertTrue(page.contains("S1_basic ops_lan jedis get_p50 = 7 ms: not measured on Valkey 8.0.1"), page);
    }

    @Test
    void behaviourDifferencesAreComputedFromSettingsRowsAndVerdicts(@TempDir Path data) throws IOException {
        for (String script : List.of("S1_basic", "S5_eviction")) {
            for (boolean valkey : new boolean[] {false, true}) {
                Path dir = valkey ? data.resolve("valkey").resolve(script) : data.resolve(script);
                Files.createDirectories(dir);
                String metrics = script.equals("S1_basic") ? "S1_basic,ops,jedis,get_p50,ms,0.05,5,<,PASS,GET_P50_MS\n"
                        : "S5_eviction,lru,jedis,eviction_rate,%," + (valkey ? "5,10,<,PASS" : "36,10,<,FAIL") + ",EVICTION_RATE_PCT\n"
                        + (valkey ? "S5_eviction,lru,jedis,lazyfree_events,count,12,,,INFO,\n" : "");
                Files.writeString(dir.resolve("metrics.csv"), HEADER + metrics);
                Files.writeString(dir.resolve("run.csv"), "key,value\nscenario," + script + "\nstarted_utc," + (valkey ? "2026-01-02" : "2026-01-01")
                        + "\nredis_server,binary /usr/bin/" + (valkey ? "valkey" : "redis") + "-server on 127.0.0.1:" + (valkey ? 40001 : 30001)
                        + "\npg_server,binary /usr/lib/postgresql/15/bin on 127.0.0.1:" + (valkey ? 5001 : 6001)
                        + "\nredis_config_io-threads," + (valkey ? "2" : "1") + "\nbenchmark_tool," + (valkey ? "valkey-benchmark" : "redis-benchmark")
                        + (valkey ? "\nserver_name,valkey\nserver_version,8.0.1" : "\nredis_version,7.0.15") + "\n");
            }
        }
        List<ServerComparison.ServerData> servers = ServerComparison.load(data);
        List<ServerComparison.Behaviour> b = ServerComparison.behaviour(servers.get(0), servers.get(1));
        List<String> texts = b.stream().map(ServerComparison.Behaviour::text).toList();
        // one line per differing setting, naming every script it differs in
        assertTrue(texts.contains("`redis_config_io-threads`: `1` on Redis 7.0.15, `2` on Valkey 8.0.1 (S1_basic, S5_eviction)"), texts.toString());
        assertTrue(texts.contains("`benchmark_tool`: `redis-benchmark` on Redis 7.0.15, `valkey-benchmark` on Valkey 8.0.1 (S1_basic, S5_eviction)"), texts.toString());
        assertTrue(texts.contains("`redis_version`: `7.0.15` on Redis 7.0.15, not recorded on Valkey 8.0.1 (S1_basic, S5_eviction)"), texts.toString());
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("`redis_server`: `binary /usr/bin/redis-server on 127.0.0.1:PORT`")), texts.toString());
        // what differs by itself (time, the port the lab picked) is no behaviour difference
        assertTrue(texts.stream().noneMatch(t -> t.contains("started_utc") || t.contains("pg_server")), texts.toString());
        assertTrue(texts.contains("S5_eviction lru jedis lazyfree_events = 12 count: not measured on Redis 7.0.15"), texts.toString());
        assertTrue(texts.contains("S5_eviction lru jedis eviction_rate: FAIL on Redis 7.0.15 (36 %), PASS on Valkey 8.0.1 (5 %)"), texts.toString());
        assertEquals(1, b.stream().filter(x -> x.kind().equals(ServerComparison.Behaviour.VERDICT)).count(), texts.toString());

        String md = ServerComparison.section(data);
        assertTrue(md.contains("### Behaviour differences: Redis 7.0.15 vs Valkey 8.0.1") && md.contains("- **Verdicts that differ** (1):"), md);
        assertTrue(ServerComparison.page(data).contains("- **Settings that differ (`run.csv`)** (4):"), ServerComparison.page(data));
    }

    @Test
    void theVerdictChartSaysWhetherTheServerChangesAVerdict(@TempDir Path data) throws IOException {
        run(data.resolve("S1_basic"), null, null, "S1_basic,ops,jedis,get_p50,ms,0.05,5,<,PASS,GET_P50_MS\nS1_basic,ops,jedis,get_p99,ms,0.09,20,<,PASS,GET_P99_MS\n");
        run(data.resolve("valkey").resolve("S1_basic"), "valkey", "8.0.1", "S1_basic,ops,jedis,get_p50,ms,6,5,<,FAIL,GET_P50_MS\nS1_basic,ops,jedis,get_p99,ms,0.1,20,<,PASS,GET_P99_MS\n");
        List<lab.report.Charts.Named> charts = ServerComparison.charts(data);
        assertEquals(1, charts.size());
        assertEquals("servers", charts.get(0).id());
        assertTrue(charts.get(0).title().startsWith("Does the server change a verdict? Yes: 1 of 2 criteria"), charts.get(0).title());
        assertTrue(lab.report.Charts.png(charts.get(0).chart()).length > 1000);
        assertTrue(ServerComparison.section(data, "docs/charts/servers.png").contains("![Does the server change a verdict?](docs/charts/servers.png)"));
        run(data.resolve("valkey").resolve("S1_basic"), "valkey", "8.0.1", "S1_basic,ops,jedis,get_p50,ms,0.06,5,<,PASS,GET_P50_MS\n");
        assertTrue(ServerComparison.charts(data).get(0).title().startsWith("Does the server change a verdict? No: 0 of 1 criteria"));
        Files.delete(data.resolve("valkey").resolve("S1_basic").resolve("metrics.csv"));
        assertEquals(List.of(), ServerComparison.charts(data), "one server: no chart");
    }
}
