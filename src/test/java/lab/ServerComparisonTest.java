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
        assertTrue(md.contains("| Get latency (P50) | < 5 ms | 0.05 ms ✅ (S1_basic ops jedis) | 6 ms ❌ (S1_basic ops jedis) | +5.95 ms |"), md);
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
        assertTrue(md.contains("+0.02 ms [+0.005, +0.04]"), "valkey - redis, interval [0.065 - 0.06, 0.08 - 0.04]: " + md);
    }
}
