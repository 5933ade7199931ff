package io.lambdahat.simd;

import java.util.Arrays;

/**
 * Statistics of loss traces: per chain, the mean, variance, autocorrelation and effective sample size; across
 * chains, the effective sample size and R̂. The estimators follow ArviZ (and Stan), so numbers compare with
 * what users see there:
 * <ul>
 *   <li>autocovariance at lag t: {@code (1/N)·Σ_{i<N−t} (x_i − x̄)(x_{i+t} − x̄)} (biased), computed directly as
 *       dot products of the centred trace with itself (no FFT), lag by lag only as far as needed;</li>
 *   <li>ESS: {@code M·N/τ̂} with {@code τ̂ = −1 + 2·Σ ρ̂_t} over Geyer's initial positive sequence of pair sums,
 *       made monotone, and {@code ρ̂_t = 1 − (W − mean_chains acov_t)/var⁺}, W the mean within-chain variance and
 *       var⁺ = W·(N−1)/N + B/N; τ̂ is floored at 1/log₁₀(M·N) as in ArviZ;</li>
 *   <li>split-R̂ (Gelman et al., BDA3): each chain's first and last ⌊N/2⌋ draws become two chains,
 *       {@code R̂ = √(((n−1)/n·W + B/n)/W)} with n the half length;</li>
 *   <li>rank-normalised split-R̂ (Vehtari et al. 2021, ArviZ's default): the larger of split-R̂ of the normal
 *       scores of the ranks and of the folded draws |x − median|.</li>
 * </ul>
 * All chains must have the same length. A NaN or infinite draw (a diverged chain) makes ESS and R̂ NaN, as in
 * ArviZ; fewer than 4 draws give NaN. The inner products go through {@link Reductions}, vector or scalar.
 */
public final class TraceStatistics {
    private final Reductions reductions;

    private TraceStatistics(Reductions reductions) {
        this.reductions = reductions;
    }

    /**
     * Statistics whose inner products run on {@link Reductions#scalar()}, the oracle.
     *
     * @return a stateless, thread-safe instance
     */
    public static TraceStatistics scalar() {
        return new TraceStatistics(Reductions.scalar());
    }

    /**
     * Statistics on given reductions (tests pass narrow shapes).
     *
     * @param reductions the inner products used
     * @return the instance
     */
    public static TraceStatistics of(Reductions reductions) {
        return new TraceStatistics(reductions);
    }

    /**
     * The mean of one trace.
     *
     * @param trace the draws of one chain
     * @return x̄, NaN for an empty trace
     */
    public double mean(double[] trace) {
        if (trace.length == 0) return Double.NaN;
        return reductions.sum(trace) / trace.length;
    }

    /**
     * Unbiased variance (divides by N − 1), two-pass; NaN below two draws.
     *
     * @param trace the draws of one chain
     * @return the sample variance
     */
    public double variance(double[] trace) {
        if (trace.length < 2) return Double.NaN;
        double[] c = centred(trace);
        return reductions.squaredNorm(c) / (trace.length - 1);
    }

    /**
     * Biased autocovariance (1/N normalisation) at lags 0..maxLag.
     *
     * @param trace the N draws of one chain
     * @param maxLag the largest lag, in [0, N)
     * @return maxLag + 1 values, entry t the autocovariance at lag t
     * @throws IllegalArgumentException if {@code maxLag} is outside [0, N)
     */
    public double[] autocovariance(double[] trace, int maxLag) {
        if (maxLag < 0 || maxLag >= trace.length) {
            throw new IllegalArgumentException("lag " + maxLag + " outside [0, " + trace.length + ")");
        }
        double[] c = centred(trace);
        double[] acov = new double[maxLag + 1];
        for (int t = 0; t <= maxLag; t++) acov[t] = lagProduct(c, t);
        return acov;
    }

    /**
     * Autocorrelation ρ_t = acov_t/acov_0 at lags 0..maxLag.
     *
     * @param trace the N draws of one chain
     * @param maxLag the largest lag, in [0, N)
     * @return maxLag + 1 values, entry 0 being 1 (NaN for a constant trace)
     * @throws IllegalArgumentException if {@code maxLag} is outside [0, N)
     */
    public double[] autocorrelation(double[] trace, int maxLag) {
        double[] acov = autocovariance(trace, maxLag);
        double[] rho = new double[acov.length];
        for (int t = 0; t < rho.length; t++) rho[t] = acov[t] / acov[0];
        return rho;
    }

