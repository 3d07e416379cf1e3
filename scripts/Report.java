///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lab/*.java
//SOURCES lab/net/*.java
//SOURCES lab/report/*.java
//
// RESULTS.md from data/ (POC1_redis_integration.md, "Template: RESULTS.md" and "Phase 4: Analysis &
// Decision"), short enough to read: the environment, the decision through lab.Decision with its path
// and the overview chart (every criterion against its threshold), then per script its criteria and
// its key charts. Everything else (all rows, every chart) is on one generated page per script,
// docs/results/<script>.md; the charts (lab.report) are under docs/charts/. Everything comes from
// data/<script>/{metrics,run}.csv and the tables beside them; running it again on the same data
// changes nothing (no generation time, stable order, files rewritten only when their bytes change).
//
//   ./jbang scripts/Report.java                          data/ -> RESULTS.md + docs/results/ + docs/charts/
//   ./jbang scripts/Report.java --data /tmp/d --out /tmp/r/RESULTS.md
//
// Exit 0 when written; 2 on a missing or malformed CSV (one line naming the file).

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import lab.report.Charts;
import lab.report.Overview;
import lab.Criterion;
import lab.Csv;
import lab.Decision;
import lab.Lab;
import lab.LabException;
import lab.Progress;
import lab.Results;
import lab.Script;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "Report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generates RESULTS.md, one page per script (docs/results/) and the PNG charts (docs/charts/) from the CSV files of every data/<script>/ folder, with the seed's decision.")
public class Report implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data", description = "Folder holding one <script>/metrics.csv folder per run (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "RESULTS.md", description = "Markdown file to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--charts", paramLabel = "DIR", description = "Folder for the PNG charts (default: docs/charts next to --out).")
    Path charts;

    @Option(names = "--allow-quick", description = "Accept a mix of quick (--quick) and full runs, each quick one labelled; by default such a mix is refused.")
    boolean allowQuick;

    public static void main(String... args) {
        Lab.main(new Report(), args);
    }

    /** One data folder: its metrics, its run metadata and its charts. */
    record Run(String name, Path dir, List<Results.Row> rows, Map<String, String> meta, List<Charts.Named> charts) {}

    /** run.csv keys that describe the environment rather than the experiment's parameters. */
    static boolean environmentKey(String k) {
        return Set.of("scenario", "title", "started_utc", "finished_utc", "duration_s", "passed", "git_commit", "git_dirty", "jvm", "os", "cores",
                "max_heap_mb", "redis_backend", "redis_server", "redis_version").contains(k) || k.endsWith("_version") || k.startsWith("redis_config_") || k.startsWith("server_");
    }

    @Override
    public Integer call() throws IOException {
        Path base = out.toAbsolutePath().getParent();
        Path chartDir = (charts != null ? charts : base.resolve("docs").resolve("charts")).toAbsolutePath();
        Path pageDir = base.resolve("docs").resolve("results");
        List<Run> runs = load(data);
        String runKinds = runKinds(runs, allowQuick);
        List<Results.Row> all = runs.stream().flatMap(r -> r.rows().stream()).toList();
        Decision.Result decision = Decision.evaluate(all);
        Charts.Named overview = Overview.chart(decision, ci(runs));

        StringBuilder md = new StringBuilder();
        header(md, runs);
        md.append(runKinds);
        environment(md, runs, base, pageDir);
        decision(md, decision, link(base, chartDir.resolve(overview.id() + ".png")));
        md.append(lab.report.ServerComparison.section(data));
        md.append("## Results per script\n\n");
        for (Run r : runs) summary(md, r, base, pageDir, chartDir);
        nextSteps(md, decision, runs);

        int written = writeCharts(runs, overview, chartDir);
        int pages = 0;
        for (Run r : runs) {
            StringBuilder page = new StringBuilder();
            scenario(page, r, pageDir, chartDir);
            if (writeIfChanged(pageDir.resolve(r.name() + ".md"), page.toString())) pages++;
        }
        removeStale(pageDir, ".md", runs.stream().map(r -> pageDir.resolve(r.name() + ".md")).collect(Collectors.toSet()));
        boolean changed = writeIfChanged(out.toAbsolutePath(), md.toString());
        System.out.println("Decision: " + decision.outcomeText());
        System.out.println((changed ? "wrote " : "unchanged ") + out + " (" + md.toString().getBytes(StandardCharsets.UTF_8).length / 1024 + " KB, " + runs.size()
                + " runs, " + pages + " page(s) rewritten in " + pageDir + ", " + written + " chart(s) rewritten in " + chartDir + ")");
        return Lab.EXIT_PASS;
    }

    static boolean writeIfChanged(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) return false;
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return true;
    }

    /** The confidence interval of a metrics row when its run had trials (columns ci_low, ci_high), else null. */
    static java.util.function.Function<Results.Row, double[]> ci(List<Run> runs) {
        Map<String, double[]> by = new java.util.HashMap<>();
        for (Run r : runs) {
            Csv.Table t = Csv.read(r.dir().resolve("metrics.csv"));
            if (!t.has("ci_low") || !t.has("ci_high")) continue;
            for (List<String> row : t.rows()) {
                double lo = t.num(row, "ci_low"), hi = t.num(row, "ci_high");
                if (!Double.isNaN(lo) && !Double.isNaN(hi)) by.put(t.str(row, "scenario") + "\u0000" + t.str(row, "test") + "\u0000" + t.str(row, "client") + "\u0000" + t.str(row, "metric"), new double[] {lo, hi});
            }
        }
        return row -> by.get(row.scenario() + "\u0000" + row.test() + "\u0000" + row.client() + "\u0000" + row.metric());
    }

    static String link(Path from, Path to) {
        return from.toAbsolutePath().relativize(to.toAbsolutePath()).toString().replace('\\', '/');
    }

    // ------------------------------------------------------------------ input

    /** Every data/<name>/ folder that holds CSV files; each must have a valid metrics.csv and run.csv. */
    static List<Run> load(Path data) throws IOException {
        if (!Files.isDirectory(data)) throw new LabException("no data folder: " + data);
        List<Path> dirs;
        try (var s = Files.list(data)) {
            dirs = s.filter(Files::isDirectory).filter(Report::hasCsv).sorted(Comparator.comparing((Path d) -> d.getFileName().toString(), Script.ORDER)).toList();
        }
        if (dirs.isEmpty()) throw new LabException("missing CSV: no " + data + "/<script>/metrics.csv found (run a script first)");
        List<Run> runs = new ArrayList<>();
        for (Path d : dirs) {
            Progress.line("reading " + d);
            List<Results.Row> rows = Csv.metrics(d.resolve("metrics.csv"));
            Csv.Table run = Csv.read(d.resolve("run.csv"));
            if (!run.columns().equals(List.of("key", "value"))) throw new LabException("malformed CSV " + d.resolve("run.csv") + ": columns must be key,value");
            Map<String, String> meta = new LinkedHashMap<>();
            for (List<String> r : run.rows()) meta.put(r.get(0), r.get(1));
            runs.add(new Run(d.getFileName().toString(), d, rows, meta, Charts.forFolder(d)));
        }
        return runs;
    }

    static boolean hasCsv(Path dir) {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".csv"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Quick runs (small samples) and partial runs (the server was lost) are never taken for reference
     * results: a mix of quick and full runs is refused unless {@code allowQuick}; quick-only and partial
     * runs are labelled. Returns the Markdown note (empty for full, whole runs). run.csv without a mode
     * predates the key and counts as full.
     */
    static String runKinds(List<Run> runs, boolean allowQuick) {
        List<String> quick = runs.stream().filter(r -> "quick".equals(r.meta().get("mode"))).map(Run::name).toList();
        List<String> partial = runs.stream().filter(r -> "true".equals(r.meta().get("partial")))
                .map(r -> r.name() + " (stopped in '" + r.meta().getOrDefault("partial_phase", "?") + "')").toList();
        boolean mixed = !quick.isEmpty() && quick.size() < runs.size();
        if (mixed && !allowQuick) {
            throw new LabException("the data mixes quick runs (" + String.join(", ", quick) + ", run.csv mode,quick) with full runs: quick samples"
                    + " are not comparable; rerun them in full, point --data at runs of one kind, or pass --allow-quick to label them");
        }
        StringBuilder b = new StringBuilder();
        if (!quick.isEmpty()) {
            b.append("> **Quick runs** (`--quick`: small samples, not reference results): ")
                    .append(quick.size() == runs.size() ? "all runs" : String.join(", ", quick)).append(".\n\n");
        }
        if (!partial.isEmpty()) {
            b.append("> **Partial runs** (the server was lost; only the rows measured before are here): ")
                    .append(String.join(", ", partial)).append(".\n\n");
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ sections

    static void header(StringBuilder md, List<Run> runs) {
        md.append("# POC #1: Redis Integration - Results\n\n");
        md.append("> Generated by `./jbang scripts/Report.java` from the CSV files under `data/` (")
                .append(runs.size()).append(runs.size() == 1 ? " run" : " runs")
                .append("). Do not edit by hand: re-run the scripts (`./jbang scripts/RunAll.java`), then the report.\n\n");
        TreeSet<String> starts = distinct(runs, "started_utc"), ends = distinct(runs, "finished_utc");
        String first = starts.isEmpty() ? "unknown" : starts.first(), last = ends.isEmpty() ? "unknown" : ends.last();
        double seconds = runs.stream().mapToDouble(r -> parse(r.meta().get("duration_s"))).filter(d -> !Double.isNaN(d)).sum();
        md.append("**Date**: ").append(first.length() >= 10 ? first.substring(0, 10) : first)
                .append(" (runs from ").append(first).append(" to ").append(last).append(")  \n");
        md.append("**Duration**: ").append(Results.num(Math.round(seconds * 10) / 10.0)).append(" s of script run time  \n");
        md.append("**Redis Version**: ").append(join(distinct(runs, "redis_version"))).append("  \n");
        md.append("**Java clients**: Jedis ").append(join(distinct(runs, "jedis_version")))
                .append(", Lettuce ").append(join(distinct(runs, "lettuce_version"))).append("  \n");
        md.append("**Git commit**: ").append(join(distinct(runs, "git_commit")));
        if (distinct(runs, "git_dirty").contains("true")) md.append(" (some runs from a modified work tree)");
        md.append("\n\n");
    }

    static void decision(StringBuilder md, Decision.Result d, String overviewPng) {
        md.append("## Decision\n\n");
        md.append("**").append(d.outcomeText()).append("**\n\n");
        md.append("Path through the seed's decision tree: ").append(d.path()).append("\n\n");
        md.append("![Every criterion: worst measured value / threshold](").append(overviewPng).append(")\n\n");
        Decision.Outcome o = d.outcome();
        md.append(box(o == Decision.Outcome.PROCEED_REDIS)).append("✅ Proceed with Redis Standard\n");
        md.append(box(o == Decision.Outcome.BENCHMARK_DRAGONFLY)).append("🔄 Benchmark Dragonfly\n");
        md.append(box(o == Decision.Outcome.SYNC_CLIENT)).append("🔄 Fallback sync client + thread pool\n");
        md.append(box(d.skipL2())).append("❌ Skip L2 cache (dual layer L1 + L3, decision point 4)\n");
        md.append(box(o == Decision.Outcome.ALTERNATIVE)).append("🔄 Consider an alternative (Valkey, KeyDB)\n");
        if (o == Decision.Outcome.INCOMPLETE) md.append("\nNo box is ticked for the tree: the decision is incomplete until the missing data is measured.\n");
        if (o == Decision.Outcome.UNDECIDED) md.append("\nNo box is ticked for the tree: inconclusive criteria (" + String.join(", ", d.undecided()) + ") need more trials.\n");
        md.append("\nThe seed's Expected Outcomes classify these results as **").append(d.expected().classification().label).append("** (")
                .append(String.join("; ", d.expected().reasons())).append(") → ").append(d.expected().classification().decision).append(".\n");
        d.disagreement().ifPresent(t -> md.append('\n').append(t).append('\n'));
        if (!d.beside().isEmpty()) {
            long pass = d.beside().stream().filter(r -> r.status() == Criterion.Status.PASS).count();
            md.append("\nBeside the gate (").append(String.join(", ", Decision.BESIDE_THE_GATE)).append(": scenarios the plan does not define, reported in their sections): ")
                    .append(pass).append(" of ").append(d.beside().size()).append(" criterion rows PASS.\n");
        }
        md.append("\n### Decision points\n\n| # | Decision point | Question | Answer | Choice | Evidence |\n|---|---|---|---|---|---|\n");
        for (Decision.Point p : d.points()) {
            md.append("| ").append(p.number()).append(" | ").append(cell(p.title())).append(" | ").append(cell(p.question())).append(" | ")
                    .append(answer(p.answer())).append(" | ").append(cell(p.choice())).append(" | ").append(cell(evidence(p.rows()))).append(" |\n");
        }
        md.append("\n### Success criteria (the seed's \"All criteria met?\")\n\n");
        criteriaTable(md, d.criteria().stream().filter(Decision.CriterionResult::gate).toList());
        md.append("\n### Other targets (scenario tests, edge cases, deep questions; reported, not part of the tree)\n\n");
        criteriaTable(md, d.criteria().stream().filter(c -> !c.gate()).toList());
        md.append('\n');
    }

    static void criteriaTable(StringBuilder md, List<Decision.CriterionResult> cs) {
        md.append("| Criterion | Category | Target | Worst measured | Rows | Status |\n|---|---|---|---|---|---|\n");
        for (Decision.CriterionResult c : cs) {
            Results.Row w = worst(c);
            String measured = w == null ? "no data" : Results.num(w.value()) + " " + w.unit() + " (" + w.scenario() + " " + w.test() + " " + w.client() + ")";
            long pass = c.rows().stream().filter(r -> r.status() == Criterion.Status.PASS).count();
            md.append("| ").append(cell(c.criterion().description)).append(" | ").append(c.category().name().toLowerCase()).append(" | ")
                    .append(cell(c.criterion().targetText())).append(" | ").append(cell(measured)).append(" | ")
                    .append(c.rows().isEmpty() ? "0" : pass + "/" + c.rows().size() + " pass").append(" | ").append(status(c.status())).append(" |\n");
        }
    }

    /** The row furthest on the wrong side of the target (a FAIL first, a MISSING next). */
    static Results.Row worst(Decision.CriterionResult c) {
        return Overview.worst(c);
    }

    static String evidence(List<Results.Row> rows) {
        if (rows.isEmpty()) return "no data";
        List<String> parts = new ArrayList<>();
        for (Results.Row r : rows.subList(0, Math.min(4, rows.size()))) {
            parts.add(r.scenario() + " " + r.test() + " " + r.client() + " " + r.metric() + " = " + Results.num(r.value()) + " " + r.unit() + " " + r.status());
        }
        if (rows.size() > 4) parts.add("+" + (rows.size() - 4) + " more (" + rows.stream().filter(r -> r.status() != Criterion.Status.PASS).count() + " not PASS)");
        return String.join("; ", parts);
    }

    static void environment(StringBuilder md, List<Run> runs, Path base, Path pageDir) {
        md.append("## Test Environment\n\n");
        for (String[] k : new String[][] {{"os", "OS"}, {"jvm", "JVM"}, {"cores", "CPU cores"}, {"max_heap_mb", "Max heap (MB)"},
                {"redis_backend", "Redis backend"}, {"redis_version", "Redis version"}, {"hdrhistogram_version", "HdrHistogram"}}) {
            md.append("- ").append(k[1]).append(": ").append(join(distinct(runs, k[0]))).append('\n');
        }
        md.append("- Network: loopback (127.0.0.1)\n\n");
        md.append("| Script | Started (UTC) | Duration (s) | Criteria passed | Commit | Redis server |\n|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            md.append("| [").append(r.name()).append("](").append(link(base, pageDir.resolve(r.name() + ".md"))).append(") | ").append(cell(r.meta().getOrDefault("started_utc", "")))
                    .append(" | ").append(cell(r.meta().getOrDefault("duration_s", ""))).append(" | ").append(cell(r.meta().getOrDefault("passed", "")))
                    .append(" | ").append(cell(r.meta().getOrDefault("git_commit", ""))).append(" | ").append(cell(r.meta().getOrDefault("redis_server", ""))).append(" |\n");
        }
        md.append('\n');
    }

    /** The title the lab gives the script (lab.Script), else the one its run.csv recorded. */
    static String title(Run r) {
        String t = Script.find(r.name()).map(Script::title).orElse(r.meta().get("title"));
        return r.name() + (t == null ? "" : " — " + t);
    }

    /** RESULTS.md's section of a script: its criteria, its key charts, the link to its page. */
    static void summary(StringBuilder md, Run run, Path base, Path pageDir, Path chartDir) {
        md.append("### ").append(title(run)).append("\n\n");
        String page = link(base, pageDir.resolve(run.name() + ".md"));
        Map<Criterion, List<Results.Row>> by = new LinkedHashMap<>();
        for (Results.Row r : run.rows()) if (r.criterion() != null) by.computeIfAbsent(r.criterion(), k -> new ArrayList<>()).add(r);
        if (!by.isEmpty()) {
            // the script's own rows per criterion (the decision's CriterionResult spans every script)
            long rows = 0, pass = 0;
            List<String> failing = new ArrayList<>();
            StringBuilder table = new StringBuilder("| Criterion | Target | Worst measured | Rows | Status |\n|---|---|---|---|---|\n");
            for (Map.Entry<Criterion, List<Results.Row>> e : by.entrySet()) {
                Criterion k = e.getKey();
                Results.Row w = Overview.worst(k, e.getValue());
                long p = e.getValue().stream().filter(r -> r.status() == Criterion.Status.PASS).count();
                rows += e.getValue().size();
                pass += p;
                if (w.status() != Criterion.Status.PASS) {
                    failing.add(k.name() + " " + Results.num(w.value()) + " " + w.unit() + " (" + w.test() + " " + w.client() + ") vs " + k.targetText());
                }
                table.append("| ").append(cell(k.description)).append(" | ").append(cell(k.targetText())).append(" | ")
                        .append(cell(Results.num(w.value()) + " " + w.unit() + " (" + w.test() + " " + w.client() + ")")).append(" | ")
                        .append(p).append('/').append(e.getValue().size()).append(" pass | ").append(status(w.status())).append(" |\n");
            }
            md.append("**").append(pass).append('/').append(rows).append(" criterion rows pass**")
                    .append(failing.isEmpty() ? "." : "; not passing: " + cell(String.join("; ", failing)) + ".").append("\n\n");
            md.append(table).append('\n');
        } else {
            md.append("No criterion of the plan is judged by this script; its measurements are context (see its page).\n\n");
        }
        for (Charts.Named c : run.charts().subList(0, Math.min(KEY_CHARTS, run.charts().size()))) {
            md.append("![").append(c.title().replace("]", ")")).append("](").append(link(base, chartDir.resolve(run.name()).resolve(c.id() + ".png"))).append(")\n\n");
        }
        md.append("All rows and all ").append(run.charts().size()).append(" chart(s): [").append(page).append("](").append(page).append(")\n\n");
    }

    /** Charts of a script shown in RESULTS.md (the first ones: its key charts); the rest are on its page. */
    static final int KEY_CHARTS = 2;

    /** The script's page: parameters, every metrics row, every chart. */
    static void scenario(StringBuilder md, Run run, Path outDir, Path chartDir) {
        md.append("# ").append(title(run)).append("\n\n");
        md.append("> Generated by `./jbang scripts/Report.java` from `data/").append(run.name()).append("/`. Back to [RESULTS.md](")
                .append(link(outDir, outDir.getParent().getParent().resolve("RESULTS.md"))).append(").\n\n");
        md.append("Data: `").append(run.name()).append("/` — started ").append(run.meta().getOrDefault("started_utc", "?"))
                .append(", ").append(run.meta().getOrDefault("duration_s", "?")).append(" s");
        if (run.meta().containsKey("redis_server")) md.append(", Redis ").append(run.meta().get("redis_server"));
        md.append(".  \n");
        List<String> params = run.meta().entrySet().stream().filter(e -> !environmentKey(e.getKey()))
                .map(e -> "`" + e.getKey() + "` = " + (e.getValue().isEmpty() ? "(empty)" : e.getValue())).toList();
        if (!params.isEmpty()) md.append("Parameters: ").append(cell(String.join(", ", params))).append("  \n");
        List<String> config = run.meta().entrySet().stream().filter(e -> e.getKey().startsWith("redis_config_"))
                .map(e -> e.getKey().substring("redis_config_".length()) + "=" + (e.getValue().isEmpty() ? "\"\"" : e.getValue())).toList();
        if (!config.isEmpty()) md.append("Redis config: ").append(cell(String.join(", ", config))).append("  \n");
        md.append('\n');

        List<Results.Row> checks = run.rows().stream().filter(r -> r.criterion() != null).toList();
        if (!checks.isEmpty()) {
            md.append("| Test | Client | Metric | Value | Target | Status |\n|---|---|---|---|---|---|\n");
            for (Results.Row r : checks) {
                md.append("| ").append(cell(r.test())).append(" | ").append(cell(r.client())).append(" | ").append(cell(r.criterion().description))
                        .append(" (`").append(cell(r.metric())).append("`) | ").append(cell(Results.measured(r)))
                        .append(" | ").append(cell(r.criterion().targetText())).append(" | ").append(status(r.status())).append(" |\n");
            }
            md.append('\n');
        }

        // Latency groups: INFO rows <op>_p50, _p99, ... of one test and client, in the order they were written.
        List<String> suffixes = List.of("p50", "p90", "p99", "p999", "max", "mean", "count");
        Map<String, Map<String, Results.Row>> groups = new LinkedHashMap<>();
        Set<Results.Row> used = new HashSet<>();
        for (Results.Row r : run.rows()) {
            if (r.criterion() != null) continue;
            int i = r.metric().lastIndexOf('_');
            if (i <= 0 || !suffixes.contains(r.metric().substring(i + 1))) continue;
            String s = r.metric().substring(i + 1);
            if (!(s.equals("count") ? r.unit().equals("count") : r.unit().equals("ms"))) continue;
            groups.computeIfAbsent(r.test() + "\u0000" + r.client() + "\u0000" + r.metric().substring(0, i), k -> new LinkedHashMap<>()).put(s, r);
        }
        groups.values().removeIf(g -> !(g.containsKey("p50") && g.containsKey("p99")));
        if (!groups.isEmpty()) {
            md.append("Latency (ms, HdrHistogram):\n\n| Test | Client | Operation | P50 | P90 | P99 | P99.9 | Max | Mean | Count |\n|---|---|---|---|---|---|---|---|---|---|\n");
            for (Map.Entry<String, Map<String, Results.Row>> g : groups.entrySet()) {
                String[] k = g.getKey().split("\u0000");
                md.append("| ").append(cell(k[0])).append(" | ").append(cell(k[1])).append(" | ").append(cell(k[2]));
                for (String s : suffixes) {
                    Results.Row r = g.getValue().get(s);
                    md.append(" | ").append(r == null ? "" : Results.num(r.value()));
                    if (r != null) used.add(r);
                }
                md.append(" |\n");
            }
            md.append('\n');
        }
        List<Results.Row> other = run.rows().stream().filter(r -> r.criterion() == null && !used.contains(r)).toList();
        if (!other.isEmpty()) {
            md.append("Other measurements:\n\n| Test | Client | Metric | Value | Unit |\n|---|---|---|---|---|\n");
            for (Results.Row r : other) {
                md.append("| ").append(cell(r.test())).append(" | ").append(cell(r.client())).append(" | ").append(cell(r.metric())).append(" | ")
                        .append(Results.num(r.value())).append(" | ").append(cell(r.unit())).append(" |\n");
            }
            md.append('\n');
        }
        for (Charts.Named c : run.charts()) {
            Path png = chartDir.resolve(run.name()).resolve(c.id() + ".png");
            String link = link(outDir, png);
            md.append("![").append(c.title().replace("]", ")")).append("](").append(link).append(")\n\n");
        }
    }

    static void nextSteps(StringBuilder md, Decision.Result d, List<Run> runs) {
        md.append("## Next Steps\n\n");
        List<String> steps = new ArrayList<>();
        switch (d.outcome()) {
            case PROCEED_REDIS -> steps.add("Proceed with Redis Standard: update ADR-001 with the measured numbers above and move to POC #2 (LSP Pyright Query).");
            case BENCHMARK_DRAGONFLY -> steps.add("Benchmark Dragonfly (POC #1b): re-run the failing scripts with `--redis-backend container --redis-image docker.dragonflydb.io/dragonflydb/dragonfly` and weigh longevity against performance in ADR-001.");
            case SYNC_CLIENT -> steps.add("Fall back to the sync client (Jedis) + thread pool for the unstable paths, re-run S3_pool, and update ADR-001.");
            case ALTERNATIVE -> steps.add("Consider an alternative server (Valkey, KeyDB): re-run the failing scripts against it with `--redis-url` or `--redis-image`.");
            case INCOMPLETE -> steps.add("Complete the measurements: " + String.join(", ", d.missing()) + " (run `./jbang scripts/RunAll.java`).");
        }
        if (d.skipL2()) steps.add("Decision point 4: graceful degradation failed: plan a dual layer (L1 + L3) unless the failure is fixed in the cache layer.");
        for (Decision.Point p : d.points()) {
            if (p.answer() == Decision.Answer.NO) steps.add("Decision point " + p.number() + " (" + p.title() + "): " + p.choice() + ".");
        }
        for (Decision.CriterionResult c : d.criteria()) {
            if (c.status() != Criterion.Status.FAIL) continue;
            Results.Row w = worst(c);
            steps.add("Investigate " + (c.gate() ? "" : "(non-gating) ") + c.criterion().description + ": " + Results.num(w.value()) + " " + w.unit()
                    + " vs target " + c.criterion().targetText() + " (" + w.scenario() + " " + w.test() + " " + w.client() + ").");
        }
        lossFreeMechanisms(d, runs).ifPresent(steps::add);
        for (int i = 0; i < steps.size(); i++) md.append(i + 1).append(". ").append(cell(steps.get(i))).append('\n');
    }

    /**
     * When Pub/Sub lost messages, the mechanisms that lost none across a real cut (X1_invalidation's
     * "<mechanism>:cut" tests: lost_B of published) are the measured way out; named from the data.
     */
    static java.util.Optional<String> lossFreeMechanisms(Decision.Result d, List<Run> runs) {
        boolean pubsubLost = d.criteria().stream().anyMatch(c -> c.criterion() == Criterion.PUBSUB_LOSS_PCT && c.status() == Criterion.Status.FAIL);
        if (!pubsubLost) return java.util.Optional.empty();
        Map<String, List<String>> clean = new java.util.TreeMap<>();
        for (Run run : runs) {
            for (Results.Row r : run.rows()) {
                if (!r.test().endsWith(":cut") || !r.metric().equals("lost_B")) continue;
                double published = run.rows().stream().filter(o -> o.test().equals(r.test()) && o.client().equals(r.client()) && o.metric().equals("published"))
                        .mapToDouble(Results.Row::value).findFirst().orElse(Double.NaN);
                if (r.value() == 0 && published > 0) {
                    clean.computeIfAbsent(r.test().substring(0, r.test().length() - 4), k -> new ArrayList<>()).add(r.client() + " in " + run.name());
                }
            }
        }
        if (clean.isEmpty()) return java.util.Optional.empty();
        List<String> named = new ArrayList<>();
        clean.forEach((m, where) -> named.add(m + " (" + String.join(", ", where) + ")"));
        return java.util.Optional.of("Pub/Sub is at-most-once: invalidations published while a subscriber reconnects are lost. Lost nothing across a real cut: "
                + String.join("; ", named) + ". Carry invalidations on it, or bound staleness with version-checked reads (see E2_partition).");
    }

    // ------------------------------------------------------------------ charts

    /** Writes the PNGs whose bytes changed and removes PNGs of charts that no longer exist; returns how many were written. */
    static int writeCharts(List<Run> runs, Charts.Named overview, Path chartDir) throws IOException {
        Set<Path> keep = new HashSet<>();
        int written = 0;
        Path o = chartDir.resolve(overview.id() + ".png").toAbsolutePath();
        keep.add(o);
        if (Charts.writeIfChanged(o, Charts.png(overview.chart()))) written++;
        for (Run r : runs) {
            for (Charts.Named c : r.charts()) {
                Path f = chartDir.resolve(r.name()).resolve(c.id() + ".png").toAbsolutePath();
                keep.add(f);
                if (Charts.writeIfChanged(f, Charts.png(c.chart()))) written++;
            }
        }
        removeStale(chartDir, ".png", keep);
        return written;
    }

    /** Deletes the generated files (by extension) under dir that this run did not write: charts or pages of a run that is gone. */
    static void removeStale(Path dir, String extension, Set<Path> keep) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(extension)).sorted().toList()) {
                if (!keep.contains(p.toAbsolutePath())) Files.delete(p);
            }
        }
    }

    // ------------------------------------------------------------------ formatting

    static TreeSet<String> distinct(List<Run> runs, String key) {
        return runs.stream().map(r -> r.meta().get(key)).filter(v -> v != null && !v.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }

    static String join(Set<String> values) {
        return values.isEmpty() ? "unknown" : String.join(", ", values);
    }

    static double parse(String s) {
        try {
            return s == null ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static String box(boolean ticked) {
        return ticked ? "- [x] " : "- [ ] ";
    }

    static String status(Criterion.Status s) {
        return switch (s) {
            case PASS -> "✅ PASS";
            case FAIL -> "❌ FAIL";
            case MISSING -> "⚠️ MISSING";
            case INCONCLUSIVE -> "❔ INCONCLUSIVE";
            case INFO -> "INFO";
        };
    }

    static String answer(Decision.Answer a) {
        return switch (a) {
            case YES -> "✅ YES";
            case NO -> "❌ NO";
            case MISSING -> "⚠️ MISSING";
            case UNDECIDED -> "❔ UNDECIDED";
        };
    }

    static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
