package io.lambdahat.dynamics;

/**
 * The GP posterior of the latent curve f at one x: mean and variance of f(x), mean and variance of its slope
 * f'(x) = df/dx, and the posterior mean of f''(x) (used for the curvature of smoothed trajectories).
 *
 * @param x             where the posterior is evaluated
 * @param mean          posterior mean of f(x)
 * @param variance      posterior variance of f(x)
 * @param slope         posterior mean of f'(x)
 * @param slopeVariance posterior variance of f'(x)
 * @param curvature     posterior mean of f''(x)
 */
public record GpPoint(double x, double mean, double variance, double slope, double slopeVariance, double curvature) {
    /** {@return the posterior standard deviation of f(x)} */
    public double sd() {
        return Math.sqrt(variance);
    }

    /** {@return the posterior standard deviation of f'(x)} */
    public double slopeSd() {
        return Math.sqrt(slopeVariance);
    }
}
