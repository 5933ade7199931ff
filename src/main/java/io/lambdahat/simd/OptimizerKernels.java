package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;

/**
 * The fused passes of the flat optimisers over P float32 values (native byte order): AdamW's and SGD's updates, as
 * torch.optim computes them, and the sum of squares and scaling of gradient clipping. The vector implementation
 * ({@link SimdProvider#optimizerKernels()}) writes the same floats bit for bit as the scalar twin ({@link #scalar()});
 * the sum of squares differs only by summation order.
 */
public interface OptimizerKernels {

    /**
     * The scalar twin, the test oracle.
     *
     * @return the stateless scalar instance
     */
    static OptimizerKernels scalar() {
        return ScalarOptimizerKernels.INSTANCE;
    }

    /**
     * The float32 scalars of AdamW's update number t, computed in double as torch does.
     *
     * @param l2 λ_wd added to the gradient (g ← g + λ_wd·w: torch.optim.Adam's coupled decay), 0 for AdamW
     * @param decay 1 − lr·λ_wd, the decoupled weight decay (1 for Adam)
     * @param beta1 β₁
     * @param oneMinusBeta1 1 − β₁
     * @param beta2 β₂
     * @param oneMinusBeta2 1 − β₂
     * @param stepSize lr / (1 − β₁ᵗ)
     * @param bc2Sqrt √(1 − β₂ᵗ)
     * @param eps ε
     */
    record AdamWCoefficients(float l2, float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                             float stepSize, float bc2Sqrt, float eps) {
        /**
         * The scalars of update number t.
         *
         * @param t the update number, from 1
         * @param lr the learning rate
         * @param beta1 β₁
         * @param beta2 β₂
         * @param eps ε
         * @param weightDecay λ_wd
         * @param coupled true for torch.optim.Adam's decay added to the gradient, false for AdamW's decoupled decay
         * @return the float32 scalars
         */
        public static AdamWCoefficients of(long t, double lr, double beta1, double beta2, double eps,
                                           double weightDecay, boolean coupled) {
            double bc1 = 1 - Math.pow(beta1, t);
            double bc2 = 1 - Math.pow(beta2, t);
            return new AdamWCoefficients(coupled ? (float) weightDecay : 0f, coupled ? 1f : (float) (1 - lr * weightDecay),
                    (float) beta1, (float) (1 - beta1),
                    (float) beta2, (float) (1 - beta2), (float) (lr / bc1), (float) Math.sqrt(bc2), (float) eps);
        }
    }

    /**
     * The float32 scalars of one SGD update.
     *
     * @param minusLr −lr
     * @param weightDecay λ_wd (coupled L2)
     * @param momentum μ
     * @param oneMinusDampening 1 − τ
     * @param useMomentum whether there is a momentum buffer (μ ≠ 0)
     * @param nesterov Nesterov momentum
     * @param first the update that initialises the momentum buffer (b = d)
     */
    record SgdCoefficients(float minusLr, float weightDecay, float momentum, float oneMinusDampening,
                           boolean useMomentum, boolean nesterov, boolean first) {
        /**
         * The scalars of one update.
         *
         * @param lr the learning rate
         * @param momentum μ, 0 for none
         * @param dampening τ
         * @param nesterov Nesterov momentum
         * @param weightDecay λ_wd
         * @param first whether this is the first update (it initialises the momentum buffer)
         * @return the float32 scalars
         */
        public static SgdCoefficients of(double lr, double momentum, double dampening, boolean nesterov,
                                         double weightDecay, boolean first) {
            return new SgdCoefficients((float) -lr, (float) weightDecay, (float) momentum, (float) (1 - dampening),
                    momentum != 0, nesterov, first);
        }
    }

    /**
     * AdamW's update of n elements in one pass:
     * <pre>
     *   m ← fma(β₁, m, (1 − β₁)·g),   v ← fma(β₂, v, (1 − β₂)·g·g)
     *   w ← fma(−stepSize, m / (√v / bc2Sqrt + ε), w·decay)
     * </pre>
     *
     * @param w the parameters, updated
     * @param g the gradient
     * @param m the first moment (exp_avg), updated
     * @param v the second moment (exp_avg_sq), updated
     * @param n the number of elements
     * @param c the update's scalars
     */
    void adamW(MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v, long n, AdamWCoefficients c);

    /**
     * SGD's update of n elements in one pass: d = fma(λ_wd, w, g); with momentum b ← d on the first update, else
     * fma(μ, b, (1 − τ)·d), and d = b (or fma(μ, b, d) with Nesterov); then w ← fma(−lr, d, w).
     *
     * @param w the parameters, updated
     * @param g the gradient
     * @param buf the momentum buffer, updated; unused (may be null) without momentum
     * @param n the number of elements
     * @param c the update's scalars
     */
    void sgd(MemorySegment w, MemorySegment g, MemorySegment buf, long n, SgdCoefficients c);

    /**
     * Σ x², summed in double.
     *
     * @param x float32 values
     * @param n the number of elements
     * @return the sum of squares
     */
    double sumOfSquares(MemorySegment x, long n);

    /**
     * x ← x·factor in float32.
     *
     * @param x float32 values, scaled in place
     * @param n the number of elements
     * @param factor the factor
     */
    void scale(MemorySegment x, long n, float factor);
}
