package lab.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import lab.Criterion;
import lab.Csv;
import lab.Decision;
import lab.LabException;
import lab.Results;
import lab.TwoSample;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The servers side by side (RESULTS.md, docs/results/servers.md and the overview notebook): when the data
 * holds runs from more than one server, each criterion per server with the difference and its interval,
 * the seed's decision tree evaluated on each server's rows alone, the tree's alternative leaves
 * ("Consider Dragonfly", "Consider an alternative (Valkey, KeyDB)") answered with the data where it exists
 * and with the command that measures it where not, and every behaviour difference the data shows.
 *
 * <p>Runs are grouped by what their run.csv says the server was ({@code server_name},
 * {@code server_version}; runs from before those keys existed are Redis at their {@code redis_version}),
 * never by the folder they sit in, so a run in the wrong folder is shown under its real server.
 * Folders: {@code DATA/<script>/} and {@code DATA/<server>/<script>/} (data/README.md).
 *
 * <p>Servers are compared like for like: a criterion's worst row per server is taken over the rows measured
 * on both; rows (or whole scripts) measured on one server only are shown as "not measured on" the other,
 * never compared against nothing and never dropped.
 */
public final class ServerComparison {
    private ServerComparison() {}

    /** Pinned images of the servers the lab does not install, and how to measure them. */
    static final Map<String, String> IMAGES = Map.of(
            "valkey", lab.CommonOptions.Server.valkey.image,
            "dragonfly", "docker.dragonflydb.io/dragonflydb/dragonfly:v1.25.1",
            "keydb", "eqalpha/keydb:x86_64_v6.3.4");

    /** The loopback port of each server's docker-compose.yml service (profile of the same name). */
    static final Map<String, Integer> COMPOSE_PORTS = Map.of("valkey", 6380, "dragonfly", 6381, "keydb", 6382);

    /**
     * One server's runs: its identity, where its data came from, its metric rows (with their intervals when
     * recorded), every trial's value per row key (trials.csv) and each script's run.csv.
     */
    public record ServerData(String name, String version, List<Path> dirs, List<Results.Row> rows, Map<String, double[]> trials,
                             Map<String, Map<String, String>> settings) {
        public String label() {
            return name + " " + version;
        }

        public String title() {
            return display(name) + " " + version;
        }

        /** The scripts (scenario column) this server has rows for. */
        public Set<String> scripts() {
            Set<String> s = new TreeSet<>();
            for (Results.Row r : rows) s.add(r.scenario());
            return s;
        }
    }

    /** The Markdown section, or "" when the data holds one server only. */
    public static String section(Path data) {
        return section(data, null);
    }

    /** The section with the verdict chart (a path relative to RESULTS.md) under the criteria table, when given. */
    public static String section(Path data, String chartLink) {
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
        for (ServerData other : servers.subList(1, servers.size())) criteriaTable(md, base, other);
        if (chartLink != null) md.append("![Does the server change a verdict?](").append(chartLink).append(")\n\n");
        decisions(md, servers);
        alternatives(md, servers);
        for (ServerData other : servers.subList(1, servers.size())) {
            md.append("### Behaviour differences: ").append(base.title()).append(" vs ").append(other.title()).append("\n\n");
            md.append("Computed from the data (settings in `run.csv`, rows on one side only, verdicts, intervals), not written by hand; "
                    + "the full list is in [").append(PAGE).append("](").append(PAGE).append(").\n\n");
            behaviourList(md, behaviour(base, other), 3);
        }
        return md.toString();
    }

    // ------------------------------------------------------------------ input

