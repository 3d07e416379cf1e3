package lab.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import lab.Criterion;
import lab.Csv;
import lab.LabException;
import lab.Results;
import lab.net.NetworkPath;
import lab.net.NetworkProfile;

/**
 * What the plan's targets mean on a network: the scripts whose numbers are round trips (S1, S3, S4, E4)
 * run on loopback and behind the lab's network profiles (lab.net), side by side per profile: the measured
 * added round trip, S1's GET/SET latency against the plan's targets (lab.Criterion), S4's L2 and L3 read
 * latency and their ratio (the plan's "100x faster than PostgreSQL"), S3's and E4's headline rows.
 *
 * <p>Runs are found under DATA (loopback in {@code DATA/<script>/}, a profile in
 * {@code DATA/network/<profile>/<script>/}, another server's in {@code DATA/<server>/...}; RunAll --networks)
 * and grouped by what their run.csv says ({@code network_profile}, {@code server_name}), never by folder.
 * A profile without data is shown as "not measured" with the command that measures it.
 */
public final class NetworkComparison {
    private NetworkComparison() {}

    /** Where {@link #page} goes, relative to RESULTS.md. */
    public static final String PAGE = "docs/results/network.md";

    /** The scripts whose latencies are round trips to Redis (issue: "S1, S3, S4 and E4 with --network lan and zone"). */
    public static final List<String> SCRIPTS = List.of("S1_basic", "S3_pool", "S4_degradation", "E4_embedding_size");

    /** The profiles of the reference matrix; another profile found in the data is shown too. */
    public static final List<NetworkProfile> PROFILES = List.of(NetworkProfile.loopback, NetworkProfile.lan, NetworkProfile.zone);

    /**
     * The plan's claim for the L2 over PostgreSQL (EPIC-10: "Redis latency permet bien 100x gain (vs PostgreSQL
     * cold)"). A claim the plan asks to check, not one of its success criteria: shown beside the measured
     * ratio, never turned into a verdict.
     */
    public static final double PLAN_L3_OVER_L2 = 100;

    /** One run: where it is, what it says it measured, its rows. */
    public record Run(Path dir, String script, String server, NetworkProfile profile, Map<String, String> meta, List<Results.Row> rows) {
        boolean quick() {
            return "quick".equals(meta.get("mode"));
        }

        /** A row by test, client and metric, or null. */
        Results.Row row(String test, String client, String metric) {
            return rows.stream().filter(r -> r.test().equals(test) && r.client().equals(client) && r.metric().equals(metric)).findFirst().orElse(null);
        }

        /**
         * The same, judged or not: S1 writes a pooled INFO row and a judged row (median of trials) under one
         * name (ops/jedis/get_p50), and a judged row is compared with judged rows only.
         */
        Results.Row row(String test, String client, String metric, boolean judged) {
            return rows.stream().filter(r -> r.test().equals(test) && r.client().equals(client) && r.metric().equals(metric)
                    && (r.criterion() != null) == judged).findFirst().orElse(null);
        }
    }

    // ------------------------------------------------------------------ input

