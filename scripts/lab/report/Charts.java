//DEPS org.knowm.xchart:xchart:3.8.8
package lab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import lab.Criterion;
import lab.Csv;
import lab.LabException;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Annotation;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The kinds of chart the scripts share (XChart), used by the report (PNG files) and the notebooks
 * (inline): a latency percentile spectrum, a timeline with phases shaded and faults marked, bars
 * with confidence intervals, and the plan's threshold drawn as a dashed red line taken from
 * {@link Criterion}. What each script draws with them is in {@link ScriptCharts}: one to three
 * charts per script, each answering the script's question.
 */
public final class Charts {
    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** A chart, a file-name-safe id unique within a data folder, and what it answers. */
    public record Named(String id, String title, Chart<?, ?> chart) {}

    /** The purpose-built charts of one data folder (by the script's name), in a stable order. */
    public static List<Named> forFolder(Path folder) {
        return ScriptCharts.of(folder);
    }

    static final int WIDTH = 1000, HEIGHT = 480;
    static final Color THRESHOLD = new Color(200, 0, 0);
    /** A fixed palette so the same data gives the same bytes. */
    static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(148, 103, 189),
            new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207),
            new Color(214, 39, 40)};

    // ------------------------------------------------------------------ chart kinds

    static XYChart xy(String title, String xTitle, String yTitle) {
        return xy(title, xTitle, yTitle, WIDTH, HEIGHT);
    }

    static XYChart xy(String title, String xTitle, String yTitle, int width, int height) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setLegendLayout(Styler.LegendLayout.Vertical);
        c.getStyler().setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE).setSeriesColors(PALETTE);
        c.getStyler().setMarkerSize(6);
        c.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        c.getStyler().setAntiAlias(true);
        return c;
    }

    static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE).setSeriesColors(PALETTE);
        c.getStyler().setAvailableSpaceFill(0.7).setOverlapped(false);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setYAxisDecimalPattern("#,##0.##");   // bar labels too: a chart is read, not audited
        c.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        return c;
    }

    /** A line (NaN and, on a log axis, non-positive points dropped); null when nothing is left to draw. */
    static XYSeries line(XYChart c, String name, double[] x, double[] y) {
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i]) || Double.isInfinite(x[i]) || Double.isInfinite(y[i])) continue;
            if (c.getStyler().isYAxisLogarithmic() && y[i] <= 0) continue;
            if (c.getStyler().isXAxisLogarithmic() && x[i] <= 0) continue;
            pts.add(new double[] {x[i], y[i]});
        }
        if (pts.isEmpty()) return null;
        XYSeries s = c.addSeries(name, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    static XYSeries line(XYChart c, String name, List<double[]> pts) {
        return line(c, name, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
    }

    /** The plan's target as a dashed red horizontal line across [x0, x1], named by the criterion's own text. */
    static void threshold(XYChart c, Criterion k, double x0, double x1) {
        threshold(c, k.target, "target " + k.targetText() + " (" + k.name() + ")", x0, x1);
    }

    static void threshold(XYChart c, double y, String label, double x0, double x1) {
        XYSeries s = c.addSeries(label, new double[] {x0, x1}, new double[] {y, y});
        s.setMarker(SeriesMarkers.NONE).setLineColor(THRESHOLD).setLineStyle(SeriesLines.DASH_DASH).setLineWidth(1.6f);
    }

    /** A fault or event: a vertical dashed line with its label at the top of the plot. */
    static void marker(XYChart c, double x, String label) {
        marker(c, x, 0, label);
    }

    /** A marker whose label sits on text row {@code row} from the top, so close markers stay readable. */
    static void marker(XYChart c, double x, int row, String label) {
        AnnotationLine l = new AnnotationLine(x, true, false);
        c.addAnnotation(l);
        c.getStyler().setAnnotationLineColor(new Color(90, 90, 90)).setAnnotationLineStroke(
                new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
        overlay(c, o -> o.label(label, o.x(x) - 5, o.top() + 8 + 13 * row, new Color(60, 60, 60)));
    }

    /** Shades [x0, x1] over the whole plot height (a phase), its label at the top. */
    static void band(XYChart c, double x0, double x1, Color color, String label) {
        band(c, x0, x1, color, label, 0, 1);
    }

    /** Shades [x0, x1] between two fractions of the plot height (0 = bottom, 1 = top): a strip for a state. */
    static void band(XYChart c, double x0, double x1, Color color, String label, double from, double to) {
        overlay(c, o -> {
            int a = o.x(x0), b = o.x(x1), h = o.bottom() - o.top();
            int yTop = o.bottom() - (int) Math.round(h * to), yBottom = o.bottom() - (int) Math.round(h * from);
            o.g().setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 55));
            o.g().fillRect(Math.min(a, b), yTop, Math.abs(b - a), yBottom - yTop);
            if (label != null && !label.isEmpty() && Math.abs(b - a) > 8 * label.length() / 2) {
                o.text(label, Math.min(a, b) + 3, yTop + 12, color.darker());
            }
        });
    }

    /** Percentile spectrum: x is 1/(1-p) on a log axis, labelled as percentiles; y in ms on a log axis. */
    static XYChart spectrum(String title) {
        XYChart c = xy(title, "percentile, in nines: 0 = P0, 1 = P90, 2 = P99, 3 = P99.9, 4 = P99.99", "latency (ms, log scale)");
        c.getStyler().setYAxisLogarithmic(true);
        return c;
    }

    /** x position of a percentile on the spectrum axis. */
    static double px(double percentile) {
        return Math.log10(1 / (1 - Math.min(percentile, 99.9999) / 100));
    }

    /** The x extent of the series drawn so far ({0, 1} when none), for lines across the whole chart. */
    static double[] xExtent(XYChart c) {
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (XYSeries s : c.getSeriesMap().values()) {
            for (double x : s.getXData()) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        return lo > hi ? new double[] {0, 1} : new double[] {lo, hi};
    }

    /**
     * A log y axis only where the data spans decades: under 1.5 decades a log axis shows one tick label
     * or none, so the axis turns linear from 0 (and its title loses "log scale").
     */
    static void logOnlyOverDecades(XYChart c) {
        if (!c.getStyler().isYAxisLogarithmic()) return;
        double lo = Double.MAX_VALUE, hi = 0;
        for (XYSeries s : c.getSeriesMap().values()) {
            for (double y : s.getYData()) {
                if (y > 0) {
                    lo = Math.min(lo, y);
                    hi = Math.max(hi, y);
                }
            }
        }
        if (hi == 0 || hi / lo >= Math.pow(10, 1.5)) return;
        c.getStyler().setYAxisLogarithmic(false);
        c.getStyler().setYAxisMin(0.0);
        c.setYAxisTitle(c.getYAxisTitle().replace(", log scale", ""));
    }

    /** The criterion's threshold across the series drawn so far. */
    static void threshold(XYChart c, Criterion k) {
        double[] e = xExtent(c);
        threshold(c, k, e[0], e[1]);
    }

    /** The spectrum of one test/client/op of a spectra.csv table as (x, ms) points. */
    static List<double[]> spectrumPoints(Csv.Table t, Predicate<List<String>> which) {
        List<double[]> pts = new ArrayList<>();
        for (List<String> r : t.rows()) {
            if (!which.test(r)) continue;
            pts.add(new double[] {px(t.num(r, "percentile")), t.num(r, "value_ns") / 1e6});
        }
        return pts;
    }

    /** Bars with error bars where a confidence interval is known (ci = {low, high} per value, or null). */
    static void barSeries(CategoryChart c, String name, List<String> categories, double[] values, double[][] ci) {
        values = Arrays.stream(values).map(v -> Double.isNaN(v) ? 0 : v).toArray();   // callers name what was not measured
        if (ci == null) {
            c.addSeries(name, categories, Arrays.stream(values).boxed().toList());
            return;
        }
        // XChart draws symmetric error bars: the larger half-width of the interval, stated in the series name.
        List<Double> err = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            double[] iv = ci[i];
            err.add(iv == null ? 0 : Math.max(values[i] - iv[0], iv[1] - values[i]));
        }
        c.addSeries(name + " (95% CI)", categories, Arrays.stream(values).boxed().toList(), err);
        c.getStyler().setErrorBarsColor(Color.BLACK);
    }

    /** Bars on a logarithmic axis: a zero or unmeasured value has no bar (say so in the axis title). */
    static void logBarSeries(CategoryChart c, String name, List<String> categories, double[] values) {
        List<Double> v = new ArrayList<>();
        for (double d : values) v.add(d > 0 && !Double.isInfinite(d) ? d : null);
        c.addSeries(name, categories, v);
    }

    // ------------------------------------------------------------------ drawing on top of the plot

    /** Screen coordinates of the plot for a painter: data to pixels, plot edges, text. */
    record Overlay(Graphics2D g, Annotation a, java.util.function.DoubleUnaryOperator xs, java.util.function.DoubleUnaryOperator ys,
                   int left, int right, int top, int bottom) {
        int x(double v) {
            return (int) Math.round(xs.applyAsDouble(v));
        }

        int y(double v) {
            return (int) Math.round(ys.applyAsDouble(v));
        }

        /** Text beside a point: to its right in the left half of the plot, else to its left. */
        void label(String s, int x, int y, Color color) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int w = g.getFontMetrics().stringWidth(s);
            text(s, x < (left + right) / 2 ? x + 8 : x - 8 - w, y + 4, color);
        }

        void text(String s, int x, int y, Color color) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(color);
            g.drawString(s, x, y);
        }
    }

    /** Screen edges: XChart's "ForMin"/"ForMax" are the plot surface's min/max screen coordinates (y grows downwards). */
    /** Paints with plot coordinates after the series (bands are translucent so the series show through). */
    static void overlay(Chart<?, ?> c, Consumer<Overlay> painter) {
        c.addAnnotation(new Annotation(false) {
            @Override
            public void paint(Graphics2D g) {
                Overlay o = new Overlay(g, this, this::getXAxisScreenValue, this::getYAxisScreenValue, getXAxisScreenValueForMin(),
                        getXAxisScreenValueForMax(), getYAxisScreenValueForMin(), getYAxisScreenValueForMax());
                painter.accept(o);
            }
        });
    }

    // ------------------------------------------------------------------ tables

    /** Groups a table's rows by the values of some columns, in first-seen order. */
    static Map<String, List<List<String>>> groupBy(Csv.Table t, String... cols) {
        Map<String, List<List<String>>> m = new LinkedHashMap<>();
        for (List<String> r : t.rows()) {
            List<String> key = new ArrayList<>();
            for (String c : cols) key.add(t.str(r, c));
            m.computeIfAbsent(String.join(" ", key), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    /**
     * The windows of a timeline without a partial last one: a last window with fewer than 90% of the
     * median window's requests was cut by the end of the run, not by the system.
     */
    static List<List<String>> dropPartialLast(List<List<String>> rows, java.util.function.ToDoubleFunction<List<String>> requests) {
        if (rows.size() < 3) return rows;
        double[] n = rows.stream().mapToDouble(requests).sorted().toArray();
        double median = n[n.length / 2];
        double last = requests.applyAsDouble(rows.get(rows.size() - 1));
        return last < 0.9 * median ? rows.subList(0, rows.size() - 1) : rows;
    }

    static String id(String... parts) {
        return String.join("_", Arrays.stream(parts).filter(p -> !p.isEmpty()).map(p -> p.replaceAll("[^A-Za-z0-9.-]+", "-")).toList());
    }

    // ------------------------------------------------------------------ files

    /** The chart as PNG bytes (the same data gives the same bytes on the same machine). */
    public static byte[] png(Chart<?, ?> c) {
        try {
            return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new LabException("cannot encode chart '" + c.getTitle() + "': " + e.getMessage());
        }
    }

    /** Writes the PNG only when its bytes differ from the file's, so an unchanged chart is never rewritten. */
    public static boolean writeIfChanged(Path file, byte[] png) {
        try {
            if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), png)) return false;
            Files.createDirectories(file.getParent());
            Files.write(file, png);
            return true;
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
