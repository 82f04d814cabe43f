package dev.dispatchlab.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The few chart shapes the report draws, in one house style (white ground, light grid, flat bars,
 * one colour per dispatch model in every chart), rendered to PNG without a display. The report
 * decides what goes in a chart; this class only draws it.
 *
 * <p>Values a log axis cannot show (zero or negative) are left out of that series rather than
 * clamped, so that no point is drawn where nothing was measured; callers say so in the caption.
 *
 * <p>Threading: any thread; charts share nothing.
 */
final class Charts {

    static {
        // No display on the machines that run experiments; JFreeChart draws into an image only.
        System.setProperty("java.awt.headless", "true");
    }

    static final int WIDTH = 900;
    static final int HEIGHT = 440;

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    private static final Map<String, Color> MODEL_COLORS = Map.of(
            "push", new Color(0xD6, 0x27, 0x28),
            "ithread", new Color(0xFF, 0x7F, 0x0E),
            "puller", new Color(0x2C, 0xA0, 0x2C),
            "kcont", new Color(0x1F, 0x77, 0xB4),
            "vthread", new Color(0x94, 0x67, 0xBD),
            "busypoll", new Color(0x8C, 0x56, 0x4B));
    private static final Color[] PALETTE = {new Color(0x1F, 0x77, 0xB4), new Color(0xFF, 0x7F, 0x0E),
            new Color(0x2C, 0xA0, 0x2C), new Color(0xD6, 0x27, 0x28), new Color(0x94, 0x67, 0xBD),
            new Color(0x8C, 0x56, 0x4B), new Color(0xE3, 0x77, 0xC2), new Color(0x7F, 0x7F, 0x7F),
            new Color(0xBC, 0xBD, 0x22), new Color(0x17, 0xBE, 0xCF)};

    private Charts() {
    }

    /** One line of an XY chart. */
    record Line(String name, Paint paint, boolean dashed, double[] x, double[] y) {
    }

    /** A horizontal reference line across a chart (a baseline the data is read against). */
    record Marker(double value, String label) {
    }

    /** @return the colour of a dispatch model, the same in every chart; unknown labels get a palette colour */
    static Color modelColor(String model, int fallbackIndex) {
        Color c = MODEL_COLORS.get(model);
        return c != null ? c : PALETTE[Math.floorMod(fallbackIndex, PALETTE.length)];
    }