    /** Every run of {@link #SCRIPTS} under data (up to DATA/<server>/network/<profile>/<script>/). */
    public static List<Run> load(Path data) {
        List<Run> runs = new ArrayList<>();
        if (!Files.isDirectory(data)) return runs;
        List<Path> dirs;
        try (var s = Files.walk(data, 4)) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve("metrics.csv")) && Files.isRegularFile(d.resolve("run.csv"))).sorted().toList();
        } catch (IOException e) {
            throw new LabException("cannot list " + data + ": " + e.getMessage());
        }
        for (Path d : dirs) {
            Map<String, String> meta = ServerComparison.meta(d.resolve("run.csv"));
            String script = meta.getOrDefault("scenario", d.getFileName().toString());
            if (!SCRIPTS.contains(script)) continue;
            NetworkProfile profile;
            try {
                profile = NetworkProfile.valueOf(meta.getOrDefault("network_profile", NetworkProfile.loopback.name()));
            } catch (IllegalArgumentException e) {
                throw new LabException("malformed CSV " + d.resolve("run.csv") + ": unknown network_profile '" + meta.get("network_profile") + "' (" + List.of(NetworkProfile.values()) + ")");
            }
            runs.add(new Run(d, script, meta.getOrDefault("server_name", "redis"), profile, meta, Csv.metrics(d.resolve("metrics.csv"))));
        }
        return runs;
    }

    /** The server of the main report: the one whose runs sit in DATA/<script>/ (Redis when there are none). */
    static String mainServer(Path data, List<Run> runs) {
        return runs.stream().filter(r -> r.dir().getParent().equals(data)).map(Run::server).findFirst().orElse("redis");
    }

    /**
     * The run of a script on a server and profile; when there are several, the one in the folder RunAll
     * writes ({@code DATA/[<server>/][network/<profile>/]<script>}), else the first.
     */
    static Run find(Path data, List<Run> runs, String server, NetworkProfile profile, String script) {
        List<Run> found = runs.stream().filter(r -> r.server().equals(server) && r.profile() == profile && r.script().equals(script)).toList();
        if (found.isEmpty()) return null;
        Path canonical = folder(data, server, profile).resolve(script);
        return found.stream().filter(r -> r.dir().equals(canonical)).findFirst().orElse(found.get(0));
    }

    /** RunAll's folder for a server and profile (RunAll.outDir without the script). */
    static Path folder(Path data, String server, NetworkProfile profile) {
        Path base = server.equals("redis") ? data : data.resolve(server);
        return profile == NetworkProfile.loopback ? base : base.resolve("network").resolve(profile.name());
    }

    /** The reference profiles, then any other profile the data holds for this server. */
    static List<NetworkProfile> profiles(List<Run> runs, String server) {
        Set<NetworkProfile> p = new LinkedHashSet<>(PROFILES);
        runs.stream().filter(r -> r.server().equals(server)).map(Run::profile).sorted().forEach(p::add);
        return List.copyOf(p);
    }

    // ------------------------------------------------------------------ RESULTS.md section

    /** The short section of RESULTS.md: one table, profiles as columns, and what is not measured yet. */
    public static String section(Path data) {
        List<Run> runs = load(data);
        if (runs.isEmpty()) return "";
        String server = mainServer(data, runs);
        List<NetworkProfile> profiles = profiles(runs, server);
        StringBuilder md = new StringBuilder("## On a network\n\n");
        md.append("The plan's latency targets speak of a Redis across a network. The same scripts on loopback and behind the lab's network")
                .append(" profiles (a TCP proxy adding a measured round trip to every client connection, `--network`; PostgreSQL stays direct unless marked), ").append(display(server))
                .append(", each value with its 95 % interval where the script ran trials. Every row per profile: [").append(PAGE).append("](").append(PAGE).append(").\n\n");
        md.append(header(profiles));
        Map<NetworkProfile, Run> s1 = by(data, runs, server, profiles, "S1_basic"), s3 = by(data, runs, server, profiles, "S3_pool"),
                s4 = by(data, runs, server, profiles, "S4_degradation"), e4 = by(data, runs, server, profiles, "E4_embedding_size");
        Map<NetworkProfile, Run> anyRun = new LinkedHashMap<>();
        for (NetworkProfile p : profiles) {
            for (String s : SCRIPTS) {
                Run r = find(data, runs, server, p, s);
                if (r != null) {
                    anyRun.put(p, r);
                    break;
                }
            }
        }
        // the round trip of S1's run, else of the first script measured on that profile
        Map<NetworkProfile, Run> rttRun = new LinkedHashMap<>();
        for (NetworkProfile p : profiles) rttRun.put(p, s1.get(p) != null ? s1.get(p) : anyRun.get(p));
        line(md, "Added round trip P50 / P99 (measured)", "profile ± " + (int) (NetworkPath.TOLERANCE * 100) + " % at P50", profiles, p -> rtt(rttRun.get(p), p));
        for (Criterion c : List.of(Criterion.GET_P50_MS, Criterion.GET_P99_MS, Criterion.SET_P50_MS)) {
            line(md, "S1 " + c.description + ", worst client", c.targetText(), profiles, p -> worstCell(s1.get(p), "ops", c));
        }
        line(md, "S4 L2 read P50 (Redis, Jedis)", "", profiles, p -> info(s4.get(p), "tiers", "jedis", "l2_read_p50"));
        line(md, "S4 L3 read P50 (PostgreSQL + JSON)", "", profiles, p -> l3(s4.get(p), p));
        line(md, "S4 L3 / L2 at P50 (plan: L2 " + Results.num(PLAN_L3_OVER_L2) + "× faster)", "claim " + Results.num(PLAN_L3_OVER_L2) + "×", profiles, p -> ratio(s4.get(p)));
        line(md, "S3 GET P99 at 100 req/s, worst client", Criterion.GET_P99_MS.targetText(), profiles, p -> worstCell(s3.get(p), "sustained", Criterion.GET_P99_MS));
        line(md, "E4 GET P99 of the largest JSON entry, worst client", Criterion.EMBEDDING_GET_MS.targetText(), profiles, p -> e4Largest(e4.get(p)));
        md.append('\n');
        notes(md, data, runs, server, profiles);
        return md.toString();
    }

    static Map<NetworkProfile, Run> by(Path data, List<Run> runs, String server, List<NetworkProfile> profiles, String script) {
        Map<NetworkProfile, Run> m = new LinkedHashMap<>();
        for (NetworkProfile p : profiles) m.put(p, find(data, runs, server, p, script));
        return m;
    }

    static String header(List<NetworkProfile> profiles) {
        StringBuilder b = new StringBuilder("| Quantity | Target |");
        for (NetworkProfile p : profiles) b.append(' ').append(p.name()).append(p == NetworkProfile.loopback ? "" : " (+" + Results.num(p.addedRttTargetMillis()) + " ms)").append(" |");
        b.append("\n|---|---|");
        b.append("---|".repeat(profiles.size()));
        return b.append('\n').toString();
    }

    static void line(StringBuilder md, String what, String target, List<NetworkProfile> profiles, java.util.function.Function<NetworkProfile, String> cell) {
        md.append("| ").append(cell(what)).append(" | ").append(cell(target)).append(" |");
        for (NetworkProfile p : profiles) md.append(' ').append(cell.apply(p)).append(" |");
        md.append('\n');
    }

    /** The footnotes: quick runs, L3 not behind the path, what is not measured and the command that measures it. */
    static void notes(StringBuilder md, Path data, List<Run> runs, String server, List<NetworkProfile> profiles) {
        boolean quick = false;
        for (NetworkProfile p : profiles) for (String s : SCRIPTS) {
            Run r = find(data, runs, server, p, s);
            if (r != null && r.quick()) quick = true;
        }
        if (quick) md.append("*q*: from a `--quick` run (small samples, not a reference result).  \n");
        boolean l3Direct = profiles.stream().anyMatch(p -> p != NetworkProfile.loopback && find(data, runs, server, p, "S4_degradation") != null
                && !l3BehindPath(find(data, runs, server, p, "S4_degradation"), p));
        if (l3Direct) md.append("†: PostgreSQL was reached directly, not through the profile's round trip (`pg_network_profile` absent from run.csv): that L3 / L2 ratio compares an L2 across the network with an L3 on loopback.  \n");
        String missing = notMeasured(data, runs, server, profiles);
        if (!missing.isEmpty()) md.append(missing);
        md.append('\n');
    }

    /** "Not measured: ..." with the exact RunAll command for the missing profiles and scripts, or "". */
    static String notMeasured(Path data, List<Run> runs, String server, List<NetworkProfile> profiles) {
        Set<String> profilesMissing = new LinkedHashSet<>(), scriptsMissing = new LinkedHashSet<>();
        List<String> what = new ArrayList<>();
        for (NetworkProfile p : profiles) {
            List<String> s = SCRIPTS.stream().filter(x -> find(data, runs, server, p, x) == null).toList();
            if (s.isEmpty()) continue;
            profilesMissing.add(p.name());
            scriptsMissing.addAll(s);
            what.add(p.name() + (s.size() == SCRIPTS.size() ? "" : " (" + String.join(", ", s) + ")"));
        }
        if (what.isEmpty()) return "";
        return "Not measured: " + String.join("; ", what) + ". Measure with `./jbang scripts/RunAll.java --networks " + String.join(",", profilesMissing)
                + (server.equals("redis") ? "" : " --servers " + server) + " --only " + String.join(",", SCRIPTS.stream().filter(scriptsMissing::contains).toList())
                + "` (full sizes; loopback into `" + data.getFileName() + "/" + rel(data, folder(data, server, NetworkProfile.loopback).resolve("x"))
                + "<script>/`, another profile into `" + data.getFileName() + "/" + rel(data, folder(data, server, NetworkProfile.lan)) + "<profile>/<script>/`; then the report is regenerated).  \n";
    }

    static String rel(Path data, Path profileFolder) {
        // data/network/lan -> "network/"; data/valkey/network/lan -> "valkey/network/"; data/x -> ""
        String r = data.relativize(profileFolder.getParent()).toString().replace('\\', '/');
        return r.isEmpty() ? "" : r + "/";
    }

    // ------------------------------------------------------------------ cells

    static final String NOT_MEASURED = "not measured";

    static String rtt(Run r, NetworkProfile p) {
        if (r == null) return NOT_MEASURED;
        if (p == NetworkProfile.loopback && !r.meta().containsKey("network_added_rtt_p50_ms")) return "none (no proxy)";
        double p50 = parse(r.meta().get("network_added_rtt_p50_ms")), p99 = parse(r.meta().get("network_added_rtt_p99_ms"));
        if (Double.isNaN(p50)) return "not recorded";
        boolean ok = "true".equals(r.meta().get("network_rtt_within_tolerance"));
        if (p == NetworkProfile.loopback) return sig(p50) + " / " + sig(p99) + " ms (a fault path's own cost, no delay added)" + q(r);
        return sig(p50) + " / " + sig(p99) + " ms " + (ok ? "✅" : "⚠️ off target") + q(r);
    }

    /** The row furthest on the wrong side of the criterion among the script's rows of that test, with its client. */
    static String worstCell(Run r, String test, Criterion c) {
        if (r == null) return NOT_MEASURED;
        Results.Row w = worst(r.rows().stream().filter(x -> x.test().equals(test) && x.criterion() == c).toList(), c);
        if (w == null) return "no row";
        return measured(w) + " " + ServerComparison.status(w.status()) + " (" + w.client() + ")" + q(r);
    }

    static Results.Row worst(List<Results.Row> rows, Criterion c) {
        Comparator<Results.Row> bad = Comparator.comparingInt((Results.Row x) -> x.status() == Criterion.Status.FAIL ? 3 : x.status() == Criterion.Status.MISSING ? 2
                : x.status() == Criterion.Status.INCONCLUSIVE ? 1 : 0).thenComparingDouble(x -> Double.isNaN(x.value()) ? 0 : switch (c.cmp) {
                    case LT, LE -> x.value();
                    case GT, GE -> -x.value();
                    case EQ -> Math.abs(x.value() - c.target);
                });
        return rows.stream().max(bad).orElse(null);
    }

    static String info(Run r, String test, String client, String metric) {
        if (r == null) return NOT_MEASURED;
        Results.Row row = r.row(test, client, metric);
        return row == null ? "no row" : measured(row) + q(r);
    }

    static String l3(Run r, NetworkProfile p) {
        String v = info(r, "tiers", "direct", "l3_read_p50");
        return r != null && p != NetworkProfile.loopback && !l3BehindPath(r, p) ? v + " †" : v;
    }

    /** S4 recorded that its PostgreSQL connection went through the same profile (run.csv pg_network_profile). */
    static boolean l3BehindPath(Run r, NetworkProfile p) {
        return p.name().equals(r.meta().get("pg_network_profile"));
    }

    /** L3 / L2 at P50 from the rows of the run (recomputed from the two P50 rows when the ratio row is absent). */
    static String ratio(Run r) {
        if (r == null) return NOT_MEASURED;
        double v = l3OverL2(r);
        if (Double.isNaN(v)) return "no row";
        return sig(v) + "×" + q(r);
    }

    public static double l3OverL2(Run r) {
        Results.Row ratio = r.row("tiers", "direct", "l3_over_l2_p50");
        if (ratio != null) return ratio.value();
        Results.Row l2 = r.row("tiers", "jedis", "l2_read_p50"), l3 = r.row("tiers", "direct", "l3_read_p50");
        return l2 == null || l3 == null || l2.value() <= 0 ? Double.NaN : l3.value() / l2.value();
    }

    /** E4's JSON GET P99 rows of its largest entry (entry_<N>_chunks with the largest N), worst client. */
    static String e4Largest(Run r) {
        if (r == null) return NOT_MEASURED;
        int largest = r.rows().stream().map(x -> chunks(x.test())).filter(n -> n > 0).max(Integer::compare).orElse(-1);
        if (largest < 0) return "no row";
        Results.Row w = worst(r.rows().stream().filter(x -> chunks(x.test()) == largest && x.criterion() == Criterion.EMBEDDING_GET_MS).toList(), Criterion.EMBEDDING_GET_MS);
        if (w == null) return "no row";
        return measured(w) + " " + ServerComparison.status(w.status()) + " (" + largest + " chunks, " + w.client() + ")" + q(r);
    }

    static int chunks(String test) {
        if (!test.startsWith("entry_") || !test.endsWith("_chunks")) return -1;
        try {
            return Integer.parseInt(test.substring("entry_".length(), test.length() - "_chunks".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ the page

    /** Every criterion row of S1, S3, S4 and E4 (and S4's tier reads) per profile, the round trip of every run; "" without runs. */
    public static String page(Path data) {
        List<Run> runs = load(data);
        if (runs.isEmpty()) return "";
        StringBuilder md = new StringBuilder("# On a network: every row per profile\n\nGenerated from `").append(data.getFileName())
                .append("/` by scripts/Report.java; the summary is in RESULTS.md (\"On a network\"). Profiles (`--network`, lab.net.NetworkProfile): ");
        List<String> names = new ArrayList<>();
        for (NetworkProfile p : NetworkProfile.values()) {
            names.add("`" + p.name() + "` " + (p == NetworkProfile.loopback ? p.description : "+" + Results.num(p.addedRttTargetMillis()) + " ms round trip (one way "
                    + p.oneWayMicros + " ± " + p.jitterMicros + " µs): " + p.description));
        }
        md.append(String.join("; ", names)).append(". A run whose added P50 is more than ").append((int) (NetworkPath.TOLERANCE * 100))
                .append(" % off its profile is marked ⚠️: its latencies are not that profile's.\n\n");
        Set<String> servers = new LinkedHashSet<>();
        servers.add(mainServer(data, runs));
        runs.stream().filter(r -> r.profile() != NetworkProfile.loopback).map(Run::server).forEach(servers::add);
        for (String server : servers) {
            List<NetworkProfile> profiles = profiles(runs, server);
            md.append("## ").append(display(server)).append("\n\n");
            md.append("### Measured round trip per run\n\n| Script | Profile | Target added RTT | Added P50 | Added P99 | PING direct P50 | Through the path P50 / P99 | PINGs | Within ±")
                    .append((int) (NetworkPath.TOLERANCE * 100)).append(" % |\n|---|---|---|---|---|---|---|---|---|\n");
            for (String s : SCRIPTS) {
                for (NetworkProfile p : profiles) {
                    Run r = find(data, runs, server, p, s);
                    if (r == null) continue;
                    Map<String, String> m = r.meta();
                    boolean recorded = m.containsKey("network_added_rtt_p50_ms");
                    md.append("| ").append(s).append(" | ").append(p.name()).append(q(r)).append(" | ").append(Results.num(p.addedRttTargetMillis())).append(" ms | ")
                            .append(recorded ? ms(m, "network_added_rtt_p50_ms") + " ms" : "—").append(" | ")
                            .append(recorded ? ms(m, "network_added_rtt_p99_ms") + " ms" : "—").append(" | ")
                            .append(m.containsKey("network_rtt_direct_p50_ms") ? ms(m, "network_rtt_direct_p50_ms") + " ms" : "—").append(" | ")
                            .append(recorded ? ms(m, "network_rtt_p50_ms") + " / " + ms(m, "network_rtt_p99_ms") + " ms" : "—").append(" | ")
                            .append(m.getOrDefault("network_rtt_pings", "—")).append(" | ")
                            .append(!recorded ? (p == NetworkProfile.loopback ? "no proxy" : "not recorded")
                                    : p == NetworkProfile.loopback ? "fault path, no target" : "true".equals(m.get("network_rtt_within_tolerance")) ? "✅" : "⚠️ no")
                            .append(" |\n");
                }
            }
            md.append('\n');
            for (String s : SCRIPTS) {
                Predicate<Results.Row> rows = s.equals("S4_degradation") ? r -> r.criterion() != null || r.test().equals("tiers") && (r.metric().endsWith("_p50")
                        || r.metric().endsWith("_p99") || r.unit().equals("ratio")) : r -> r.criterion() != null;
                sideBySide(md, data, runs, server, profiles, s, rows);
            }
            String missing = notMeasured(data, runs, server, profiles);
            if (!missing.isEmpty()) md.append(missing).append('\n');
        }
        return md.toString();
    }

    /** One script's rows (by test, client, metric) with one column per profile. */
    static void sideBySide(StringBuilder md, Path data, List<Run> runs, String server, List<NetworkProfile> profiles, String script, Predicate<Results.Row> which) {
        Map<NetworkProfile, Run> by = by(data, runs, server, profiles, script);
        md.append("### ").append(script).append("\n\n");
        if (by.values().stream().allMatch(r -> r == null)) {
            md.append("Not measured on any profile.\n\n");
            return;
        }
        Map<String, Results.Row> keys = new LinkedHashMap<>();
        for (Run r : by.values()) {
            if (r == null) continue;
            for (Results.Row row : r.rows()) if (which.test(row)) keys.putIfAbsent(row.test() + "/" + row.client() + "/" + row.metric() + "/" + (row.criterion() != null), row);
        }
        md.append("| Test | Client | Metric | Target |");
        for (NetworkProfile p : profiles) md.append(' ').append(p.name()).append(" |");
        md.append("\n|---|---|---|---|").append("---|".repeat(profiles.size())).append('\n');
        for (Results.Row k : keys.values()) {
            md.append("| ").append(cell(k.test())).append(" | ").append(cell(k.client())).append(" | ").append(cell(k.metric())).append(" | ")
                    .append(k.criterion() == null ? "" : cell(k.criterion().targetText())).append(" |");
            for (NetworkProfile p : profiles) {
                Run r = by.get(p);
                Results.Row x = r == null ? null : r.row(k.test(), k.client(), k.metric(), k.criterion() != null);
                String v = r == null ? NOT_MEASURED : x == null ? "no row" : measured(x) + (x.criterion() == null ? "" : " " + ServerComparison.status(x.status())) + q(r);
                if (r != null && x != null && script.equals("S4_degradation") && x.metric().startsWith("l3_") && p != NetworkProfile.loopback && !l3BehindPath(r, p)) v += " †";
                md.append(' ').append(cell(v)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    // ------------------------------------------------------------------ formatting

    /** "0.3121 [0.305, 0.318] ms" (interval across trials when the row has one), else "0.3121 ms". */
    static String measured(Results.Row r) {
        if (Double.isNaN(r.value())) return "MISSING";
        String v = sig(r.value());
        if (r.hasInterval()) v += " [" + sig3(r.ciLow()) + ", " + sig3(r.ciHigh()) + "]";
        return v + " " + r.unit();
    }

    static String ms(Map<String, String> meta, String key) {
        double v = parse(meta.get(key));
        return Double.isNaN(v) ? String.valueOf(meta.get(key)) : sig(v);
    }

    static String q(Run r) {
        return r != null && r.quick() ? " *q*" : "";
    }

    static String sig(double v) {
        return Results.num(round(v, 4));
    }

    static String sig3(double v) {
        return Results.num(round(v, 3));
    }

    static double round(double v, int digits) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return v;
        return new BigDecimal(v).round(new MathContext(digits)).doubleValue();
    }

    static double parse(String s) {
        try {
            return s == null ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static String display(String server) {
        return ServerComparison.display(server);
    }

    static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
