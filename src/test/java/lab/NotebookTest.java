package lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every notebook executes headless without error (notebooks/run.sh on a temp copy, against a temp data
 * folder), and the decision the overview notebook prints is RESULTS.md's and lab.Decision's. Every script's
 * notebook re-runs its script (--quick, one changed option) into a scratch folder and draws from that folder.
 * Needs the toolchain of notebooks/install.sh; skipped without it, except under CI=true where it fails.
 */
class NotebookTest {

    @Test
    void notebooksExecuteAndShowTheReportsDecision(@TempDir Path dir) throws Exception {
        Path kernel = Path.of("notebooks/.kernel/kernels/java/kernel.json");
        boolean installed = Files.exists(kernel) && Files.isExecutable(Path.of("/usr/bin/jupyter-nbconvert"));
        if (!"true".equals(System.getenv("CI"))) Assumptions.assumeTrue(installed, "run bash notebooks/install.sh first");
        assertTrue(installed, "notebook toolchain missing: bash notebooks/install.sh");

        // data: a real S1 quick run and a synthetic S2 run with a chart table; then RESULTS.md from it
        Path data = dir.resolve("data");
        ScriptRun.Outcome s1 = ScriptRun.inProcess("S1_basic", "--quick", "--out", data.resolve("S1_basic").toString());
        assertTrue(s1.exitCode() <= 1, s1.all());
        Results s2 = new Results("S2_pubsub", data.resolve("S2_pubsub"));
        s2.meta("mode", "quick"); // beside a quick S1: Report refuses a mix of quick and full runs
        s2.check("propagation", "lettuce", "propagation_p99", 2.5, Criterion.PUBSUB_P99_MS);
        Results.Table t = s2.table("timeline.csv", "scenario", "test", "client", "t_s", "ok", "errors", "p50_ms", "p99_ms", "max_ms");
        for (int i = 0; i < 5; i++) t.row("S2_pubsub", "restart", "jedis", i, 100, 0, 0.3, 1.1, 2.0);
        s2.finish();
        Path results = dir.resolve("RESULTS.md");
        assertEquals(0, ScriptRun.inProcess("Report", "--data", data.toString(), "--out", results.toString()).exitCode());

        Path nbs = dir.resolve("notebooks");
        Files.createDirectories(nbs);
        List<String> names = new ArrayList<>();
        try (var s = Files.list(Path.of("notebooks"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList()) {
                Files.copy(p, nbs.resolve(p.getFileName()));
                names.add(p.getFileName().toString());
            }
        }
        assertTrue(names.contains("00_overview.ipynb") && names.contains("S1_basic.ipynb"), names.toString());

        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("bash", "notebooks/run.sh", "--dir", nbs.toString(), "--data", data.toString(), "--results", results.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(40, TimeUnit.MINUTES), "run.sh did not finish");
        System.out.println(log + "\nnotebooks executed in " + (System.nanoTime() - t0) / 1_000_000_000 + " s");
        assertEquals(0, p.exitValue(), log);

        ObjectMapper json = new ObjectMapper();
        for (String n : names) {
            JsonNode nb = json.readTree(nbs.resolve(n).toFile());
            for (JsonNode cell : nb.get("cells")) {
                for (JsonNode out : cell.path("outputs")) assertTrue(!out.path("output_type").asText().equals("error"), n + ": " + out);
                if (cell.path("cell_type").asText().equals("code")) assertTrue(cell.path("execution_count").isInt(), n + ": cell not executed");
            }
        }
        for (String n : names) {
            JsonNode nb = json.readTree(nbs.resolve(n).toFile());
            assertTrue(nb.toString().contains("image/png"), n + ": no chart in the outputs");
            if (n.equals("00_overview.ipynb")) continue;
            String rerun = text(cellsTagged(nb, "rerun"));
            Matcher m = Pattern.compile("scratch folder: (\\S+)").matcher(rerun);
            assertTrue(m.find(), n + ": the re-run cell did not run into a scratch folder: " + rerun);
            Path scratch = Path.of(m.group(1));
            try {
                assertTrue(Files.exists(scratch.resolve("metrics.csv")), n + ": no metrics.csv in " + scratch);
                assertTrue(rerun.matches("(?s).*metrics\\.csv: [1-9][0-9]* rows.*"), n + ": re-run wrote no rows: " + rerun);
                JsonNode redraw = cellsTagged(nb, "redraw");
                assertTrue(text(redraw).contains("redrawn from the scratch folder " + scratch), n + ": the redraw cell did not read " + scratch);
                assertTrue(redraw.toString().contains("image/png"), n + ": the redraw cell drew no chart");
            } finally {
                deleteTree(scratch);
                Files.deleteIfExists(Path.of(scratch + ".log"));
            }
        }
        String overview = text(json.readTree(nbs.resolve("00_overview.ipynb").toFile()));
        String s1nb = text(json.readTree(nbs.resolve("S1_basic.ipynb").toFile()));
        assertTrue(s1nb.contains("get_p50"), "S1 notebook shows its criteria");
        assertTrue(json.readTree(nbs.resolve("S1_basic.ipynb").toFile()).toString().contains("image/png"), "S1 notebook shows a chart");

        Decision.Result d = Decision.evaluate(new ArrayList<>() {{
            addAll(Csv.metrics(data.resolve("S1_basic/metrics.csv")));
            addAll(Csv.metrics(data.resolve("S2_pubsub/metrics.csv")));
        }});
        String line = overview.lines().filter(l -> l.startsWith("Decision: ")).findFirst().orElse("");
        assertEquals("Decision: " + d.outcomeText(), line);
        assertTrue(Files.readString(results).contains("**" + d.outcomeText() + "**"));
        assertTrue(overview.contains("states the same decision: true"), overview);
    }

    /** The cells of a notebook tagged {@code tag} (by make_notebooks.py), as a notebook of their own. */
    static JsonNode cellsTagged(JsonNode nb, String tag) {
        var cells = new ObjectMapper().createArrayNode();
        for (JsonNode cell : nb.get("cells")) {
            for (JsonNode t : cell.path("metadata").path("tags")) if (t.asText().equals(tag)) cells.add(cell);
        }
        return new ObjectMapper().createObjectNode().set("cells", cells);
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** All stream and text outputs of a notebook. */
    static String text(JsonNode nb) {
        StringBuilder b = new StringBuilder();
        for (JsonNode cell : nb.get("cells")) {
            for (JsonNode out : cell.path("outputs")) {
                JsonNode t = out.has("text") ? out.get("text") : out.path("data").path("text/plain");
                if (t.isArray()) t.forEach(x -> b.append(x.asText()));
                else b.append(t.asText());
            }
        }
        return b.toString();
    }
}
