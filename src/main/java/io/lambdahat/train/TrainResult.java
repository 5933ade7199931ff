package io.lambdahat.train;

import java.nio.file.Path;

/**
 * What one call of {@link Trainer#run} did.
 *
 * @param dir                the run folder
 * @param startStep          the step it started from (0, or the step of the state it resumed)
 * @param endStep            the step it reached
 * @param complete           whether the run has reached its last step (now or before)
 * @param checkpointsWritten checkpoints written by this call
 * @param trainLoss          the train loss of the last metrics row (NaN when none was written)
 * @param heldOutLoss        the held-out loss of the last metrics row (NaN when none was written)
 * @param seconds            wall time of this call
 * @param rows               metrics rows written by this call
 * @param evaluationSeconds  wall time of their held-out evaluations
 */
public record TrainResult(Path dir, long startStep, long endStep, boolean complete, int checkpointsWritten, double trainLoss,
                          double heldOutLoss, double seconds, long rows, double evaluationSeconds) {}
