package io.lambdahat.sampling;

import java.util.Arrays;

/**
 * The convergence diagnostics current MCMC practice reports (Vehtari, Gelman, Simpson, Carpenter and Bürkner 2021, as
 * Stan and ArviZ compute them; docs/SCIENCE.md §6), for draws [chains][draws] of one quantity:
 * <ul>
 *   <li>{@link #rankRhat}: the rank-normalised split-R̂, the larger of R̂ on the rank-normalised split chains (bulk) and
 *       on the rank-normalised distances from the median (tail). Below 1.01 is the current threshold; the classic
 *       R̂ &lt; 1.1 passes chains that have not mixed.</li>
 *   <li>{@link #essBulk}: the effective sample size of the rank-normalised split chains, for the bulk
 *       (mean, median).</li>
 *   <li>{@link #essTail}: the smaller effective sample size of the indicators of the 5 % and 95 % quantiles, for the
 *       tails (intervals).</li>
 * </ul>
 * Effective sample sizes use Geyer's initial monotone sequence over the autocovariances averaged across chains.
 * {@code ConvergenceTest} holds every number to ArviZ's on the same draws.
 */
public final class Convergence {
    private Convergence() {}

    /**
     * Rank-normalised split-R̂.
     *
     * @param draws [chains][draws], at least 2 chains and 4 draws each, all chains the same length
     * @return max(bulk R̂, tail R̂); NaN with fewer than 2 chains or 4 draws, or a non-finite draw
     */
    public static double rankRhat(double[][] draws) {
        if (!valid(draws, 2)) return Double.NaN;
        double[][] split = split(draws);
        double bulk = rhat(zScale(split));
        double median = quantile(flatten(split), 0.5);
        double[][] folded = new double[split.length][];
        for (int c = 0; c < split.length; c++) {
            folded[c] = new double[split[c].length];
            for (int t = 0; t < split[c].length; t++) folded[c][t] = Math.abs(split[c][t] - median);
        }
        return Math.max(bulk, rhat(zScale(folded)));
    }

    /**
     * Bulk effective sample size.
     *
     * @param draws [chains][draws], at least 4 draws each
     * @return the ESS of the rank-normalised split chains; NaN where undefined
     */
    public static double essBulk(double[][] draws) {
        if (!valid(draws, 1)) return Double.NaN;
        return ess(zScale(split(draws)));
    }

    /**
     * Tail effective sample size.
     *
     * @param draws [chains][draws], at least 4 draws each
     * @return min(ESS of 1{x ≤ q05}, ESS of 1{x ≤ q95}) over the split chains; NaN where undefined
     */
    public static double essTail(double[][] draws) {
        if (!valid(draws, 1)) return Double.NaN;
        double[] all = flatten(draws);
        return Math.min(quantileEss(draws, quantile(all, 0.05)), quantileEss(draws, quantile(all, 0.95)));
    }

    private static double quantileEss(double[][] draws, double q) {
        double[][] indicator = new double[draws.length][];
        for (int c = 0; c < draws.length; c++) {
            indicator[c] = new double[draws[c].length];
            for (int t = 0; t < draws[c].length; t++) indicator[c][t] = draws[c][t] <= q ? 1 : 0;
        }
        return ess(split(indicator));
    }

    private static boolean valid(double[][] draws, int minChains) {
        if (draws == null || draws.length < minChains) return false;
        int n = draws[0].length;
        if (n < 4) return false;
        for (double[] chain : draws) {
            if (chain.length != n) return false;
            for (double v : chain) if (!Double.isFinite(v)) return false;
        }
        return true;
    }

    /** Each chain cut into its first and last half (the middle draw of an odd length left out): 2C chains. */
    static double[][] split(double[][] draws) {
        int half = draws[0].length / 2;
        double[][] out = new double[2 * draws.length][];
        for (int c = 0; c < draws.length; c++) {
            out[c] = Arrays.copyOfRange(draws[c], 0, half);
            out[draws.length + c] = Arrays.copyOfRange(draws[c], draws[c].length - half, draws[c].length);
        }
        return out;
    }

