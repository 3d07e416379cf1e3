package lab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import lab.Criterion;
import lab.Csv;
import lab.Decision;
import lab.LabException;
import lab.Results;

/**
 * The servers side by side (RESULTS.md): when the data holds runs from more than one server, each
 * criterion per server with the difference, the seed's decision tree evaluated on each server's rows
 * alone, and the tree's alternative leaves ("Consider Dragonfly", "Consider an alternative (Valkey,
 * KeyDB)") answered with the data where it exists and with the command that measures it where not.
 *
 * <p>Runs are grouped by what their run.csv says the server was ({@code server_name},
 * {@code server_version}; runs from before those keys existed are Redis at their {@code redis_version}),
 * never by the folder they sit in, so a run in the wrong folder is shown under its real server.
 * Folders: {@code DATA/<script>/} and {@code DATA/<server>/<script>/} (data/README.md).
 */
public final class ServerComparison {
    private ServerComparison() {}

    /** Pinned images of the servers the lab does not install, and how to measure them. */
    static final Map<String, String> IMAGES = Map.of(
            "valkey", lab.CommonOptions.Server.valkey.image,
            "dragonfly", "docker.dragonflydb.io/dragonflydb/dragonfly:v1.25.1",
            "keydb", "eqalpha/keydb:x86_64_v6.3.4");

    /** One server's runs: its identity, where its data came from, its metric rows and their intervals if recorded. */
    public record ServerData(String name, String version, List<Path> dirs, List<Results.Row> rows, Map<String, double[]> intervals) {
        public String label() {
            return name + " " + version;
        }

        public String title() {
            return display(name) + " " + version;
        }
    }

    /** The Markdown section, or "" when the data holds one server only. */
    public static String section(Path data) {
        List<ServerData> servers = load(data);
        if (servers.size() < 2) return "";
        StringBuilder md = new StringBuilder("## Servers side by side\n\n");
        md.append("The same scripts on each server; each server's rows are judged on their own (the decision above reads `")
                .append(data.getFileName()).append("/<script>/` only). Runs are grouped by the server their `run.csv` names.\n\n");
        md.append("| Server | Data folders | Runs | Backend |\n|---|---|---|---|\n");
        for (ServerData s : servers) {
            md.append("| ").append(s.title()).append(" | ").append(cell(folders(data, s))).append(" | ").append(s.dirs().size())
                    .append(" | ").append(cell(String.join(", ", backends(s)))).append(" |\n");
        }
        md.append('\n');
        ServerData base = servers.get(0);
        for (ServerData other : servers.subList(1, servers.size())) criteria(md, base, other);
        decisions(md, servers);
        alternatives(md, servers);
        return md.toString();
    }

    // ------------------------------------------------------------------ input

    /** Every run under data (one and two levels deep), grouped by server; Redis first, then by name. */
    public static List<ServerData> load(Path data) {
        Map<String, List<Path>> byServer = new TreeMap<>(Comparator.comparing((String k) -> k.startsWith("redis ") ? 0 : 1).thenComparing(k -> k));
        Map<String, String[]> ids = new LinkedHashMap<>();
        for (Path dir : runDirs(data)) {
            Map<String, String> meta = meta(dir.resolve("run.csv"));
            String name = meta.getOrDefault("server_name", "redis");
            String version = meta.getOrDefault("server_version", meta.getOrDefault("redis_version", "unknown"));
            String key = name + " " + version;
            byServer.computeIfAbsent(key, k -> new ArrayList<>()).add(dir);
            ids.put(key, new String[] {name, version});
        }
        List<ServerData> out = new ArrayList<>();
        for (Map.Entry<String, List<Path>> e : byServer.entrySet()) {
            List<Results.Row> rows = new ArrayList<>();
            Map<String, double[]> intervals = new LinkedHashMap<>();
            for (Path d : e.getValue()) {
                Csv.Table t = Csv.read(d.resolve("metrics.csv"));
                rows.addAll(rows(t));
                intervals.putAll(intervals(t));
            }
            String[] id = ids.get(e.getKey());
            out.add(new ServerData(id[0], id[1], List.copyOf(e.getValue()), List.copyOf(rows), intervals));
        }
        return out;
    }