    /** @return the i-th colour for series that are not models (metrics, drop reasons) */
    static Color seriesColor(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /**
     * Bars: one group per category (a run), one bar per series (a figure) in each group, or one
     * stacked bar per category when {@code stacked}.
     *
     * @param values [series][category]; NaN leaves a bar out
     */
    static JFreeChart bars(String title, String categoryAxis, String valueAxis, List<String> series,
                           List<String> categories, double[][] values, boolean stacked, Marker marker) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int s = 0; s < series.size(); s++) {
            for (int c = 0; c < categories.size(); c++) {
                double v = values[s][c];
                data.addValue(Double.isNaN(v) ? null : v, series.get(s), categories.get(c));
            }
        }
        BarRenderer renderer = stacked ? new StackedBarRenderer() : new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setItemMargin(0.04);
        renderer.setMaximumBarWidth(0.12);
        for (int s = 0; s < series.size(); s++) {
            renderer.setSeriesPaint(s, seriesColor(s));
        }
        if (!stacked && categories.size() * series.size() <= 24) {
            // few bars: print each value on its bar, so the chart can be read without the table;
            // decimals only where the values are small enough for them to matter
            double top = 0;
            for (double[] row : values) {
                for (double v : row) {
                    top = Double.isNaN(v) ? top : Math.max(top, Math.abs(v));
                }
            }
            renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                    new DecimalFormat(top >= 100 ? "#,##0" : "#,##0.##")));
            renderer.setDefaultItemLabelsVisible(true);
            renderer.setDefaultItemLabelFont(TICK);
        }
        NumberAxis range = new NumberAxis(valueAxis);
        range.setUpperMargin(0.12);
        CategoryPlot plot = new CategoryPlot(data, categoryAxis(categoryAxis, categories.size()), range, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        if (marker != null) {
            plot.addRangeMarker(marker(marker));
            if (marker.value() > 0) {
                range.setAutoRangeIncludesZero(true);
                double top = marker.value() * 1.1;
                plot.getRangeAxis().setUpperBound(Math.max(top, plot.getRangeAxis().getUpperBound()));
            }
        }
        return chart(title, plot, true);
    }

    /**
     * Lines over categories on a log value axis: one line per run, the categories being ordered
     * points such as latency percentiles.
     *
     * @param values [line][category]; values of 0 or less are left out (a log axis cannot show them)
     */
    static JFreeChart logLines(String title, String categoryAxis, String valueAxis, List<String> lines,
                               List<Paint> paints, List<String> categories, double[][] values) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int l = 0; l < lines.size(); l++) {
            for (int c = 0; c < categories.size(); c++) {
                double v = values[l][c];
                data.addValue(v > 0 ? v : null, lines.get(l), categories.get(c));
                if (v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        LineAndShapeRenderer renderer = new LineAndShapeRenderer(true, true);
        for (int l = 0; l < lines.size(); l++) {
            renderer.setSeriesPaint(l, paints.get(l));
            renderer.setSeriesStroke(l, new BasicStroke(2f));
        }
        LogAxis axis = logAxis(valueAxis);
        decades(axis, min, max);
        CategoryPlot plot = new CategoryPlot(data, categoryAxis(categoryAxis, categories.size()), axis, renderer);
        return chart(title, plot, true);
    }

    /**
     * Lines in the plane, for figures against the offered rate.
     *
     * @param diagonal draw y = x, dashed grey, across the x range (delivered = offered)
     */
    static JFreeChart xy(String title, String xAxis, boolean logX, String yAxis, boolean logY, List<Line> lines,
                         Marker marker, boolean diagonal) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        int i = 0;
        for (Line line : lines) {
            XYSeries s = new XYSeries(line.name(), false, true);
            for (int p = 0; p < line.x().length; p++) {
                double x = line.x()[p];
                double y = line.y()[p];
                if (Double.isNaN(x) || Double.isNaN(y) || (logX && x <= 0) || (logY && y <= 0)) {
                    continue;
                }
                s.add(x, y);
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
            data.addSeries(s);
            renderer.setSeriesPaint(i, line.paint());
            renderer.setSeriesStroke(i, line.dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f)
                    : new BasicStroke(2f));
            i++;
        }
        if (diagonal && minX <= maxX) {
            XYSeries d = new XYSeries("delivered = offered", false, true);
            int steps = 40;
            for (int k = 0; k <= steps; k++) {
                double x = logX ? minX * Math.pow(maxX / minX, (double) k / steps) : minX + (maxX - minX) * k / steps;
                d.add(x, x);
            }
            data.addSeries(d);
            renderer.setSeriesPaint(i, Color.GRAY);
            renderer.setSeriesShapesVisible(i, false);
            renderer.setSeriesStroke(i, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[]{3f, 3f}, 0f));
        }
        if (diagonal && minX <= maxX) {
            minY = Math.min(minY, minX);
            maxY = Math.max(maxY, maxX);
        }
        if (marker != null && marker.value() > 0) {
            minY = Math.min(minY, marker.value());
            maxY = Math.max(maxY, marker.value());
        }
        ValueAxis x = logX ? decades(logAxis(xAxis), minX, maxX) : numberAxis(xAxis);
        ValueAxis y = logY ? decades(logAxis(yAxis), minY, maxY) : numberAxis(yAxis);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        if (marker != null) {
            plot.addRangeMarker(marker(marker));
            if (!logY) {
                y.setUpperBound(Math.max(y.getUpperBound(), marker.value() * 1.1));
            }
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        return chart(title, plot, true);
    }

    /**
     * @return the chart as an SVG document of the report's size (JFreeSVG draws the same chart on its
     *         Graphics2D: text stays text, lines stay vectors)
     */
    static String svg(JFreeChart chart) {
        org.jfree.svg.SVGGraphics2D g = new org.jfree.svg.SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g, new java.awt.Rectangle(0, 0, WIDTH, HEIGHT));
        return g.getSVGDocument();
    }

    /** @return the chart as a PNG image of the report's size */
    static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw chart '" + chart.getTitle().getText() + "'", e);
        }
        return out.toByteArray();
    }

    private static JFreeChart chart(String title, org.jfree.chart.plot.Plot plot, boolean legend) {
        if (plot instanceof CategoryPlot c) {
            c.setBackgroundPaint(Color.WHITE);
            c.setRangeGridlinePaint(GRID);
            c.setOutlineVisible(false);
        }
        JFreeChart chart = new JFreeChart(title, TITLE, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 6, 6, 12));
        TextTitle t = chart.getTitle();
        t.setPaint(Color.DARK_GRAY);
        if (chart.getLegend() != null) {
            chart.getLegend().setFrame(BlockBorder.NONE);
            chart.getLegend().setItemFont(LABEL);
        }
        return chart;
    }

    private static CategoryAxis categoryAxis(String label, int categories) {
        CategoryAxis axis = new CategoryAxis(label);
        axis.setLabelFont(LABEL);
        axis.setTickLabelFont(TICK);
        axis.setCategoryMargin(0.2);
        axis.setMaximumCategoryLabelLines(2);
        if (categories > 8) {
            axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        return axis;
    }

    private static NumberAxis numberAxis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setLabelFont(LABEL);
        axis.setTickLabelFont(TICK);
        axis.setAutoRangeIncludesZero(true);
        return axis;
    }

    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setLabelFont(LABEL);
        axis.setTickLabelFont(TICK);
        axis.setBase(10);
        axis.setSmallestValue(1e-3);
        // plain numbers (1, 10, 100, 1,000) rather than 10^n: read at a glance beside the tables
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        // one labelled tick per decade; automatic units put ticks at 10^0.4 and print 2.511886
        axis.setTickUnit(new NumberTickUnit(1), false, true);
        return axis;
    }

    /** Sets a log axis to whole decades around [min, max] (nothing when there is no positive value). */
    private static LogAxis decades(LogAxis axis, double min, double max) {
        if (min > 0 && max >= min && Double.isFinite(max)) {
            double lo = Math.pow(10, Math.floor(Math.log10(min)));
            double hi = Math.pow(10, Math.ceil(Math.log10(max)));
            axis.setRange(lo, hi > lo ? hi : lo * 10);
        }
        return axis;
    }

    private static ValueMarker marker(Marker m) {
        ValueMarker v = new ValueMarker(m.value(), Color.BLACK, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[]{8f, 4f}, 0f));
        v.setLabel(m.label());
        v.setLabelFont(LABEL);
        v.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        v.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        v.setLabelOffset(new RectangleInsets(2, 6, 2, 2));
        return v;
    }

    /** @return {@code v} with at most {@code decimals} decimals, for labels */
    static String number(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
