package io.lambdahat.dynamics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Gaussian-process regression in one dimension with an RBF kernel and white noise, the smoother used for λ̂ and
 * loss trajectories in ln(step) (docs/SCIENCE.md §4).
 *
 * <p>Inputs are normalised internally (x to zero mean and unit standard deviation, y likewise; the prior mean is
 * the sample mean of y), so the hyperparameter search works on the same scale for every data set. Hyperparameters
 * maximise the log marginal likelihood: a grid over (length scale, signal variance, noise variance) in log space,
 * then Nelder–Mead from the best few grid points, all inside box bounds. The lower bound on the length scale is
 * the median spacing of the inputs by default, because wiggles shorter than the checkpoint spacing are not
 * resolved by the data and would otherwise show up as spurious critical points.
 *
 * <p>A known per-point noise standard deviation (for λ̂, its standard error at each checkpoint) may be given; its
 * square is added to the fitted homoscedastic noise variance on the diagonal of the kernel matrix.
 */
public final class GaussianProcess {
    private GaussianProcess() {}

    /** Noise variance below this (in normalised units, i.e. relative to the variance of y) is not searched. */
    static final double MIN_NOISE_VARIANCE = 1e-6;
    static final double MAX_NOISE_VARIANCE = 10.0;
    static final double MIN_SIGNAL_VARIANCE = 1e-3;
    static final double MAX_SIGNAL_VARIANCE = 1e2;
    /** Upper bound on the length scale, in standard deviations of x (about three times the span of even data). */
    static final double MAX_LENGTH_SCALE = 10.0;

    /**
     * Bounds of the hyperparameter search.
     *
     * @param minLengthScale smallest length scale considered, in units of x; null = the median spacing of the inputs
     * @param maxLengthScale largest length scale considered, in units of x; null = 10 standard deviations of x
     * @param restarts       how many of the best grid points start a Nelder–Mead refinement (≥ 1)
     */
    public record FitOptions(Double minLengthScale, Double maxLengthScale, int restarts) {
        /**
         * Validates the bounds.
         *
         * @throws IllegalArgumentException if restarts &lt; 1 or a given length scale is not finite and positive
         */
        public FitOptions {
            if (restarts < 1) throw new IllegalArgumentException("GP fit needs restarts >= 1, got " + restarts);
            if (minLengthScale != null && !(minLengthScale > 0 && Double.isFinite(minLengthScale))) {
                throw new IllegalArgumentException("minLengthScale must be finite and > 0, or null (automatic), got " + minLengthScale);
            }
            if (maxLengthScale != null && !(maxLengthScale > 0 && Double.isFinite(maxLengthScale))) {
                throw new IllegalArgumentException("maxLengthScale must be finite and > 0, or null (automatic), got " + maxLengthScale);
            }
        }

        /**
         * Automatic length-scale bounds and 3 restarts.
         *
         * @return the default bounds
         */
        public static FitOptions defaults() {
            return new FitOptions(null, null, 3);
        }

        /**
         * A copy with another value.
         *
         * @param v the smallest length scale, in units of x; null = the median spacing of the inputs
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public FitOptions withMinLengthScale(Double v) {
            return new FitOptions(v, maxLengthScale, restarts);
        }

        /**
         * A copy with another value.
         *
         * @param v the largest length scale, in units of x; null = 10 standard deviations of x
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public FitOptions withMaxLengthScale(Double v) {
            return new FitOptions(minLengthScale, v, restarts);
        }

        /**
         * A copy with another value.
         *
         * @param v how many of the best grid points start a Nelder–Mead refinement, ≥ 1
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public FitOptions withRestarts(int v) {
            return new FitOptions(minLengthScale, maxLengthScale, v);
        }
    }

    /**
     * Fits hyperparameters by maximum marginal likelihood with default bounds.
     *
     * @param x inputs (for trajectories ln(step + offset)), finite, at least 3 with two distinct
     * @param y observations at x, finite, one per input
     * @param noiseSd known noise standard deviation of each y (λ̂ standard errors), ≥ 0; null for none
     * @return the posterior at the fitted hyperparameters
     * @throws IllegalArgumentException if the arrays differ in length, hold non-finite values or negative noise,
     *     have fewer than 3 points, or all x are equal
     * @throws ArithmeticException if no hyperparameters in the search box give a positive-definite kernel matrix
     */
    public static GpFit fit(double[] x, double[] y, double[] noiseSd) {
        return fit(x, y, noiseSd, FitOptions.defaults());
    }

