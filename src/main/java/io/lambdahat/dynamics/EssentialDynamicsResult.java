package io.lambdahat.dynamics;

import java.util.List;

/**
 * Essential dynamics of a training run: the PCA of per-checkpoint outputs, the smoothed trajectory in the top
 * components and its turning points.
 *
 * @param steps         the checkpoints' steps, in the order of the PCA scores
 * @param pca           principal components (loadings and mean stay out of JSON)
 * @param trajectory    the smoothed trajectory on a dense grid
 * @param turningPoints turning points in training order
 */
public record EssentialDynamicsResult(
        long[] steps,
        Pca pca,
        SmoothedTrajectory trajectory,
        List<TurningPoint> turningPoints) {}
