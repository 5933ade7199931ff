package io.lambdahat.train;

import java.nio.file.Path;

/** Hears the progress of a {@link Trainer}; every method runs on the training thread, between updates. */
public interface TrainingObserver {
    TrainingObserver NONE = new TrainingObserver() {};

    /** After update number {@code step} (1 … total) with its minibatch loss and learning rate. */
    default void onStep(long step, long total, double trainLoss, double lr) {}

    /** After a metrics row was appended. */
    default void onRow(MetricsRow row) {}

    /** After checkpoint {@code file} of {@code step} was written (and the run's state saved with it). */
    default void onCheckpoint(long step, Path file) {}
}