    /**
     * Fits hyperparameters by maximum marginal likelihood.
     *
     * @param x inputs (for trajectories ln(step + offset)), finite, at least 3 with two distinct
     * @param y observations at x, finite, one per input
     * @param noiseSd known noise standard deviation of each y (λ̂ standard errors), ≥ 0; null for none
     * @param options bounds of the search
     * @return the posterior at the fitted hyperparameters
     * @throws IllegalArgumentException if the arrays differ in length, hold non-finite values or negative noise,
     *     have fewer than 3 points, all x are equal, or the length-scale bounds are empty
     * @throws ArithmeticException if no hyperparameters in the search box give a positive-definite kernel matrix
     */
    public static GpFit fit(double[] x, double[] y, double[] noiseSd, FitOptions options) {
        Data data = Data.of(x, y, noiseSd);
        double[] lower = new double[3];
        double[] upper = new double[3];
        double minLength = options.minLengthScale() == null
                ? data.medianSpacing()
                : options.minLengthScale() / data.sx;
        double maxLength = options.maxLengthScale() == null
                ? MAX_LENGTH_SCALE
                : options.maxLengthScale() / data.sx;
        if (!(maxLength > minLength)) {
            throw new IllegalArgumentException("GP length-scale bounds are empty: min " + minLength * data.sx
                    + " >= max " + maxLength * data.sx + " (units of x); widen maxLengthScale or lower minLengthScale");
        }
        lower[0] = Math.log(minLength);
        upper[0] = Math.log(maxLength);
        lower[1] = Math.log(MIN_SIGNAL_VARIANCE);
        upper[1] = Math.log(MAX_SIGNAL_VARIANCE);
        lower[2] = Math.log(MIN_NOISE_VARIANCE);
        upper[2] = Math.log(MAX_NOISE_VARIANCE);

        List<double[]> starts = new ArrayList<>();
        double[] signalGrid = {0.3, 2.0};
        double[] noiseGrid = {1e-5, 1e-3, 1e-2, 0.05, 0.2, 1.0};
        int lengthSteps = 10;
        for (int i = 0; i < lengthSteps; i++) {
            double logLength = lower[0] + (upper[0] - lower[0]) * i / (lengthSteps - 1);
            for (double s : signalGrid) {
                for (double nv : noiseGrid) {
                    double[] theta = {logLength, Math.log(s), Math.log(nv)};
                    starts.add(new double[] {theta[0], theta[1], theta[2], data.logLikelihood(theta)});
                }
            }
        }
        starts.sort(Comparator.comparingDouble((double[] s) -> s[3]).reversed());
        double[] best = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < Math.min(options.restarts(), starts.size()); r++) {
            double[] start = Arrays.copyOf(starts.get(r), 3);
            if (!Double.isFinite(starts.get(r)[3])) break;
            double[] refined = NelderMead.maximise(data::logLikelihood, start, lower, upper);
            double value = data.logLikelihood(refined);
            if (value > bestValue) {
                bestValue = value;
                best = refined;
            }
        }
        if (best == null) {
            throw new ArithmeticException("GP fit failed: the kernel matrix was not positive definite anywhere in the"
                    + " hyperparameter box; check the inputs for duplicates with conflicting values or non-finite numbers");
        }
        return new GpFit(data, Math.exp(best[0]), Math.exp(best[1]), Math.exp(best[2]));
    }

    /**
     * The posterior for fixed hyperparameters (no fitting).
     *
     * @param x inputs (for trajectories ln(step + offset)), finite, at least 3 with two distinct
     * @param y observations at x, finite, one per input
     * @param noiseSd known noise standard deviation of each y (λ̂ standard errors), ≥ 0; null for none
     * @param h the hyperparameters, in the units of x and y
     * @return the posterior
     * @throws IllegalArgumentException if the arrays differ in length, hold non-finite values or negative noise,
     *     have fewer than 3 points, or all x are equal
     * @throws ArithmeticException if the kernel matrix is not positive definite even with jitter
     */
    public static GpFit condition(double[] x, double[] y, double[] noiseSd, GpHyperparameters h) {
        Data data = Data.of(x, y, noiseSd);
        return new GpFit(data, h.lengthScale() / data.sx, h.signalVariance() / (data.sy * data.sy),
                h.noiseVariance() / (data.sy * data.sy));
    }

    /**
     * ln p(y | x, hyperparameters) under the GP with the sample mean of y as its constant prior mean, in the units
     * of y (so it is comparable across hyperparameters and with an independent computation).
     *
     * @param x inputs (for trajectories ln(step + offset)), finite, at least 3 with two distinct
     * @param y observations at x, finite, one per input
     * @param noiseSd known noise standard deviation of each y (λ̂ standard errors), ≥ 0; null for none
     * @param h the hyperparameters, in the units of x and y
     * @return the log marginal likelihood; −∞ if the kernel matrix is not positive definite even with jitter
     * @throws IllegalArgumentException if the arrays differ in length, hold non-finite values or negative noise,
     *     have fewer than 3 points, or all x are equal
     */
    public static double logMarginalLikelihood(double[] x, double[] y, double[] noiseSd, GpHyperparameters h) {
        Data data = Data.of(x, y, noiseSd);
        double[] theta = {
            Math.log(h.lengthScale() / data.sx),
            Math.log(h.signalVariance() / (data.sy * data.sy)),
            Math.log(h.noiseVariance() / (data.sy * data.sy))
        };
        return data.logLikelihood(theta) - data.n() * Math.log(data.sy);
    }

