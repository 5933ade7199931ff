package io.lambdahat.dynamics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Critical points of a GP-smoothed curve, from the posterior of its slope s = df/dx on a dense grid.
 *
 * <p>The grid is first split into <em>significant runs</em>: maximal stretches where |s| / sd(s) exceeds
 * {@code significanceZ}, each with the sign of s.
 * <ul>
 *   <li><b>Extrema.</b> Between consecutive runs of opposite sign the curve turns: a maximum or minimum, placed at
 *       the zero crossing of the posterior-mean slope between them (the highest crossing for a maximum, the lowest
 *       for a minimum, if noise makes several). Its interval is the stretch around the crossing where the slope's
 *       {@code bandZ} band contains zero.</li>
 *   <li><b>Plateaus.</b> Inside a monotone stretch (consecutive runs of one sign σ, between extrema or the ends),
 *       the curve may pause without turning. With g = σ·s, a local minimum of g at k is a plateau when, against the
 *       highest significant g on each side (up to the neighbouring plateau), it is both <em>deep</em>:
 *       g(k) ≤ {@code plateauFraction} · min(peak left, peak right), and <em>real</em>: each peak exceeds g(k) by
 *       more than {@code significanceZ} posterior sd of the difference (slope covariances from the GP). The depth
 *       test keeps a curve that merely slows down from being split; the significance test keeps a noise dip in a
 *       steady climb from counting. g(k) need not be statistically zero: with precise data a pause can be clearly
 *       resolved while its slope is still measurably positive. Its interval is the stretch around k where the
 *       lower edge of the slope band reaches down to max(g(k), 0).</li>
 * </ul>
 * Insignificant stretches at the start or end of the curve give no boundary: the curve has to move measurably on
 * both sides. A monotone curve whose slope stays significant and without deep dips therefore has none.
 */
final class CriticalPoints {
    private CriticalPoints() {}

    private record Run(int start, int end, int sign, double peakZ) {}

