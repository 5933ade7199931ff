package io.lambdahat.dynamics;

/**
 * A GP-smoothed trajectory on a dense grid, ready to plot: for each grid point, the step, ln(step + offset), the
 * posterior mean and sd of the curve, and the posterior mean and sd of its slope d/d ln(step + offset). Also the
 * fitted hyperparameters (length scale in ln-step units) and the log marginal likelihood they reached.
 *
 * @param step                  the grid in training steps
 * @param logStep               the same grid as ln(step + offset), the smoothing axis
 * @param mean                  posterior mean of the curve, in the curve's units
 * @param sd                    posterior standard deviation of the curve
 * @param slope                 posterior mean of d curve / d ln(step + offset)
 * @param slopeSd               posterior standard deviation of that slope
 * @param hyperparameters       the fitted GP hyperparameters
 * @param logMarginalLikelihood ln p(y | hyperparameters) of the checkpoints at the fit
 */
public record SmoothedCurve(
        double[] step,
        double[] logStep,
        double[] mean,
        double[] sd,
        double[] slope,
        double[] slopeSd,
        GpHyperparameters hyperparameters,
        double logMarginalLikelihood) {}
