package io.lambdahat.dynamics;

/**
 * The GP posterior of a curve on a grid of x values: for each x, the posterior mean and standard deviation of the
 * latent f(x), of its slope df/dx, and the posterior mean of d²f/dx². Arrays, one entry per grid point, so the
 * record serialises to compact JSON for plots.
 */
public record GpCurve(double[] x, double[] mean, double[] sd, double[] slope, double[] slopeSd, double[] curvature) {
    public int size() {
        return x.length;
    }
}
