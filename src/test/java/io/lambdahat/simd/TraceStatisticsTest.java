package io.lambdahat.simd;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class TraceStatisticsTest {
    private final TraceStatistics stats = TraceStatistics.of(new VectorReductions(Species.FLOAT));

    /** Stationary AR(1): x_t = ρ·x_{t−1} + √(1 − ρ²)·e_t, unit variance, autocorrelation ρ^k, τ = (1 + ρ)/(1 − ρ). */
    private static double[] ar1(int n, double rho, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        x[0] = r.nextGaussian();
        double s = Math.sqrt(1 - rho * rho);
        for (int t = 1; t < n; t++) x[t] = rho * x[t - 1] + s * r.nextGaussian();
        return x;
    }

    @Test
    void meanAndVarianceOfATrace() {
        double[] x = {1, 2, 4, 7, 11};
        assertEquals(5, stats.mean(x), 1e-15);
        assertEquals(66.0 / 4, stats.variance(x), 1e-14);
        assertTrue(Double.isNaN(stats.variance(new double[] {1})));
    }

    @Test
    void autocorrelationOfAnAr1ProcessIsRhoToTheLag() {
        double rho = 0.7;
        double[] x = ar1(200_000, rho, 1);
        double[] r = stats.autocorrelation(x, 6);
        assertEquals(1, r[0], 1e-15);
        // Bartlett: the standard error of ρ̂_k is about √((1 + ρ²)/(1 − ρ²)/N) ≈ 0.004 here.
        for (int k = 1; k < r.length; k++) assertEquals(Math.pow(rho, k), r[k], 0.02, "lag " + k);
        double[] acov = stats.autocovariance(x, 2);
        assertEquals(stats.variance(x) * (x.length - 1) / x.length, acov[0], 1e-12);
    }

    @Test
    void essOfAr1MatchesTheClosedForm() {
        int n = 100_000;
        for (double rho : new double[] {0.5, 0.9, -0.3, 0}) {
            double expected = (1 - rho) / (1 + rho);
            double ess = stats.ess(ar1(n, rho, 42));
            assertEquals(expected, ess / n, 0.1 * expected, "ρ = " + rho);
        }
        double[][] chains = new double[4][];
        for (int c = 0; c < 4; c++) chains[c] = ar1(25_000, 0.5, 100 + c);
        assertEquals(1.0 / 3, stats.ess(chains) / 100_000, 0.1 / 3, "four chains");
        assertEquals(1.0 / 3, stats.bulkEss(chains) / 100_000, 0.1 / 3, "bulk, four chains");
    }

    @Test
    void vectorAndScalarStatisticsAgree() {
        double[][] chains = new double[3][];
        for (int c = 0; c < 3; c++) chains[c] = ar1(5_001, 0.8, c);
        TraceStatistics scalar = TraceStatistics.scalar();
        assertEquals(scalar.ess(chains), stats.ess(chains), 1e-9 * scalar.ess(chains));
        assertEquals(scalar.splitRhat(chains), stats.splitRhat(chains), 1e-12);
        assertEquals(scalar.rankNormalizedSplitRhat(chains), stats.rankNormalizedSplitRhat(chains), 1e-12);
        assertArrayEquals(scalar.autocorrelation(chains[0], 20), stats.autocorrelation(chains[0], 20), 1e-12);
    }

    @Test
    void splitRhatMatchesItsFormulaOnAHandWorkedCase() {
        // Halves [0,2] [1,3] [2,4] [3,5]: n = 2, W = 2, chain means 1..4 so B = 2·var(1,2,3,4) = 10/3,
        // R̂ = √((B/W + n − 1)/n) = √(4/3).
        double[][] chains = {{0, 2, 1, 3}, {2, 4, 3, 5}};
        assertEquals(Math.sqrt(4.0 / 3), stats.splitRhat(chains), 1e-14);
        // An odd length drops the middle draw.
        assertEquals(Math.sqrt(4.0 / 3), stats.splitRhat(new double[][] {{0, 2, 99, 1, 3}, {2, 4, -99, 3, 5}}), 1e-14);
    }

    @Test
    void rhatIsOneForChainsFromOneDistributionAndLargeForShiftedMeans() {
        double[][] iid = new double[4][], identical = new double[4][], shifted = new double[4][];
        double[] one = ar1(2_000, 0.3, 7);
        for (int c = 0; c < 4; c++) {
            iid[c] = ar1(2_000, 0.3, 10 + c);
            identical[c] = one.clone();
            double shift = 0.8 * c;
            shifted[c] = Arrays.stream(ar1(2_000, 0.3, 20 + c)).map(x -> x + shift).toArray();
        }
        assertEquals(1, stats.splitRhat(iid), 0.01);
        assertEquals(1, stats.splitRhat(identical), 0.01);
        assertEquals(1, stats.rankNormalizedSplitRhat(iid), 0.01);
        assertTrue(stats.splitRhat(shifted) > 1.1, "split R̂ " + stats.splitRhat(shifted));
        assertTrue(stats.rankNormalizedSplitRhat(shifted) > 1.1, "rank R̂ " + stats.rankNormalizedSplitRhat(shifted));
        // A chain whose spread differs is caught by the folded (tail) half of the rank-normalised R̂.
        double[][] wide = {iid[0], iid[1], Arrays.stream(iid[2]).map(x -> 4 * x).toArray(), iid[3]};
        assertTrue(stats.rankNormalizedSplitRhat(wide) > stats.splitRhat(wide) + 0.05,
                "rank " + stats.rankNormalizedSplitRhat(wide) + " split " + stats.splitRhat(wide));
    }

    @Test
    void divergedOrShortChainsGiveNaNAndRaggedChainsAreRejected() {
        double[] good = ar1(100, 0.1, 1), bad = good.clone();
        bad[50] = Double.NaN;
        assertTrue(Double.isNaN(stats.ess(new double[][] {good, bad})));
        assertTrue(Double.isNaN(stats.splitRhat(new double[][] {good, bad})));
        assertTrue(Double.isNaN(stats.ess(new double[] {1, 2, 3})));
        var e = assertThrows(IllegalArgumentException.class, () -> stats.splitRhat(new double[][] {good, new double[99]}));
        assertTrue(e.getMessage().contains("different lengths"), e.getMessage());
        double[] constant = new double[50];
        Arrays.fill(constant, 2.5);
        assertEquals(50, stats.ess(constant), 0);
    }
}
