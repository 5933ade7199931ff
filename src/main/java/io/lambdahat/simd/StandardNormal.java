package io.lambdahat.simd;

/**
 * The standard normal distribution function and its inverse in double precision: Φ for goodness-of-fit tests of
 * the noise, Φ⁻¹ for rank-normalised R̂.
 */
final class StandardNormal {
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    private StandardNormal() {}

    /**
     * The standard normal density φ(x) = exp(−x²/2)/√(2π).
     *
     * @param x the point
     * @return φ(x)
     */
    public static double density(double x) {
        return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /**
     * Φ(x), to about 1e-15 relative in either tail: the series Φ(a) − ½ = φ(a)·Σ a^(2n+1)/(2n+1)!! (all terms
     * positive) for |x| &lt; 2, Laplace's continued fraction for the tail beyond, where the series would cancel.
     *
     * @param x the point
     * @return P(Z &le; x), NaN for NaN
     */
    public static double cdf(double x) {
        if (Double.isNaN(x)) return Double.NaN;
        double a = Math.abs(x);
        double tail;
        if (a < 2) {
            double a2 = a * a, term = a, sum = a;
            for (int n = 1; term > 1e-17 * sum; n++) {
                term *= a2 / (2 * n + 1);
                sum += term;
            }
            tail = 0.5 - density(a) * sum;
        } else {
            double t = a;
            for (int k = 100; k >= 1; k--) t = a + k / t;
            tail = density(a) / t;
        }
        return x >= 0 ? 1 - tail : tail;
    }

    /**
     * Φ⁻¹(p) by Wichura's algorithm AS 241 (PPND16), relative error about 1e-16.
     *
     * @param p a probability in [0, 1]
     * @return the z with Φ(z) = p; −∞ at 0 and +∞ at 1
     * @throws IllegalArgumentException if {@code p} is outside [0, 1] or NaN
     */
    public static double quantile(double p) {
        if (Double.isNaN(p) || p < 0 || p > 1) {
            throw new IllegalArgumentException("a probability must lie in [0, 1], got " + p);
        }
        if (p == 0) return Double.NEGATIVE_INFINITY;
        if (p == 1) return Double.POSITIVE_INFINITY;
        double q = p - 0.5;
        if (Math.abs(q) <= 0.425) {
            double r = 0.180625 - q * q;
            return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                    + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                    + 133.14166789178437745) * r + 3.387132872796366608)
                    / (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1.0);
        }
        double r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
        double value;
        if (r <= 5) {
            r -= 1.6;
            value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                    + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                    + 4.6303378461565452959) * r + 1.42343711074968357734)
                    / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                    + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                    + 2.05319162663775882187) * r + 1.0);
        } else {
            r -= 5;
            value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                    + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                    + 5.4637849111641143699) * r + 6.6579046435011037772)
                    / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                    + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                    + 0.59983220655588793769) * r + 1.0);
        }
        return q < 0 ? -value : value;
    }
}