    /**
     * Effective sample size of one chain.
     *
     * @param trace the N draws
     * @return the ESS; NaN below 4 draws or with a non-finite draw; N for a constant trace
     */
    public double ess(double[] trace) {
        return ess(new double[][] {trace});
    }

    /**
     * Effective sample size of M chains together (ArviZ {@code ess(method="mean")}).
     *
     * @param chains M chains of N draws each, chains[c][i] draw i of chain c
     * @return the ESS over all M·N draws; NaN below 4 draws or with a non-finite draw
     * @throws IllegalArgumentException if there is no chain or the chains differ in length
     */
    public double ess(double[][] chains) {
        int n = drawsOf(chains);
        if (n < 4 || !allFinite(chains)) return Double.NaN;
        int m = chains.length;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double[] chain : chains) {
            for (double x : chain) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        if (max - min < 1e-15) return (double) m * n;

        double[][] centred = new double[m][];
        double[] chainMeans = new double[m];
        for (int c = 0; c < m; c++) {
            chainMeans[c] = mean(chains[c]);
            centred[c] = centred(chains[c], chainMeans[c]);
        }
        double meanVar = meanAutocovariance(centred, 0) * n / (n - 1.0);
        double varPlus = meanVar * (n - 1.0) / n;
        if (m > 1) varPlus += variance(chainMeans);

        double[] rho = new double[n];
        double rhoEven = 1;
        rho[0] = rhoEven;
        double rhoOdd = 1 - (meanVar - meanAutocovariance(centred, 1)) / varPlus;
        rho[1] = rhoOdd;
        // Geyer's initial positive sequence: sum pairs while their sum stays positive.
        int t = 1;
        while (t < n - 3 && rhoEven + rhoOdd > 0) {
            rhoEven = 1 - (meanVar - meanAutocovariance(centred, t + 1)) / varPlus;
            rhoOdd = 1 - (meanVar - meanAutocovariance(centred, t + 2)) / varPlus;
            if (rhoEven + rhoOdd >= 0) {
                rho[t + 1] = rhoEven;
                rho[t + 2] = rhoOdd;
            }
            t += 2;
        }
        int maxT = t - 2;
        if (rhoEven > 0) rho[maxT + 1] = rhoEven;
        // Geyer's initial monotone sequence: pair sums may not increase.
        for (t = 1; t <= maxT - 2; t += 2) {
            if (rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]) {
                rho[t + 1] = (rho[t - 1] + rho[t]) / 2;
                rho[t + 2] = rho[t + 1];
            }
        }
        double total = (double) m * n;
        double tau = -1 + 2 * reductions.sum(rho, 0, maxT + 1) + (maxT + 1 < n ? rho[maxT + 1] : 0);
        tau = Math.max(tau, 1 / Math.log10(total));
        return total / tau;
    }

    /**
     * ESS of the rank-normalised split chains (ArviZ's default, "bulk" ESS).
     *
     * @param chains M chains of N draws each
     * @return the bulk ESS; NaN below 4 draws or with a non-finite draw
     * @throws IllegalArgumentException if there is no chain or the chains differ in length
     */
    public double bulkEss(double[][] chains) {
        int n = drawsOf(chains);
        if (n < 4 || !allFinite(chains)) return Double.NaN;
        return ess(normalScores(split(chains)));
    }

    /**
     * Classic split-R̂ (ArviZ {@code rhat(method="split")}).
     *
     * @param chains M chains of N draws each
     * @return R̂, near 1 for chains that agree (above 1.01 suggests they have not mixed); NaN below 4 draws or with a
     *         non-finite draw
     * @throws IllegalArgumentException if there is no chain or the chains differ in length
     */
    public double splitRhat(double[][] chains) {
        int n = drawsOf(chains);
        if (n < 4 || !allFinite(chains)) return Double.NaN;
        return rhat(split(chains));
    }

    /**
     * Rank-normalised split-R̂ (ArviZ's default {@code rhat(method="rank")}).
     *
     * @param chains M chains of N draws each
     * @return R̂, near 1 for chains that agree (above 1.01 suggests they have not mixed); NaN below 4 draws or with a
     *         non-finite draw
     * @throws IllegalArgumentException if there is no chain or the chains differ in length
     */
    public double rankNormalizedSplitRhat(double[][] chains) {
        int n = drawsOf(chains);
        if (n < 4 || !allFinite(chains)) return Double.NaN;
        double[][] halves = split(chains);
        double bulk = rhat(normalScores(halves));
        double median = median(halves);
        double[][] folded = new double[halves.length][];
        for (int c = 0; c < halves.length; c++) {
            folded[c] = new double[halves[c].length];
            for (int i = 0; i < folded[c].length; i++) folded[c][i] = Math.abs(halves[c][i] - median);
        }
        return Math.max(bulk, rhat(normalScores(folded)));
    }

    private double rhat(double[][] chains) {
        int n = chains[0].length;
        double[] means = new double[chains.length];
        double within = 0;
        for (int c = 0; c < chains.length; c++) {
            means[c] = mean(chains[c]);
            within += variance(chains[c]);
        }
        within /= chains.length;
        double between = n * variance(means);
        return Math.sqrt((between / within + n - 1) / n);
    }

    /** Each chain's first and last ⌊N/2⌋ draws as separate chains (the middle draw of an odd N is dropped). */
    static double[][] split(double[][] chains) {
        int n = chains[0].length, half = n / 2;
        double[][] out = new double[2 * chains.length][];
        for (int c = 0; c < chains.length; c++) {
            out[2 * c] = Arrays.copyOfRange(chains[c], 0, half);
            out[2 * c + 1] = Arrays.copyOfRange(chains[c], n - half, n);
        }
        return out;
    }

    /** Φ⁻¹((r − 3/8)/(S + 1/4)) of the average ranks r over all S draws (Blom's scores, as ArviZ). */
    static double[][] normalScores(double[][] chains) {
        int n = chains[0].length, size = chains.length * n;
        double[] all = new double[size];
        for (int c = 0; c < chains.length; c++) System.arraycopy(chains[c], 0, all, c * n, n);
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
        double[] scores = new double[size];
        for (int i = 0; i < size; ) {
            int j = i;
            while (j + 1 < size && all[order[j + 1]] == all[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1;
            double z = StandardNormal.quantile((rank - 0.375) / (size + 0.25));
            for (int k = i; k <= j; k++) scores[order[k]] = z;
            i = j + 1;
        }
        double[][] out = new double[chains.length][];
        for (int c = 0; c < chains.length; c++) out[c] = Arrays.copyOfRange(scores, c * n, (c + 1) * n);
        return out;
    }

    private static double median(double[][] chains) {
        double[] all = Arrays.stream(chains).flatMapToDouble(Arrays::stream).sorted().toArray();
        int k = all.length / 2;
        return all.length % 2 == 1 ? all[k] : (all[k - 1] + all[k]) / 2;
    }

    private double meanAutocovariance(double[][] centred, int lag) {
        double s = 0;
        for (double[] c : centred) s += lagProduct(c, lag);
        return s / centred.length;
    }

    /** (1/N)·Σ c_i·c_{i+lag}. */
    private double lagProduct(double[] c, int lag) {
        return reductions.dot(c, 0, c, lag, c.length - lag) / c.length;
    }

    private double[] centred(double[] x) {
        return centred(x, mean(x));
    }

    private static double[] centred(double[] x, double mean) {
        double[] c = new double[x.length];
        for (int i = 0; i < x.length; i++) c[i] = x[i] - mean;
        return c;
    }

    private static int drawsOf(double[][] chains) {
        if (chains.length == 0) throw new IllegalArgumentException("no chains given");
        int n = chains[0].length;
        for (double[] c : chains) {
            if (c.length != n) {
                throw new IllegalArgumentException("chains have different lengths (" + n + " and " + c.length
                        + "): trim them to a common number of draws");
            }
        }
        return n;
    }

    private static boolean allFinite(double[][] chains) {
        for (double[] c : chains) for (double x : c) if (!Double.isFinite(x)) return false;
        return true;
    }
}
