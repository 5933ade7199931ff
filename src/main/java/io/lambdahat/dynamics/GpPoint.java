package io.lambdahat.dynamics;

/**
 * The GP posterior of the latent curve f at one x: mean and variance of f(x), mean and variance of its slope
 * f'(x) = df/dx, and the posterior mean of f''(x) (used for the curvature of smoothed trajectories).
 */
public record GpPoint(double x, double mean, double variance, double slope, double slopeVariance, double curvature) {
    public double sd() {
        return Math.sqrt(variance);
    }

    public double slopeSd() {
        return Math.sqrt(slopeVariance);
    }
}
