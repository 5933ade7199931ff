package io.lambdahat.sampling;

import java.util.Arrays;

/**
 * The exact learning coefficient of a deep linear network (reduced-rank regression) by Aoyagi's theorem
 * (Aoyagi 2024; the two-layer case Aoyagi &amp; Watanabe 2005): widths H_1 (input) … H_{L+1} (output), true rank r.
 */
public final class Aoyagi {
    private Aoyagi() {}

    /**
     * λ for the given widths and rank (docs/SCIENCE.md §3): the oracle λ̂ of a deep linear network is checked against.
     *
     * @param widths H_1 (input) … H_{L+1} (output), at least two
     * @param rank r, the rank of the true map, at most every width
     * @return the learning coefficient λ
     * @throws IllegalArgumentException if fewer than two widths are given or the rank exceeds a width
     */
    public static double learningCoefficient(int[] widths, int rank) {
        int n = widths.length;
        if (n < 2) throw new IllegalArgumentException("need at least input and output widths");
        int r = rank;
        int[] delta = new int[n];
        for (int i = 0; i < n; i++) {
            delta[i] = widths[i] - r;
            if (delta[i] < 0) throw new IllegalArgumentException("rank " + r + " exceeds width " + widths[i]);
        }
        int[] sorted = delta.clone();
        Arrays.sort(sorted);
        // Σ is a prefix of the ascending Δ of size ℓ + 1 (ℓ ≥ 1) satisfying the three conditions.
        for (int size = 2; size <= n; size++) {
            int ell = size - 1;
            long s = 0;
            int max = sorted[size - 1];
            for (int i = 0; i < size; i++) s += sorted[i];
            double minOutside = size < n ? sorted[size] : Double.POSITIVE_INFINITY;
            if (max < minOutside && s >= (long) ell * max && s < ell * minOutside) {
                long m = (s + ell - 1) / ell; // ⌈S/ℓ⌉
                long a = s - (m - 1) * ell;
                double pairs = 0;
                for (int i = 0; i < size; i++) for (int j = i + 1; j < size; j++) pairs += (double) sorted[i] * sorted[j];
                double sOverL = (double) s / ell;
                return (-(double) r * r + (double) r * (widths[0] + widths[n - 1])) / 2.0
                        + a * (ell - a) / (4.0 * ell)
                        - ell * (ell - 1) / 4.0 * sOverL * sOverL
                        + pairs / 2.0;
            }
        }
        throw new IllegalStateException("no subset satisfies Aoyagi's conditions for " + Arrays.toString(widths) + " rank " + r);
    }
}
