package io.lambdahat.report;

import io.lambdahat.dynamics.EssentialDynamicsResult;
import io.lambdahat.dynamics.HiddenTransition;
import io.lambdahat.dynamics.Stage;
import io.lambdahat.dynamics.StageAnalysis;
import io.lambdahat.dynamics.StageType;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.dynamics.Direction;
import io.lambdahat.dynamics.MetricTransition;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.run.RunFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of one run: {@code DIR/report.html} (self-contained), the charts as PNG files in {@code DIR/report/},
 * and the numbers behind them as {@code DIR/trajectory.csv}.
 */
public final class RunReport {
    private RunReport() {}

    /**
     * Training metrics over steps (e.g. held-out loss, ICL score), by column name; may be empty.
     *
     * @param steps   the training steps at which the metrics were measured
     * @param columns each metric's values, one per step, by name (the name titles its chart)
     */
    public record Metrics(long[] steps, Map<String, double[]> columns) {
        /** {@return no metrics: the report leaves out the metrics section} */
        public static Metrics none() {
            return new Metrics(new long[0], Map.of());
        }
    }

    /**
     * Writes the report: loss and λ̂ over training with the stages shaded, the stage table, the metrics, online λ̂
     * traces at up to three checkpoints, and the essential-dynamics path when there are two or more components.
     *
     * @param runDir    the run's directory; {@code report/} is created in it
     * @param title     the page's title
     * @param entries   the λ̂ records of every checkpoint, in step order
     * @param analysis  the stage analysis of those records
     * @param metrics   training metrics to chart ({@link Metrics#none()} for none)
     * @param essential the essential-dynamics result, or null to leave that section out
     * @return the path of {@code report.html}
     * @throws IOException if a file cannot be written
     */
    public static Path write(Path runDir, String title, List<RunRecords.Entry> entries, StageAnalysis analysis, Metrics metrics,
                             EssentialDynamicsResult essential) throws IOException {
        return write(runDir, title, entries, analysis, metrics, essential, List.of());
    }

