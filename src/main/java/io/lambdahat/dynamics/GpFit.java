package io.lambdahat.dynamics;

/**
 * A Gaussian-process posterior: the training data conditioned under fixed hyperparameters (fitted or given).
 * Every prediction is of the latent curve f (without the observation noise) and comes back in the caller's
 * units. Slopes use the closed-form derivatives of the RBF kernel: with r = x − xᵢ,
 * ∂k/∂x = −r/ℓ² · k, ∂²k/∂x² = (r²/ℓ⁴ − 1/ℓ²) · k and the prior variance of f' is s²/ℓ².
 */
public final class GpFit {
    private final GaussianProcess.Data data;
    private final double length;
    private final double signal;
    private final double noise;
    private final double[][] chol;
    private final double[] alpha;
    private final double logLikelihood;

    GpFit(GaussianProcess.Data data, double length, double signal, double noise) {
        this.data = data;
        this.length = length;
        this.signal = signal;
        this.noise = noise;
        this.chol = data.factor(length, signal, noise);
        if (chol == null) {
            throw new ArithmeticException("GP kernel matrix is not positive definite at length scale "
                    + length * data.sx + ", signal variance " + signal * data.sy * data.sy
                    + "; check for duplicate x with conflicting y or use a larger noise variance");
        }
        double[] w = Linalg.forwardSolve(chol, data.v);
        this.alpha = Linalg.backSolveTransposed(chol, w);
        double logDet = 0;
        for (int i = 0; i < chol.length; i++) logDet += Math.log(chol[i][i]);
        this.logLikelihood = -0.5 * Linalg.dot(w, w) - logDet - 0.5 * data.n() * Math.log(2 * Math.PI)
                - data.n() * Math.log(data.sy);
    }

    /** {@return the hyperparameters in the caller's units} */
    public GpHyperparameters hyperparameters() {
        return new GpHyperparameters(length * data.sx, signal * data.sy * data.sy, noise * data.sy * data.sy);
    }

    /** {@return ln p(y | x) at these hyperparameters, in the units of y} */
    public double logMarginalLikelihood() {
        return logLikelihood;
    }

    /** {@return a copy of the training x, as given} */
    public double[] trainingX() {
        return data.x.clone();
    }

    /** {@return a copy of the training y, as given} */
    public double[] trainingY() {
        return data.y.clone();
    }

    /**
     * The noise variance of each training point as this fit models it: the fitted homoscedastic σ_n² plus the known
     * per-point variance (a λ̂ standard error squared), in units of y².
     *
     * @return one variance per training point
     */
    public double[] observationVariance() {
        double[] v = new double[data.n()];
        double s2 = data.sy * data.sy;
        for (int i = 0; i < v.length; i++) v[i] = (noise + data.knownVariance[i]) * s2;
        return v;
    }

    /** {@return the number of training points} */
    public int size() {
        return data.n();
    }

    /** {@return the smallest training x; predictions in [minX, maxX] are interpolation} */
    public double minX() {
        double m = Double.POSITIVE_INFINITY;
        for (double u : data.u) m = Math.min(m, u);
        return data.mx + data.sx * m;
    }

    /** {@return the largest training x} */
    public double maxX() {
        double m = Double.NEGATIVE_INFINITY;
        for (double u : data.u) m = Math.max(m, u);
        return data.mx + data.sx * m;
    }

    /**
     * Posterior of f, f' and the mean of f'' at one point.
     *
     * @param x where to evaluate, in the units of the training x
     * @return the posterior at x
     */
    public GpPoint predict(double x) {
        double u = (x - data.mx) / data.sx;
        int n = data.n();
        double[] k = new double[n];
        double[] dk = new double[n];
        double mean = 0;
        double slope = 0;
        double curvature = 0;
        double inv = 1.0 / (length * length);
        for (int i = 0; i < n; i++) {
            double r = u - data.u[i];
            double ki = signal * Math.exp(-0.5 * r * r * inv);
            k[i] = ki;
            dk[i] = -r * inv * ki;
            mean += ki * alpha[i];
            slope += dk[i] * alpha[i];
            curvature += (r * r * inv * inv - inv) * ki * alpha[i];
        }
        double[] vk = Linalg.forwardSolve(chol, k);
        double[] vdk = Linalg.forwardSolve(chol, dk);
        double variance = Math.max(0.0, signal - Linalg.dot(vk, vk));
        double slopeVariance = Math.max(0.0, signal * inv - Linalg.dot(vdk, vdk));
        double sy = data.sy;
        double sx = data.sx;
        return new GpPoint(x, data.my + sy * mean, sy * sy * variance, sy / sx * slope,
                (sy / sx) * (sy / sx) * slopeVariance, sy / (sx * sx) * curvature);
    }

