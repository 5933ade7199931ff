package io.lambdahat.dynamics;

import java.util.Optional;

/**
 * Where a task metric (the in-context-learning score, a held-out loss, an accuracy) changes fastest over log step: the
 * transition a behavioural probe shows, to set beside the λ̂ stages. The metric is smoothed with the same GP as λ̂ and
 * the loss (RBF kernel over ln(step + offset), hyperparameters by maximum marginal likelihood, noise learned); the
 * transition is the grid point of largest |slope| among those where the slope is significant (|slope| ≥ z·sd), and
 * its interval the contiguous stretch around it where |slope| stays above half that maximum (the full width at half
 * maximum of the slope). Dense logs are thinned evenly in log step before the fit.
 *
 * @param metric       the metric's name
 * @param direction    UP when the metric rises there, DOWN when it falls
 * @param step         the point of fastest change, in training steps (interpolated)
 * @param stepLow      start of the half-maximum stretch, in steps
 * @param stepHigh     end of the half-maximum stretch, in steps
 * @param slope        d metric / d ln(step) at the point
 * @param slopeSd      the posterior standard deviation of that slope
 * @param valueBefore  the smoothed metric at stepLow
 * @param valueAfter   the smoothed metric at stepHigh
 */
public record MetricTransition(String metric, Direction direction, double step, double stepLow, double stepHigh,
                               double slope, double slopeSd, double valueBefore, double valueAfter) {
    /** Dense metric logs are thinned to about this many points, evenly in log step, before the GP fit (cubic cost). */
    static final int MAX_POINTS = 160;

    /**
     * The fastest change of one metric, if significant.
     *
     * @param metric        the metric's name, for the report
     * @param steps         training steps, ascending, ≥ 0
     * @param values        the metric at those steps; non-finite values are skipped
     * @param logOffset     c in ln(step + c), as for the stages (1 keeps step 0)
     * @param significanceZ z: the slope at the point must reach z standard deviations
     * @return the transition, or empty when fewer than 5 finite points or no significant slope
     * @throws IllegalArgumentException if the arrays differ in length or logOffset is not positive
     */
    public static Optional<MetricTransition> fastest(String metric, long[] steps, double[] values, double logOffset, double significanceZ) {
        if (steps.length != values.length) throw new IllegalArgumentException(steps.length + " steps but " + values.length + " values of " + metric);
        if (!(logOffset > 0)) throw new IllegalArgumentException("logOffset must be > 0, got " + logOffset);
        int finite = 0;
        for (double v : values) if (Double.isFinite(v)) finite++;
        if (finite < 5) return Optional.empty();
        // thin evenly in log step, not in index: a log every k steps has most of its points late, where the
        // log axis is compressed, and few early, where they are precious
        double[] lx = new double[finite], ly = new double[finite];
        int m = 0;
        for (int i = 0; i < steps.length; i++) {
            if (!Double.isFinite(values[i])) continue;
            lx[m] = Math.log(steps[i] + logOffset);
            ly[m++] = values[i];
        }
        double width = (lx[m - 1] - lx[0]) / MAX_POINTS;
        double[] x = new double[Math.min(m, MAX_POINTS + 1)], y = new double[x.length];
        int n = 0;
        double next = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < m && n < x.length; i++) {
            if (lx[i] < next) continue;
            x[n] = lx[i];
            y[n++] = ly[i];
            next = lx[i] + width;
        }
        x = java.util.Arrays.copyOf(x, n);
        y = java.util.Arrays.copyOf(y, n);
        if (n < 5) return Optional.empty();
        GpFit fit = GaussianProcess.fit(x, y, null);
        int grid = 400;
        double[] gx = new double[grid];
        for (int i = 0; i < grid; i++) gx[i] = x[0] + (x[n - 1] - x[0]) * i / (grid - 1);
        GpCurve c = fit.predict(gx);
        // the steepest point among those whose slope the data pin down (an edge of the range, where the posterior
        // slope is wide, cannot win by its uncertainty)
        int best = -1;
        for (int i = 0; i < grid; i++) {
            double a = Math.abs(c.slope()[i]);
            if (a > 0 && a >= significanceZ * c.slopeSd()[i] && (best < 0 || a > Math.abs(c.slope()[best]))) best = i;
        }
        if (best < 0) return Optional.empty();
        double peak = Math.abs(c.slope()[best]);
        int lo = best, hi = best;
        double sign = Math.signum(c.slope()[best]);
        while (lo > 0 && sign * c.slope()[lo - 1] >= peak / 2) lo--;
        while (hi < grid - 1 && sign * c.slope()[hi + 1] >= peak / 2) hi++;
        return Optional.of(new MetricTransition(metric, sign > 0 ? Direction.UP : Direction.DOWN, toStep(gx[best], logOffset),
                toStep(gx[lo], logOffset), toStep(gx[hi], logOffset), c.slope()[best], c.slopeSd()[best], c.mean()[lo], c.mean()[hi]));
    }

    private static double toStep(double logStep, double logOffset) {
        return Math.exp(logStep) - logOffset;
    }
}