    /**
     * Writes the report as {@link #write(Path, String, List, StageAnalysis, Metrics, EssentialDynamicsResult)} does,
     * with each task metric's fastest change marked (a grey band over its half-maximum stretch) on the loss/λ̂
     * chart and on that metric's chart, and listed under the stage table.
     *
     * @param runDir      the run's directory; {@code report/} is created in it
     * @param title       the page's title
     * @param entries     the λ̂ records of every checkpoint, in step order
     * @param analysis    the stage analysis of those records
     * @param metrics     training metrics to chart ({@link Metrics#none()} for none)
     * @param essential   the essential-dynamics result, or null to leave that section out
     * @param transitions the metrics' fastest changes ({@link MetricTransition#fastest}); empty for none
     * @return the path of {@code report.html}
     * @throws IOException if a file cannot be written
     */
    public static Path write(Path runDir, String title, List<RunRecords.Entry> entries, StageAnalysis analysis, Metrics metrics,
                             EssentialDynamicsResult essential, List<MetricTransition> transitions) throws IOException {
        RunFolder folder = RunFolder.of(runDir);
        Path charts = Files.createDirectories(folder.reportFolder());
        HtmlReport html = new HtmlReport(title);
        double[] steps = entries.stream().mapToDouble(e -> Math.max(e.step(), 1)).toArray();
        double[] loss = entries.stream().mapToDouble(RunRecords.Entry::loss).toArray();
        // λ̂ is an estimate only where the chains stayed local; elsewhere it measures the descent and would set the axis
        List<RunRecords.Entry> local = entries.stream().filter(e -> !e.notLocalMinimum() && Double.isFinite(e.llcMean())).toList();
        List<RunRecords.Entry> notLocal = entries.stream().filter(RunRecords.Entry::notLocalMinimum).toList();
        List<RunRecords.Entry> flagged = local.stream().filter(e -> !e.findings().isEmpty()).toList();
        double[] localSteps = local.stream().mapToDouble(e -> Math.max(e.step(), 1)).toArray();
        double[] llc = local.stream().mapToDouble(RunRecords.Entry::llcMean).toArray();
        double[] se = local.stream().mapToDouble(e -> Double.isFinite(e.llcStderr()) ? e.llcStderr() : 0).toArray();
        double floor = java.util.Arrays.stream(llc).min().orElse(0);

        List<Charts.Shade> shades = new ArrayList<>();
        for (Stage s : analysis.stages()) {
            String label = s.type() == StageType.A ? "A" : s.type() == StageType.B ? "B" : "";
            var color = s.type() == StageType.A ? Charts.TYPE_A : s.type() == StageType.B ? Charts.TYPE_B : Charts.OTHER;
            shades.add(new Charts.Shade(Math.max(s.startStep(), 1), Math.max(s.endStep(), 1), label, color));
        }
        analysis.llcBoundaries().forEach(b -> shades.add(new Charts.Shade(Math.max(b.step(), 1), Math.max(b.step(), 1), "", null)));
        List<Charts.Shade> withMetrics = new ArrayList<>(shades);
        // overlapping metric bands share one label, or their labels would print over each other
        List<MetricTransition> byStart = transitions.stream().sorted(java.util.Comparator.comparingDouble(MetricTransition::stepLow)).toList();
        for (int i = 0; i < byStart.size(); ) {
            int j = i + 1;
            double end = byStart.get(i).stepHigh();
            while (j < byStart.size() && byStart.get(j).stepLow() <= end) end = Math.max(end, byStart.get(j++).stepHigh());
            for (int k = i; k < j; k++) {
                MetricTransition t = byStart.get(k);
                String label = k > i ? "" : j - i > 1 ? "task metrics" : shortName(t);
                withMetrics.add(new Charts.Shade(Math.max(t.stepLow(), 1), Math.max(t.stepHigh(), 1), label, Charts.OTHER));
            }
            i = j;
        }

        html.heading("Loss and λ̂ over training");
        boolean ofModel = !entries.isEmpty() && entries.getLast().targets() == io.lambdahat.trajectory.Targets.MODEL;
        html.paragraph((ofModel
                ? "λ̂ of the learned function: each checkpoint's own outputs on the training inputs are its targets (--targets-from model), "
                        + "so every checkpoint is a minimum of its own loss and λ̂ measures the complexity of the function it computes. "
                        + "Loss: full-data loss at each checkpoint on the training targets. "
                : "Loss: full-data loss at each checkpoint on the data λ̂ is sampled on. ") + "λ̂: mean over chains ± standard error. "
                + "Shaded: stages between critical points of the smoothed λ̂ curve (green A: loss ↓, λ̂ ↑; red B: loss flat, λ̂ ↓); "
                + "dashed: the λ̂ boundaries. Orange hollow circles on the λ̂ axis' floor: checkpoints that are not local minima "
                + "(their chains ran downhill, so they have no λ̂ estimate and stay out of the stages); purple hollow circles: "
                + "estimates with a diagnostic warning (see Diagnostics).");
        List<Charts.Curve> mainCurves = new ArrayList<>(List.of(new Charts.Curve("loss", steps, loss, null), new Charts.Curve("λ̂", localSteps, llc, se)));
        if (!notLocal.isEmpty()) {
            mainCurves.add(Charts.Curve.hollow("not a local minimum (no λ̂)", notLocal.stream().mapToDouble(e -> Math.max(e.step(), 1)).toArray(),
                    notLocal.stream().mapToDouble(e -> floor).toArray(), NOT_LOCAL));
        }
        if (!flagged.isEmpty()) {
            mainCurves.add(Charts.Curve.hollow("diagnostic warning", flagged.stream().mapToDouble(e -> Math.max(e.step(), 1)).toArray(),
                    flagged.stream().mapToDouble(RunRecords.Entry::llcMean).toArray(), WARNED));
        }
        byte[] main = Charts.lines("Loss and λ̂", "training step (log)", true, List.of("loss", "λ̂"), mainCurves, withMetrics, 1000, 480);
        Files.write(charts.resolve("loss_llc.png"), main);
        html.image(main, "loss and λ̂ over log step");

        html.heading("Stages");
        List<List<String>> rows = new ArrayList<>();
        for (Stage s : analysis.stages()) {
            rows.add(List.of(Integer.toString(s.index()), fmt(s.startStep()), fmt(s.endStep()), String.format(Locale.ROOT, "%+.4g", s.deltaLoss()),
                    String.format(Locale.ROOT, "%+.4g", s.deltaLlc()), s.type().name(), s.type().description()));
        }
        html.table(List.of("stage", "from step", "to step", "Δloss", "Δλ̂", "type", "meaning"), rows);
        if (!analysis.hiddenTransitions().isEmpty()) {
            StringBuilder h = new StringBuilder("Hidden transitions (λ̂ boundary with no loss boundary nearby): ");
            for (HiddenTransition t : analysis.hiddenTransitions()) h.append("step ≈ ").append(fmt(t.boundary().step())).append(" (").append(t.boundary().kind()).append("); ");
            html.paragraph(h.toString());
        }
        if (!transitions.isEmpty()) {
            StringBuilder h = new StringBuilder("Task metrics, fastest change over log step (grey bands: the half-maximum stretch of the slope): ");
            for (MetricTransition t : transitions) {
                h.append(String.format(Locale.ROOT, "%s %s fastest at step ≈ %s (%s–%s), %.4g → %.4g; ", t.metric(),
                        t.direction() == Direction.UP ? "rises" : "falls", fmt(t.step()), fmt(t.stepLow()), fmt(t.stepHigh()),
                        t.valueBefore(), t.valueAfter()));
            }
            html.paragraph(h.toString());
        }

        if (metrics.steps().length > 0 && !metrics.columns().isEmpty()) {
            html.heading("Training metrics");
            double[] ms = new double[metrics.steps().length];
            for (int i = 0; i < ms.length; i++) ms[i] = Math.max(metrics.steps()[i], 1);
            for (var col : metrics.columns().entrySet()) {
                List<Charts.Shade> own = new ArrayList<>(shades);
                transitions.stream().filter(t -> t.metric().equals(col.getKey())).forEach(t ->
                        own.add(new Charts.Shade(Math.max(t.stepLow(), 1), Math.max(t.stepHigh(), 1), "fastest", Charts.OTHER)));
                byte[] png = Charts.lines(col.getKey(), "training step (log)", true, List.of(col.getKey()),
                        List.of(new Charts.Curve(col.getKey(), ms, col.getValue(), null)), own, 1000, 360);
                Files.write(charts.resolve("metric_" + col.getKey().replaceAll("[^A-Za-z0-9_]", "_") + ".png"), png);
                html.image(png, col.getKey());
            }
        }

        Map<String, io.lambdahat.trajectory.HeadTrajectory.Series> heads = io.lambdahat.trajectory.HeadTrajectory.read(runDir);
        if (!heads.isEmpty()) {
            html.heading("λ̂ per attention head");
            html.paragraph("Weight-refined λ̂ of each head (its slices of W_Q, W_K, W_V, W_O move, the rest stays at the checkpoint): "
                    + "heads that specialise at a transition show it as a rise in their own curve.");
            List<Charts.Curve> curves = new ArrayList<>();
            heads.forEach((label, series) -> curves.add(new Charts.Curve(label,
                    java.util.Arrays.stream(series.steps()).mapToDouble(t -> Math.max(t, 1)).toArray(), series.mean(), null)));
            byte[] png = Charts.lines("λ̂ per attention head", "training step (log)", true, List.of("λ̂ (head)"), curves, shades, 1000, 480);
            Files.write(charts.resolve("llc_per_head.png"), png);
            html.image(png, "λ̂ per attention head");
        }

        html.heading("Online λ̂ per chain");
        html.paragraph("nβ·(L_t − L_init) at each draw, one line per chain: flat traces after burn-in mean the estimate has settled.");
        for (int idx : pick(entries.size())) {
            RunRecords.Entry e = entries.get(idx);
            List<Charts.Curve> curves = new ArrayList<>();
            for (int c = 0; c < e.llcTrace().length; c++) {
                double[] x = new double[e.llcTrace()[c].length];
                for (int t = 0; t < x.length; t++) x[t] = t;
                curves.add(new Charts.Curve("chain " + c, x, e.llcTrace()[c], null));
            }
            if (curves.isEmpty()) continue;
            byte[] png = Charts.lines("checkpoint step " + e.step() + ": λ̂ = " + fmt(e.llcMean()), "draw", false, List.of("online λ̂"),
                    curves, List.of(), 1000, 320);
            Files.write(charts.resolve("traces_step_" + e.step() + ".png"), png);
            html.image(png, "online λ̂ traces at step " + e.step());
        }

        if (essential != null && essential.pca().k() >= 2) {
            html.heading("Essential dynamics");
            double[][] scores = essential.pca().scores();
            double[] x = new double[scores.length], y = new double[scores.length];
            for (int i = 0; i < scores.length; i++) { x[i] = scores[i][0]; y[i] = scores[i][1]; }
            int[] marks = {0, scores.length - 1};
            String[] labels = {"step " + essential.steps()[0], "step " + essential.steps()[scores.length - 1]};
            byte[] png = Charts.path("Model outputs on a probe set, PCA over checkpoints", "PC1", "PC2", x, y, marks, labels, 700, 600);
            Files.write(charts.resolve("essential_dynamics.png"), png);
            html.image(png, "essential dynamics");
            StringBuilder tp = new StringBuilder(String.format(Locale.ROOT, "Explained variance: PC1 %.2f, PC2 %.2f. Turning points: ",
                    essential.pca().explainedVarianceRatio()[0], essential.pca().explainedVarianceRatio()[1]));
            essential.turningPoints().forEach(t -> tp.append(String.format(Locale.ROOT, "step ≈ %s (%.0f°); ", fmt(t.step()), t.turningAngleDegrees())));
            html.paragraph(tp.toString());
        }

        diagnostics(html, entries);

        html.heading("Data");
        html.link(RunFolder.TRAJECTORY_CSV, RunFolder.TRAJECTORY_CSV);
        html.link(RunFolder.STAGES, RunFolder.STAGES);
        writeCsv(folder.trajectoryCsv(), entries);
        Path out = folder.reportHtml();
        AtomicFiles.writeString(out, html.render());
        return out;
    }

