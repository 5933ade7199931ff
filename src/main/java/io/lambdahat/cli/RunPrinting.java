package io.lambdahat.cli;

import io.lambdahat.dynamics.Direction;
import io.lambdahat.dynamics.MetricTransition;
import io.lambdahat.dynamics.StageAnalysis;
import io.lambdahat.report.RunReport;
import io.lambdahat.train.TrainConfig;
import io.lambdahat.train.TrainResult;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.trajectory.TrajectoryRunner;
import io.lambdahat.workflow.CheckpointLlc;
import io.lambdahat.workflow.RunStages;
import io.lambdahat.workflow.RunTraining;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What train, trajectory, stages and demo print about a run's workflows, in one place so that they print it alike. */
final class RunPrinting {
    private RunPrinting() {}

    /** The training summary: what was trained, how long it took, where the run folder is. */
    static void trained(PrintWriter o, Path out, RunTraining.Trained t, TrainConfig config) {
        TrainResult result = t.result();
        if (t.alreadyComplete()) {
            o.printf(Locale.ROOT, "%s is complete (%d steps of %s on %s); nothing to do.%n", out, result.endStep(), t.task(), t.model());
        } else {
            o.printf(Locale.ROOT, "%s %s on %s: steps %d → %d of %d in %.1f s (%d metrics rows, %.1f s of evaluation), "
                            + "%d checkpoints written; held-out loss %.4g.%n",
                    result.startStep() == 0 ? "trained" : "resumed", t.task(), t.model(), result.startStep(), result.endStep(),
                    config.steps(), result.seconds(), result.rows(), result.evaluationSeconds(), result.checkpointsWritten(), result.heldOutLoss());
            if (!result.complete()) o.println("paused: rerun the same command to continue.");
            o.println("run folder: " + out.toAbsolutePath() + " (config.json, metrics.csv, checkpoints/)");
        }
        o.flush();
    }

    /** λ̂ at the checkpoints: notes and errors on {@code err}, then one line per record of the run on {@code out}. */
    static void estimated(PrintWriter out, PrintWriter err, Path run, CheckpointLlc.Result r) throws IOException {
        List<TrajectoryRunner.Outcome> outcomes = r.outcomes();
        for (TrajectoryRunner.Outcome o : outcomes) {
            if (o.setAside() != null) err.println("note: " + o.setAside());
            if (o.error() != null) err.println("error: " + o.error());
        }
        out.printf("λ̂ at %d checkpoints of %s (%d already done, %d failed); records in %s%n", outcomes.size() - r.failed(), run,
                r.reused(), r.failed(), RunRecords.folder(run));
        int notLocal = 0;
        Map<String, Integer> findings = new TreeMap<>();
        for (RunRecords.Entry e : RunRecords.scan(run).entries()) {
            out.printf("  step %8d  loss %-12.6g λ̂ %8.3f ± %.3f%s%n", e.step(), e.loss(), e.llcMean(), e.llcStderr(), RunRecords.flags(e));
            if (e.notLocalMinimum()) notLocal++;
            for (String f : e.findings()) findings.merge(f.replace('_', ' '), 1, Integer::sum);
        }
        if (!findings.isEmpty()) {
            out.println("diagnostics (checkpoints with each finding): " + findings.entrySet().stream()
                    .map(f -> f.getKey() + " " + f.getValue()).collect(Collectors.joining(", ")));
        }
        if (notLocal > 0) {
            out.printf("%d checkpoints are not local minima: their chains ran downhill, so their numbers measure the descent, not%n"
                    + "complexity; they are plotted apart and left out of the stages (a larger --gamma keeps chains local where the%n"
                    + "curvature allows, at the price of a lower λ̂ at the minima)%n", notLocal);
        }
        out.flush();
        err.flush();
    }

    /** The stage table and the task metrics' fastest changes, after a line on the checkpoints left out. */
    static void stages(PrintWriter out, RunStages.Analysis analysis) {
        long notLocal = analysis.notLocalMinima();
        if (notLocal > 0) out.printf("%d checkpoints are not local minima (their chains ran downhill): left out of the λ̂ stages%n", notLocal);
        out.print(RunReport.stageTable(analysis.stages()) + metricTable(analysis.metrics(), analysis.stages()));
        out.flush();
    }

    /** One line per metric transition, naming the stage it falls in. */
    static String metricTable(List<MetricTransition> transitions, StageAnalysis analysis) {
        StringBuilder s = new StringBuilder();
        if (!transitions.isEmpty()) s.append("task metrics, fastest change over log step (metrics.csv):\n");
        for (MetricTransition t : transitions) {
            String stage = analysis.stages().stream().filter(st -> st.startStep() <= t.step() && t.step() <= st.endStep())
                    .map(st -> "stage " + st.index()).findFirst().orElse("no stage");
            s.append(String.format(Locale.ROOT, "  %-20s %s fastest at step ≈ %.0f (half-maximum %.0f–%.0f): %.4g → %.4g; in %s%n",
                    t.metric(), t.direction() == Direction.UP ? "rises" : "falls", t.step(), t.stepLow(), t.stepHigh(),
                    t.valueBefore(), t.valueAfter(), stage));
        }
        return s.toString();
    }
}
