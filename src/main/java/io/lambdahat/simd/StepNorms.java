package io.lambdahat.simd;

/**
 * The squared norms of one chain's SGLD step, taken in the same pass as the update. With a mask, the step terms
 * (gradient, drift, noise) count only the coordinates that move; the state terms count every coordinate of the
 * range. Summed in double over float partial sums of at most 1024 elements. A NaN or
 * infinity in any of them marks a diverged chain.
 *
 * @param distanceSq ‖w − w*‖² after the update
 * @param paramSq    ‖w‖² after the update
 * @param gradientSq ‖g‖²
 * @param driftSq    ‖drift‖², drift = (ε/2)·(nβ·g + γ·(w − w*) + λ_wd·w) (times G⊙ for RMSProp-SGLD)
 * @param noiseSq    ‖noise‖², noise = √ε·ξ (√ε·√G⊙ξ for RMSProp-SGLD); the forward proposal term of MALA
 */
public record StepNorms(double distanceSq, double paramSq, double gradientSq, double driftSq, double noiseSq) {
    /** All norms zero: the identity of {@link #plus}. */
    public static final StepNorms ZERO = new StepNorms(0, 0, 0, 0, 0);

    static StepNorms of(double[] sums) {
        return new StepNorms(sums[0], sums[1], sums[2], sums[3], sums[4]);
    }

    /**
     * The norms of the union of two disjoint ranges of the same row (a row split between threads).
     *
     * @param o the norms of the other range
     * @return the componentwise sums
     */
    public StepNorms plus(StepNorms o) {
        return new StepNorms(distanceSq + o.distanceSq, paramSq + o.paramSq, gradientSq + o.gradientSq,
                driftSq + o.driftSq, noiseSq + o.noiseSq);
    }

    /**
     * True when every norm is finite: the chain has not diverged.
     *
     * @return false if any norm is NaN or infinite
     */
    public boolean finite() {
        return Double.isFinite(distanceSq) && Double.isFinite(paramSq) && Double.isFinite(gradientSq)
                && Double.isFinite(driftSq) && Double.isFinite(noiseSq);
    }
}
