package io.lambdahat.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/** The report's charts, drawn headless with JFreeChart and returned as PNG bytes. */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private Charts() {}

    /**
     * A curve with an optional ± band.
     *
     * @param name the legend entry
     * @param x    the abscissae (on a log axis, points with x ≤ 0 are dropped)
     * @param y    the values, one per x
     * @param band half-width of the shaded band around y, one per x (e.g. a standard error); null for none
     * @param markers null for a line; a colour for hollow markers without a line (see {@link #hollow})
     */
    public record Curve(String name, double[] x, double[] y, double[] band, Color markers) {
        /**
         * A line (with a band when {@code band} is not null) in the palette's next colour.
         *
         * @param name the legend's name
         * @param x    abscissae
         * @param y    ordinates
         * @param band half-widths of a band around y, or null
         */
        public Curve(String name, double[] x, double[] y, double[] band) {
            this(name, x, y, band, null);
        }

        /**
         * Points drawn as hollow circles of one colour, without a line, and left out of the axis' range: checkpoints
         * whose value is not an estimate (e.g. not a local minimum) or that carry a diagnostic warning.
         *
         * @param name  the legend's name
         * @param x     abscissae
         * @param y     where to draw each marker
         * @param color the markers' colour
         * @return the curve
         */
        public static Curve hollow(String name, double[] x, double[] y, Color color) {
            return new Curve(name, x, y, null, color);
        }
    }

    /**
     * A shaded x-interval with a label (a stage), or a dashed vertical line when from == to.
     *
     * @param from  start of the interval, in the x axis' units
     * @param to    end of the interval (equal to from for a line)
     * @param label text at the top of the interval (unused for a line)
     * @param color fill, usually translucent ({@link #TYPE_A}, {@link #TYPE_B}, {@link #OTHER}); unused for a line
     */
    public record Shade(double from, double to, String label, Color color) {}

    /** Translucent green for type-A stages (loss ↓, λ̂ ↑). */
    public static final Color TYPE_A = new Color(46, 160, 67, 40);
    /** Translucent red for type-B stages (loss ≈, λ̂ ↓). */
    public static final Color TYPE_B = new Color(214, 39, 40, 40);
    /** Faint grey for every other stage type. */
    public static final Color OTHER = new Color(128, 128, 128, 25);

    /**
     * Curves against x (log axis when {@code logX}), with shaded stages. Curve i is drawn against y axis
     * min(i, yLabels.size() − 1): one label puts every curve on one axis, one label per curve gives each its own
     * (e.g. loss and λ̂ together).
     *
     * @param title   the chart's title
     * @param xLabel  the x axis' label
     * @param logX    a base-10 log x axis (points with x ≤ 0 are dropped)
     * @param yLabels labels of the y axes, at least one
     * @param curves  the curves, coloured in order
     * @param shades  intervals and lines to mark on the x axis; may be empty
     * @param width   image width in pixels
     * @param height  image height in pixels
     * @return the chart as PNG bytes
     * @throws IOException if the PNG encoder fails
     */
    public static byte[] lines(String title, String xLabel, boolean logX, List<String> yLabels, List<Curve> curves,
                               List<Shade> shades, int width, int height) throws IOException {
        XYPlot plot = new XYPlot();
        if (logX) {
            LogAxis axis = new LogAxis(xLabel);
            axis.setSmallestValue(1);
            axis.setBase(10);
            axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            plot.setDomainAxis(axis);
        } else {
            plot.setDomainAxis(new NumberAxis(xLabel));
        }
        for (int i = 0; i < curves.size(); i++) {
            Curve c = curves.get(i);
            int axisIndex = Math.min(i, yLabels.size() - 1);
            if (plot.getRangeAxis(axisIndex) == null) {
                NumberAxis y = new NumberAxis(yLabels.get(axisIndex));
                y.setAutoRangeIncludesZero(false);
                y.setLabelPaint(PALETTE[axisIndex % PALETTE.length]);
                // Java2D draws a combining mark (the hat of λ̂) as a stray glyph in rotated text: such labels stay level
                if (hasCombiningMark(y.getLabel())) y.setLabelAngle(axisIndex == 0 ? Math.PI / 2 : -Math.PI / 2);
                plot.setRangeAxis(axisIndex, y);
            }
            Color color = PALETTE[i % PALETTE.length];
            if (c.markers() != null) {
                XYSeries s = new XYSeries(c.name(), false);
                for (int k = 0; k < c.x().length; k++) if (!logX || c.x()[k] > 0) s.add(c.x()[k], c.y()[k]);
                XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
                r.setSeriesPaint(0, c.markers());
                r.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-4.5, -4.5, 9, 9));
                r.setSeriesShapesFilled(0, false);
                r.setUseOutlinePaint(false);
                r.setSeriesStroke(0, new BasicStroke(1.6f));
                plot.setDataset(i, new XYSeriesCollection(s));
                plot.setRenderer(i, r);
                // the axis is sized by the estimates alone: these points sit inside it or on its edge
                plot.mapDatasetToRangeAxis(i, axisIndex);
                continue;
            }
            if (c.band() != null) {
                YIntervalSeries s = new YIntervalSeries(c.name());
                for (int k = 0; k < c.x().length; k++) {
                    if (logX && c.x()[k] <= 0) continue;
                    s.add(c.x()[k], c.y()[k], c.y()[k] - c.band()[k], c.y()[k] + c.band()[k]);
                }
                YIntervalSeriesCollection d = new YIntervalSeriesCollection();
                d.addSeries(s);
                DeviationRenderer r = new DeviationRenderer(true, false);
                r.setSeriesPaint(0, color);
                r.setSeriesFillPaint(0, color);
                r.setSeriesStroke(0, new BasicStroke(2f));
                r.setAlpha(0.2f);
                plot.setDataset(i, d);
                plot.setRenderer(i, r);
            } else {
                XYSeries s = new XYSeries(c.name(), false);
                for (int k = 0; k < c.x().length; k++) if (!logX || c.x()[k] > 0) s.add(c.x()[k], c.y()[k]);
                XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, c.x().length <= 60);
                r.setSeriesPaint(0, color);
                r.setSeriesStroke(0, new BasicStroke(1.6f));
                plot.setDataset(i, new XYSeriesCollection(s));
                plot.setRenderer(i, r);
            }
            plot.mapDatasetToRangeAxis(i, axisIndex);
        }
        List<Shade> labelled = new java.util.ArrayList<>();
        for (Shade sh : shades) {
            if (sh.from() == sh.to()) {
                ValueMarker m = new ValueMarker(sh.from(), new Color(90, 90, 90), new BasicStroke(1f, BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
                plot.addDomainMarker(m, Layer.FOREGROUND);
            } else {
                plot.addDomainMarker(new IntervalMarker(sh.from(), sh.to(), sh.color()), Layer.BACKGROUND);
                if (sh.label() != null && !sh.label().isEmpty()) labelled.add(sh);
            }
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        if (labelled.isEmpty()) return png(chart, width, height);
        // the labels go on after drawing, when the data area's pixels are known: rows keep neighbours from overlapping,
        // and the y axes get room above the data for those rows, so no label sits on a curve
        // the first pass only lays the chart out: an empty clip skips the painting
        org.jfree.chart.ChartRenderingInfo info = new org.jfree.chart.ChartRenderingInfo();
        java.awt.Graphics2D layout = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB).createGraphics();
        layout.setClip(0, 0, 0, 0);
        chart.draw(layout, new java.awt.geom.Rectangle2D.Double(0, 0, width, height), info);
        layout.dispose();
        java.awt.geom.Rectangle2D area = info.getPlotInfo().getDataArea();
        java.awt.FontMetrics fm = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(LABEL_FONT);
        int lanes = 1 + placeBandLabels(area, plot.getDomainAxis(), labelled, fm).stream().mapToInt(LabelLanes.Placed::lane).max().orElse(0);
        double top = Math.min(0.6, (lanes * (fm.getHeight() + 2) + 8) / area.getHeight());
        for (int i = 0; i < plot.getRangeAxisCount(); i++) {
            if (plot.getRangeAxis(i) instanceof NumberAxis y) y.setUpperMargin((top * (1 + y.getLowerMargin())) / (1 - top));
        }
        info = new org.jfree.chart.ChartRenderingInfo();
        java.awt.image.BufferedImage image = chart.createBufferedImage(width, height, info);
        drawBandLabels(image, info.getPlotInfo().getDataArea(), plot.getDomainAxis(), labelled);
        return ChartUtils.encodeAsPNG(image);
    }

    /** The font of band labels. */
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);

    /** Each band's label centred over its band in the data area, in rows placed by {@link LabelLanes}. */
    static List<LabelLanes.Placed> placeBandLabels(java.awt.geom.Rectangle2D area, org.jfree.chart.axis.ValueAxis axis, List<Shade> bands,
                                                   java.awt.FontMetrics fm) {
        double[] centres = new double[bands.size()], widths = new double[bands.size()];
        for (int i = 0; i < centres.length; i++) {
            Shade b = bands.get(i);
            double a = axis.valueToJava2D(b.from(), area, org.jfree.chart.ui.RectangleEdge.BOTTOM);
            double z = axis.valueToJava2D(b.to(), area, org.jfree.chart.ui.RectangleEdge.BOTTOM);
            centres[i] = (a + z) / 2;
            widths[i] = fm.stringWidth(b.label()) + 6;
        }
        return LabelLanes.place(centres, widths, area.getMinX(), area.getMaxX());
    }

    /**
     * Draws each band's label at the top of the data area, centred over its band, in rows placed by {@link LabelLanes}.
     *
     * @return the placed labels
     */
    static List<LabelLanes.Placed> drawBandLabels(java.awt.image.BufferedImage image, java.awt.geom.Rectangle2D area,
                                                  org.jfree.chart.axis.ValueAxis axis, List<Shade> bands) {
        java.awt.Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(LABEL_FONT);
            java.awt.FontMetrics fm = g.getFontMetrics();
            List<LabelLanes.Placed> placed = placeBandLabels(area, axis, bands, fm);
            int rowHeight = fm.getHeight() + 2;
            for (LabelLanes.Placed p : placed) {
                int top = (int) Math.round(area.getMinY()) + 3 + p.lane() * rowHeight;
                g.setColor(new Color(255, 255, 255, 215));
                g.fillRect((int) Math.round(p.left()), top, (int) Math.round(p.right() - p.left()), fm.getHeight());
                g.setColor(new Color(60, 60, 60));
                g.drawString(bands.get(p.index()).label(), (int) Math.round(p.left()) + 3, top + fm.getAscent());
            }
            return placed;
        } finally {
            g.dispose();
        }
    }

    /** Whether text holds a combining mark (U+0300–U+036F), e.g. the hat of λ̂. */
    static boolean hasCombiningMark(String text) {
        return text != null && text.chars().anyMatch(c -> c >= 0x300 && c <= 0x36f);
    }

    /**
     * A path through the plane (e.g. the essential-dynamics trajectory), points labelled at the given indices.
     *
     * @param title       the chart's title
     * @param xLabel      the x axis' label
     * @param yLabel      the y axis' label
     * @param x           the points' x coordinates, in path order
     * @param y           the points' y coordinates, one per x
     * @param markIndices indices of the points to label; null for none
     * @param markLabels  the labels, one per mark index
     * @param width       image width in pixels
     * @param height      image height in pixels
     * @return the chart as PNG bytes
     * @throws IOException if the PNG encoder fails
     */
    public static byte[] path(String title, String xLabel, String yLabel, double[] x, double[] y, int[] markIndices,
                              String[] markLabels, int width, int height) throws IOException {
        XYSeries s = new XYSeries("trajectory", false);
        for (int k = 0; k < x.length; k++) s.add(x[k], y[k]);
        XYPlot plot = new XYPlot(new XYSeriesCollection(s), new NumberAxis(xLabel), new NumberAxis(yLabel), null);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, PALETTE[0]);
        plot.setRenderer(r);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        for (int i = 0; markIndices != null && i < markIndices.length; i++) {
            var a = new org.jfree.chart.annotations.XYTextAnnotation(markLabels[i], x[markIndices[i]], y[markIndices[i]]);
            a.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            a.setPaint(PALETTE[1]);
            a.setTextAnchor(i == markIndices.length - 1 ? TextAnchor.TOP_RIGHT : TextAnchor.BOTTOM_LEFT);
            plot.addAnnotation(a);
        }
        plot.setBackgroundPaint(Color.WHITE);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return png(chart, width, height);
    }

    /**
     * A heat map of values[row][column] over a grid whose axes are labelled by the given strings (e.g. ε across,
     * nβ up); NaN cells stay blank. Each cell shows its value; colours run from blue (lowest) to red (highest).
     *
     * @param title   the chart's title
     * @param xLabel  the x axis' label
     * @param columns labels of the columns, left to right
     * @param yLabel  the y axis' label
     * @param rows    labels of the rows, bottom to top
     * @param values  the cells, [rows.length][columns.length]
     * @param width   image width in pixels
     * @param height  image height in pixels
     * @return the chart as PNG bytes
     * @throws IOException if the PNG encoder fails
     */
    public static byte[] heatmap(String title, String xLabel, String[] columns, String yLabel, String[] rows, double[][] values,
                                 int width, int height) throws IOException {
        org.jfree.data.xy.DefaultXYZDataset data = new org.jfree.data.xy.DefaultXYZDataset();
        int n = rows.length * columns.length;
        double[][] xyz = new double[3][n];
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        int k = 0;
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < columns.length; c++, k++) {
                xyz[0][k] = c;
                xyz[1][k] = r;
                xyz[2][k] = values[r][c];
                if (Double.isFinite(values[r][c])) {
                    min = Math.min(min, values[r][c]);
                    max = Math.max(max, values[r][c]);
                }
            }
        }
        data.addSeries("values", xyz);
        if (!(max > min)) max = min + 1;
        if (!Double.isFinite(min)) { min = 0; max = 1; }
        org.jfree.chart.renderer.xy.XYBlockRenderer renderer = new org.jfree.chart.renderer.xy.XYBlockRenderer();
        final double lo = min, hi = max;
        renderer.setPaintScale(new org.jfree.chart.renderer.PaintScale() {
            public double getLowerBound() { return lo; }
            public double getUpperBound() { return hi; }
            public java.awt.Paint getPaint(double v) {
                if (!Double.isFinite(v)) return Color.WHITE;
                float t = (float) Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
                return Color.getHSBColor(0.66f * (1 - t), 0.75f, 0.95f);
            }
        });
        org.jfree.chart.axis.SymbolAxis x = new org.jfree.chart.axis.SymbolAxis(xLabel, columns);
        org.jfree.chart.axis.SymbolAxis y = new org.jfree.chart.axis.SymbolAxis(yLabel, rows);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < columns.length; c++) {
                if (!Double.isFinite(values[r][c])) continue;
                var a = new org.jfree.chart.annotations.XYTextAnnotation(String.format(java.util.Locale.ROOT, "%.3g", values[r][c]), c, r);
                a.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                plot.addAnnotation(a);
            }
        }
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return png(chart, width, height);
    }

    private static byte[] png(JFreeChart chart, int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart, width, height);
        return out.toByteArray();
    }
}