    /** Colour of the checkpoints that are not local minima. */
    static final java.awt.Color NOT_LOCAL = new java.awt.Color(0xff7f0e);
    /** Colour of the estimates with a diagnostic warning. */
    static final java.awt.Color WARNED = new java.awt.Color(0x9467bd);

    /** Every checkpoint's sampler settings and diagnostics, one row each. */
    private static void diagnostics(HtmlReport html, List<RunRecords.Entry> entries) {
        html.heading("Diagnostics");
        html.paragraph("Every checkpoint's sampler settings and what its chains showed. Findings: not local minimum (the chains ran "
                + "downhill; no λ̂), stuck chains (they still spread like free noise: ε too small or too few steps; λ̂ too low), "
                + "diverged, chains disagree (R̂ > 1.1), low acceptance (MALA < 0.5: ε too large), not settled (online λ̂ still rising).");
        List<List<String>> rows = new ArrayList<>();
        for (RunRecords.Entry e : entries) {
            var cfg = e.raw().path("config");
            double ess = 0;
            int k = 0;
            for (var v : e.raw().path("ess")) if (v.isNumber()) { ess += v.asDouble(); k++; }
            rows.add(List.of(Long.toString(e.step()), fmt(e.llcMean()), num(cfg, "epsilon"), num(cfg, "gamma"), num(cfg, "nbeta"),
                    cfg.path("num_chains").asText("-"), cfg.path("num_draws").asText("-"), cfg.path("num_burnin_steps").asText("-"),
                    fmt(e.malaAcceptance()), fmt(e.raw().path("rhat").asDouble(Double.NaN)), k == 0 ? "-" : fmt(ess / k),
                    String.join(", ", e.findings()).replace('_', ' ')));
        }
        html.table(List.of("step", "λ̂", "ε", "γ", "nβ", "chains", "draws", "burn-in", "MALA", "R̂", "ESS/chain", "findings"), rows);
    }

