package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.dynamics.EssentialDynamics;
import io.lambdahat.dynamics.EssentialDynamicsResult;
import io.lambdahat.report.RunReport;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.torch.Tensor;
import io.lambdahat.train.Trainer;
import io.lambdahat.tasks.TrainingTask;
import io.lambdahat.trajectory.ProbeOutputs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes a run's report: DIR/report.html (self-contained, charts embedded), DIR/report/*.png and DIR/trajectory.csv,
 * from the stage analysis of its λ̂ records (which also writes DIR/stages.json), its metrics.csv and the essential
 * dynamics of its checkpoints.
 *
 * <pre>{@code
 * RunReportWriter.Written w = RunReportWriter.write(Path.of("runs/dln"));
 * System.out.println("wrote " + w.html());
 * }</pre>
 */
public final class RunReportWriter {
    /** The number of training samples the essential dynamics probes the model's outputs on. */
    public static final int PROBE_SAMPLES = 64;

    private RunReportWriter() {}

    /**
     * What was written.
     *
     * @param html     DIR/report.html
     * @param analysis the stage analysis the report shows; null when the run has no λ̂ records (the page says so)
     */
    public record Written(Path html, RunStages.Analysis analysis) {}

    /**
     * Writes the report of a run whose records share one sampler setting; notes are dropped.
     *
     * @param run the run folder
     * @return what was written
     * @throws IOException if a file cannot be read or written
     * @throws InvalidInputException if the run has too few records, or records made with different settings
     */
    public static Written write(Path run) throws IOException {
        return write(run, note -> { }, false);
    }

    /**
     * Writes the report of a run.
     *
     * @param run                the run folder
     * @param notes              receives one line per damaged record and when the essential dynamics is skipped
     * @param allowMixedSettings report records made with different sampler settings
     * @return what was written
     * @throws IOException if a file cannot be read or written
     * @throws InvalidInputException if the run has too few records, or mixed settings that are not allowed
     */
    public static Written write(Path run, Consumer<String> notes, boolean allowMixedSettings) throws IOException {
        if (RunFolder.of(run).hasConfig() && !hasRecords(run)) {
            // a trained run not yet estimated gets a page that says so, rather than no page or a stale one
            notes.accept("note: " + run + " has no λ̂ records yet; the report says so ('lambdahat trajectory --run " + run + "' makes them)");
            return new Written(RunReport.writeEmpty(run, "lambdahat — " + run.getFileName(), "This run has no λ̂ records yet: run "
                    + "'lambdahat trajectory --run " + run + "' to estimate λ̂ at its checkpoints, then 'lambdahat report' again."), null);
        }
        RunReport.warmUp(); // the charts' first-use cost overlaps the stage analysis
        RunStages.Analysis analysis = RunStages.analyse(run, notes, allowMixedSettings);
        Path html = RunReport.write(run, "lambdahat — " + run.getFileName(), analysis.entries(), analysis.stages(),
                RunMetricColumns.read(run), essentialDynamics(run, notes), analysis.metrics());
        return new Written(html, analysis);
    }

    /**
     * PCA of the model's outputs on a fixed probe set (the first {@value #PROBE_SAMPLES} training samples) over the
     * run's checkpoints; null (with a note when something failed) when the run has no task to rebuild, no fixed
     * training set, or too few checkpoints.
     *
     * @param run   the run folder
     * @param notes receives one line when the analysis is skipped because of a failure
     * @return the essential dynamics, or null
     */
    public static EssentialDynamicsResult essentialDynamics(Path run, Consumer<String> notes) {
        RunFolder folder = RunFolder.of(run);
        if (!folder.hasConfig()) return null;
        try {
            folder.config();
        } catch (IllegalArgumentException | IOException e) {
            notes.accept("note: essential dynamics skipped: " + message(e));
            return null;
        }
        try (TrainingTask task = Trainer.openTask(folder)) {
            if (task.trainingSet() == null) return null;
            var checkpoints = folder.checkpoints();
            long n = Math.min(PROBE_SAMPLES, task.trainingSet().size());
            try (Tensor probe = task.trainingSet().x().narrow(0, 0, n)) {
                double[][] rows = ProbeOutputs.of(task.model(), probe, checkpoints);
                if (rows == null) return null;
                long[] steps = checkpoints.stream().mapToLong(Checkpoints.Checkpoint::step).toArray();
                return EssentialDynamics.analyse(steps, rows);
            }
        } catch (Exception e) {
            notes.accept("note: essential dynamics skipped: " + e.getMessage());
            return null;
        }
    }

    /** Whether the run's llc folder holds any step-*.json record. */
    private static boolean hasRecords(Path run) throws IOException {
        Path dir = io.lambdahat.trajectory.RunRecords.folder(run);
        if (!java.nio.file.Files.isDirectory(dir)) return false;
        try (var list = java.nio.file.Files.list(dir)) {
            return list.anyMatch(f -> f.getFileName().toString().startsWith("step-") && f.getFileName().toString().endsWith(".json"));
        }
    }

    /** A file system failure names the file; anything else says its message. */
    private static String message(Exception e) {
        if (e instanceof NoSuchFileException f) return "no such file: " + f.getFile();
        if (e instanceof AccessDeniedException f) return "permission denied: " + f.getFile();
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return "cannot use " + f.getFile() + (f.getReason() != null ? ": " + f.getReason() : "");
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