    /** Every run under data (one and two levels deep), grouped by server; Redis first, then by name. */
    public static List<ServerData> load(Path data) {
        Map<String, List<Path>> byServer = new TreeMap<>(Comparator.comparing((String k) -> k.startsWith("redis ") ? 0 : 1).thenComparing(k -> k));
        Map<String, String[]> ids = new LinkedHashMap<>();
        for (Path dir : runDirs(data)) {
            Map<String, String> meta = meta(dir.resolve("run.csv"));
            // a run behind a network profile is compared in NetworkComparison, never mixed with the loopback runs here
            if (!meta.getOrDefault("network_profile", "loopback").equals("loopback")) continue;
            String name = meta.getOrDefault("server_name", "redis");
            String version = meta.getOrDefault("server_version", meta.getOrDefault("redis_version", "unknown"));
            String key = name + " " + version;
            byServer.computeIfAbsent(key, k -> new ArrayList<>()).add(dir);
            ids.put(key, new String[] {name, version});
        }
        List<ServerData> out = new ArrayList<>();
        for (Map.Entry<String, List<Path>> e : byServer.entrySet()) {
            List<Results.Row> rows = new ArrayList<>();
            Map<String, double[]> trials = new LinkedHashMap<>();
            Map<String, Map<String, String>> settings = new TreeMap<>();
            for (Path d : e.getValue()) {
                List<Results.Row> rs = rows(Csv.read(d.resolve("metrics.csv")));
                rows.addAll(rs);
                trials.putAll(trials(d.resolve("trials.csv")));
                Map<String, String> meta = meta(d.resolve("run.csv"));
                String script = meta.getOrDefault("scenario", rs.isEmpty() ? d.getFileName().toString() : rs.get(0).scenario());
                settings.put(script, meta);
            }
            String[] id = ids.get(e.getKey());
            out.add(new ServerData(id[0], id[1], List.copyOf(e.getValue()), List.copyOf(rows), trials, settings));
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

    /**
     * metrics.csv rows by column name, so columns added after {@code criterion} are no obstacle; the
     * interval columns (trials, ci_low, ci_high, interval) are read when present.
     */
    static List<Results.Row> rows(Csv.Table t) {
        List<Results.Row> rows = new ArrayList<>();
        boolean ci = t.has("ci_low") && t.has("ci_high");
        for (int i = 0; i < t.rows().size(); i++) {
            List<String> r = t.rows().get(i);
            String where = t.file() + " line " + (i + 2);
            Results.Row row = Csv.metricRow(where, t.str(r, "scenario"), t.str(r, "test"), t.str(r, "client"), t.str(r, "metric"),
                    t.str(r, "unit"), t.str(r, "value"), t.str(r, "status"), t.str(r, "criterion"));
            if (ci) {
                row = Csv.withInterval(where, row, t.has("trials") ? t.str(r, "trials") : "", t.str(r, "ci_low"), t.str(r, "ci_high"),
                        t.has("interval") ? t.str(r, "interval") : "");
            }
            rows.add(row);
        }
        return rows;
    }

    /** trials.csv: every trial's value per row key, in trial order; none when the run had no trials. */
    static Map<String, double[]> trials(Path file) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        if (!Files.exists(file)) return Map.of();
        Csv.Table t = Csv.read(file);
        for (List<String> r : t.rows()) {
            m.computeIfAbsent(key(t.str(r, "scenario"), t.str(r, "test"), t.str(r, "client"), t.str(r, "metric")), k -> new ArrayList<>())
                    .add(t.num(r, "value"));
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }

    static String key(String scenario, String test, String client, String metric) {
        return scenario + "/" + test + "/" + client + "/" + metric;
    }

    static String key(Results.Row r) {
        return key(r.scenario(), r.test(), r.client(), r.metric());
    }

    // ------------------------------------------------------------------ the comparison, as data

    /**
     * b − a for one pair of rows, with its interval and how it was made; NaN value when either row is
     * missing or has no value. {@code method}: "two-sample shift, 6+6 trials" (both rows medians across
     * trials, {@link TwoSample#shift}), "rate difference, 700+700" (both rows counts out of N,
     * {@link TwoSample#rateDifference}), "from the two bounds" / "from the two intervals" (both rows carry bounds,
     * or intervals without trials to pair: b.low − a.high .. b.high − a.low, the widest difference they allow),
     * or "single runs" (no interval: one measurement each).
     */
    public record Difference(double value, double low, double high, String method, String unit) {
        public boolean measured() {
            return !Double.isNaN(value);
        }

        public boolean hasInterval() {
            return !Double.isNaN(low) && !Double.isNaN(high);
        }

        /** The interval lies entirely on one side of zero: the servers differ beyond the noise it accounts for. */
        public boolean excludesZero() {
            return hasInterval() && (low > 0 || high < 0);
        }

        /** "+0.02 ms [+0.005, +0.04] (two-sample shift, 6+6 trials)", "+67.3 ms (single runs)", or "—". */
        public String text() {
            if (!measured()) return "—";
            String t = signed(value) + " " + unit;
            if (hasInterval()) t += " [" + signed(low) + ", " + signed(high) + "]";
            return t + " (" + method + ")";
        }
    }

    static final Difference NOT_COMPARED = new Difference(Double.NaN, Double.NaN, Double.NaN, "not compared", "");

    /** The difference y − x of two rows of the same quantity on servers a and b (see {@link Difference}). */
    public static Difference difference(Results.Row x, ServerData a, Results.Row y, ServerData b) {
        if (x == null || y == null || Double.isNaN(x.value()) || Double.isNaN(y.value())) return NOT_COMPARED;
        double d = y.value() - x.value();
        String unit = x.unit();
        double[] tx = a.trials().get(key(x)), ty = b.trials().get(key(y));
        if (median(x) && median(y) && tx != null && ty != null && tx.length > 1 && ty.length > 1) {
            TwoSample.Estimate e = TwoSample.shift(tx, ty);
            return new Difference(d, e.low(), e.high(), "two-sample shift, " + tx.length + "+" + ty.length + " trials", unit);
        }
        long nx = outOf(x), ny = outOf(y);
        if (nx > 0 && ny > 0 && (unit.equals("%") || nx == ny)) {
            double scale = unit.equals("%") ? 100 : nx; // a count difference is only read as such out of the same N
            long kx = Math.round(x.value() / scale * nx), ky = Math.round(y.value() / scale * ny);
            double[] r = TwoSample.rateDifference(kx, nx, ky, ny);
            return new Difference(d, r[1] * scale, r[2] * scale, "rate difference, " + nx + "+" + ny, unit);
        }
        if (bounded(x) && bounded(y)) {
            // no trials to pair up: the widest difference the two intervals allow (bounds, or intervals without trials.csv)
            return new Difference(d, y.ciLow() - x.ciHigh(), y.ciHigh() - x.ciLow(), median(x) && median(y) ? "from the two intervals" : "from the two bounds", unit);
        }
        return new Difference(d, Double.NaN, Double.NaN, "single runs", unit);
    }

    /** The row carries an interval or bounds (ci_low, ci_high), whatever its number of trials. */
    static boolean bounded(Results.Row r) {
        return !Double.isNaN(r.ciLow()) && !Double.isNaN(r.ciHigh());
    }

    /** A median across trials (or a median of paired differences): the two-sample shift applies. */
    static boolean median(Results.Row r) {
        return r.trials() > 1 && (r.interval().startsWith("median") || r.interval().startsWith(lab.Trials.PAIRED));
    }

    /** N of a "clopper-pearson-95 of N" interval (a count or rate out of N), else -1. */
    static long outOf(Results.Row r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("clopper-pearson.* of (\\d+)").matcher(r.interval());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** One server's side of a criterion: its worst row and status over the rows compared, and how many rows it has. */
    public record Side(ServerData server, Results.Row worst, Criterion.Status status, int rows) {
        public boolean measured() {
            return rows > 0;
        }

        /** "0.05 ms ✅ (S1_basic ops jedis)" or "not measured on Valkey 8.0.1". */
        public String text() {
            return measured() ? ServerComparison.measured(worst, status) : "not measured on " + server.title();
        }
    }

    /**
     * One criterion on two servers, over the rows measured on both (like for like); {@code onlyA}/{@code onlyB}
     * are its rows measured on one server only, shown, not compared. {@code measuredOnBoth}: some row is
     * common; when none is, each side is taken over its own rows and the side without any reads "not measured on".
     */
    public record CriterionComparison(Criterion criterion, boolean gate, boolean measuredOnBoth, Side a, Side b, Difference difference,
                                      List<Results.Row> onlyA, List<Results.Row> onlyB) {

        /** The verdict differs between the servers on the rows both measured. */
        public boolean verdictChanged() {
            return measuredOnBoth() && a.status() != b.status();
        }

        /** "2 rows not measured on Valkey 8.0.1 (E1_clock_skew ...)" or "". */
        public String oneSided() {
            List<String> t = new ArrayList<>();
            if (!onlyA.isEmpty() && b.measured()) t.add(rowsNotMeasured(onlyA, b.server()));
            if (!onlyB.isEmpty() && a.measured()) t.add(rowsNotMeasured(onlyB, a.server()));
            return String.join("; ", t);
        }
    }

    /** Every criterion with rows on either server, in the order of lab.Criterion. */
    public static List<CriterionComparison> criteria(ServerData a, ServerData b) {
        List<CriterionComparison> out = new ArrayList<>();
        Decision.Result da = Decision.evaluate(a.rows()), db = Decision.evaluate(b.rows());
        for (int i = 0; i < da.criteria().size(); i++) {
            Decision.CriterionResult ca = da.criteria().get(i), cb = db.criteria().get(i);
            if (ca.rows().isEmpty() && cb.rows().isEmpty()) continue;
            Set<String> ka = new LinkedHashSet<>(), kb = new LinkedHashSet<>();
            ca.rows().forEach(r -> ka.add(key(r)));
            cb.rows().forEach(r -> kb.add(key(r)));
            List<Results.Row> commonA = ca.rows().stream().filter(r -> kb.contains(key(r))).toList();
            List<Results.Row> commonB = cb.rows().stream().filter(r -> ka.contains(key(r))).toList();
            List<Results.Row> onlyA = ca.rows().stream().filter(r -> !kb.contains(key(r))).toList();
            List<Results.Row> onlyB = cb.rows().stream().filter(r -> !ka.contains(key(r))).toList();
            boolean common = !commonA.isEmpty();
            Side sa = side(a, ca.criterion(), common ? commonA : ca.rows()), sb = side(b, cb.criterion(), common ? commonB : cb.rows());
            Difference d = common ? difference(sa.worst(), a, sb.worst(), b) : NOT_COMPARED;
            out.add(new CriterionComparison(ca.criterion(), ca.gate(), common, sa, sb, d, onlyA, onlyB));
        }
        return out;
    }

    static Side side(ServerData s, Criterion k, List<Results.Row> rows) {
        if (rows.isEmpty()) return new Side(s, null, Criterion.Status.MISSING, 0);
        return new Side(s, Overview.worst(k, rows), combine(rows), rows.size());
    }

    /** As lab.Decision combines a criterion's rows: FAIL if any failed, else INCONCLUSIVE, else MISSING, else PASS. */
    static Criterion.Status combine(List<Results.Row> rows) {
        if (rows.stream().anyMatch(r -> r.status() == Criterion.Status.FAIL)) return Criterion.Status.FAIL;
        if (rows.stream().anyMatch(r -> r.status() == Criterion.Status.INCONCLUSIVE)) return Criterion.Status.INCONCLUSIVE;
        if (rows.stream().anyMatch(r -> r.status() != Criterion.Status.PASS)) return Criterion.Status.MISSING;
        return Criterion.Status.PASS;
    }

    /** One row key on two servers: the rows (null = not measured there) and their difference. */
    public record RowComparison(String key, Results.Row a, Results.Row b, Difference difference) {
        public Results.Row any() {
            return a != null ? a : b;
        }
    }

    /** Every criterion row of either server, matched by scenario/test/client/metric (a's order, then b's own rows). */
    public static List<RowComparison> rowsCompared(ServerData a, ServerData b, boolean criteriaOnly) {
        Map<String, Results.Row> ra = byKey(a.rows(), criteriaOnly), rb = byKey(b.rows(), criteriaOnly);
        Set<String> keys = new LinkedHashSet<>(ra.keySet());
        keys.addAll(rb.keySet());
        List<RowComparison> out = new ArrayList<>();
        for (String k : keys) out.add(new RowComparison(k, ra.get(k), rb.get(k), difference(ra.get(k), a, rb.get(k), b)));
        return out;
    }

    /** One behaviour difference found in the data: its kind, where (script or setting) and what. */
    public record Behaviour(String kind, String where, String text) {
        public static final String NOT_MEASURED = "not measured";
        public static final String SETTING = "setting";
        public static final String ONE_SIDED = "row on one server only";
        public static final String VERDICT = "verdict";
        public static final String BEYOND_NOISE = "difference beyond its interval";
    }

    /** run.csv keys that differ between any two runs by nature (time, load, random names, the server's identity itself). */
    static final Set<String> RUN_NOISE = Set.of("started_utc", "finished_utc", "duration_s", "loadavg_at_start", "channel", "server_name",
            "server_version", "passed");

    /**
     * Every difference in behaviour the data shows between a and b: scripts measured on one server only,
     * run.csv settings that differ (the same difference in several scripts is one line), rows present on one
     * side only within a script both measured, criterion rows whose verdict differs, and rows whose
     * difference interval excludes zero.
     */
    public static List<Behaviour> behaviour(ServerData a, ServerData b) {
        List<Behaviour> out = new ArrayList<>();
        Set<String> sa = a.scripts(), sb = b.scripts(), both = new TreeSet<>(sa);
        both.retainAll(sb);
        for (String s : sa) if (!sb.contains(s)) out.add(new Behaviour(Behaviour.NOT_MEASURED, s, s + ": not measured on " + b.title()));
        for (String s : sb) if (!sa.contains(s)) out.add(new Behaviour(Behaviour.NOT_MEASURED, s, s + ": not measured on " + a.title()));

        Map<String, List<String>> settings = new LinkedHashMap<>();
        for (String s : both) {
            Map<String, String> ma = a.settings().getOrDefault(s, Map.of()), mb = b.settings().getOrDefault(s, Map.of());
            Set<String> keys = new TreeSet<>(ma.keySet());
            keys.addAll(mb.keySet());
            for (String k : keys) {
                if (RUN_NOISE.contains(k)) continue;
                String va = normalise(ma.get(k)), vb = normalise(mb.get(k));
                if (Objects.equals(va, vb)) continue;
                String what = "`" + k + "`: " + (va == null ? "not recorded" : "`" + va + "`") + " on " + a.title() + ", "
                        + (vb == null ? "not recorded" : "`" + vb + "`") + " on " + b.title();
                settings.computeIfAbsent(what, x -> new ArrayList<>()).add(s);
            }
        }
        settings.forEach((what, scripts) -> out.add(new Behaviour(Behaviour.SETTING, String.join(", ", scripts), what + " (" + String.join(", ", scripts) + ")")));

        for (RowComparison r : rowsCompared(a, b, false)) {
            Results.Row any = r.any();
            if (!both.contains(any.scenario())) continue; // whole script on one side: said above
            if (r.a() == null || r.b() == null) {
                ServerData missingOn = r.a() == null ? a : b;
                out.add(new Behaviour(Behaviour.ONE_SIDED, any.scenario(), rowName(any) + " = " + value(any) + " " + any.unit() + ": not measured on "
                        + missingOn.title()));
            }
        }
        for (RowComparison r : rowsCompared(a, b, true)) {
            if (r.a() == null || r.b() == null) continue;
            if (r.a().status() != r.b().status()) {
                out.add(new Behaviour(Behaviour.VERDICT, r.a().scenario(), rowName(r.a()) + ": " + r.a().status() + " on " + a.title() + " ("
                        + value(r.a()) + " " + r.a().unit() + "), " + r.b().status() + " on " + b.title() + " (" + value(r.b()) + " " + r.b().unit() + ")"));
            }
        }
        for (RowComparison r : rowsCompared(a, b, false)) {
            if (r.a() == null || r.b() == null || !r.difference().excludesZero()) continue;
            out.add(new Behaviour(Behaviour.BEYOND_NOISE, r.a().scenario(), rowName(r.a()) + ": " + value(r.a()) + " → " + value(r.b()) + " "
                    + r.a().unit() + ", difference " + r.difference().text()));
        }
        return out;
    }

    /** A run.csv value without what changes from run to run by itself (the loopback port the lab picked). */
    static String normalise(String v) {
        return v == null ? null : v.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT");
    }

    // ------------------------------------------------------------------ sections

    static void criteriaTable(StringBuilder md, ServerData a, ServerData b) {
        md.append("### Criteria: ").append(a.title()).append(" vs ").append(b.title()).append("\n\n");
        md.append("Worst row of each criterion per server over the rows measured on both (like for like), and the difference ").append(b.title())
                .append(" − ").append(a.title()).append(" of those values with its 95 % interval: two-sample (Mann-Whitney shift) where both rows are"
                        + " medians across trials, a rate difference (Newcombe) where both are counts out of N, else the plain difference of single"
                        + " measurements. Rows measured on one server only are named in the last column, not compared.\n\n");
        md.append("| Criterion | Target | ").append(a.title()).append(" | ").append(b.title()).append(" | Difference | Verdict changed? | Measured on one server only |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (CriterionComparison c : criteria(a, b)) {
            md.append("| ").append(cell(c.criterion().description)).append(" | ").append(cell(c.criterion().targetText())).append(" | ")
                    .append(cell(c.a().text())).append(" | ").append(cell(c.b().text())).append(" | ").append(cell(c.difference().text())).append(" | ")
                    .append(!c.measuredOnBoth() ? "—" : c.verdictChanged() ? "**yes**: " + c.a().status() + " → " + c.b().status() : "no").append(" | ")
                    .append(cell(c.oneSided())).append(" |\n");
        }
        md.append("\nEvery criterion row on both servers: [").append(PAGE).append("](").append(PAGE).append(").\n\n");
    }

    /** Where {@link #page} goes, relative to RESULTS.md. */
    public static final String PAGE = "docs/results/servers.md";

    /** Every criterion row of every server beside the first one's, and every behaviour difference; "" when the data holds one server only. */
    public static String page(Path data) {
        List<ServerData> servers = load(data);
        if (servers.size() < 2) return "";
        StringBuilder md = new StringBuilder("# Every criterion row, server by server\n\nGenerated from `").append(data.getFileName())
                .append("/` by scripts/Report.java; the summary is in RESULTS.md (\"Servers side by side\").\n\n");
        ServerData a = servers.get(0);
        for (ServerData b : servers.subList(1, servers.size())) {
            md.append("## ").append(a.title()).append(" vs ").append(b.title()).append("\n\n");
            md.append("| Scenario | Test | Client | Metric | ").append(a.title()).append(" | ").append(b.title()).append(" | Difference |\n|---|---|---|---|---|---|---|\n");
            for (RowComparison r : rowsCompared(a, b, true)) {
                Results.Row any = r.any();
                md.append("| ").append(cell(any.scenario())).append(" | ").append(cell(any.test())).append(" | ").append(cell(any.client())).append(" | ")
                        .append(cell(any.metric())).append(" | ").append(r.a() == null ? "not measured on " + a.title() : value(r.a()) + " " + status(r.a().status()))
                        .append(" | ").append(r.b() == null ? "not measured on " + b.title() : value(r.b()) + " " + status(r.b().status())).append(" | ")
                        .append(cell(r.difference().text())).append(" |\n");
            }
            md.append("\n### Behaviour differences\n\nComputed from the data: scripts measured on one server only, `run.csv` settings that differ"
                    + " (time, load average, random channel names and the loopback port left out), rows (criteria or context) recorded on one"
                    + " side only, criterion rows whose verdict differs, and rows whose difference interval excludes zero.\n\n");
            behaviourList(md, behaviour(a, b), Integer.MAX_VALUE);
        }
        return md.toString();
    }

    /** The behaviour differences grouped by kind; at most {@code perKind} lines each, then how many more. */
    static void behaviourList(StringBuilder md, List<Behaviour> list, int perKind) {
        if (list.isEmpty()) {
            md.append("None: the same settings, the same rows and the same verdicts on both servers.\n\n");
            return;
        }
        Map<String, List<Behaviour>> byKind = new LinkedHashMap<>();
        for (String k : List.of(Behaviour.VERDICT, Behaviour.SETTING, Behaviour.BEYOND_NOISE, Behaviour.ONE_SIDED, Behaviour.NOT_MEASURED)) {
            byKind.put(k, new ArrayList<>());
        }
        for (Behaviour b : list) byKind.computeIfAbsent(b.kind(), k -> new ArrayList<>()).add(b);
        Map<String, String> heading = Map.of(Behaviour.VERDICT, "Verdicts that differ", Behaviour.SETTING, "Settings that differ (`run.csv`)",
                Behaviour.BEYOND_NOISE, "Differences beyond their interval", Behaviour.ONE_SIDED, "Rows recorded on one server only",
                Behaviour.NOT_MEASURED, "Scripts measured on one server only");
        for (Map.Entry<String, List<Behaviour>> e : byKind.entrySet()) {
            if (e.getValue().isEmpty()) continue;
            md.append("- **").append(heading.getOrDefault(e.getKey(), e.getKey())).append("** (").append(e.getValue().size()).append("):\n");
            List<Behaviour> shown = e.getValue().subList(0, Math.min(perKind, e.getValue().size()));
            for (Behaviour b : shown) md.append("  - ").append(b.text().replace("|", "\\|")).append('\n');
            if (shown.size() < e.getValue().size()) md.append("  - … ").append(e.getValue().size() - shown.size()).append(" more in [").append(PAGE)
                    .append("](").append(PAGE).append(")\n");
        }
        md.append('\n');
    }

    static void decisions(StringBuilder md, List<ServerData> servers) {
        md.append("### The decision tree on each server\n\n");
        md.append("Each server's own rows through `lab.Decision` (the gate reads the plan's scenarios S1-S5 only).\n\n");
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
        md.append("### The tree's alternative leaves\n\n");
        md.append("The plan's tree names other servers in two leaves: *Consider Dragonfly* (performance issues; decision point 1) and *Consider an alternative (Valkey, KeyDB)*.");
        List<String> atDragonfly = new ArrayList<>(), atAlternative = new ArrayList<>();
        for (ServerData s : servers) {
            Decision.Result d = Decision.evaluate(s.rows());
            if (d.leaf() == Decision.Outcome.BENCHMARK_DRAGONFLY) atDragonfly.add(s.title());
            if (d.leaf() == Decision.Outcome.ALTERNATIVE) atAlternative.add(s.title());
        }
        md.append(" The tree ends at *Consider Dragonfly* on ").append(atDragonfly.isEmpty() ? "none of the measured servers" : String.join(", ", atDragonfly))
                .append(", at *Consider an alternative* on ").append(atAlternative.isEmpty() ? "none" : String.join(", ", atAlternative)).append(".\n\n");
        for (String name : List.of("valkey", "dragonfly", "keydb")) md.append("- ").append(leafAnswer(name, servers)).append('\n');
        md.append('\n');
    }

    /**
     * The answer for one alternative server: "**Valkey 8.0.1, measured**: ..." with its leaf, its failed
     * success criteria, the verdicts that differ from the first server and what it was not measured on; or
     * "**Dragonfly: not measured on this machine.**" with the command that measures it.
     */
    public static String leafAnswer(String name, List<ServerData> servers) {
        ServerData base = servers.get(0);
        ServerData s = servers.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        if (s == null || s == base) return "**" + display(name) + ": not measured on this machine.** " + cell(howToMeasure(name));
        Decision.Result d = Decision.evaluate(s.rows()), db = Decision.evaluate(base.rows());
        StringBuilder t = new StringBuilder("**" + s.title() + ", measured**: " + cell(d.outcomeText()) + " ("
                + (Objects.equals(d.outcomeText(), db.outcomeText()) ? "the same as on " : "on ") + base.title()
                + (Objects.equals(d.outcomeText(), db.outcomeText()) ? "" : ": " + cell(db.outcomeText())) + "). ");
        List<CriterionComparison> cs = criteria(base, s);
        List<String> failed = new ArrayList<>();
        for (CriterionComparison c : cs) {
            if (c.gate() && c.b().status() == Criterion.Status.FAIL) failed.add(c.criterion().description + " " + value(c.b().worst()) + " " + c.b().worst().unit());
        }
        t.append(failed.isEmpty() ? "No success criterion failed" : "Failed success criteria: " + cell(String.join("; ", failed))).append(". ");
        List<String> changed = cs.stream().filter(CriterionComparison::verdictChanged)
                .map(c -> c.criterion().description + " (" + base.title() + " " + c.a().status() + ", " + s.title() + " " + c.b().status() + ")").toList();
        t.append(changed.isEmpty() ? "Every criterion measured on both has the same verdict as on " + base.title() + "."
                : "Verdict differs from " + base.title() + " on: " + cell(String.join("; ", changed)) + ".");
        List<String> notMeasured = new ArrayList<>();
        for (String script : base.scripts()) if (!s.scripts().contains(script)) notMeasured.add(script);
        if (!notMeasured.isEmpty()) {
            t.append(" Not measured on ").append(s.title()).append(": ").append(String.join(", ", notMeasured)).append(" (`./jbang scripts/RunAll.java --servers ")
                    .append(name).append(" --only ").append(String.join(",", notMeasured)).append("`).");
        }
        return t.toString();
    }

    /** The exact command that fills the gap: local binary for Valkey, the container backend (or compose) for the others. */
    static String howToMeasure(String name) {
        if (name.equals("valkey")) {
            return "Install valkey-server (README, \"Valkey beside Redis\"), then `./jbang scripts/RunAll.java --servers redis,valkey`; "
                    + "or with Docker: `LAB_REDIS_BACKEND=container LAB_REDIS_IMAGE=" + IMAGES.get(name) + " ./jbang scripts/RunAll.java --out data/valkey --results data/valkey/RESULTS.md`"
                    + ", then `./jbang scripts/Report.java`.";
        }
        return "With Docker: `LAB_REDIS_BACKEND=container LAB_REDIS_IMAGE=" + IMAGES.get(name) + " ./jbang scripts/RunAll.java --out data/" + name
                + " --results data/" + name + "/RESULTS.md`, then `./jbang scripts/Report.java`; or `docker compose --profile " + name
                + " up -d " + name + "` and `REDIS_URL=redis://127.0.0.1:" + COMPOSE_PORTS.get(name)
                + " ./jbang scripts/S1_basic.java --out data/" + name + "/S1_basic` for the scripts that accept a URL.";
    }

    // ------------------------------------------------------------------ the chart

    /**
     * "Does the server change a verdict?": every criterion measured on either server as worst value /
     * threshold (log axis, left of 1 passes, as the overview chart), one marker per server on one line per
     * criterion; a criterion whose verdict changes is labelled in red, one measured on one server only says so.
     */
    public static Charts.Named chart(ServerData a, ServerData b) {
        List<CriterionComparison> cs = criteria(a, b);
        int n = cs.size();
        long changed = cs.stream().filter(CriterionComparison::verdictChanged).count();
        long both = cs.stream().filter(CriterionComparison::measuredOnBoth).count();
        String title = "Does the server change a verdict? " + (changed == 0 ? "No: " : "Yes: ") + changed + " of " + both + " criteria measured on both change ("
                + a.title() + " vs " + b.title() + ")";
        XYChart c = Charts.xy(title, "worst measured / threshold (log scale; == targets: |value - target| + 1); left of 1 passes", "", 1100,
                Math.max(Charts.HEIGHT, 26 * n + 170));
        c.getStyler().setXAxisLogarithmic(true).setYAxisTitleVisible(false).setYAxisTicksVisible(false).setPlotGridHorizontalLinesVisible(false);
        c.getStyler().setYAxisMin(-(n - 0.5)).setYAxisMax(0.5).setMarkerSize(10);
        double lo = 0.5, hi = 2;
        double[][] at = new double[n][2];
        List<double[]> pa = new ArrayList<>(), pb = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CriterionComparison cc = cs.get(i);
            double ra = ratio(cc.criterion(), cc.a()), rb = ratio(cc.criterion(), cc.b());
            at[i][0] = ra;
            at[i][1] = rb;
            if (!Double.isNaN(ra)) { pa.add(new double[] {ra, -i}); lo = Math.min(lo, ra); hi = Math.max(hi, ra); }
            if (!Double.isNaN(rb)) { pb.add(new double[] {rb, -i}); lo = Math.min(lo, rb); hi = Math.max(hi, rb); }
        }
        double xMin = Math.pow(10, Math.floor(Math.log10(lo))), xMax = Math.pow(10, Math.ceil(Math.log10(hi)));
        c.getStyler().setXAxisMin(xMin).setXAxisMax(xMax);
        Charts.band(c, xMin, 1, new Color(44, 160, 44), "passes");
        Charts.marker(c, 1, "threshold");
        Charts.overlay(c, o -> {
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(at[i][0]) || Double.isNaN(at[i][1])) continue;
                o.g().setColor(new Color(120, 120, 120));
                o.g().drawLine(o.x(at[i][0]), o.y(-i), o.x(at[i][1]), o.y(-i));
            }
        });
        scatter(c, a.title(), pa, SeriesMarkers.CIRCLE, Charts.PALETTE[0]);
        scatter(c, b.title(), pb, SeriesMarkers.DIAMOND, Charts.PALETTE[1]);
        Charts.overlay(c, o -> {
            for (int i = 0; i < n; i++) {
                CriterionComparison cc = cs.get(i);
                String label = cc.criterion().name() + " " + cc.criterion().targetText() + ": " + (cc.measuredOnBoth()
                        ? cc.a().status() + (cc.verdictChanged() ? " → " + cc.b().status() + " (verdict changed)" : " on both")
                        : cc.a().measured() && cc.b().measured() ? "no row measured on both" : cc.a().measured() ? "not measured on " + b.title() : "not measured on " + a.title());
                Color col = cc.verdictChanged() ? new Color(200, 0, 0) : !cc.measuredOnBoth() ? new Color(150, 100, 0) : Color.BLACK;
                // a side without a value takes the other side's (the label sits by the one marker); none at all: the threshold
                double ra = Double.isNaN(at[i][0]) ? (Double.isNaN(at[i][1]) ? 1 : at[i][1]) : at[i][0];
                double rb = Double.isNaN(at[i][1]) ? ra : at[i][1];
                double x = Math.max(ra, rb), xl = Math.min(ra, rb);
                // right of both markers when it fits, else left of both: never across the line between them
                o.g().setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
                int w = o.g().getFontMetrics().stringWidth(label), px = o.x(x), pl = o.x(xl);
                o.text(label, px + 10 + w < o.right() ? px + 10 : pl - 10 - w, o.y(-i) + 4, col);
            }
        });
        return new Charts.Named("servers", title, c);
    }