    /**
     * Normalised training data: u = (x − mx)/sx, v = (y − my)/sy, known noise variance in units of sy²; also the
     * points as given (x, y), so that what is read back from a fit is exactly what went in.
     */
    static final class Data {
        final double[] x;
        final double[] y;
        final double[] u;
        final double[] v;
        final double[] knownVariance;
        final double mx;
        final double sx;
        final double my;
        final double sy;

        private Data(double[] x, double[] y, double[] u, double[] v, double[] knownVariance, double mx, double sx, double my, double sy) {
            this.x = x;
            this.y = y;
            this.u = u;
            this.v = v;
            this.knownVariance = knownVariance;
            this.mx = mx;
            this.sx = sx;
            this.my = my;
            this.sy = sy;
        }

        int n() {
            return u.length;
        }

        static Data of(double[] x, double[] y, double[] noiseSd) {
            if (x == null || y == null) throw new IllegalArgumentException("GP needs x and y arrays, got null");
            int n = x.length;
            if (y.length != n) {
                throw new IllegalArgumentException("GP x and y differ in length: " + n + " vs " + y.length);
            }
            if (noiseSd != null && noiseSd.length != n) {
                throw new IllegalArgumentException("GP noiseSd has length " + noiseSd.length + ", expected " + n
                        + " (one standard deviation per point, or null)");
            }
            if (n < 3) throw new IllegalArgumentException("GP needs at least 3 points, got " + n);
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                    throw new IllegalArgumentException("GP input " + i + " is not finite: x=" + x[i] + ", y=" + y[i]);
                }
                if (noiseSd != null && !(noiseSd[i] >= 0 && Double.isFinite(noiseSd[i]))) {
                    throw new IllegalArgumentException("GP noiseSd[" + i + "] must be finite and >= 0, got " + noiseSd[i]);
                }
            }
            double mx = mean(x);
            double sx = sd(x, mx);
            if (!(sx > 0)) throw new IllegalArgumentException("GP inputs x are all equal; need at least two distinct x");
            double my = mean(y);
            double sy = sd(y, my);
            // A constant y is legitimate (a flat curve); any positive scale keeps the algebra well defined.
            if (!(sy > 0)) sy = Math.max(Math.abs(my), 1.0);
            double[] u = new double[n];
            double[] v = new double[n];
            double[] known = new double[n];
            for (int i = 0; i < n; i++) {
                u[i] = (x[i] - mx) / sx;
                v[i] = (y[i] - my) / sy;
                known[i] = noiseSd == null ? 0.0 : (noiseSd[i] / sy) * (noiseSd[i] / sy);
            }
            return new Data(x.clone(), y.clone(), u, v, known, mx, sx, my, sy);
        }

        double medianSpacing() {
            double[] sorted = u.clone();
            Arrays.sort(sorted);
            double[] gaps = new double[sorted.length - 1];
            int m = 0;
            for (int i = 1; i < sorted.length; i++) {
                double g = sorted[i] - sorted[i - 1];
                if (g > 0) gaps[m++] = g;
            }
            gaps = Arrays.copyOf(gaps, m);
            Arrays.sort(gaps);
            return gaps[m / 2];
        }

        double[][] kernelMatrix(double length, double signal, double noise) {
            int n = n();
            double[][] k = new double[n][n];
            double inv = 1.0 / (2 * length * length);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    double d = u[i] - u[j];
                    double kij = signal * Math.exp(-d * d * inv);
                    k[i][j] = kij;
                    k[j][i] = kij;
                }
                k[i][i] = signal + noise + knownVariance[i];
            }
            return k;
        }

        /** Cholesky factor of the kernel matrix, adding jitter only if rounding makes it indefinite. */
        double[][] factor(double length, double signal, double noise) {
            double[][] k = kernelMatrix(length, signal, noise);
            double applied = 0;
            for (int attempt = 0; attempt < 6; attempt++) {
                double[][] l = Linalg.cholesky(k);
                if (l != null) return l;
                double jitter = attempt == 0 ? 1e-10 * signal : applied * 10;
                for (int i = 0; i < k.length; i++) k[i][i] += jitter - applied;
                applied = jitter;
            }
            return null;
        }

        /** Log marginal likelihood of the normalised data at θ = (ln ℓ, ln s², ln σ²); −∞ if not factorisable. */
        double logLikelihood(double[] theta) {
            double length = Math.exp(theta[0]);
            double signal = Math.exp(theta[1]);
            double noise = Math.exp(theta[2]);
            double[][] l = factor(length, signal, noise);
            if (l == null) return Double.NEGATIVE_INFINITY;
            double[] w = Linalg.forwardSolve(l, v);
            double logDet = 0;
            for (int i = 0; i < l.length; i++) logDet += Math.log(l[i][i]);
            return -0.5 * Linalg.dot(w, w) - logDet - 0.5 * n() * Math.log(2 * Math.PI);
        }

        private static double mean(double[] a) {
            double s = 0;
            for (double x : a) s += x;
            return s / a.length;
        }

        private static double sd(double[] a, double mean) {
            double s = 0;
            for (double x : a) s += (x - mean) * (x - mean);
            return Math.sqrt(s / a.length);
        }
    }

    /** Bounded Nelder–Mead maximiser: trial points are clamped into the box, which keeps the simplex feasible. */
    static final class NelderMead {
        private NelderMead() {}

        interface Objective {
            double value(double[] theta);
        }

        static double[] maximise(Objective f, double[] start, double[] lower, double[] upper) {
            int d = start.length;
            double[][] simplex = new double[d + 1][];
            double[] values = new double[d + 1];
            simplex[0] = clamp(start.clone(), lower, upper);
            for (int i = 0; i < d; i++) {
                double[] p = simplex[0].clone();
                double step = 0.1 * (upper[i] - lower[i]);
                p[i] = p[i] + step <= upper[i] ? p[i] + step : p[i] - step;
                simplex[i + 1] = clamp(p, lower, upper);
            }
            for (int i = 0; i <= d; i++) values[i] = f.value(simplex[i]);
            for (int iter = 0; iter < 300; iter++) {
                Integer[] order = new Integer[d + 1];
                for (int i = 0; i <= d; i++) order[i] = i;
                final double[] vals = values;
                Arrays.sort(order, (a, b) -> Double.compare(vals[b], vals[a]));
                double[][] s2 = new double[d + 1][];
                double[] v2 = new double[d + 1];
                for (int i = 0; i <= d; i++) {
                    s2[i] = simplex[order[i]];
                    v2[i] = values[order[i]];
                }
                simplex = s2;
                values = v2;
                double spread = 0;
                for (int i = 1; i <= d; i++) {
                    for (int j = 0; j < d; j++) spread = Math.max(spread, Math.abs(simplex[i][j] - simplex[0][j]));
                }
                if (spread < 1e-4 || Math.abs(values[0] - values[d]) < 1e-7) break;
                double[] centroid = new double[d];
                for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) centroid[j] += simplex[i][j] / d;
                double[] worst = simplex[d];
                double[] reflected = clamp(affine(centroid, worst, 1.0), lower, upper);
                double fr = f.value(reflected);
                if (fr > values[0]) {
                    double[] expanded = clamp(affine(centroid, worst, 2.0), lower, upper);
                    double fe = f.value(expanded);
                    if (fe > fr) {
                        simplex[d] = expanded;
                        values[d] = fe;
                    } else {
                        simplex[d] = reflected;
                        values[d] = fr;
                    }
                } else if (fr > values[d - 1]) {
                    simplex[d] = reflected;
                    values[d] = fr;
                } else {
                    boolean outside = fr > values[d];
                    double[] contracted = clamp(affine(centroid, worst, outside ? 0.5 : -0.5), lower, upper);
                    double fc = f.value(contracted);
                    if (fc > Math.max(fr, values[d])) {
                        simplex[d] = contracted;
                        values[d] = fc;
                    } else {
                        for (int i = 1; i <= d; i++) {
                            for (int j = 0; j < d; j++) simplex[i][j] = simplex[0][j] + 0.5 * (simplex[i][j] - simplex[0][j]);
                            values[i] = f.value(simplex[i]);
                        }
                    }
                }
            }
            int bestIndex = 0;
            for (int i = 1; i <= d; i++) if (values[i] > values[bestIndex]) bestIndex = i;
            return simplex[bestIndex];
        }

        /** centroid + t · (centroid − worst). */
        private static double[] affine(double[] centroid, double[] worst, double t) {
            double[] p = new double[centroid.length];
            for (int j = 0; j < p.length; j++) p[j] = centroid[j] + t * (centroid[j] - worst[j]);
            return p;
        }

        private static double[] clamp(double[] p, double[] lower, double[] upper) {
            for (int j = 0; j < p.length; j++) p[j] = Math.min(upper[j], Math.max(lower[j], p[j]));
            return p;
        }
    }
}