    static List<Path> runDirs(Path data) {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(data)) return dirs;
        try (var top = Files.list(data)) {
            for (Path d : top.filter(Files::isDirectory).sorted().toList()) {
                if (Files.exists(d.resolve("metrics.csv"))) {
                    dirs.add(d);
                    continue;
                }
                try (var sub = Files.list(d)) {
                    sub.filter(s -> Files.exists(s.resolve("metrics.csv"))).sorted().forEach(dirs::add);
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot list " + data + ": " + e.getMessage());
        }
        return dirs;
    }

    static Map<String, String> meta(Path runCsv) {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.exists(runCsv)) return m;
        Csv.Table t = Csv.read(runCsv);
        for (List<String> r : t.rows()) if (r.size() >= 2) m.put(r.get(0), r.get(1));
        return m;
    }

    /** metrics.csv rows by column name, so columns added after {@code criterion} (intervals, trials) are no obstacle. */
    static List<Results.Row> rows(Csv.Table t) {
        List<Results.Row> rows = new ArrayList<>();
        for (int i = 0; i < t.rows().size(); i++) {
            List<String> r = t.rows().get(i);
            rows.add(Csv.metricRow(t.file() + " line " + (i + 2), t.str(r, "scenario"), t.str(r, "test"), t.str(r, "client"), t.str(r, "metric"),
                    t.str(r, "unit"), t.str(r, "value"), t.str(r, "status"), t.str(r, "criterion")));
        }
        return rows;
    }

    /** ci_low/ci_high per row key when metrics.csv carries them (trial-based runs), else none. */
    static Map<String, double[]> intervals(Csv.Table t) {
        Map<String, double[]> m = new LinkedHashMap<>();
        if (!t.has("ci_low") || !t.has("ci_high")) return m;
        for (List<String> r : t.rows()) {
            double lo = t.num(r, "ci_low"), hi = t.num(r, "ci_high");
            if (!Double.isNaN(lo) && !Double.isNaN(hi)) {
                m.put(key(t.str(r, "scenario"), t.str(r, "test"), t.str(r, "client"), t.str(r, "metric")), new double[] {lo, hi});
            }
        }
        return m;
    }

    static String key(String scenario, String test, String client, String metric) {
        return scenario + "/" + test + "/" + client + "/" + metric;
    }

    static String key(Results.Row r) {
        return key(r.scenario(), r.test(), r.client(), r.metric());
    }

    // ------------------------------------------------------------------ sections

    static void criteria(StringBuilder md, ServerData a, ServerData b) {
        md.append("### Criteria: ").append(a.title()).append(" vs ").append(b.title()).append("\n\n");
        md.append("Worst row of each criterion per server (as in the decision), and the difference ").append(b.title()).append(" − ").append(a.title())
                .append(" of those values, with its interval when both rows carry one (else the plain difference of single measurements).\n\n");
        md.append("| Criterion | Target | ").append(a.title()).append(" | ").append(b.title()).append(" | Difference |\n|---|---|---|---|---|\n");
        Decision.Result da = Decision.evaluate(a.rows()), db = Decision.evaluate(b.rows());
        for (int i = 0; i < da.criteria().size(); i++) {
            Decision.CriterionResult ca = da.criteria().get(i), cb = db.criteria().get(i);
            if (ca.rows().isEmpty() && cb.rows().isEmpty()) continue;
            Results.Row wa = worst(ca), wb = worst(cb);
            md.append("| ").append(cell(ca.criterion().description)).append(" | ").append(cell(ca.criterion().targetText())).append(" | ")
                    .append(measured(wa, ca.status())).append(" | ").append(measured(wb, cb.status())).append(" | ")
                    .append(difference(wa, a, wb, b)).append(" |\n");
        }
        md.append("\nEvery criterion row on both servers: [").append(PAGE).append("](").append(PAGE).append(").\n\n");
    }

    /** Where {@link #page} goes, relative to RESULTS.md. */
    public static final String PAGE = "docs/results/servers.md";

