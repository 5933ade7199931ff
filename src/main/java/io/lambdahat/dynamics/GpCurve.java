package io.lambdahat.dynamics;

/**
 * The GP posterior of a curve on a grid of x values: for each x, the posterior mean and standard deviation of the
 * latent f(x), of its slope df/dx, and the posterior mean of d²f/dx². Arrays, one entry per grid point, so the
 * record serialises to compact JSON for plots.
 *
 * @param x         the grid, increasing
 * @param mean      posterior mean of f(x)
 * @param sd        posterior standard deviation of f(x)
 * @param slope     posterior mean of df/dx
 * @param slopeSd   posterior standard deviation of df/dx
 * @param curvature posterior mean of d²f/dx²
 */
public record GpCurve(double[] x, double[] mean, double[] sd, double[] slope, double[] slopeSd, double[] curvature) {
    /** {@return the number of grid points} */
    public int size() {
        return x.length;
    }
}
