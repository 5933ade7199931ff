package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.run.RunFolder;
import io.lambdahat.torch.Device;
import io.lambdahat.train.TrainConfig;
import io.lambdahat.train.TrainingObserver;
import io.lambdahat.trajectory.TrajectoryRunner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The main job end to end: train a built-in task, estimate λ̂ at every checkpoint, find the stages, write the report.
 * Each step resumes what an earlier, interrupted call left in the run folder.
 *
 * <pre>{@code
 * RunPipeline.Result r = new RunPipeline(Path.of("runs/dln"), "dln", RunTraining.defaults("dln", 1500).numCheckpoints(20).build(),
 *         Map.of(), CheckpointLlc.Plan.defaultsFor("dln"), Device.CPU).run(new RunPipeline.Listener() { });
 * }</pre>
 *
 * @param dir         the run folder
 * @param task        a registered training task
 * @param training    the training settings
 * @param taskOptions the task's options, recorded in config.json
 * @param estimation  how λ̂ is sampled at each checkpoint (its sampler's device is where the chains run)
 * @param device      where training runs
 */
public record RunPipeline(Path dir, String task, TrainConfig training, Map<String, String> taskOptions, CheckpointLlc.Plan estimation,
                          Device device) {
    /** The steps, in order. */
    public enum Step {
        /** Training, with checkpoints. */
        TRAIN,
        /** λ̂ at every checkpoint. */
        ESTIMATE,
        /** The stage analysis (DIR/stages.json). */
        STAGES,
        /** The report (DIR/report.html). */
        REPORT
    }

    /** What the pipeline tells as it goes; every method does nothing unless overridden. */
    public interface Listener {
        /**
         * A step starts.
         *
         * @param step the step
         */
        default void starting(Step step) { }

        /** {@return the observer of the training steps, or null} */
        default TrainingObserver trainingObserver() {
            return null;
        }

        /** {@return the listener of the λ̂ estimates at the checkpoints} */
        default TrajectoryRunner.Listener checkpointListener() {
            return TrajectoryRunner.Listener.NONE;
        }

        /**
         * A note: the settings the pilot chose, a damaged record left out, the essential dynamics skipped.
         *
         * @param line one line
         */
        default void note(String line) { }

        /**
         * Training is done.
         *
         * @param trained what was trained
         */
        default void trained(RunTraining.Trained trained) { }

        /**
         * λ̂ was estimated at the checkpoints; when some failed, the pipeline stops after this.
         *
         * @param result the outcomes
         */
        default void estimated(CheckpointLlc.Result result) { }

        /**
         * The stages are found.
         *
         * @param analysis the analysis, also in DIR/stages.json
         */
        default void analysed(RunStages.Analysis analysis) { }

        /**
         * The report is written.
         *
         * @param html DIR/report.html
         */
        default void reported(Path html) { }
    }

    /**
     * What the pipeline did.
     *
     * @param trained   the training
     * @param estimates λ̂ at the checkpoints
     * @param stages    the stages, or null when an estimate failed
     * @param report    DIR/report.html, or null when an estimate failed
     */
    public record Result(RunTraining.Trained trained, CheckpointLlc.Result estimates, RunStages.Analysis stages, Path report) {
        /** {@return true when every step ran: no estimate failed} */
        public boolean complete() {
            return report != null;
        }
    }

    /**
     * Runs the steps in order; when an estimate fails, stops before the stages.
     *
     * @param listener told of each step
     * @return what was done
     * @throws IOException if a file cannot be read or written
     * @throws InvalidInputException if a setting or the run folder is unusable
     */
    public Result run(Listener listener) throws IOException {
        listener.starting(Step.TRAIN);
        RunTraining.Trained trained = RunTraining.train(task, training, taskOptions, dir, device, null, listener.trainingObserver());
        listener.trained(trained);
        listener.starting(Step.ESTIMATE);
        RunFolder folder = RunFolder.of(dir);
        CheckpointLlc.Result estimates = CheckpointLlc.estimate(folder, CheckpointSelection.every(folder, 1), estimation, listener::note,
                listener.checkpointListener());
        listener.estimated(estimates);
        if (estimates.failed() > 0) return new Result(trained, estimates, null, null);
        listener.starting(Step.STAGES);
        RunStages.Analysis stages = RunStages.analyse(dir, listener::note, false);
        listener.analysed(stages);
        listener.starting(Step.REPORT);
        Path report = RunReportWriter.write(dir, listener::note, false).html();
        listener.reported(report);
        return new Result(trained, estimates, stages, report);
    }
}
