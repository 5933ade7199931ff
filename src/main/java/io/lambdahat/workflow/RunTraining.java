package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.run.RunFolder;
import io.lambdahat.torch.Device;
import io.lambdahat.tasks.TaskRegistry;
import io.lambdahat.train.TrainConfig;
import io.lambdahat.train.TrainResult;
import io.lambdahat.train.Trainer;
import io.lambdahat.train.TrainingObserver;
import io.lambdahat.tasks.TrainingTask;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Trains a built-in task into a run folder (checkpoints, metrics.csv, config.json), resuming a run that was stopped.
 *
 * <pre>{@code
 * RunTraining.train("dln", RunTraining.defaults("dln", 1500).numCheckpoints(20).build(), Map.of(), Path.of("runs/dln"));
 * }</pre>
 */
public final class RunTraining {
    private RunTraining() {}

    /**
     * What a training call did.
     *
     * @param task   the task's registered name
     * @param model  the model's description and parameter count
     * @param result the trainer's result
     */
    public record Trained(String task, String model, TrainResult result) {
        /** {@return true when the run was already complete and nothing was trained} */
        public boolean alreadyComplete() {
            return result.startStep() == result.endStep() && result.complete();
        }
    }

    /**
     * The task's own optimiser, learning rate, batch, weight decay and metrics-row spacing, and the training defaults
     * for everything else.
     *
     * @param task  a registered task name (dln, mlp, induction, grokking, ...)
     * @param steps the number of updates N
     * @return a builder; set what differs and call {@code build()}
     * @throws InvalidInputException if the task is unknown
     */
    public static TrainConfig.Builder defaults(String task, long steps) {
        TaskRegistry.Defaults d = TaskRegistry.trainable(task).defaults();
        return TrainConfig.builder().steps(steps).batch(d.batch()).optimizer(d.optimizer()).lr(d.lr()).weightDecay(d.weightDecay())
                .logEvery(TrainConfig.logEveryFor(steps, d.metricRows()));
    }

    /**
     * Trains on the CPU to the end.
     *
     * @param task        a registered task name
     * @param config      the training settings
     * @param taskOptions the task's options (widths, rank, n, ...), recorded in config.json
     * @param out         the run folder, created, or reused to resume
     * @return what was done
     * @throws IOException if the run folder cannot be written
     * @throws InvalidInputException if the task, options or folder are unusable
     */
    public static Trained train(String task, TrainConfig config, Map<String, String> taskOptions, Path out) throws IOException {
        return train(task, config, taskOptions, out, Device.CPU, null, null);
    }

    /**
     * Trains, resuming from the folder's saved state.
     *
     * @param task        a registered task name
     * @param config      the training settings
     * @param taskOptions the task's options, recorded in config.json
     * @param out         the run folder, created, or reused to resume
     * @param device      where weights, gradients and optimiser state live
     * @param stopAfter   pause after this many updates (null: train to the end)
     * @param observer    told each step and metrics row (null: none)
     * @return what was done
     * @throws IOException if the run folder cannot be written
     * @throws InvalidInputException if the task, options or folder are unusable
     */
    public static Trained train(String task, TrainConfig config, Map<String, String> taskOptions, Path out, Device device, Long stopAfter,
                                TrainingObserver observer) throws IOException {
        return train(task, config, taskOptions, out, device, stopAfter, observer, false);
    }

    /**
     * Trains, resuming from the folder's saved state, or, with {@code replace}, deleting the run in the folder first.
     *
     * @param task        a registered task name
     * @param config      the training settings
     * @param taskOptions the task's options, recorded in config.json
     * @param out         the run folder, created, or reused to resume
     * @param device      where weights, gradients and optimiser state live
     * @param stopAfter   pause after this many updates (null: train to the end)
     * @param observer    told each step and metrics row (null: none)
     * @param replace     delete the run in {@code out} (once the task and settings are checked) and train anew; files
     *                    that are not a run's stay, and a folder of only such files is still refused
     * @return what was done
     * @throws IOException if the run folder cannot be written
     * @throws InvalidInputException if the task, options or folder are unusable, or the folder holds another run and
     *                               {@code replace} is false
     */
    public static Trained train(String task, TrainConfig config, Map<String, String> taskOptions, Path out, Device device, Long stopAfter,
                                TrainingObserver observer, boolean replace) throws IOException {
        TaskRegistry.Definition definition = TaskRegistry.trainable(task);
        RunFolder folder = RunFolder.of(out);
        if (replace && folder.contents() == RunFolder.Contents.OTHER) {
            throw new InvalidInputException("cannot write the run to " + out + ": the folder holds files that are not a run's (no "
                    + RunFolder.CONFIG + "); choose a new or empty --out (--force replaces only a run)");
        }
        Trainer.checkOutputDir(out);
        try (TrainingTask t = definition.create(config.taskOptions(taskOptions))) {
            Trainer trainer = new Trainer(definition.name(), t, config, out).recordTaskOptions(taskOptions).device(device);
            if (replace && folder.contents() == RunFolder.Contents.RUN) {
                folder.deleteRun();
                trainer.replacing();
            }
            if (stopAfter != null) trainer.stopAfter(stopAfter);
            if (observer != null) trainer.observer(observer);
            TrainResult result = trainer.run();
            return new Trained(definition.name(), t.model().describe() + ", " + t.model().layout().size() + " parameters", result);
        }
    }
}
