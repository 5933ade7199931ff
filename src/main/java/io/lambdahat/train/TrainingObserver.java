package io.lambdahat.train;

import io.lambdahat.run.MetricsRow;

import java.nio.file.Path;

/** Hears the progress of a {@link Trainer}; every method runs on the training thread, between updates. */
public interface TrainingObserver {
    /** Hears nothing. */
    TrainingObserver NONE = new TrainingObserver() {};

    /**
     * After update number {@code step}. On a CUDA run the calls come in bursts, when a block of losses is read back.
     *
     * @param step      the update's number, 1 … total
     * @param total     N, the run's number of updates
     * @param trainLoss its minibatch loss (at the weights before it)
     * @param lr        its learning rate
     */
    default void onStep(long step, long total, double trainLoss, double lr) {}

    /**
     * After a metrics row was appended.
     *
     * @param row the row
     */
    default void onRow(MetricsRow row) {}

    /**
     * After a checkpoint was written (and the run's state saved with it).
     *
     * @param step the updates taken
     * @param file the checkpoint file
     */
    default void onCheckpoint(long step, Path file) {}
}