    /**
     * Posterior on a grid of x values.
     *
     * @param xs the grid (copied)
     * @return the posterior at each grid point
     */
    public GpCurve predict(double[] xs) {
        int m = xs.length;
        double[] mean = new double[m];
        double[] sd = new double[m];
        double[] slope = new double[m];
        double[] slopeSd = new double[m];
        double[] curvature = new double[m];
        for (int j = 0; j < m; j++) {
            GpPoint p = predict(xs[j]);
            mean[j] = p.mean();
            sd[j] = p.sd();
            slope[j] = p.slope();
            slopeSd[j] = p.slopeSd();
            curvature[j] = p.curvature();
        }
        return new GpCurve(xs.clone(), mean, sd, slope, slopeSd, curvature);
    }

    /**
     * Posterior covariance of the latent curve at two points.
     *
     * @param a first point
     * @param b second point
     * @return Cov(f(a), f(b)), in units of y²
     */
    public double covariance(double a, double b) {
        double ua = (a - data.mx) / data.sx;
        double ub = (b - data.mx) / data.sx;
        int n = data.n();
        double[] ka = new double[n];
        double[] kb = new double[n];
        double inv = 0.5 / (length * length);
        for (int i = 0; i < n; i++) {
            double ra = ua - data.u[i];
            double rb = ub - data.u[i];
            ka[i] = signal * Math.exp(-ra * ra * inv);
            kb[i] = signal * Math.exp(-rb * rb * inv);
        }
        double prior = signal * Math.exp(-(ua - ub) * (ua - ub) * inv);
        double[] va = Linalg.forwardSolve(chol, ka);
        double[] vb = Linalg.forwardSolve(chol, kb);
        return data.sy * data.sy * (prior - Linalg.dot(va, vb));
    }

    /**
     * Posterior covariance Cov(f'(a), f'(b)) of the slopes, from ∂²k/∂a∂b = (1/ℓ² − r²/ℓ⁴) · k with r = a − b.
     *
     * @param a first point
     * @param b second point
     * @return Cov(f'(a), f'(b)), in units of (y/x)²
     */
    public double slopeCovariance(double a, double b) {
        double ua = (a - data.mx) / data.sx;
        double ub = (b - data.mx) / data.sx;
        int n = data.n();
        double[] da = new double[n];
        double[] db = new double[n];
        double inv = 1.0 / (length * length);
        for (int i = 0; i < n; i++) {
            double ra = ua - data.u[i];
            double rb = ub - data.u[i];
            da[i] = -ra * inv * signal * Math.exp(-0.5 * ra * ra * inv);
            db[i] = -rb * inv * signal * Math.exp(-0.5 * rb * rb * inv);
        }
        double r = ua - ub;
        double prior = (inv - r * r * inv * inv) * signal * Math.exp(-0.5 * r * r * inv);
        double[] va = Linalg.forwardSolve(chol, da);
        double[] vb = Linalg.forwardSolve(chol, db);
        double scale = data.sy / data.sx;
        return scale * scale * (prior - Linalg.dot(va, vb));
    }

    /**
     * Standard deviation of f(b) − f(a) under the posterior (correlations included).
     *
     * @param a first point
     * @param b second point
     * @return sd(f(b) − f(a)), in units of y
     */
    public double differenceSd(double a, double b) {
        double v = covariance(a, a) + covariance(b, b) - 2 * covariance(a, b);
        return Math.sqrt(Math.max(0.0, v));
    }
}
