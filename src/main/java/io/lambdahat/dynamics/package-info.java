/**
 * Developmental analysis of a training run from its checkpoints (docs/SCIENCE.md §4).
 *
 * <ul>
 *   <li>{@link io.lambdahat.dynamics.GaussianProcess} / {@link io.lambdahat.dynamics.GpFit}: 1-D GP regression
 *       (RBF + white noise, maximum-likelihood hyperparameters, optional known per-point noise) with the closed-form
 *       posterior of the curve and of its slope.</li>
 *   <li>{@link io.lambdahat.dynamics.StageDetector}: λ̂ and loss smoothed in ln(step); stage boundaries at the
 *       critical points of smoothed λ̂, stages typed A / B / …, λ̂ transitions the loss does not show.</li>
 *   <li>{@link io.lambdahat.dynamics.EssentialDynamics}: PCA of per-checkpoint outputs, the smoothed trajectory in
 *       the top components and its turning points.</li>
 * </ul>
 * Pure Java: no libtorch, no linear-algebra dependency. Results are records that Jackson serialises as they are.
 */
package io.lambdahat.dynamics;