    private static String num(com.fasterxml.jackson.databind.JsonNode n, String key) {
        return n.has(key) ? String.format(Locale.ROOT, "%.3g", n.get(key).asDouble()) : "-";
    }

    /** A label short enough for a chart band: "icl_score ↓". */
    private static String shortName(MetricTransition t) {
        String name = t.metric().replace("held_out_loss", "loss").replace("induction_accuracy", "ind. acc.").replace("icl_score", "ICL");
        return name + (t.direction() == Direction.UP ? " ↑" : " ↓");
    }

    private static int[] pick(int n) {
        if (n <= 3) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        return new int[] {0, n / 2, n - 1};
    }

    static String fmt(double v) {
        if (!Double.isFinite(v)) return "–";
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static void writeCsv(Path file, List<RunRecords.Entry> entries) throws IOException {
        StringBuilder s = new StringBuilder("step,loss,llc_mean,llc_stderr,llc_std,mala_accept\n");
        for (RunRecords.Entry e : entries) {
            s.append(String.format(Locale.ROOT, "%d,%.9g,%.9g,%.9g,%.9g,%.6g%n", e.step(), e.loss(), e.llcMean(), e.llcStderr(), e.llcStd(), e.malaAcceptance()));
        }
        AtomicFiles.writeString(file, s.toString());
    }

    /**
     * The stage table as plain text, for the terminal.
     *
     * @param analysis the stage analysis
     * @return one line per stage (steps, Δloss, Δλ̂, type), then one per hidden transition
     */
    public static String stageTable(StageAnalysis analysis) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-6s %10s %10s %11s %11s  %-20s%n", "stage", "from", "to", "Δloss", "Δλ̂", "type"));
        for (Stage st : analysis.stages()) {
            s.append(String.format(Locale.ROOT, "%-6d %10s %10s %+11.4g %+11.4g  %-20s %s%n", st.index(), fmt(st.startStep()), fmt(st.endStep()),
                    st.deltaLoss(), st.deltaLlc(), st.type().name(), st.type().description()));
        }
        for (HiddenTransition t : analysis.hiddenTransitions()) {
            s.append(String.format(Locale.ROOT, "hidden transition: λ̂ %s at step ≈ %s with no loss boundary nearby%n",
                    t.boundary().kind().name().toLowerCase(Locale.ROOT), fmt(t.boundary().step())));
        }
        return s.toString();
    }

    /**
     * The stage analysis as a map ready for JSON.
     *
     * @param analysis the stage analysis
     * @return stages, λ̂ and loss boundaries, hidden transitions and the options, in that order
     */
    public static Map<String, Object> stagesJson(StageAnalysis analysis) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stages", analysis.stages());
        m.put("llc_boundaries", analysis.llcBoundaries());
        m.put("loss_boundaries", analysis.lossBoundaries());
        m.put("hidden_transitions", analysis.hiddenTransitions());
        m.put("options", analysis.options());
        return m;
    }
}
