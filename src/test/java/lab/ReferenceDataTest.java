package lab;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed reference data (what RESULTS.md, README and the notebooks are generated from) is what it
 * claims to be: every run recorded from a clean commit, and on the Redis reference (data/&lt;script&gt;/) every
 * verdict rests on measured samples and carries its interval: a zero count with its Clopper-Pearson bound
 * over at least one attempt, any other criterion over at least two trials. Reads files only.
 */
class ReferenceDataTest {

    static final Path DATA = Path.of("data");

    static List<Path> files(String name) throws IOException {
        try (Stream<Path> s = Files.walk(DATA)) {
            return s.filter(p -> p.getFileName().toString().equals(name)).sorted().toList();
        }
    }

    @Test
    void everyReferenceRunIsFromACleanCommit() throws IOException {
        List<Path> runs = files("run.csv");
        assertFalse(runs.isEmpty(), "no reference run.csv under data/");
        List<String> dirty = new ArrayList<>();
        for (Path p : runs) {
            String v = ScriptRun.csv(p).stream().filter(r -> r.get("key").equals("git_dirty")).map(r -> r.get("value")).findFirst().orElse("missing");
            if (!v.equals("false")) dirty.add(p + ": git_dirty=" + v);
        }
        assertEquals(List.of(), dirty, "reference runs recorded from a modified work tree");
    }

    @Test
    void everyRedisVerdictHasItsSamplesAndInterval() throws IOException {
        List<String> bad = new ArrayList<>();
        int judged = 0;
        try (Stream<Path> dirs = Files.list(DATA)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("metrics.csv"))).sorted().toList()) {
                for (Map<String, String> r : ScriptRun.csv(dir.resolve("metrics.csv"))) {
                    if (r.get("criterion").isEmpty()) continue;
                    judged++;
                    String what = dir.getFileName() + " " + r.get("test") + "/" + r.get("client") + "/" + r.get("metric") + " " + r.get("status");
                    String interval = r.get("interval");
                    if (interval.isEmpty() || r.get("ci_low").equals("NaN") || r.get("ci_high").equals("NaN")) {
                        bad.add(what + ": no interval");
                    } else if (interval.startsWith("clopper-pearson")) {
                        long outOf = Long.parseLong(interval.substring(interval.lastIndexOf(' ') + 1));
                        if (outOf <= 0) bad.add(what + ": a zero count out of nothing");
                    } else if (Integer.parseInt(r.get("trials")) < 2 && !r.get("status").equals("MISSING")) {
                        bad.add(what + ": " + r.get("trials") + " trial(s)");
                    }
                    if (r.get("value").equals("NaN") && !r.get("status").equals("MISSING")) bad.add(what + ": no value but a verdict");
                }
            }
        }
        assertTrue(judged > 50, "the reference holds the plan's criteria: " + judged);
        assertEquals(List.of(), bad, "verdicts without samples or interval in the reference data");
    }
}
