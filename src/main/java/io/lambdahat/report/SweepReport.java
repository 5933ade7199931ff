package io.lambdahat.report;

import io.lambdahat.io.AtomicFiles;
import io.lambdahat.sweep.ComparisonTables;
import io.lambdahat.sweep.SweepComparison;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sweep report, {@code SWEEP/report.html} (self-contained): per setting, interactive charts of every run's λ̂ and
 * loss overlaid with the median across seeds and its 25–75 % band, the matched λ̂ transitions and task-metric changes
 * as bands, links to each run's own report, the tables of {@code lambdahat compare}, and the same charts as PNGs
 * (with the step of each matched λ̂ transition per seed) folded away for papers.
 */
public final class SweepReport {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Color[] RUNS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    private SweepReport() {}

    /**
     * Writes the report.
     *
     * @param file       where to write it, e.g. {@code SWEEP/report.html}
     * @param comparison the comparison of the sweep's runs
     * @return the file
     * @throws IOException if a chart cannot be drawn or the file written
     */
    public static Path write(Path file, SweepComparison.Comparison comparison) throws IOException {
        HtmlReport html = new HtmlReport("Sweep " + comparison.sweep().getFileName());
        html.interactive(SweepPageData.json(file, comparison));
        html.placeholder("lh-controls");
        html.paragraph("Runs that differ only by seed form a setting. Thin lines: each run (λ̂ at its checkpoints that are local minima; "
                + "loss: the full-data loss at each checkpoint); thick black line: the median across seeds; grey band: 25–75 % "
                + "quantiles across seeds. λ̂ transitions (critical points of the smoothed λ̂, as 'lambdahat stages' finds them) "
                + "are matched across seeds by kind and order. Lead = step of the nearest task-metric transition − step of the "
                + "λ̂ boundary: positive when λ̂ moves first; its interval is a 95 % Student-t interval over seeds. In the charts, "
                + "blue bands: each matched λ̂ transition's 25–75 % step range over seeds (dashed: its median); grey bands: each "
                + "task metric's. Hover for every seed's value and the lead intervals; click a seed in the legend to hide it.");
        int index = 0;
        for (SweepComparison.Setting s : comparison.settings()) {
            html.heading("Setting " + s.name() + " (" + s.runs().size() + " runs)");
            for (String n : s.notes()) html.paragraph("Note: " + n);
            html.placeholder("lh-setting-" + index++);
            html.paragraph("Each run's own report:");
            for (SweepComparison.Run run : s.runs()) {
                Path report = comparison.sweep().resolve("cells").resolve(run.cell()).resolve("report.html");
                if (Files.isRegularFile(report)) html.link(SweepPageData.relative(file, report), "seed " + run.seed() + " (" + run.cell() + ")");
                else html.paragraph("seed " + run.seed() + " (" + run.cell() + "): no report yet; 'lambdahat report --run "
                        + report.getParent() + "' writes it");
            }
            // the static charts stay in the file for papers, folded away under the interactive ones
            html.details("PNG charts of this setting, for papers");
            html.image(overlay("λ̂ across seeds: " + s.name(), "λ̂", s, true), "λ̂ of every run with the median and band");
            html.image(overlay("loss across seeds: " + s.name(), "loss", s, false), "loss of every run with the median and band");
            if (!s.transitions().isEmpty()) html.image(transitionSteps(s), "the step of each λ̂ transition per seed");
            html.endDetails();
            if (s.transitions().isEmpty()) {
                html.paragraph("No λ̂ transitions were found in this setting's runs.");
                continue;
            }
            List<List<String>> rows = new ArrayList<>();
            for (SweepComparison.Transition t : s.transitions()) {
                rows.add(List.of(t.name(), t.occurrences().size() + "/" + s.runs().size(), num(t.medianStep()),
                        num(t.lowStep()) + "–" + num(t.highStep()), num(t.minStep()) + "–" + num(t.maxStep()),
                        ComparisonTables.interval(t.leadSteps(), "%+.0f"), ComparisonTables.interval(t.leadLogSteps(), "%+.3f")));
            }
            html.table(List.of("λ̂ transition", "seeds", "median step", "25–75 %", "min–max", "mean lead, steps [95 % CI]", "mean lead, ln step [95 % CI]"), rows);
            List<List<String>> perSeed = new ArrayList<>();
            for (SweepComparison.Transition t : s.transitions()) {
                for (SweepComparison.Occurrence o : t.occurrences()) {
                    perSeed.add(List.of(t.name(), Long.toString(o.seed()), num(o.boundary().step()),
                            num(o.boundary().stepLow()) + "–" + num(o.boundary().stepHigh()),
                            o.lead() == null ? "—" : o.lead().metric(), o.lead() == null ? "—" : num(o.lead().metricStep()),
                            o.lead() == null ? "—" : String.format(Locale.ROOT, "%+.0f", o.lead().steps()),
                            o.lead() == null ? "—" : String.format(Locale.ROOT, "%+.3f", o.lead().logSteps())));
                }
            }
            html.table(List.of("λ̂ transition", "seed", "step", "slope ≈ 0 over", "nearest metric", "its step", "lead, steps", "lead, ln step"), perSeed);
        }
        AtomicFiles.writeString(file, html.render());
        return file;
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f", v) : "—";
    }

