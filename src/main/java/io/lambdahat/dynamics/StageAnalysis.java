package io.lambdahat.dynamics;

import java.util.List;

/**
 * The result of {@link StageDetector#detect}: the smoothed λ̂ and loss curves, the critical points of each, the
 * stages between λ̂ boundaries with their types, and the λ̂ boundaries the loss curve does not show.
 *
 * @param options            the options used (thresholds included, so a report can state them)
 * @param llc                smoothed λ̂ on the dense grid
 * @param loss               smoothed loss on the same grid
 * @param llcBoundaries      stage boundaries: critical points of smoothed λ̂, in training order
 * @param lossBoundaries     critical points of smoothed loss, in training order
 * @param stages             the stages between consecutive λ̂ boundaries (first and last checkpoints included)
 * @param hiddenTransitions  λ̂ boundaries farther than {@code options.hiddenTolerance()} in ln step from every loss
 *                           boundary
 */
public record StageAnalysis(
        StageDetector.Options options,
        SmoothedCurve llc,
        SmoothedCurve loss,
        List<Boundary> llcBoundaries,
        List<Boundary> lossBoundaries,
        List<Stage> stages,
        List<HiddenTransition> hiddenTransitions) {}