    /** Pooled ranks (ties averaged), Blom's offset (r − 3/8)/(S + 1/4), then the standard normal quantile. */
    static double[][] zScale(double[][] draws) {
        double[] all = flatten(draws);
        int s = all.length;
        Integer[] order = new Integer[s];
        for (int i = 0; i < s; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
        double[] rank = new double[s];
        for (int i = 0; i < s; ) {
            int j = i;
            while (j + 1 < s && all[order[j + 1]] == all[order[i]]) j++;
            double average = (i + j) / 2.0 + 1;  // ranks from 1
            for (int k = i; k <= j; k++) rank[order[k]] = average;
            i = j + 1;
        }
        double[][] z = new double[draws.length][];
        int at = 0;
        for (int c = 0; c < draws.length; c++) {
            z[c] = new double[draws[c].length];
            for (int t = 0; t < z[c].length; t++) z[c][t] = normalQuantile((rank[at++] - 0.375) / (s + 0.25));
        }
        return z;
    }

    /** Classic (not split) R̂ of equal-length chains: sqrt((B/W + n − 1)/n) with B = n·Var(chain means), W = mean of the chains' variances. */
    static double rhat(double[][] draws) {
        int m = draws.length, n = draws[0].length;
        double[] means = new double[m];
        double within = 0;
        for (int c = 0; c < m; c++) {
            means[c] = mean(draws[c]);
            within += variance(draws[c], means[c]);
        }
        within /= m;
        double between = n * variance(means, mean(means));
        return Math.sqrt((between / within + n - 1) / n);
    }

    /** Effective sample size of equal-length chains (Geyer's initial monotone sequence on the chain-averaged autocovariances). */
    static double ess(double[][] draws) {
        int m = draws.length, n = draws[0].length;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double[] chain : draws) for (double v : chain) { min = Math.min(min, v); max = Math.max(max, v); }
        if (max - min < 1e-15) return (double) m * n;  // constant draws: every draw counts
        double[] chainMean = new double[m];
        for (int c = 0; c < m; c++) chainMean[c] = mean(draws[c]);
        // the chains' mean autocovariance at a lag (biased, divided by n, as the FFT estimate gives), computed only for
        // the lags the sequence below reaches: O(m·n) per lag instead of O(m·n²) for all of them
        java.util.function.IntToDoubleFunction acov = lag -> {
            double total = 0;
            for (int c = 0; c < m; c++) {
                double[] x = draws[c];
                double mu = chainMean[c], s = 0;
                for (int t = 0; t + lag < n; t++) s += (x[t] - mu) * (x[t + lag] - mu);
                total += s / n;
            }
            return total / m;
        };
        double[] meanAcov = new double[n];
        java.util.Arrays.fill(meanAcov, Double.NaN);
        java.util.function.IntToDoubleFunction at = lag -> {
            if (Double.isNaN(meanAcov[lag])) meanAcov[lag] = acov.applyAsDouble(lag);
            return meanAcov[lag];
        };
        double meanVar = at.applyAsDouble(0) * n / (n - 1.0);
        double varPlus = meanVar * (n - 1.0) / n;
        if (m > 1) varPlus += variance(chainMean, mean(chainMean));
        double[] rho = new double[n];
        double even = 1.0, odd = 1.0 - (meanVar - at.applyAsDouble(1)) / varPlus;
        rho[0] = even;
        rho[1] = odd;
        int t = 1;
        while (t < n - 3 && even + odd > 0) {
            even = 1.0 - (meanVar - at.applyAsDouble(t + 1)) / varPlus;
            odd = 1.0 - (meanVar - at.applyAsDouble(t + 2)) / varPlus;
            if (even + odd >= 0) {
                rho[t + 1] = even;
                rho[t + 2] = odd;
            }
            t += 2;
        }
        int maxT = t - 2;
        if (even > 0) rho[maxT + 1] = even;
        for (t = 1; t <= maxT - 2; t += 2) {
            if (rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]) {
                rho[t + 1] = (rho[t - 1] + rho[t]) / 2;
                rho[t + 2] = rho[t + 1];
            }
        }
        double sum = 0;
        for (int k = 0; k <= maxT; k++) sum += rho[k];
        double tau = -1 + 2 * sum + (maxT + 1 < n ? rho[maxT + 1] : 0);
        double total = (double) m * n;
        tau = Math.max(tau, 1 / Math.log10(total));
        return total / tau;
    }

    /** R's type-7 quantile (linear interpolation between order statistics), as ArviZ uses. */
    static double quantile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double[] flatten(double[][] draws) {
        return Arrays.stream(draws).flatMapToDouble(Arrays::stream).toArray();
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    private static double variance(double[] x, double mu) {
        double s = 0;
        for (double v : x) s += (v - mu) * (v - mu);
        return s / (x.length - 1);
    }

    /**
     * The standard normal quantile Φ⁻¹(p) for 0 &lt; p &lt; 1: Acklam's rational approximation (relative error below
     * 1.2e-9, far below what a rank-based statistic can resolve).
     */
    static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("p must lie in (0, 1): " + p);
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double x;
        if (p < 0.02425) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p <= 1 - 0.02425) {
            double q = p - 0.5, r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        return x;
    }
}