    /** Every criterion row of every server beside the first one's, or "" when the data holds one server only. */
    public static String page(Path data) {
        List<ServerData> servers = load(data);
        if (servers.size() < 2) return "";
        StringBuilder md = new StringBuilder("# Every criterion row, server by server\n\nGenerated from `").append(data.getFileName())
                .append("/` by scripts/Report.java; the summary is in RESULTS.md (\"Servers side by side\").\n\n");
        ServerData a = servers.get(0);
        for (ServerData b : servers.subList(1, servers.size())) {
            md.append("## ").append(a.title()).append(" vs ").append(b.title()).append("\n\n");
        md.append("| Scenario | Test | Client | Metric | ").append(a.title()).append(" | ").append(b.title()).append(" | Difference |\n|---|---|---|---|---|---|---|\n");
            Map<String, Results.Row> ra = byKey(a.rows()), rb = byKey(b.rows());
            Set<String> keys = new java.util.LinkedHashSet<>(ra.keySet());
            keys.addAll(rb.keySet());
            for (String k : keys) {
                Results.Row x = ra.get(k), y = rb.get(k);
                Results.Row any = x != null ? x : y;
                md.append("| ").append(cell(any.scenario())).append(" | ").append(cell(any.test())).append(" | ").append(cell(any.client())).append(" | ")
                        .append(cell(any.metric())).append(" | ").append(x == null ? "no data" : value(x) + " " + status(x.status()))
                        .append(" | ").append(y == null ? "no data" : value(y) + " " + status(y.status())).append(" | ").append(difference(x, a, y, b)).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    static void decisions(StringBuilder md, List<ServerData> servers) {
        md.append("### The decision tree on each server\n\n");
        md.append("| Server | All criteria met? | Performance issues? | Stability issues? | Leaf | DP1 | DP2 | DP3 | DP4 |\n|---|---|---|---|---|---|---|---|---|\n");
        for (ServerData s : servers) {
            Decision.Result d = Decision.evaluate(s.rows());
            md.append("| ").append(s.title()).append(" | ").append(d.allMet()).append(" | ").append(d.allMet() == Decision.Answer.NO ? d.performanceIssues() : "")
                    .append(" | ").append(d.allMet() == Decision.Answer.NO && d.performanceIssues() == Decision.Answer.NO ? d.stabilityIssues() : "")
                    .append(" | ").append(cell(d.outcomeText()));
            for (Decision.Point p : d.points()) md.append(" | ").append(p.answer());
            md.append(" |\n");
        }
        md.append('\n');
    }

    static void alternatives(StringBuilder md, List<ServerData> servers) {
        ServerData base = servers.get(0);
        Decision.Result baseDecision = Decision.evaluate(base.rows());
        md.append("### The tree's alternative leaves\n\n");
        md.append("The plan's tree names other servers in two leaves: *Consider Dragonfly* (performance issues; decision point 1) and *Consider an alternative (Valkey, KeyDB)*.\n\n");
        for (String name : List.of("valkey", "dragonfly", "keydb")) {
            ServerData s = servers.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            if (s == null) {
                md.append("- **").append(display(name)).append(": not measured on this machine.** ").append(cell(howToMeasure(name))).append('\n');
                continue;
            }
            Decision.Result d = Decision.evaluate(s.rows());
            md.append("- **").append(s.title()).append(", measured**: ").append(cell(d.outcomeText())).append(". ");
            List<String> changed = new ArrayList<>();
            for (int i = 0; i < d.criteria().size(); i++) {
                Decision.CriterionResult c = d.criteria().get(i), cb = baseDecision.criteria().get(i);
                if (c.status() != cb.status() && !(c.rows().isEmpty() && cb.rows().isEmpty())) {
                    changed.add(c.criterion().description + " (" + base.title() + " " + cb.status() + ", " + s.title() + " " + c.status() + ")");
                }
            }
            List<String> failed = d.criteria().stream().filter(c -> c.gate() && c.status() == Criterion.Status.FAIL).map(c -> c.criterion().description).toList();
            md.append(failed.isEmpty() ? "No success criterion failed" : "Failed success criteria: " + String.join("; ", failed)).append(". ");
            md.append(changed.isEmpty() ? "Every criterion has the same status as on " + base.title() + "."
                    : "Status differs from " + base.title() + " on: " + String.join("; ", changed) + ".").append('\n');
        }
        md.append('\n');
    }

    /** The exact command that fills the gap: local binary for Valkey, the container backend (or compose) for the others. */
    static String howToMeasure(String name) {
        if (name.equals("valkey")) {
            return "Install valkey-server (README, \"Valkey beside Redis\"), then `./jbang scripts/RunAll.java --servers redis,valkey`; "
                    + "or with Docker: `LAB_REDIS_BACKEND=container LAB_REDIS_IMAGE=" + IMAGES.get(name) + " ./jbang scripts/RunAll.java --out data/valkey --results data/valkey/RESULTS.md`.";
        }
        String profile = name;
        return "With Docker: `LAB_REDIS_BACKEND=container LAB_REDIS_IMAGE=" + IMAGES.get(name) + " ./jbang scripts/RunAll.java --out data/" + name
                + " --results data/" + name + "/RESULTS.md`, then `./jbang scripts/Report.java`; or `docker compose --profile " + profile
                + " up -d " + profile + "` and `REDIS_URL=redis://127.0.0.1:" + (name.equals("dragonfly") ? 6381 : 6382)
                + " ./jbang scripts/S1_basic.java --out data/" + name + "/S1_basic` for the scripts that accept a URL.";
    }

    // ------------------------------------------------------------------ formatting

    static Map<String, Results.Row> byKey(List<Results.Row> rows) {
        Map<String, Results.Row> m = new LinkedHashMap<>();
        for (Results.Row r : rows) if (r.criterion() != null) m.putIfAbsent(key(r), r);
        return m;
    }

    /** The row furthest on the wrong side of the target (a FAIL first, then MISSING), as the report's decision table shows. */
    static Results.Row worst(Decision.CriterionResult c) {
        if (c.rows().isEmpty()) return null;
        Criterion k = c.criterion();
        Comparator<Results.Row> bad = Comparator.comparingInt((Results.Row r) -> r.status() == Criterion.Status.FAIL ? 2 : r.status() == Criterion.Status.MISSING ? 1 : 0)
                .thenComparingDouble(r -> Double.isNaN(r.value()) ? 0 : switch (k.cmp) {
                    case LT, LE -> r.value();
                    case GT, GE -> -r.value();
                    case EQ -> Math.abs(r.value() - k.target);
                });
        return c.rows().stream().max(bad).orElseThrow();
    }

    static String measured(Results.Row r, Criterion.Status s) {
        if (r == null) return "no data";
        return value(r) + " " + cell(r.unit()) + " " + status(s) + " (" + cell(r.scenario() + " " + r.test() + " " + r.client()) + ")";
    }

    static String difference(Results.Row x, ServerData a, Results.Row y, ServerData b) {
        if (x == null || y == null || Double.isNaN(x.value()) || Double.isNaN(y.value())) return "n/a";
        String d = signed(y.value() - x.value()) + " " + cell(x.unit());
        double[] ia = a.intervals().get(key(x)), ib = b.intervals().get(key(y));
        if (ia != null && ib != null) d += " [" + signed(ib[0] - ia[1]) + ", " + signed(ib[1] - ia[0]) + "]";
        return d;
    }

    static String value(Results.Row r) {
        return Double.isNaN(r.value()) ? "NaN" : Results.num(round(r.value()));
    }

    static String signed(double v) {
        return (v > 0 ? "+" : "") + Results.num(round(v));
    }

    /** Four significant digits: enough to compare, short enough to read. */
    static double round(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return v;
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).doubleValue();
    }

    static String status(Criterion.Status s) {
        return switch (s) {
            case PASS -> "✅";
            case FAIL -> "❌";
            case INCONCLUSIVE -> "❔";
            case MISSING -> "⚠️";
            case INFO -> "";
        };
    }

    static String folders(Path data, ServerData s) {
        Set<String> parents = new java.util.TreeSet<>();
        for (Path d : s.dirs()) {
            Path rel = data.relativize(d);
            parents.add(rel.getNameCount() > 1 ? rel.getName(0) + "/<script>/" : "<script>/");
        }
        return String.join(", ", parents);
    }

    static Set<String> backends(ServerData s) {
        Set<String> b = new java.util.TreeSet<>();
        for (Path d : s.dirs()) {
            Map<String, String> m = meta(d.resolve("run.csv"));
            String v = m.getOrDefault("redis_backend", "");
            if (!v.isEmpty()) b.add(v);
        }
        return b;
    }

    /** "valkey" -> "Valkey", "keydb" -> "KeyDB". */
    static String display(String name) {
        if (name.equals("keydb")) return "KeyDB";
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