    /** The chart of the first server against each other one (one chart per pair), or none with one server. */
    public static List<Charts.Named> charts(Path data) {
        List<ServerData> servers = load(data);
        List<Charts.Named> out = new ArrayList<>();
        for (ServerData b : servers.subList(Math.min(1, servers.size()), servers.size())) {
            Charts.Named c = chart(servers.get(0), b);
            out.add(servers.size() == 2 ? c : new Charts.Named("servers_" + b.name() + "-" + b.version(), c.title(), c.chart()));
        }
        return out;
    }

    static double ratio(Criterion k, Side s) {
        if (!s.measured() || s.worst() == null) return Double.NaN;
        double r = Overview.ratio(k, s.worst().value());
        return Double.isNaN(r) || Double.isInfinite(r) ? Double.NaN : Math.max(r, Overview.FLOOR);
    }

    static void scatter(XYChart c, String name, List<double[]> pts, org.knowm.xchart.style.markers.Marker marker, Color color) {
        if (pts.isEmpty()) return;
        XYSeries s = c.addSeries(name, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(marker).setMarkerColor(color);
    }

    // ------------------------------------------------------------------ formatting

    static Map<String, Results.Row> byKey(List<Results.Row> rows, boolean criteriaOnly) {
        Map<String, Results.Row> m = new LinkedHashMap<>();
        for (Results.Row r : rows) if (!criteriaOnly || r.criterion() != null) m.putIfAbsent(key(r), r);
        return m;
    }

    static String rowsNotMeasured(List<Results.Row> rows, ServerData on) {
        List<String> names = rows.stream().map(ServerComparison::rowName).toList();
        String shown = String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", … " + (names.size() - 3) + " more" : "");
        return rows.size() + (rows.size() == 1 ? " row" : " rows") + " not measured on " + on.title() + " (" + shown + ")";
    }

    static String rowName(Results.Row r) {
        return r.scenario() + " " + r.test() + " " + r.client() + " " + r.metric();
    }

    static String measured(Results.Row r, Criterion.Status s) {
        if (r == null) return "no data";
        return value(r) + " " + r.unit() + " " + status(s) + " (" + r.scenario() + " " + r.test() + " " + r.client() + ")";
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
        Set<String> parents = new TreeSet<>();
        for (Path d : s.dirs()) {
            Path rel = data.relativize(d);
            parents.add(rel.getNameCount() > 1 ? rel.getName(0) + "/<script>/" : "<script>/");
        }
        return String.join(", ", parents);
    }

    static Set<String> backends(ServerData s) {
        Set<String> b = new TreeSet<>();
        for (Map<String, String> m : s.settings().values()) {
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
