package io.lambdahat.dynamics;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/** Synthetic training trajectories for the detector tests: curves in x = ln(step + 1) with known critical points. */
final class Synthetic {
    private Synthetic() {}

    /** n checkpoints evenly spaced in ln(step) from first to last step, rounded to whole steps. */
    static long[] logSpacedSteps(int n, double first, double last) {
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.round(Math.exp(Math.log(first) + (Math.log(last) - Math.log(first)) * i / (n - 1)));
            if (i > 0 && s[i] <= s[i - 1]) s[i] = s[i - 1] + 1;
        }
        return s;
    }

    static double x(long step) {
        return Math.log(step + 1.0);
    }

    /** f(ln(step + 1)) + N(0, noise²) at every step. */
    static double[] sample(long[] steps, DoubleUnaryOperator f, double noise, Random rng) {
        double[] y = new double[steps.length];
        for (int i = 0; i < steps.length; i++) y[i] = f.applyAsDouble(x(steps[i])) + noise * rng.nextGaussian();
        return y;
    }

    static double logistic(double u) {
        return 1 / (1 + Math.exp(-u));
    }

    /** The root of g in [a, b] by bisection (g(a) and g(b) must differ in sign): the oracle for critical points. */
    static double root(DoubleUnaryOperator g, double a, double b) {
        double ga = g.applyAsDouble(a);
        if (ga * g.applyAsDouble(b) > 0) throw new IllegalArgumentException("no sign change in [" + a + ", " + b + "]");
        for (int i = 0; i < 200; i++) {
            double m = 0.5 * (a + b);
            double gm = g.applyAsDouble(m);
            if (ga * gm <= 0) {
                b = m;
            } else {
                a = m;
                ga = gm;
            }
        }
        return 0.5 * (a + b);
    }

    /**
     * Monotone piecewise-cubic (Fritsch–Carlson PCHIP) interpolation through (xs, ys): between knots it never
     * overshoots, and at a knot where the data turn it has zero slope, so those knots are exact extrema.
     */
    static double pchip(double[] xs, double[] ys, double x) {
        int n = xs.length;
        double[] d = new double[n - 1];
        double[] m = new double[n];
        for (int i = 0; i < n - 1; i++) d[i] = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]);
        m[0] = d[0];
        m[n - 1] = d[n - 2];
        for (int i = 1; i < n - 1; i++) m[i] = d[i - 1] * d[i] <= 0 ? 0 : 2 / (1 / d[i - 1] + 1 / d[i]);
        int i = 0;
        while (i < n - 2 && x > xs[i + 1]) i++;
        double h = xs[i + 1] - xs[i];
        double t = (x - xs[i]) / h;
        double h00 = 2 * t * t * t - 3 * t * t + 1;
        double h10 = t * t * t - 2 * t * t + t;
        double h01 = -2 * t * t * t + 3 * t * t;
        double h11 = t * t * t - t * t;
        return h00 * ys[i] + h10 * h * m[i] + h01 * ys[i + 1] + h11 * h * m[i + 1];
    }
}
