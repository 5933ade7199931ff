package io.lambdahat.dynamics;

/**
 * Hyperparameters of the Gaussian process k(x, x') = signalVariance · exp(−(x − x')² / (2 · lengthScale²)) plus
 * white noise, in the caller's units: lengthScale in units of x (for trajectories, ln step), the variances in
 * units of y². noiseVariance is the homoscedastic part; a known per-point variance (a λ̂ standard error squared)
 * is added on top of it.
 *
 * @param lengthScale    ℓ, in units of x; finite and &gt; 0
 * @param signalVariance σ_f², the prior variance of f, in units of y²; finite and &gt; 0
 * @param noiseVariance  σ_n², the homoscedastic noise variance, in units of y²; finite and ≥ 0
 */
public record GpHyperparameters(double lengthScale, double signalVariance, double noiseVariance) {
    /**
     * Validates the hyperparameters.
     *
     * @throws IllegalArgumentException if a value is not finite, ℓ or σ_f² is not positive, or σ_n² is negative
     */
    public GpHyperparameters {
        if (!(lengthScale > 0) || !Double.isFinite(lengthScale)) {
            throw new IllegalArgumentException("GP length scale must be finite and > 0, got " + lengthScale);
        }
        if (!(signalVariance > 0) || !Double.isFinite(signalVariance)) {
            throw new IllegalArgumentException("GP signal variance must be finite and > 0, got " + signalVariance);
        }
        if (!(noiseVariance >= 0) || !Double.isFinite(noiseVariance)) {
            throw new IllegalArgumentException("GP noise variance must be finite and >= 0, got " + noiseVariance);
        }
    }
}
