package lab.report;

import static lab.report.Charts.band;
import static lab.report.Charts.bars;
import static lab.report.Charts.barSeries;
import static lab.report.Charts.dropPartialLast;
import static lab.report.Charts.groupBy;
import static lab.report.Charts.line;
import static lab.report.Charts.logBarSeries;
import static lab.report.Charts.marker;
import static lab.report.Charts.px;
import static lab.report.Charts.spectrum;
import static lab.report.Charts.spectrumPoints;
import static lab.report.Charts.threshold;
import static lab.report.Charts.xy;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.Criterion;
import lab.Csv;
import lab.Results;
import lab.report.Charts.Named;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One section per script: the charts that answer its question (POC1_redis_integration.md), from the
 * tables its run wrote. The first chart of each script is its key chart (shown in RESULTS.md); all
 * are on the script's page. A table that is absent (a quick or partial run) only drops its chart.
 */
final class ScriptCharts {
    private ScriptCharts() {}

    /** The data folder of one run: its tables and metrics. */
    record Run(Path dir, List<Results.Row> rows, Csv.Table metrics) {
        boolean has(String file) {
            return Files.isRegularFile(dir.resolve(file));
        }

        Csv.Table table(String file) {
            return Csv.read(dir.resolve(file));
        }

        /** The value of one metrics row, NaN when absent. */
        double value(String test, String client, String metric) {
            for (Results.Row r : rows) {
                if (r.test().equals(test) && r.client().equals(client) && r.metric().equals(metric)) return r.value();
            }
            return Double.NaN;
        }

        /** {ci_low, ci_high} of a metrics row when the run has trials, else null. */
        double[] ci(String test, String client, String metric) {
            if (!metrics.has("ci_low") || !metrics.has("ci_high")) return null;
            for (List<String> r : metrics.rows()) {
                if (metrics.str(r, "test").equals(test) && metrics.str(r, "client").equals(client) && metrics.str(r, "metric").equals(metric)) {
                    double lo = metrics.num(r, "ci_low"), hi = metrics.num(r, "ci_high");
                    return Double.isNaN(lo) || Double.isNaN(hi) ? null : new double[] {lo, hi};
                }
            }
            return null;
        }

        List<String> clients(String test) {
            Set<String> s = new LinkedHashSet<>();
            for (Results.Row r : rows) if (r.test().equals(test)) s.add(r.client());
            return new ArrayList<>(s);
        }
    }

    static List<Named> of(Path folder) {
        Path m = folder.resolve("metrics.csv");
        if (!Files.isRegularFile(m)) return List.of();
        Run run = new Run(folder, Csv.metrics(m), Csv.read(m));
        String name = folder.getFileName().toString();
        String prefix = name.length() >= 2 ? name.substring(0, 2) : name;
        List<Named> out = new ArrayList<>();
        switch (prefix) {
            case "S1" -> s1(run, out);
            case "S2" -> s2(run, out);
            case "S3" -> s3(run, out);
            case "S4" -> s4(run, out);
            case "S5" -> s5(run, out);
            case "E1" -> e1(run, out);
            case "E2" -> e2(run, out);
            case "E3" -> e3(run, out);
            case "E4" -> e4(run, out);
            case "Q1" -> q1(run, out);
            case "Q2" -> q2(run, out);
            case "Q3" -> q3(run, out);
            case "X1" -> x1(run, out);
            case "X2" -> x2(run, out);
            case "I1" -> i1(run, out);
            default -> { }
        }
        for (Named n : out) if (n.chart() instanceof XYChart xy && !n.id().equals("overview")) Charts.logOnlyOverDecades(xy);
        return out;
    }

    // ------------------------------------------------------------------ S1: are GET/SET/DEL under 5 ms (P50) and GET under 20 ms (P99)?

