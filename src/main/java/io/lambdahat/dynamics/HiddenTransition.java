package io.lambdahat.dynamics;

/**
 * A λ̂ boundary with no loss boundary nearby: a transition the loss curve does not show.
 *
 * @param boundary                    the λ̂ boundary
 * @param nearestLossBoundaryDistance |ln-step distance| to the nearest loss boundary, or {@code null} when the
 *                                    loss curve has no boundary at all
 */
public record HiddenTransition(Boundary boundary, Double nearestLossBoundaryDistance) {}
