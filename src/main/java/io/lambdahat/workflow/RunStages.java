package io.lambdahat.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.InvalidInputException;
import io.lambdahat.dynamics.MetricTransition;
import io.lambdahat.dynamics.StageAnalysis;
import io.lambdahat.dynamics.StageDetector;
import io.lambdahat.dynamics.Trajectory;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.report.RunReport;
import io.lambdahat.run.RunFolder;
import io.lambdahat.trajectory.RunRecords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The developmental stages of a run from its λ̂ records: stage detection on the λ̂ and loss trajectory, and the
 * fastest change of each task metric of metrics.csv, written to DIR/stages.json.
 *
 * <pre>{@code
 * RunStages.Analysis a = RunStages.analyse(Path.of("runs/dln"));
 * a.stages().stages().forEach(System.out::println);
 * }</pre>
 */
public final class RunStages {
    private RunStages() {}

    /**
     * A run's stages and its task metrics' fastest changes, as written to DIR/stages.json.
     *
     * @param stages  the stage analysis of the λ̂ trajectory
     * @param metrics the fastest change of each task metric
     * @param entries the λ̂ records analysed, in step order
     */
    public record Analysis(StageAnalysis stages, List<MetricTransition> metrics, List<RunRecords.Entry> entries) {
        /** {@return how many checkpoints are not local minima (their chains ran downhill), left out of the λ̂ stages} */
        public long notLocalMinima() {
            return entries.stream().filter(RunRecords.Entry::notLocalMinimum).count();
        }
    }

    /**
     * The stages of a run with records of one sampler setting, written to DIR/stages.json; notes are dropped.
     *
     * @param run the run folder
     * @return the analysis
     * @throws IOException if the records cannot be read or stages.json cannot be written
     * @throws InvalidInputException if the run has too few records, or records made with different settings
     */
    public static Analysis analyse(Path run) throws IOException {
        return analyse(run, note -> { }, false);
    }

    /**
     * The stages of a run, written to DIR/stages.json. A damaged record is left out with one note: the other
     * checkpoints still make a trajectory, and 'lambdahat trajectory' recomputes the damaged one. Records made with
     * different sampler settings are refused unless {@code allowMixedSettings}: their λ̂ are not comparable.
     *
     * @param run                the run folder
     * @param notes              receives one line per damaged record, before the analysis
     * @param allowMixedSettings analyse records made with different sampler settings
     * @return the analysis
     * @throws IOException if the records cannot be read or stages.json cannot be written
     * @throws InvalidInputException if the run has too few records, or mixed settings that are not allowed
     */
    public static Analysis analyse(Path run, Consumer<String> notes, boolean allowMixedSettings) throws IOException {
        if (!Files.isDirectory(run)) throw new InvalidInputException("run folder " + run + " does not exist");
        RunRecords.Scan scan = RunRecords.scan(run);
        for (RunRecords.Damaged d : scan.damaged()) {
            notes.accept("note: skipped the damaged λ̂ record " + d.file() + " (" + d.problem() + "); 'lambdahat trajectory --run " + run
                    + "' recomputes it");
        }
        List<RunRecords.Entry> entries = scan.entries();
        var mixed = RunRecords.mixedSettings(entries);
        if (mixed.isPresent() && !allowMixedSettings) {
            throw new InvalidInputException(mixed.get() + "; rerun 'lambdahat trajectory --recompute' with one setting, or pass --mixed-settings");
        }
        long flagged = entries.stream().filter(RunRecords.Entry::notLocalMinimum).count();
        long usable = entries.stream().filter(e -> !e.notLocalMinimum() && Double.isFinite(e.llcMean()) && Double.isFinite(e.loss())).count();
        if (flagged > 0 && usable < Trajectory.MIN_CHECKPOINTS) {
            throw new InvalidInputException("λ̂ was estimated at " + entries.size() + " checkpoints, but " + flagged + " of them are not local "
                    + "minima (their chains ran downhill, so λ̂ there measures the descent) and are left out of the stages: " + usable
                    + " remain, stage detection needs at least " + Trajectory.MIN_CHECKPOINTS + "; measure λ̂ of the learned function, where "
                    + "every checkpoint is a minimum of its own loss ('lambdahat trajectory --run " + run + " --targets-from model --recompute'), "
                    + "or keep the chains local with a larger --gamma");
        }
        StageAnalysis analysis = StageDetector.detect(RunRecords.trajectory(entries));
        List<MetricTransition> metrics = metricTransitions(run, analysis);
        Map<String, Object> json = new LinkedHashMap<>(RunReport.stagesJson(analysis));
        json.put("metric_transitions", metrics);
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json);
        AtomicFiles.writeString(RunFolder.of(run).stagesFile(), text);
        return new Analysis(analysis, metrics, entries);
    }

    /**
     * The fastest change of each task metric in DIR/metrics.csv (held-out loss, ICL score, accuracies; not the
     * learning rate, whose schedule is set by hand), on the stages' log-step axis: where the behaviour changes, to read
     * beside the λ̂ stages.
     *
     * @param run      the run folder
     * @param analysis the stage analysis whose log-step axis and significance level are used
     * @return one transition per metric that changes significantly
     * @throws IOException if metrics.csv cannot be read
     */
    public static List<MetricTransition> metricTransitions(Path run, StageAnalysis analysis) throws IOException {
        RunReport.Metrics metrics = RunMetricColumns.read(run);
        List<MetricTransition> out = new ArrayList<>();
        for (var column : metrics.columns().entrySet()) {
            if (column.getKey().equals("lr")) continue;
            MetricTransition.fastest(column.getKey(), metrics.steps(), column.getValue(), analysis.options().logOffset(),
                    analysis.options().significanceZ()).ifPresent(out::add);
        }
        return out;
    }
}