    static void s1(Run run, List<Named> out) {
        if (!run.has("spectra.csv")) return;
        Csv.Table t = run.table("spectra.csv");
        Map<String, List<Criterion>> targets = Map.of("get", List.of(Criterion.GET_P50_MS, Criterion.GET_P99_MS),
                "set", List.of(Criterion.SET_P50_MS), "del", List.of(Criterion.DEL_P50_MS));
        for (String op : List.of("get", "set", "del")) {
            XYChart c = spectrum("S1 " + op.toUpperCase() + " latency spectrum per client: far below the plan's targets?");
            boolean any = false;
            for (String client : List.of("jedis", "lettuce")) {
                any |= line(c, client, spectrumPoints(t, r -> t.str(r, "client").equals(client) && t.str(r, "op").equals(op))) != null;
            }
            if (!any) continue;
            double p50 = run.value("reference", "redis-benchmark", op + "_p50"), p99 = run.value("reference", "redis-benchmark", op + "_p99");
            if (!Double.isNaN(p50) && !Double.isNaN(p99)) {
                XYSeries s = c.addSeries("redis-benchmark P50 / P99 (server-side floor)", new double[] {px(50), px(99)}, new double[] {p50, p99});
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.DIAMOND);
            }
            for (Criterion k : targets.get(op)) threshold(c, k);
            out.add(new Named(op + "_spectrum", c.getTitle(), c));
        }
    }

    // ------------------------------------------------------------------ S2: do invalidations arrive within 100 ms, and what is lost on reconnect?

    static void s2(Run run, List<Named> out) {
        if (run.has("spectra.csv")) {
            Csv.Table t = run.table("spectra.csv");
            XYChart c = spectrum("S2 Pub/Sub propagation spectrum per client and load: under the 100 ms P99 target?");
            for (Map.Entry<String, List<List<String>>> g : groupBy(t, "client", "test").entrySet()) {
                if (!t.str(g.getValue().get(0), "op").equals("propagation") && !anyOp(t, g.getValue(), "propagation")) continue;
                List<double[]> pts = new ArrayList<>();
                for (List<String> r : g.getValue()) if (t.str(r, "op").equals("propagation")) pts.add(new double[] {px(t.num(r, "percentile")), t.num(r, "value_ns") / 1e6});
                line(c, g.getKey().replace(" ", ", "), pts);
            }
            threshold(c, Criterion.PUBSUB_P99_MS);
            out.add(new Named("propagation_spectrum", c.getTitle(), c));
        }
        // B's subscriber cut off two ways: killed (test 3, per kill) and silently partitioned (test 4, per partition)
        List<String> partitions = run.rows().stream().map(Results.Row::test).filter(t -> t.startsWith("partition_")).distinct().toList();
        Set<String> cutClients = new LinkedHashSet<>(run.clients("reconnect"));
        for (String p : partitions) cutClients.addAll(run.clients(p));
        if (!cutClients.isEmpty()) {
            Csv.Table rc = run.has("reconnects.csv") ? run.table("reconnects.csv") : null;
            List<String> labels = new ArrayList<>();
            List<Double> lostPer = new ArrayList<>(), latePer = new ArrayList<>();
            for (String cl : cutClients) {
                if (run.clients("reconnect").contains(cl)) {
                    int n = 0;
                    if (rc != null) for (List<String> r : rc.rows()) if (rc.str(r, "client").equals(cl)) n++;
                    labels.add(partitions.isEmpty() ? cl + " (" + n + " kills)" : cl + " kill x" + n);
                    lostPer.add(n == 0 ? Double.NaN : lostAll(run, "reconnect", cl) / n);
                    latePer.add(n == 0 ? Double.NaN : run.value("reconnect", cl, "late_B") / n);
                }
                for (String p : partitions) {
                    if (!run.clients(p).contains(cl)) continue;
                    boolean noticed = run.value(p, cl, "noticed") > 0;
                    labels.add(cl + " cut " + p.substring("partition_".length()) + (noticed ? "" : " *"));
                    lostPer.add(lostAll(run, p, cl));
                    latePer.add(run.value(p, cl, "late_B"));
                }
            }
            CategoryChart c = partitions.isEmpty()
                    ? bars("S2 Invalidations lost per subscriber reconnect (plan: 0 lost)", "client (number of kills)", "messages lost per kill (count)")
                    : bars("S2 Subscriber killed vs silently partitioned: invalidations lost or late (plan: 0 lost)", "client and fault (cut = silent partition; * = never noticed)",
                            "messages per fault (count, log scale; no bar = 0)");
            if (partitions.isEmpty()) {
                barSeries(c, "lost per kill, all subscribers", labels, lostPer.stream().mapToDouble(Double::doubleValue).toArray(), null);
            } else {
                // a few lost beside thousands late: on a linear axis the losses, the plan's criterion, vanish
                c.getStyler().setYAxisLogarithmic(true).setYAxisMin(0.5); // bars rise from 0.5: a single message shows
                logBarSeries(c, "lost, all subscribers", labels, lostPer.stream().mapToDouble(Double::doubleValue).toArray());
                logBarSeries(c, "delivered late to B (after the " + Results.num(Criterion.PUBSUB_P99_MS.target) + " ms target)", labels, latePer.stream().mapToDouble(Double::doubleValue).toArray());
            }
            out.add(new Named("lost_per_reconnect", c.getTitle(), c));
        }
        if (run.has("reconnects.csv")) {
            Csv.Table rc = run.table("reconnects.csv");
            XYChart c = xy("S2 Resubscription time after each connection kill: under 1 s?", "kill number", "resubscribed after (ms, log scale)");
            c.getStyler().setYAxisLogarithmic(true);
            double maxKill = markedLines(c, rc, "client", "kill", "resubscribed_ms");
            threshold(c, Criterion.PUBSUB_RECONNECT_MS, 1, maxKill);
            out.add(new Named("resubscribe_ms", c.getTitle(), c));
        }
    }

    /** Messages of one S2 test lost over every subscriber (A, B, C). */
    static double lostAll(Run run, String test, String client) {
        double lost = 0;
        for (String sub : List.of("lost_A", "lost_B", "lost_C")) {
            double v = run.value(test, client, sub);
            if (!Double.isNaN(v)) lost += v;
        }
        return lost;
    }

    static boolean anyOp(Csv.Table t, List<List<String>> rows, String op) {
        return rows.stream().anyMatch(r -> t.str(r, "op").equals(op));
    }

    // ------------------------------------------------------------------ S3: does the pool ride out a Redis restart, and hold 100 req/s?

    static void s3(Run run, List<Named> out) {
        // Each restart variant has one run per trial (test restart, restart_t2, ...): each line is the trial
        // whose failed-request count is the median of its trials (a run without trials: its only run).
        Map<String, String> median = new LinkedHashMap<>(); // variant -> the test of its median trial
        Map<String, Integer> trialCount = new LinkedHashMap<>();
        for (String v : run.clients("restart")) {
            List<double[]> trials = new ArrayList<>(); // {trial number, failed requests}
            for (Results.Row r : run.rows()) {
                if (r.client().equals(v) && r.metric().equals("failed_requests") && r.test().matches("restart(_t\\d+)?")) {
                    trials.add(new double[] {r.test().equals("restart") ? 1 : Integer.parseInt(r.test().substring("restart_t".length())), r.value()});
                }
            }
            if (trials.isEmpty()) continue;
            trials.sort(java.util.Comparator.comparingDouble((double[] a) -> a[1]).thenComparingDouble(a -> a[0]));
            int n = (int) trials.get((trials.size() - 1) / 2)[0];
            median.put(v, n == 1 ? "restart" : "restart_t" + n);
            trialCount.put(v, trials.size());
        }
        // with trials, the failed-% bars and their intervals answer the restart (one to three charts per script);
        // the per-second timeline of a restart stays in the S3 notebook
        if (run.has("timeline.csv") && !run.has("trials.csv")) {
            Csv.Table t = run.table("timeline.csv");
            boolean many = trialCount.values().stream().anyMatch(n -> n > 1);
            XYChart c = xy("S3 P99 through a Redis kill + restart, per client variant (1 s windows" + (many ? ", median trial" : "") + ")", "time since start of the test (s)", "P99 response time (ms, log scale)");
            c.getStyler().setYAxisLogarithmic(true);
            double firstError = Double.NaN, lastError = Double.NaN, maxT = 0, downMs = Double.NaN;
            for (Map.Entry<String, List<List<String>>> g : groupBy(t, "test", "client").entrySet()) {
                String[] k = g.getKey().split(" ", 2);
                if (k.length < 2 || !k[0].equals(median.getOrDefault(k[1], "restart"))) continue;
                List<List<String>> rows = dropPartialLast(g.getValue(), r -> t.num(r, "ok") + t.num(r, "errors"));
                List<double[]> pts = new ArrayList<>();
                double errors = 0;
                for (List<String> r : rows) {
                    double ts = t.num(r, "t_s");
                    pts.add(new double[] {ts, t.num(r, "p99_ms")});
                    maxT = Math.max(maxT, ts);
                    if (t.num(r, "errors") > 0) {
                        errors += t.num(r, "errors");
                        if (Double.isNaN(firstError) || ts < firstError) firstError = ts;
                        if (Double.isNaN(lastError) || ts > lastError) lastError = ts;
                    }
                }
                if (Double.isNaN(downMs)) downMs = run.value(k[0], k[1], "server_down");
                String trial = trialCount.getOrDefault(k[1], 1) > 1 ? ", trial " + (k[0].equals("restart") ? "1" : k[0].substring("restart_t".length()))
                        + " of " + trialCount.get(k[1]) : "";
                XYSeries s = line(c, k[1] + " (" + (long) errors + " failed" + trial + ")", pts);
                if (s != null) s.setMarker(SeriesMarkers.CIRCLE);
            }
            if (c.getSeriesMap().isEmpty()) return;
            if (!Double.isNaN(firstError)) {
                double end = Double.isNaN(downMs) ? lastError + 1 : firstError + Math.max(1, downMs / 1000);
                band(c, firstError, end, new Color(214, 39, 40), "", 0, 1);
                marker(c, firstError, 0, "kill");
                marker(c, end, 1, "restart" + (Double.isNaN(downMs) ? "" : String.format(java.util.Locale.ROOT, " (down %.0f ms)", downMs)));
            }
            threshold(c, Criterion.GET_P99_MS, 0, maxT);
            out.add(new Named("restart_timeline", c.getTitle(), c));
        }
        List<String> variants = run.clients("restart").stream().filter(v -> !Double.isNaN(run.value("restart", v, "failed_requests_pct"))).toList();
        if (!variants.isEmpty()) {
            double[] pct = variants.stream().mapToDouble(v -> run.value("restart", v, "failed_requests_pct")).toArray();
            double[][] ci = new double[variants.size()][];
            boolean anyCi = false;
            for (int i = 0; i < variants.size(); i++) anyCi |= (ci[i] = run.ci("restart", variants.get(i), "failed_requests_pct")) != null;
            CategoryChart c = bars("S3 Failed requests during the restart per client variant (target " + Criterion.FAILED_REQUESTS_PCT.targetText() + ")"
                    + (anyCi ? ": median of trials" : ""), "client variant", "failed requests (% of the plan's 60 s test at the rate)");
            barSeries(c, "failed requests", variants, pct, anyCi ? ci : null);
            c.getStyler().setYAxisMin(0.0);
            categoryThreshold(c, Criterion.FAILED_REQUESTS_PCT, variants);
            out.add(new Named("restart_failed_pct", c.getTitle(), c));
        }
        if (!run.has("trials.csv")) return;
        Csv.Table tr = run.table("trials.csv");
        // Sustained 100 req/s: each trial's GET P99 per client, the criterion's median and interval in the legend.
        XYChart p99 = xy("S3 GET P99 per trial under sustained fixed-rate load, per client (target " + Criterion.GET_P99_MS.targetText() + ")",
                "trial (clients interleaved, order reversed every other trial)", "GET P99 of the trial (ms, log scale)");
        p99.getStyler().setYAxisLogarithmic(true);
        double lastTrial = 0;
        for (Map.Entry<String, List<List<String>>> g : groupBy(tr, "test", "client", "metric").entrySet()) {
            String[] k = g.getKey().split(" ");
            if (k.length != 3 || !k[0].equals("sustained") || !k[2].equals("get_p99")) continue;
            List<double[]> pts = new ArrayList<>();
            for (List<String> r : g.getValue()) pts.add(new double[] {tr.num(r, "trial"), tr.num(r, "value")});
            lastTrial = Math.max(lastTrial, pts.size());
            XYSeries s = line(p99, k[1] + ": " + estimateText(run, "sustained", k[1], "get_p99"), pts);
            if (s != null) s.setMarker(SeriesMarkers.CIRCLE);
        }
        if (!p99.getSeriesMap().isEmpty()) {
            threshold(p99, Criterion.GET_P99_MS, 1, Math.max(2, lastTrial));
            out.add(new Named("sustained_p99_trials", p99.getTitle(), p99));
        }
        // Exhaustion: each trial's longest borrow, every attempt counted (a failed one at the time it failed).
        XYChart wait = xy("S3 Longest borrow per trial, pool 4x oversubscribed (target " + Criterion.POOL_MAX_WAIT_MS.targetText() + ")",
                "trial", "longest borrow, got or failed (ms, log scale)");
        wait.getStyler().setYAxisLogarithmic(true);
        lastTrial = 0;
        for (Map.Entry<String, List<List<String>>> g : groupBy(tr, "test", "client", "metric").entrySet()) {
            String[] k = g.getKey().split(" ");
            if (k.length != 3 || !k[0].equals("exhaustion") || !k[2].equals("borrow_wait_max_trials")) continue;
            List<double[]> ok = new ArrayList<>(), failed = new ArrayList<>();
            List<List<String>> failedRows = groupBy(tr, "test", "client", "metric").getOrDefault("exhaustion " + k[1] + " borrow_failed", List.of());
            for (int i = 0; i < g.getValue().size(); i++) {
                List<String> r = g.getValue().get(i);
                boolean anyFailed = i < failedRows.size() && tr.num(failedRows.get(i), "value") > 0;
                (anyFailed ? failed : ok).add(new double[] {tr.num(r, "trial"), Math.max(tr.num(r, "value"), 1e-3)});
            }
            lastTrial = Math.max(lastTrial, g.getValue().size());
            double attempts = run.value("exhaustion", k[1], "borrow_attempts"), nFailed = run.value("exhaustion", k[1], "borrow_failed");
            XYSeries s = line(wait, k[1] + ": every borrow got a connection", ok);
            if (s != null) s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.CIRCLE);
            s = line(wait, String.format(java.util.Locale.ROOT, "%s: borrows failed (%,.0f of %,.0f), wait unbounded", k[1], nFailed, attempts), failed);
            if (s != null) s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.CROSS);
        }
        if (!wait.getSeriesMap().isEmpty()) {
            threshold(wait, Criterion.POOL_MAX_WAIT_MS, 1, Math.max(2, lastTrial));
            out.add(new Named("exhaustion_borrow_wait", wait.getTitle(), wait));
        }
    }

    /** "0.61 [0.45, 0.80] ms (5 trials) PASS": a criterion row's median, interval and verdict, for a legend. */
    static String estimateText(Run run, String test, String client, String metric) {
        for (Results.Row r : run.rows()) {
            if (r.test().equals(test) && r.client().equals(client) && r.metric().equals(metric)) return Results.measured(r) + " " + r.status();
        }
        return "no row";
    }

    /** The target as a dashed line across a category chart. */
    static void categoryThreshold(CategoryChart c, Criterion k, List<String> categories) {
        Charts.overlay(c, o -> {
            int y = o.y(k.target);
            o.g().setColor(Charts.THRESHOLD);
            o.g().setStroke(new java.awt.BasicStroke(1.6f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            o.g().drawLine(o.left(), y, o.right(), y);
            o.text("target " + k.targetText() + " (" + k.name() + ")", o.left() + 4, y - 4, Charts.THRESHOLD);
        });
    }

    // ------------------------------------------------------------------ S4: does the API keep serving through Redis down / hung?

    static final Map<String, Color> PHASE_COLORS = Map.of("up", new Color(44, 160, 44), "down", new Color(214, 39, 40), "hung", new Color(148, 103, 189),
            "resumed", new Color(23, 190, 207), "recovery", new Color(255, 127, 14),
            "partitioned", new Color(140, 86, 75), "healed", new Color(188, 189, 34));
    static final Map<String, Color> BREAKER_COLORS = Map.of("CLOSED", new Color(44, 160, 44), "OPEN", new Color(214, 39, 40), "HALF_OPEN", new Color(255, 187, 0));

    static void s4(Run run, List<Named> out) {
        if (!run.has("degradation_timeline.csv")) return;
        Csv.Table t = run.table("degradation_timeline.csv");
        for (Map.Entry<String, List<List<String>>> g : groupBy(t, "client").entrySet()) {
            // the fast-probe breaker variants (jedis-open100ms...) answer with their reconnect rows, not a timeline
            if (g.getKey().contains("-open")) continue;
            List<List<String>> rows = g.getValue();
            XYChart c = xy("S4 " + g.getKey() + ": who serves each second through each fault (top band: breaker state)",
                    "time (s)", "requests per 1 s window");
            c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
            int n = rows.size();
            double[] x = new double[n], l1 = new double[n], l12 = new double[n], l123 = new double[n], non2xx = new double[n];
            for (int i = 0; i < n; i++) {
                List<String> r = rows.get(i);
                x[i] = t.num(r, "t_s");
                l1[i] = t.num(r, "l1_hits");
                l12[i] = l1[i] + t.num(r, "l2_hits");
                l123[i] = l12[i] + t.num(r, "l3_served");
                non2xx[i] = t.num(r, "http_non_2xx");
            }
            // Stacked by drawing the cumulative sums largest first: the visible layers are L3, L2, L1.
            layer(c, "served by L3 (PostgreSQL)", x, l123, new Color(255, 127, 14));
            layer(c, "served by L2 (Redis)", x, l12, new Color(31, 119, 180));
            layer(c, "served by L1 (in-process)", x, l1, new Color(44, 160, 44));
            XYSeries bad = line(c, "HTTP non-2xx", x, non2xx);
            if (bad != null) bad.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setLineColor(Color.BLACK).setLineWidth(2f);
            double max = 0;
            for (double v : l123) max = Math.max(max, v);
            c.getStyler().setYAxisMin(0.0).setYAxisMax(max * 1.35);
            // phases over the lower part, the breaker state as a strip at the top
            double prev = 0;
            String phase = null;
            double start = 0;
            for (int i = 0; i < n; i++) {
                String p = t.str(rows.get(i), "phase");
                if (!p.equals(phase)) {
                    if (phase != null) band(c, start, prev, PHASE_COLORS.getOrDefault(phase, Color.GRAY), phase, 0, 0.86);
                    phase = p;
                    start = prev;
                }
                prev = x[i];
            }
            if (phase != null) band(c, start, prev, PHASE_COLORS.getOrDefault(phase, Color.GRAY), phase, 0, 0.86);
            breakerStrip(run, c, g.getKey(), rows, t, x);
            out.add(new Named("timeline_" + Charts.id(g.getKey()), c.getTitle(), c));
        }
    }

    static void layer(XYChart c, String name, double[] x, double[] y, Color color) {
        XYSeries s = line(c, name, x, y);
        if (s == null) return;
        s.setFillColor(color);
        s.setLineColor(color);
    }

    /** Breaker state as a strip: from breaker_transitions.csv when present (exact), else from each window's state. */
    static void breakerStrip(Run run, XYChart c, String client, List<List<String>> rows, Csv.Table t, double[] x) {
        List<double[]> spans = new ArrayList<>();
        List<String> states = new ArrayList<>();
        double end = x.length == 0 ? 0 : x[x.length - 1];
        if (run.has("breaker_transitions.csv")) {
            Csv.Table b = run.table("breaker_transitions.csv");
            double at = 0;
            String state = "CLOSED";
            for (List<String> r : b.rows()) {
                if (!b.str(r, "client").equals(client)) continue;
                double ts = b.num(r, "t_s");
                spans.add(new double[] {at, ts});
                states.add(state);
                at = ts;
                state = b.str(r, "to");
            }
            spans.add(new double[] {at, end});
            states.add(state);
        } else {
            double prev = 0;
            for (int i = 0; i < rows.size(); i++) {
                spans.add(new double[] {prev, x[i]});
                states.add(t.str(rows.get(i), "breaker_state"));
                prev = x[i];
            }
        }
        for (int i = 0; i < spans.size(); i++) {
            String s = states.get(i);
            band(c, spans.get(i)[0], spans.get(i)[1], BREAKER_COLORS.getOrDefault(s, Color.GRAY), "", 0.9, 1.0);
        }
    }

    // ------------------------------------------------------------------ S5: does allkeys-lru keep memory under maxmemory and the hot keys?

    static void s5(Run run, List<Named> out) {
        Named evicted = null;
        if (run.has("eviction_timeline.csv")) {
            Csv.Table t = run.table("eviction_timeline.csv");
            XYChart mem = xy("S5 Redis memory while writing 150% of maxmemory, per eviction setting", "written (MB)", "used_memory (MB)");
            XYChart ev = xy("S5 Keys evicted while writing, per eviction setting", "written (MB)", "evicted keys (count)");
            double maxWritten = 0, maxMemMb = Double.NaN;
            for (Map.Entry<String, List<List<String>>> g : groupBy(t, "test").entrySet()) {
                List<double[]> m = new ArrayList<>(), e = new ArrayList<>();
                for (List<String> r : g.getValue()) {
                    m.add(new double[] {t.num(r, "written_mb"), t.num(r, "used_memory_mb")});
                    e.add(new double[] {t.num(r, "written_mb"), t.num(r, "evicted_keys")});
                    maxWritten = Math.max(maxWritten, t.num(r, "written_mb"));
                }
                line(mem, g.getKey(), m);
                line(ev, g.getKey(), e);
                double mb = run.value(g.getKey(), "jedis", "maxmemory_bytes") / 1048576.0;
                if (!Double.isNaN(mb) && mb > 0) maxMemMb = mb;
            }
            if (!Double.isNaN(maxMemMb)) threshold(mem, maxMemMb, String.format(java.util.Locale.ROOT, "maxmemory %.0f MB", maxMemMb), 0, maxWritten);
            out.add(new Named("memory", mem.getTitle(), mem));
            evicted = new Named("evicted", ev.getTitle(), ev);
        }
        if (run.has("survival.csv")) {
            Csv.Table t = run.table("survival.csv");
            XYChart c = xy("S5 Which keys survive eviction: hot (read often) vs cold, by age", "age decile of the key (0 = written first)", "keys surviving (% of written)");
            for (Map.Entry<String, List<List<String>>> g : groupBy(t, "test").entrySet()) {
                for (String kind : List.of("hot", "cold")) {
                    List<double[]> pts = new ArrayList<>();
                    for (List<String> r : g.getValue()) {
                        double w = t.num(r, kind + "_written");
                        pts.add(new double[] {t.num(r, "age_decile"), w > 0 ? 100 * t.num(r, kind + "_survived") / w : Double.NaN});
                    }
                    XYSeries s = line(c, kind + ", " + g.getKey(), pts);
                    if (s != null) s.setMarker(SeriesMarkers.CIRCLE);
                }
            }
            c.getStyler().setYAxisMin(0.0).setYAxisMax(105.0);
            out.add(new Named("survival", c.getTitle(), c));
        }
        if (evicted != null) out.add(evicted);
    }

    // ------------------------------------------------------------------ E1: how far off is expiry when instance clocks are skewed?

    static void e1(Run run, List<Named> out) {
        if (!run.has("expiry_samples.csv")) return;
        Csv.Table t = run.table("expiry_samples.csv");
        XYChart c = xy("E1 Max expiry error per TTL strategy vs the writer's clock offset",
                "writer clock offset (ms)", "max |expiry error| (ms, log scale)");
        c.getStyler().setYAxisLogarithmic(true);
        double lo = 0, hi = 0;
        for (Map.Entry<String, List<List<String>>> g : groupBy(t, "strategy", "reader_offset_ms").entrySet()) {
            Map<Double, Double> worst = new java.util.TreeMap<>();
            for (List<String> r : g.getValue()) {
                double w = t.num(r, "writer_offset_ms");
                worst.merge(w, Math.abs(t.num(r, "error_ms")), Math::max);
                lo = Math.min(lo, w);
                hi = Math.max(hi, w);
            }
            String[] k = g.getKey().split(" ", -1);
            String name = k[0] + (k.length > 1 && !k[1].isEmpty() ? ", reader offset " + k[1] + " ms" : "");
            List<double[]> pts = new ArrayList<>();
            worst.forEach((w, e) -> pts.add(new double[] {w, Math.max(e, 0.01)}));
            XYSeries s = line(c, name, pts);
            if (s != null) s.setMarker(SeriesMarkers.CIRCLE);
        }
        threshold(c, Criterion.CLOCK_SKEW_EXPIRY_ERROR_MS, lo, hi);
        out.add(new Named("expiry_error", c.getTitle(), c));
    }

    // ------------------------------------------------------------------ E2: how many stale reads after a partition, per mitigation?

    static void e2(Run run, List<Named> out) {
        List<String> variants = new ArrayList<>(), clients = new ArrayList<>();
        for (Results.Row r : run.rows()) {
            if (!r.metric().equals("stale_reads_after_reconnect")) continue;
            if (!variants.contains(r.test())) variants.add(r.test());
            if (!clients.contains(r.client())) clients.add(r.client());
        }
        if (variants.isEmpty()) return;
        CategoryChart c = bars("E2 Stale reads served after a partition heals, per mitigation (target "
                + Criterion.STALE_READS_MITIGATED.targetText() + " with mitigation)", "variant", "stale reads after reconnect (count)");
        for (String cl : clients) {
            double[] v = variants.stream().mapToDouble(t -> run.value(t, cl, "stale_reads_after_reconnect")).map(d -> Double.isNaN(d) ? 0 : d).toArray();
            barSeries(c, cl, variants, v, null);
        }
        c.getStyler().setYAxisMin(0.0);
        out.add(new Named("stale_reads", c.getTitle(), c));
        if (run.has("partition.csv")) {
            // the silent partition (no reset, nothing tells the client): stale reads during it and after it heals
            Csv.Table t = run.table("partition.csv");
            List<String> cases = new ArrayList<>(), pclients = new ArrayList<>();
            for (List<String> r : t.rows()) {
                String k = t.str(r, "mitigation") + " " + Results.num(t.num(r, "partition_ms") / 1000) + "s";
                if (!cases.contains(k)) cases.add(k);
                if (!pclients.contains(t.str(r, "client"))) pclients.add(t.str(r, "client"));
            }
            CategoryChart p = bars("E2 Silent partition: stale reads during + after it, per mitigation and length (target "
                    + Criterion.STALE_READS_MITIGATED.targetText() + ")", "mitigation, partition length", "stale reads (count)");
            for (String cl : pclients) {
                double[] v = new double[cases.size()];
                java.util.Arrays.fill(v, Double.NaN);
                for (List<String> r : t.rows()) {
                    if (!t.str(r, "client").equals(cl)) continue;
                    int i = cases.indexOf(t.str(r, "mitigation") + " " + Results.num(t.num(r, "partition_ms") / 1000) + "s");
                    v[i] = t.num(r, "stale_reads_during") + t.num(r, "stale_reads_after_heal");
                }
                java.util.Set<String> missing = new java.util.TreeSet<>();
                for (int i = 0; i < v.length; i++) if (Double.isNaN(v[i])) missing.add(cases.get(i).split(" ")[0]);
                barSeries(p, missing.isEmpty() ? cl : cl + " (not measured: " + String.join(", ", missing) + ")", cases, v, null);
            }
            p.getStyler().setYAxisMin(0.0);
            p.getStyler().setXAxisLabelRotation(20);
            out.add(new Named("silent_partition_stale_reads", p.getTitle(), p));
        }
        CategoryChart w = bars("E2 Longest staleness window after the partition, per mitigation", "variant", "staleness window max (ms)");
        for (String cl : clients) {
            double[] v = variants.stream().mapToDouble(t -> run.value(t, cl, "staleness_window_max")).map(d -> Double.isNaN(d) ? 0 : d).toArray();
            barSeries(w, cl, variants, v, null);
        }
        w.getStyler().setYAxisMin(0.0);
        out.add(new Named("staleness_window", w.getTitle(), w));
    }

    // ------------------------------------------------------------------ E3: does coalescing turn 100 concurrent misses into one query?

    static void e3(Run run, List<Named> out) {
        if (run.has("herd_rounds.csv")) {
            Csv.Table t = run.table("herd_rounds.csv");
            XYChart c = xy("E3 PostgreSQL queries per herd of concurrent misses, coalesced vs not", "herd round", "PostgreSQL queries (count, log scale)");
            c.getStyler().setYAxisLogarithmic(true);
            double maxRound = markedLines(c, t, "variant", "round", "db_queries");
            threshold(c, Criterion.HERD_DB_QUERIES, 1, maxRound);
            c.getStyler().setYAxisMin(0.5);
            out.add(new Named("queries_per_herd", c.getTitle(), c));
        }
        if (run.has("spectra.csv")) {
            Csv.Table t = run.table("spectra.csv");
            XYChart c = spectrum("E3 Request latency during the herds: what coalescing costs the waiters");
            for (Map.Entry<String, List<List<String>>> g : groupBy(t, "client").entrySet()) {
                line(c, g.getKey(), spectrumPoints(t, r -> t.str(r, "client").equals(g.getKey())));
            }
            out.add(new Named("request_spectrum", c.getTitle(), c));
        }
    }

    // ------------------------------------------------------------------ I1: does the API answer every request through each fault?

    static void i1(Run run, List<Named> out) {
        List<String> phases = new ArrayList<>();
        List<Double> ok = new ArrayList<>(), failed = new ArrayList<>();
        for (String test : List.of("load", "redis_killed", "redis_restarted", "l2_corrupt")) {
            for (String client : run.clients(test)) {
                double scheduled = run.value(test, client, "scheduled");
                if (Double.isNaN(scheduled)) continue;
                double bad = run.value(test, client, "errors") + run.value(test, client, "unfinished");
                phases.add(test.replace('_', ' ') + " " + client);
                ok.add(scheduled - bad);
                failed.add(bad);
            }
        }
        if (phases.isEmpty()) return;
        CategoryChart c = bars("I1 Requests per phase: answered with the chunk, or failed (plan: none failed)", "phase and client", "requests (count)");
        c.getStyler().setStacked(true);
        c.getStyler().setXAxisLabelRotation(25);
        c.addSeries("answered 200 with the chunk", phases, ok);
        c.addSeries("failed (plan " + Criterion.FAULT_REQUESTS_FAILED.targetText() + ")", phases, failed);
        out.add(new Named("requests_per_phase", c.getTitle(), c));
    }

    // ------------------------------------------------------------------ E4: how big do entries get, and when must they be compressed?

    static void e4(Run run, List<Named> out) {
        if (!run.has("curve.csv")) return;
        Csv.Table t = run.table("curve.csv");
        XYChart size = xy("E4 Entry size per encoding vs chunks per entry (log-log)", "chunks per entry (log scale)", "entry size (bytes, log scale)");
        size.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        Map<String, List<double[]>> bytes = new LinkedHashMap<>();
        for (List<String> r : t.rows()) {
            if (!t.str(r, "client").equals(t.str(t.rows().get(0), "client"))) continue;   // size does not depend on the client
            bytes.computeIfAbsent(t.str(r, "encoding"), k -> new ArrayList<>()).add(new double[] {t.num(r, "chunks"), t.num(r, "bytes")});
        }
        bytes.forEach((enc, pts) -> line(size, enc, pts).setMarker(SeriesMarkers.CIRCLE));
        double maxChunks = 1, minChunks = Double.MAX_VALUE;
        for (List<String> r : t.rows()) {
            maxChunks = Math.max(maxChunks, t.num(r, "chunks"));
            minChunks = Math.min(minChunks, t.num(r, "chunks"));
        }
        List<Named> reads = new ArrayList<>();
        for (Map.Entry<String, List<List<String>>> g : groupBy(t, "client").entrySet()) {
            XYChart read = xy("E4 GET P99 per encoding vs chunks per entry, " + g.getKey() + " (log-log): above 10 ms means compress",
                    "chunks per entry (log scale)", "GET P99 (ms, log scale)");
            read.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
            Map<String, List<double[]>> byEnc = new LinkedHashMap<>();
            for (List<String> r : g.getValue()) byEnc.computeIfAbsent(t.str(r, "encoding"), k -> new ArrayList<>()).add(new double[] {t.num(r, "chunks"), t.num(r, "get_ms_p99")});
            byEnc.forEach((enc, pts) -> {
                XYSeries s = line(read, enc, pts);
                if (s != null) s.setMarker(SeriesMarkers.CIRCLE);
            });
            threshold(read, Criterion.EMBEDDING_GET_MS, minChunks, maxChunks);
            reads.add(new Named("get_p99_" + Charts.id(g.getKey()), read.getTitle(), read));
        }
        // the key chart first: read time against the 10 ms line, then size
        if (!reads.isEmpty()) out.add(reads.remove(0));
        out.add(new Named("size", size.getTitle(), size));
        out.addAll(reads);
    }

    // ------------------------------------------------------------------ Q1: does pre-warming pay for its start-up time?

    static void q1(Run run, List<Named> out) {
        if (!run.has("warming.csv")) return;
        Csv.Table t = run.table("warming.csv");
        XYChart hit = xy("Q1 Hit rate of the first requests after start-up, warmed vs cold, by entries in the data set",
                "entries (chunks, log scale)", "hit rate of the first requests (%)");
        XYChart start = xy("Q1 Start-up time, warmed vs cold, by entries (target " + Criterion.WARM_STARTUP_MS.targetText() + ")",
                "entries (chunks, log scale)", "start-up time (ms, log scale)");
        hit.getStyler().setXAxisLogarithmic(true).setYAxisMin(0.0).setYAxisMax(105.0);
        start.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        double lo = Double.MAX_VALUE, hi = 0;
        for (Map.Entry<String, List<List<String>>> g : groupBy(t, "client", "warm").entrySet()) {
            String[] k = g.getKey().split(" ");
            String name = k[0] + (k[1].equals("true") ? ", warmed" : ", cold");
            List<double[]> h = new ArrayList<>(), s = new ArrayList<>();
            for (List<String> r : g.getValue()) {
                double n = t.num(r, "chunks");
                lo = Math.min(lo, n);
                hi = Math.max(hi, n);
                h.add(new double[] {n, t.num(r, "first_hit_rate_pct")});
                s.add(new double[] {n, t.num(r, "startup_ms")});
            }
            XYSeries a = line(hit, name, h), b = line(start, name, s);
            if (a != null) a.setMarker(SeriesMarkers.CIRCLE);
            if (b != null) b.setMarker(SeriesMarkers.CIRCLE);
        }
        threshold(start, Criterion.WARM_STARTUP_MS, lo, hi);
        out.add(new Named("first_hit_rate", hit.getTitle(), hit));
        out.add(new Named("startup", start.getTitle(), start));
    }

    // ------------------------------------------------------------------ Q2: does a rolling deploy with a schema change keep the hit rate?

    static void q2(Run run, List<Named> out) {
        if (!run.has("rolling.csv")) return;
        Csv.Table t = run.table("rolling.csv");
        XYChart hit = xy("Q2 Hit rate through a rolling deploy (v1 -> v2 schema), per key scheme", "window of the deploy", "hit rate (%)");
        XYChart bad = xy("Q2 Wrong or failed reads per window through the rolling deploy (target " + Criterion.VERSIONED_WRONG_READS.targetText()
                + " with versioned keys)", "window of the deploy", "wrong + failed reads (count)");
        hit.getStyler().setYAxisMin(0.0).setYAxisMax(105.0);
        double first = Double.NaN, last = Double.NaN, maxV2 = 0, maxW = 0;
        for (List<String> r : t.rows()) maxV2 = Math.max(maxV2, t.num(r, "v2_instances"));
        for (Map.Entry<String, List<List<String>>> g : groupBy(t, "scheme").entrySet()) {
            List<double[]> h = new ArrayList<>(), b = new ArrayList<>();
            for (List<String> r : g.getValue()) {
                double w = t.num(r, "window"), v2 = t.num(r, "v2_instances");
                maxW = Math.max(maxW, w);
                h.add(new double[] {w, t.num(r, "hit_rate_pct")});
                b.add(new double[] {w, t.num(r, "wrong") + t.num(r, "failed")});
                if (v2 > 0 && v2 < maxV2 || v2 > 0 && Double.isNaN(first)) {
                    if (Double.isNaN(first) || w < first) first = w;
                }
                if (v2 > 0 && v2 < maxV2 && (Double.isNaN(last) || w > last)) last = w;
            }
            XYSeries a = line(hit, g.getKey(), h), c = line(bad, g.getKey(), b);
            if (a != null) a.setMarker(SeriesMarkers.CIRCLE);
            if (c != null) c.setMarker(SeriesMarkers.CIRCLE);
        }
        if (!Double.isNaN(first)) {
            double end = Double.isNaN(last) ? first : last;
            for (XYChart c : List.of(hit, bad)) band(c, first - 0.5, end + 0.5, new Color(255, 127, 14), "rolling deploy (v1 and v2 instances)");
        }
        out.add(new Named("hit_rate", hit.getTitle(), hit));
        out.add(new Named("wrong_reads", bad.getTitle(), bad));
    }

    // ------------------------------------------------------------------ Q3: what does persistence cost in latency?

    static void q3(Run run, List<Named> out) {
        // Each mode and client has one spectrum per trial (test rdb_off, rdb_off_t2, ...): drawing them all
        // hides the question, so each line is the trial whose P99 is the median of its trials.
        Map<String, String> representative = new LinkedHashMap<>(); // "mode client" -> the test name of its median-P99 trial
        if (run.has("spectra.csv")) {
            Csv.Table t = run.table("spectra.csv");
            Map<String, List<List<String>>> byTrial = groupBy(t, "test", "client");
            Map<String, List<double[]>> p99ByMode = new LinkedHashMap<>(); // "mode client" -> [trial index in list, p99]
            List<String> keys = new ArrayList<>(byTrial.keySet());
            for (int i = 0; i < keys.size(); i++) {
                String[] k = keys.get(i).split(" ");
                double p99 = Double.NaN;
                for (List<String> r : byTrial.get(keys.get(i))) if (t.num(r, "percentile") >= 99) { p99 = t.num(r, "value_ns") / 1e6; break; }
                p99ByMode.computeIfAbsent(mode(k[0]) + " " + k[1], m -> new ArrayList<>()).add(new double[] {i, p99});
            }
            XYChart c = spectrum("Q3 SET spectrum per persistence mode, its median-P99 trial (criterion: P99 delta "
                    + Criterion.RDB_DELTA_MS.targetText() + ")");
            for (Map.Entry<String, List<double[]>> e : p99ByMode.entrySet()) {
                List<double[]> trials = new ArrayList<>(e.getValue());
                trials.sort(java.util.Comparator.comparingDouble(a -> a[1]));
                String key = keys.get((int) trials.get((trials.size() - 1) / 2)[0]);
                representative.put(e.getKey(), key.split(" ")[0]);
                List<double[]> pts = new ArrayList<>();
                for (List<String> r : byTrial.get(key)) pts.add(new double[] {px(t.num(r, "percentile")), t.num(r, "value_ns") / 1e6});
                line(c, e.getKey().replace(" ", ", ") + " (" + trials.size() + (trials.size() == 1 ? " trial)" : " trials)"), pts);
            }
            out.add(new Named("spectra", c.getTitle(), c));
        }
        if (run.has("timeline.csv")) {
            Csv.Table t = run.table("timeline.csv");
            XYChart c = xy("Q3 P99 per 1 s window, median-P99 trial per mode (fork counts from INFO, times not recorded)",
                    "time (s)", "P99 response time (ms)");
            c.getStyler().setYAxisMin(0.0);
            for (Map.Entry<String, List<List<String>>> g : groupBy(t, "test", "client").entrySet()) {
                String[] k = g.getKey().split(" ");
                String rep = representative.get(mode(k[0]) + " " + k[1]);
                if (rep != null ? !rep.equals(k[0]) : !k[0].equals(mode(k[0]))) continue;
                List<List<String>> rows = dropPartialLast(g.getValue(), r -> t.num(r, "ok") + t.num(r, "errors"));
                double forks = run.value(k[0], k[1], "forks_during_measure"), bg = run.value(k[0], k[1], "rdb_bgsave_in_progress_pct");
                String name = mode(k[0]) + ", " + k[1] + (Double.isNaN(forks) ? "" : " (" + (long) forks + (forks == 1 ? " fork" : " forks")
                        + (Double.isNaN(bg) || bg == 0 ? "" : String.format(java.util.Locale.ROOT, ", BGSAVE %.0f%% of the time", bg)) + ")");
                List<double[]> pts = new ArrayList<>();
                for (List<String> r : rows) pts.add(new double[] {t.num(r, "t_s"), t.num(r, "p99_ms")});
                line(c, name, pts);
            }
            out.add(new Named("timeline", c.getTitle(), c));
        }
    }

    /** One line with markers per value of {@code group} (x from {@code xCol}, y from {@code yCol}); returns the largest x, at least 1. */
    static double markedLines(XYChart c, Csv.Table t, String group, String xCol, String yCol) {
        double maxX = 1;
        for (Map.Entry<String, List<List<String>>> g : groupBy(t, group).entrySet()) {
            List<double[]> pts = new ArrayList<>();
            for (List<String> r : g.getValue()) {
                pts.add(new double[] {t.num(r, xCol), t.num(r, yCol)});
                maxX = Math.max(maxX, t.num(r, xCol));
            }
            XYSeries s = line(c, g.getKey(), pts);
            if (s != null) s.setMarker(SeriesMarkers.CIRCLE);
        }
        return maxX;
    }

    /** Q3's mode of a test name: "rdb_on_t3" -> "rdb_on" (trials after the first carry a _tN suffix). */
    static String mode(String test) {
        return test.replaceFirst("_t[0-9]+$", "");
    }

    // ------------------------------------------------------------------ X1: which invalidation channel loses nothing across a cut?

    static void x1(Run run, List<Named> out) {
        if (!run.has("comparison.csv")) return;
        Csv.Table t = run.table("comparison.csv");
        List<String> mechanisms = new ArrayList<>(), clients = new ArrayList<>();
        for (List<String> r : t.rows()) {
            if (!mechanisms.contains(t.str(r, "mechanism"))) mechanisms.add(t.str(r, "mechanism"));
            if (!clients.contains(t.str(r, "client"))) clients.add(t.str(r, "client"));
        }
        for (String[] m : new String[][] {{"cut_loss_pct", "messages lost across a connection cut (%)", "loss"}, {"propagation_p99", "propagation P99 (ms)", "propagation"}}) {
            CategoryChart c = bars("X1 " + (m[2].equals("loss") ? "Invalidations lost across a real cut, per channel" : "Propagation P99 per invalidation channel"),
                    "mechanism", m[1]);
            // a combination the run could not measure is drawn as 0 and named under its bar, never passed off as a measured 0
            List<String> labels = new ArrayList<>();
            for (String mech : mechanisms) {
                List<String> na = clients.stream().filter(cl -> Double.isNaN(cell(t, mech, cl, m[0]))).toList();
                labels.add(mech + (na.isEmpty() ? "" : " (" + String.join(", ", na) + ": not measured)"));
            }
            for (String cl : clients) {
                double[] v = new double[mechanisms.size()];
                for (int i = 0; i < v.length; i++) {
                    double x = cell(t, mechanisms.get(i), cl, m[0]);
                    v[i] = Double.isNaN(x) ? 0 : x;
                }
                barSeries(c, cl, labels, v, null);
            }
            c.getStyler().setYAxisMin(0.0);
            out.add(new Named(m[2], c.getTitle(), c));
        }
    }

    static double cell(Csv.Table t, String mechanism, String client, String metric) {
        for (List<String> r : t.rows()) {
            if (t.str(r, "mechanism").equals(mechanism) && t.str(r, "client").equals(client) && t.str(r, "metric").equals(metric)) {
                return t.str(r, "status").equals("MISSING") ? Double.NaN : t.num(r, "value");
            }
        }
        return Double.NaN;
    }

    // ------------------------------------------------------------------ X2: where is the knee, and how far from the server's own limit?

    static void x2(Run run, List<Named> out) {
        if (!run.has("saturation.csv")) return;
        Csv.Table t = run.table("saturation.csv");
        XYChart c = xy("X2 P99 vs offered rate per client configuration; dotted: where redis-benchmark tops out", "offered rate (req/s, log scale)",
                "P99 response time (ms, log scale)");
        c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        double lo = Double.MAX_VALUE, hi = 0;
        for (Map.Entry<String, List<List<String>>> g : groupBy(t, "client", "concurrency").entrySet()) {
            String[] k = g.getKey().split(" ");
            List<double[]> pts = new ArrayList<>();
            for (List<String> r : g.getValue()) {
                double rate = t.num(r, "offered_rate");
                lo = Math.min(lo, rate);
                hi = Math.max(hi, rate);
                pts.add(new double[] {rate, t.num(r, "p99_ms")});
            }
            XYSeries s = line(c, k[0] + ", " + k[1] + " connection" + (k[1].equals("1") ? "" : "s"), pts);
            if (s != null) s.setMarker(SeriesMarkers.CIRCLE);
        }
        int row = 0;
        for (Results.Row r : run.rows()) {
            if (!r.client().equals("redis-benchmark") || !r.metric().startsWith("get_rps_")) continue;
            hi = Math.max(hi, r.value());
            marker(c, r.value(), row++, "redis-benchmark " + r.metric().substring("get_rps_".length()) + String.format(java.util.Locale.ROOT, ": %.0f/s", r.value()));
        }
        threshold(c, Criterion.GET_P99_MS, lo, hi);
        out.add(new Named("p99_vs_rate", c.getTitle(), c));
    }
}
