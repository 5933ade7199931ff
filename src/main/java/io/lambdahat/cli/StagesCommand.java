package io.lambdahat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.dynamics.Direction;
import io.lambdahat.dynamics.MetricTransition;
import io.lambdahat.dynamics.StageAnalysis;
import io.lambdahat.dynamics.StageDetector;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.InvalidInputException;
import io.lambdahat.report.RunReport;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.run.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lambdahat stages}: developmental stages from a run's λ̂ trajectory. */
@Command(name = "stages", mixinStandardHelpOptions = true,
        description = {"Find the stages of a training run: smooth λ̂ and the loss in log step (Gaussian process), put boundaries at",
                "critical points of λ̂, and type each stage (A: loss ↓ λ̂ ↑; B: loss flat, λ̂ ↓). Also where each task metric of",
                "metrics.csv (held-out loss, ICL score, ...) changes fastest. Writes DIR/stages.json."},
        footer = {"", "Example:", "  ./lambdahat stages --run runs/dln"})
final class StagesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--run", required = true, description = "run folder (with llc/ records from 'lambdahat trajectory')")
    Path run;
    @Option(names = "--json", description = "print the analysis as JSON")
    boolean json;
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;
    @Option(names = "--mixed-settings", description = "analyse records made with different sampler settings (refused by default)")
    boolean mixedSettings;

    /** A run's stages and its task metrics' fastest changes, as written to DIR/stages.json. */
    record Analysis(StageAnalysis stages, List<MetricTransition> metrics, List<RunRecords.Entry> entries) {}

    /**
     * The stages of a run, written to DIR/stages.json. A damaged record is left out with one line on {@code err}:
     * the other checkpoints still make a trajectory, and 'lambdahat trajectory' recomputes the damaged one. Records made
     * with different sampler settings are refused unless {@code allowMixedSettings}: their λ̂ are not comparable.
     */
    static Analysis analyse(Path run, java.io.PrintWriter err, boolean allowMixedSettings) throws Exception {
        RunRecords.Scan scan = RunRecords.scan(run);
        for (RunRecords.Damaged d : scan.damaged()) {
            err.println("note: skipped the damaged λ̂ record " + d.file() + " (" + d.problem() + "); 'lambdahat trajectory --run " + run
                    + "' recomputes it");
        }
        err.flush();
        List<RunRecords.Entry> entries = scan.entries();
        var mixed = RunRecords.mixedSettings(entries);
        if (mixed.isPresent() && !allowMixedSettings) {
            throw new InvalidInputException(mixed.get() + "; rerun 'lambdahat trajectory --recompute' with one setting, or pass --mixed-settings");
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
     */
    static List<MetricTransition> metricTransitions(Path run, StageAnalysis analysis) throws java.io.IOException {
        RunReport.Metrics metrics = ReportCommand.readMetrics(run);
        List<MetricTransition> out = new ArrayList<>();
        for (var column : metrics.columns().entrySet()) {
            if (column.getKey().equals("lr")) continue;
            MetricTransition.fastest(column.getKey(), metrics.steps(), column.getValue(), analysis.options().logOffset(),
                    analysis.options().significanceZ()).ifPresent(out::add);
        }
        return out;
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

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(run)) throw new InvalidInputException("run folder " + run + " does not exist");
        Analysis analysis = analyse(run, spec.commandLine().getErr(), mixedSettings);
        var out = spec.commandLine().getOut();
        long notLocal = analysis.entries().stream().filter(RunRecords.Entry::notLocalMinimum).count();
        if (notLocal > 0 && !json) {
            out.printf("%d checkpoints are not local minima (their chains ran downhill): left out of the λ̂ stages%n", notLocal);
        }
        if (json) out.println(Files.readString(RunFolder.of(run).stagesFile()));
        else out.print(RunReport.stageTable(analysis.stages()) + metricTable(analysis.metrics(), analysis.stages()));
        out.flush();
        return 0;
    }
}
