package io.lambdahat.sweep;

import java.util.Arrays;

/**
 * Statistics over a handful of seeds: quantiles (linear interpolation between order statistics, the "type 7" rule of R
 * and NumPy's default) and Student-t confidence intervals for a mean. A sweep has 3–8 seeds per setting, so a
 * t-interval (exact under normal errors, no resampling noise) is preferred to a bootstrap, whose percentiles are
 * unreliable at that size.
 */
public final class SeedStatistics {
    private SeedStatistics() {}

    /**
     * A mean over seeds with its two-sided confidence interval.
     *
     * @param n    the number of seeds with a value
     * @param mean their mean
     * @param sd   their sample standard deviation (n − 1 in the denominator); NaN when n &lt; 2
     * @param low  mean − t·sd/√n, with t the (1 + level)/2 quantile of Student's t with n − 1 degrees of freedom; NaN when n &lt; 2
     * @param high mean + t·sd/√n; NaN when n &lt; 2
     */
    public record Interval(int n, double mean, double sd, double low, double high) {}

    /**
     * The p-quantile of values, interpolating linearly between order statistics at position p·(n − 1).
     *
     * @param values the values (NaN ones are left out); not changed
     * @param p      the probability, in [0, 1]
     * @return the quantile; NaN when no value is finite
     */
    public static double quantile(double[] values, double p) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        double h = p * (v.length - 1);
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, v.length - 1);
        return v[lo] + (h - lo) * (v[hi] - v[lo]);
    }

    /**
     * The mean of values with a Student-t confidence interval.
     *
     * @param values the per-seed values (NaN ones are left out)
     * @param level  the confidence level, e.g. 0.95
     * @return the interval
     */
    public static Interval tInterval(double[] values, double level) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).toArray();
        int n = v.length;
        if (n == 0) return new Interval(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double mean = Arrays.stream(v).sum() / n;
        if (n < 2) return new Interval(1, mean, Double.NaN, Double.NaN, Double.NaN);
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        double sd = Math.sqrt(ss / (n - 1));
        double half = studentTQuantile((1 + level) / 2, n - 1) * sd / Math.sqrt(n);
        return new Interval(n, mean, sd, mean - half, mean + half);
    }

    /**
     * The p-quantile of Student's t distribution, by bisection on its distribution function.
     *
     * @param p  a probability in (0.5, 1)
     * @param df the degrees of freedom, ≥ 1
     * @return t with P(T ≤ t) = p
     */
    public static double studentTQuantile(double p, int df) {
        if (!(p > 0.5 && p < 1) || df < 1) throw new IllegalArgumentException("need 0.5 < p < 1 and df ≥ 1, got p = " + p + ", df = " + df);
        double lo = 0, hi = 1;
        while (studentTCdf(hi, df) < p) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (studentTCdf(mid, df) < p) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /** P(T ≤ t) for t ≥ 0: 1 − I_x(df/2, 1/2)/2 with x = df/(df + t²). */
    static double studentTCdf(double t, int df) {
        return 1 - 0.5 * regularizedBeta(df / (df + t * t), df / 2.0, 0.5);
    }

    /** The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz's method). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
        // the fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) otherwise
        if (x > (a + 1) / (a + b + 2)) return 1 - regularizedBeta(1 - x, b, a);
        double tiny = 1e-300, c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double f = d;
        for (int m = 1; m <= 500; m++) {
            double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + even * d;
            c = 1 + even / c;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = Math.abs(c) < tiny ? tiny : c;
            f *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + odd * d;
            c = 1 + odd / c;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = Math.abs(c) < tiny ? tiny : c;
            double delta = d * c;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-15) break;
        }
        return front * f / a;
    }

    /** ln Γ(x) for x &gt; 0 (Lanczos, g = 7, nine coefficients; relative error ~1e-15). */
    static double logGamma(double x) {
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        x -= 1;
        double sum = c[0];
        for (int i = 1; i < 9; i++) sum += c[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
