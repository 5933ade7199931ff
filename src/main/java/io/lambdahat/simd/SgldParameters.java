package io.lambdahat.simd;

/**
 * The hyperparameters of one SGLD step:
 * <pre>
 *   w ← clamp( w − (ε/2)·(nβ·g + γ·(w − w*) + λ_wd·w) + √ε·ξ ,  w* − b, w* + b ),   ξ ~ N(0, I)
 * </pre>
 *
 * @param epsilon     step size ε (> 0)
 * @param nBeta       nβ, the inverse temperature times the number of samples (≥ 0), multiplying the minibatch
 *                    gradient g of the mean loss
 * @param gamma       localisation strength γ (≥ 0), pulling towards the checkpoint w*
 * @param weightDecay λ_wd (≥ 0); 0 for the plain localised posterior
 * @param bound       half-width b of the bounding box around w* (> 0); {@code Double.POSITIVE_INFINITY} for none
 */
public record SgldParameters(double epsilon, double nBeta, double gamma, double weightDecay, double bound) {

    /**
     * Validates the hyperparameters.
     *
     * @throws IllegalArgumentException naming the parameter if ε is not positive and finite, nβ, γ or λ_wd is
     *         negative or not finite, or b is not positive
     */
    public SgldParameters {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("step size ε must be positive and finite, got " + epsilon);
        }
        if (!(nBeta >= 0) || Double.isInfinite(nBeta)) {
            throw new IllegalArgumentException("nβ must be finite and ≥ 0, got " + nBeta + " (the default is n/ln n)");
        }
        if (!(gamma >= 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("localisation γ must be finite and ≥ 0, got " + gamma);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and ≥ 0, got " + weightDecay);
        }
        if (!(bound > 0)) {
            throw new IllegalArgumentException("bounding box half-width must be > 0, got " + bound
                    + " (use Double.POSITIVE_INFINITY for no box)");
        }
    }

    /**
     * No weight decay, no bounding box: the plain localised posterior.
     *
     * @param epsilon step size ε (&gt; 0)
     * @param nBeta nβ (&ge; 0)
     * @param gamma localisation strength γ (&ge; 0)
     * @return the parameters
     * @throws IllegalArgumentException if a value is out of range
     */
    public static SgldParameters of(double epsilon, double nBeta, double gamma) {
        return new SgldParameters(epsilon, nBeta, gamma, 0, Double.POSITIVE_INFINITY);
    }

    /**
     * A copy with another weight decay.
     *
     * @param weightDecay λ_wd (&ge; 0)
     * @return the new parameters
     * @throws IllegalArgumentException if {@code weightDecay} is negative or not finite
     */
    public SgldParameters withWeightDecay(double weightDecay) {
        return new SgldParameters(epsilon, nBeta, gamma, weightDecay, bound);
    }

    /**
     * A copy with another bounding box.
     *
     * @param bound half-width b around w* (&gt; 0), {@code Double.POSITIVE_INFINITY} for none
     * @return the new parameters
     * @throws IllegalArgumentException if {@code bound} is not positive
     */
    public SgldParameters withBound(double bound) {
        return new SgldParameters(epsilon, nBeta, gamma, weightDecay, bound);
    }

    /**
     * Whether a bounding box applies.
     *
     * @return true when b is finite
     */
    public boolean bounded() {
        return bound != Double.POSITIVE_INFINITY;
    }
}