    static List<Boundary> find(GpFit fit, GpCurve c, double bandZ, double significanceZ, double plateauFraction,
                               DoubleUnaryOperator toStep) {
        int m = c.size();
        double[] s = c.slope();
        double[] z = new double[m];
        for (int j = 0; j < m; j++) {
            double sd = c.slopeSd()[j];
            z[j] = sd > 0 ? s[j] / sd : (s[j] == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, s[j]));
        }
        List<Run> runs = new ArrayList<>();
        for (int j = 0; j < m; ) {
            int sign = z[j] > significanceZ ? 1 : (z[j] < -significanceZ ? -1 : 0);
            if (sign == 0) {
                j++;
                continue;
            }
            int start = j;
            double peakZ = 0;
            while (j < m && sign * z[j] > significanceZ) {
                peakZ = Math.max(peakZ, Math.abs(z[j]));
                j++;
            }
            runs.add(new Run(start, j - 1, sign, peakZ));
        }
        List<Boundary> out = new ArrayList<>();
        int first = 0;
        for (int r = 0; r < runs.size(); r++) {
            boolean endOfStretch = r + 1 == runs.size() || runs.get(r + 1).sign() != runs.get(r).sign();
            if (!endOfStretch) continue;
            out.addAll(plateaus(fit, c, z, runs.get(first).start(), runs.get(r).end(), runs.get(r).sign(),
                    bandZ, significanceZ, plateauFraction, toStep));
            if (r + 1 < runs.size()) {
                Run a = runs.get(r);
                Run b = runs.get(r + 1);
                out.add(extremum(c, z, a, b, bandZ, Math.min(a.peakZ(), b.peakZ()), toStep));
            }
            first = r + 1;
        }
        return out;
    }

    private static Boundary extremum(GpCurve c, double[] z, Run a, Run b, double bandZ, double significance,
                                     DoubleUnaryOperator toStep) {
        boolean maximum = a.sign() > 0;
        double[] x = c.x();
        double[] s = c.slope();
        int bestLeft = -1;
        double bestX = Double.NaN;
        double bestValue = maximum ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        double bestSd = Double.NaN;
        for (int i = a.end(); i < b.start(); i++) {
            boolean crosses = (s[i] > 0 && s[i + 1] <= 0) || (s[i] < 0 && s[i + 1] >= 0);
            if (!crosses) continue;
            double t = s[i] == s[i + 1] ? 0.5 : s[i] / (s[i] - s[i + 1]);
            double value = lerp(c.mean()[i], c.mean()[i + 1], t);
            if (maximum ? value > bestValue : value < bestValue) {
                bestValue = value;
                bestLeft = i;
                bestX = lerp(x[i], x[i + 1], t);
                bestSd = lerp(c.sd()[i], c.sd()[i + 1], t);
            }
        }
        // Opposite signs at the run ends guarantee a crossing; this only guards against a NaN slope.
        if (bestLeft < 0) throw new ArithmeticException("slope changes sign without a zero crossing; NaN in the GP posterior?");
        int lo = bestLeft;
        while (lo > 0 && Math.abs(z[lo]) <= bandZ) lo--;
        int hi = bestLeft + 1;
        while (hi < z.length - 1 && Math.abs(z[hi]) <= bandZ) hi++;
        return boundary(maximum ? Boundary.Kind.MAXIMUM : Boundary.Kind.MINIMUM, bestX, x[lo], x[hi],
                bestValue, bestSd, significance, toStep);
    }

    /** Plateaus of the monotone stretch [from, to] (grid indices of its first and last significant point). */
    private static List<Boundary> plateaus(GpFit fit, GpCurve c, double[] z, int from, int to, int sign, double bandZ,
                                           double significanceZ, double plateauFraction, DoubleUnaryOperator toStep) {
        double[] s = c.slope();
        double[] x = c.x();
        int m = c.size();
        double[] g = new double[m];
        for (int j = 0; j < m; j++) g[j] = sign * s[j];
        List<Integer> kept = new ArrayList<>();
        for (int k = from + 1; k < to; k++) {
            if (!(g[k] <= g[k - 1] && g[k] < g[k + 1])) continue;
            if (!separated(fit, c, g, k, peak(g, z, sign, significanceZ, from, k),
                    peak(g, z, sign, significanceZ, k, to), significanceZ, plateauFraction)) continue;
            boolean add = true;
            while (!kept.isEmpty()) {
                int prev = kept.getLast();
                int between = peak(g, z, sign, significanceZ, prev, k);
                if (separated(fit, c, g, prev, between, between, significanceZ, plateauFraction)
                        && separated(fit, c, g, k, between, between, significanceZ, plateauFraction)) break;
                // No real peak between the two dips: one plateau, represented by the deeper dip.
                if (g[prev] <= g[k]) {
                    add = false;
                    break;
                }
                kept.removeLast();
            }
            if (add) kept.add(k);
        }
        List<Boundary> out = new ArrayList<>();
        for (int k : kept) {
            double xp = x[k];
            double value = c.mean()[k];
            double sd = c.sd()[k];
            if (k > 0 && k < m - 1) {
                double denom = g[k - 1] - 2 * g[k] + g[k + 1];
                if (denom > 0) {
                    double offset = 0.5 * (g[k - 1] - g[k + 1]) / denom;
                    if (Math.abs(offset) < 1) {
                        int other = offset >= 0 ? k + 1 : k - 1;
                        xp = lerp(x[k], x[other], Math.abs(offset));
                        value = lerp(c.mean()[k], c.mean()[other], Math.abs(offset));
                        sd = lerp(c.sd()[k], c.sd()[other], Math.abs(offset));
                    }
                }
            }
            double floor = Math.max(g[k], 0.0);
            int lo = k;
            while (lo > 0 && g[lo] - bandZ * c.slopeSd()[lo] <= floor) lo--;
            int hi = k;
            while (hi < m - 1 && g[hi] - bandZ * c.slopeSd()[hi] <= floor) hi++;
            int left = peak(g, z, sign, significanceZ, from, k);
            int right = peak(g, z, sign, significanceZ, k, to);
            double significance = Math.min(Math.abs(z[left]), Math.abs(z[right]));
            out.add(boundary(sign > 0 ? Boundary.Kind.RISING_PLATEAU : Boundary.Kind.FALLING_PLATEAU, xp, x[lo], x[hi],
                    value, sd, significance, toStep));
        }
        return out;
    }

    /** Index of the largest g among significant points of sign {@code sign} in [from, to], or −1 if none. */
    private static int peak(double[] g, double[] z, int sign, double significanceZ, int from, int to) {
        int best = -1;
        for (int j = from; j <= to; j++) {
            if (sign * z[j] > significanceZ && (best < 0 || g[j] > g[best])) best = j;
        }
        return best;
    }

    /** Whether dip k is deep against both peaks and each peak is significantly above it. */
    private static boolean separated(GpFit fit, GpCurve c, double[] g, int k, int left, int right,
                                     double significanceZ, double plateauFraction) {
        if (left < 0 || right < 0) return false;
        if (g[k] > plateauFraction * Math.min(g[left], g[right])) return false;
        return differenceZ(fit, c, g, k, left) > significanceZ && differenceZ(fit, c, g, k, right) > significanceZ;
    }

    private static double differenceZ(GpFit fit, GpCurve c, double[] g, int k, int p) {
        double[] x = c.x();
        double var = c.slopeSd()[k] * c.slopeSd()[k] + c.slopeSd()[p] * c.slopeSd()[p]
                - 2 * fit.slopeCovariance(x[k], x[p]);
        double diff = g[p] - g[k];
        return var > 0 ? diff / Math.sqrt(var) : (diff > 0 ? Double.POSITIVE_INFINITY : 0);
    }

    private static Boundary boundary(Boundary.Kind kind, double x, double lo, double hi, double value, double sd,
                                     double significance, DoubleUnaryOperator toStep) {
        double low = Math.min(lo, x);
        double high = Math.max(hi, x);
        // A slope with zero posterior sd (noise-free data) has infinite z; JSON has no infinity.
        return new Boundary(kind, toStep.applyAsDouble(x), toStep.applyAsDouble(low), toStep.applyAsDouble(high),
                x, low, high, value, sd, Math.min(significance, Double.MAX_VALUE));
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
