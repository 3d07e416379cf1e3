package lab.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import lab.Criterion;
import lab.Decision;
import lab.Results;
import lab.report.Charts.Named;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The whole decision on one chart: every criterion's worst measured row as a distance to its threshold,
 * on a log axis where 1 is the threshold and the passing side (left) is shaded, grouped as the plan's
 * criteria tables (Success Criteria by category, then the other targets), with its confidence interval
 * when the run had trials.
 */
public final class Overview {
    private Overview() {}

    /** Log-axis room kept around the data. */
    static final double FLOOR = 1e-4;

    /**
     * How far a value is from its target, oriented so that below 1 always passes: value/target for
     * "<" targets, target/value for ">" targets; for "==" targets |value - target| + 1, so a met
     * equality sits on the line and every unit off is one more.
     */
    public static double ratio(Criterion k, double value) {
        if (Double.isNaN(value)) return Double.NaN;
        return switch (k.cmp) {
            case LT, LE -> k.target > 0 ? value / k.target : Math.abs(value - k.target) + 1;
            case GT, GE -> value > 0 ? k.target / value : Double.POSITIVE_INFINITY;
            case EQ -> Math.abs(value - k.target) + 1;
        };
    }

    /** The row furthest on the wrong side of the target (a FAIL first, a MISSING next). */
    public static Results.Row worst(Decision.CriterionResult c) {
        return worst(c.criterion(), c.rows());
    }

    /** The row of {@code rows} furthest on the wrong side of k's target (a FAIL first, then any other status than PASS). */
    public static Results.Row worst(Criterion k, List<Results.Row> rows) {
        if (rows.isEmpty()) return null;
        Comparator<Results.Row> bad = Comparator.comparingInt((Results.Row r) -> r.status() == Criterion.Status.FAIL ? 2 : r.status() != Criterion.Status.PASS ? 1 : 0)
                .thenComparingDouble(r -> Double.isNaN(r.value()) ? 0 : switch (k.cmp) {
                    case LT, LE -> r.value();
                    case GT, GE -> -r.value();
                    case EQ -> Math.abs(r.value() - k.target);
                });
        return rows.stream().max(bad).orElseThrow();
    }

    /** Three significant digits, enough to read a chart. */
    static String short3(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return Results.num(v); // an unbounded wait (a borrow that never got a connection)
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return Long.toString((long) v);
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** Groups as the plan's tables. */
    static String group(Decision.CriterionResult c) {
        if (!c.gate()) return "other targets (scenarios, edge cases, deep questions)";
        String cat = c.category().name().toLowerCase(Locale.ROOT);
        return "success criteria: " + cat;
    }

    /** The overview chart; {@code ci} gives {low, high} of a row in its unit, or null. */
    public static Named chart(Decision.Result d, Function<Results.Row, double[]> ci) {
        List<Decision.CriterionResult> cs = new ArrayList<>(d.criteria());
        cs.sort(Comparator.comparing((Decision.CriterionResult c) -> !c.gate()).thenComparing(c -> c.category().ordinal()));
        int n = cs.size();
        List<String> labels = new ArrayList<>();
        XYChart c = Charts.xy("Every criterion: worst measured value / threshold (left of 1 passes)",
                "worst measured / threshold (log scale; == targets: |value - target| + 1)", "", 1100, Math.max(Charts.HEIGHT, 26 * n + 170));
        c.getStyler().setXAxisLogarithmic(true).setYAxisTitleVisible(false);
        // one row per criterion, top down; tick labels are the criteria
        for (int i = 0; i < n; i++) {
            Decision.CriterionResult cr = cs.get(i);
            Results.Row w = worst(cr);
            String v = w == null || Double.isNaN(w.value()) ? "no data" : short3(w.value()) + " " + w.unit();
            labels.add(cr.criterion().name() + " " + cr.criterion().targetText() + ": " + v + " " + cr.status());
        }
        c.getStyler().setYAxisTicksVisible(false);
        c.getStyler().setYAxisMin(-(n - 0.5)).setYAxisMax(0.5).setPlotGridHorizontalLinesVisible(false);
        double lo = 0.5, hi = 2;
        List<String> groups = new ArrayList<>();
        for (Decision.CriterionResult cr : cs) if (!groups.contains(group(cr))) groups.add(group(cr));
        for (String g : groups) {
            List<double[]> pts = new ArrayList<>();
            List<Double> err = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Decision.CriterionResult cr = cs.get(i);
                if (!group(cr).equals(g)) continue;
                Results.Row w = worst(cr);
                double r = w == null ? Double.NaN : ratio(cr.criterion(), w.value());
                if (Double.isNaN(r) || Double.isInfinite(r)) continue;
                r = Math.max(r, FLOOR);
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
                pts.add(new double[] {r, -i});
                double[] iv = w == null ? null : ci.apply(w);
                if (iv != null) {
                    double a = Math.max(ratio(cr.criterion(), iv[0]), FLOOR), b = Math.max(ratio(cr.criterion(), iv[1]), FLOOR);
                    intervals(c, Math.min(a, b), Math.max(a, b), -i);
                    lo = Math.min(lo, Math.min(a, b));
                    hi = Math.max(hi, Math.max(a, b));
                }
            }
            if (pts.isEmpty()) continue;
            XYSeries s = c.addSeries(g, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.CIRCLE);
        }
        double xMin = Math.pow(10, Math.floor(Math.log10(lo))), xMax = Math.pow(10, Math.ceil(Math.log10(hi)));
        c.getStyler().setXAxisMin(xMin).setXAxisMax(xMax).setMarkerSize(9);
        Charts.band(c, xMin, 1, new Color(44, 160, 44), "passes");
        Charts.marker(c, 1, "threshold");
        // each criterion named beside its point (on the threshold line when it has no value), a rule between groups
        double[] at = new double[n];
        for (int i = 0; i < n; i++) {
            Results.Row w = worst(cs.get(i));
            double r = w == null ? Double.NaN : ratio(cs.get(i).criterion(), w.value());
            at[i] = Double.isNaN(r) || Double.isInfinite(r) ? 1 : Math.max(r, FLOOR);
        }
        Charts.overlay(c, o -> {
            for (int i = 0; i < n; i++) {
                if (i == 0 || !group(cs.get(i)).equals(group(cs.get(i - 1)))) o.text(group(cs.get(i)), o.right() - 330, o.y(-(i - 0.5)) + 12, Color.GRAY);
                Criterion.Status st = cs.get(i).status();
                Color col = st == Criterion.Status.FAIL ? new Color(180, 0, 0) : st == Criterion.Status.PASS ? Color.BLACK : new Color(150, 100, 0);
                o.label(labels.get(i), o.x(at[i]), o.y(-i), col);
            }
            for (int i = 1; i < n; i++) {
                if (group(cs.get(i)).equals(group(cs.get(i - 1)))) continue;
                int y = o.y(-(i - 0.5));
                o.g().setColor(Color.GRAY);
                o.g().drawLine(o.left(), y, o.right(), y);
            }
        });
        return new Named("overview", c.getTitle(), c);
    }

    static void intervals(XYChart c, double a, double b, double y) {
        Charts.overlay(c, o -> {
            o.g().setColor(Color.BLACK);
            o.g().drawLine(o.x(a), o.y(y), o.x(b), o.y(y));
            o.g().drawLine(o.x(a), o.y(y) - 4, o.x(a), o.y(y) + 4);
            o.g().drawLine(o.x(b), o.y(y) - 4, o.x(b), o.y(y) + 4);
        });
    }
}