    /** Every run's curve, the median (thick, black) and the 25–75 % band (grey), on a log step axis. */
    static byte[] overlay(String title, String yLabel, SweepComparison.Setting s, boolean llc) throws IOException {
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(logSteps());
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        plot.setRangeAxis(y);
        SweepComparison.Band band = llc ? s.llc() : s.loss();
        YIntervalSeries median = new YIntervalSeries("median across seeds (band: 25–75 %)");
        for (int i = 0; i < band.steps().length; i++) {
            if (Double.isFinite(band.median()[i])) median.add(Math.max(band.steps()[i], 1), band.median()[i], band.low()[i], band.high()[i]);
        }
        YIntervalSeriesCollection mc = new YIntervalSeriesCollection();
        mc.addSeries(median);
        DeviationRenderer mr = new DeviationRenderer(true, false);
        mr.setSeriesPaint(0, Color.BLACK);
        mr.setSeriesFillPaint(0, Color.GRAY);
        mr.setSeriesStroke(0, new BasicStroke(3f));
        mr.setAlpha(0.3f);
        plot.setDataset(0, mc);
        plot.setRenderer(0, mr);
        XYSeriesCollection runs = new XYSeriesCollection();
        XYLineAndShapeRenderer rr = new XYLineAndShapeRenderer(true, false);
        for (int r = 0; r < s.runs().size(); r++) {
            SweepComparison.Run run = s.runs().get(r);
            XYSeries line = new XYSeries("seed " + run.seed(), false);
            double[] v = llc ? run.llc() : run.loss();
            for (int i = 0; i < v.length; i++) line.add(Math.max(run.steps()[i], 1), v[i]);
            runs.addSeries(line);
            rr.setSeriesPaint(r, RUNS[r % RUNS.length]);
            rr.setSeriesStroke(r, new BasicStroke(1.2f));
        }
        plot.setDataset(1, runs);
        plot.setRenderer(1, rr);
        return png(plot, title, 1000, 420);
    }

    /** Each matched transition on its own row: the step in every seed (hollow circles) and the median (a filled diamond). */
    static byte[] transitionSteps(SweepComparison.Setting s) throws IOException {
        List<SweepComparison.Transition> ts = s.transitions();
        XYSeries seeds = new XYSeries("step per seed", false), medians = new XYSeries("median", false);
        String[] names = new String[ts.size()];
        for (int k = 0; k < ts.size(); k++) {
            names[k] = ts.get(k).name();
            for (SweepComparison.Occurrence o : ts.get(k).occurrences()) seeds.add(Math.max(o.boundary().step(), 1), k);
            medians.add(Math.max(ts.get(k).medianStep(), 1), k);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(seeds);
        data.addSeries(medians);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setSeriesPaint(0, RUNS[0]);
        r.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-5, -5, 10, 10));
        r.setSeriesShapesFilled(0, false);
        r.setUseOutlinePaint(false);
        r.setSeriesStroke(0, new BasicStroke(1.6f));
        r.setSeriesPaint(1, Color.BLACK);
        r.setSeriesShape(1, new java.awt.Polygon(new int[] {0, 6, 0, -6}, new int[] {-6, 0, 6, 0}, 4));
        SymbolAxis y = new SymbolAxis("λ̂ transition", names);
        XYPlot plot = new XYPlot(data, logSteps(), y, r);
        return png(plot, "λ̂ transition steps per seed: " + s.name(), 1000, Math.max(220, 90 + 55 * ts.size()));
    }

    private static LogAxis logSteps() {
        LogAxis axis = new LogAxis("training step");
        axis.setSmallestValue(1);
        axis.setBase(10);
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return axis;
    }

    private static byte[] png(XYPlot plot, String title, int width, int height) throws IOException {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart, width, height);
        return out.toByteArray();
    }
}
