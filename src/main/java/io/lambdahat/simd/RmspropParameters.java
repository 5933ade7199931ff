package io.lambdahat.simd;

/**
 * The preconditioner of RMSProp-SGLD:
 * <pre>
 *   V ← α·V + (1 − α)·g⊙g,   G = 1/(√V + δ)
 *   w ← clamp( w − (ε/2)·G⊙(nβ·g + γ·(w − w*) + λ_wd·w) + √ε·√G⊙ξ ,  w* − b, w* + b )
 * </pre>
 *
 * @param alpha decay α of the running mean of g⊙g, in [0, 1)
 * @param stabilizer RMSProp's stabiliser δ added to √V (> 0; torch.optim calls it eps); not the step size ε
 */
public record RmspropParameters(double alpha, double stabilizer) {
    /** α = 0.99, δ = 0.1: the values in common use. */
    public static final RmspropParameters DEFAULT = new RmspropParameters(0.99, 0.1);

    /**
     * Validates α and δ.
     *
     * @throws IllegalArgumentException if α is outside [0, 1) or δ is not positive and finite
     */
    public RmspropParameters {
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("RMSProp α must lie in [0, 1), got " + alpha + " (0.99 is usual)");
        }
        if (!(stabilizer > 0) || Double.isInfinite(stabilizer)) {
            throw new IllegalArgumentException("RMSProp's stabiliser δ must be positive and finite, got " + stabilizer + " (0.1 is usual)");
        }
    }
}
