package io.lambdahat.dynamics;

/**
 * A GP-smoothed trajectory on a dense grid, ready to plot: for each grid point, the step, ln(step + offset), the
 * posterior mean and sd of the curve, and the posterior mean and sd of its slope d/d ln(step + offset). Also the
 * fitted hyperparameters (length scale in ln-step units) and the log marginal likelihood they reached.
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
