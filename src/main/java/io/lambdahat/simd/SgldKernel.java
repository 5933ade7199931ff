package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;

/**
 * The CPU SGLD step over one chain's row of a {@link ChainBuffers}, fused with its Gaussian noise and its norms:
 * one pass reads w, g, w* (and V), writes w (and V), and returns the {@link StepNorms}.
 *
 * <p>Noise: coordinate i of chain c at step t uses {@link GaussianNoise#normal GaussianNoise.normal(seed, c, t, i)},
 * so a run is reproducible from its seed whatever the SIMD width, the number of chains, or the split of a row into
 * ranges. Steps are counted from 0 and must stay below 2³²; rows must hold fewer than 2³³ − 32 parameters.
 *
 * <p>The Vector API kernel ({@link SimdProvider#sgldKernel()}) and {@link #scalar()} write bit-identical parameters
 * (the same float operations in the same order, with explicit fused multiply-adds); their norms differ only by
 * summation order. The scalar kernel is the test oracle. Both are stateless and thread-safe: chains, or ranges of one row, may be updated in parallel.
 *
 * <p>Arithmetic is in the buffers' precision: float32 throughout for float32 buffers; for float64 buffers everything
 * but the noise (which is the same float32 number, widened) is double.
 */
public interface SgldKernel {

    /**
     * Plain scalar twin, the test oracle: the same parameters bit for bit as the Vector API kernel.
     *
     * @return the stateless scalar kernel
     */
    static SgldKernel scalar() {
        return ScalarSgldKernel.INSTANCE;
    }

    /**
     * One SGLD step of chain {@code chain} over coordinates [from, to):
     * <pre>
     *   drift = (ε/2)·(nβ·g + γ·(w − w*) + λ_wd·w),   noise = √ε·ξ
     *   w ← clamp(w − drift + noise, w* − b, w* + b)      (only where the mask is non-zero)
     * </pre>
     * computed as {@code drift = fma(εnβ/2, g, fma(εγ/2, w − w*, (ελ_wd/2)·w))}, {@code w' = (w − drift) + noise},
     * then {@code max(w* − b, min(w', w* + b))}.
     *
     * @param h the step's hyperparameters ε, nβ, γ, λ_wd and the box half-width b
     * @param b the chains' buffers; row {@code chain} of params is updated in place
     * @param chain the chain c, in [0, C); also the noise stream
     * @param step the step number t from 0, below 2³²; also the noise counter
     * @param seed the run's noise seed
     * @param from first coordinate updated
     * @param to end of the coordinates updated (exclusive), at most P
     * @return the squared norms of this range's step
     * @throws IndexOutOfBoundsException if {@code chain} or [from, to) lies outside the buffers
     * @throws IllegalArgumentException if {@code step} is outside [0, 2³²)
     */
    StepNorms sgld(SgldParameters h, ChainBuffers b, int chain, long step, long seed, long from, long to);

    /**
     * {@link #sgld(SgldParameters, ChainBuffers, int, long, long, long, long)} over the whole row.
     *
     * @param h the step's hyperparameters ε, nβ, γ, λ_wd and the box half-width b
     * @param b the chains' buffers; row {@code chain} of params is updated in place
     * @param chain the chain c, in [0, C); also the noise stream
     * @param step the step number t from 0, below 2³²; also the noise counter
     * @param seed the run's noise seed
     * @return the squared norms of the step
     * @throws IndexOutOfBoundsException if {@code chain} lies outside [0, C)
     * @throws IllegalArgumentException if {@code step} is outside [0, 2³²)
     */
    default StepNorms sgld(SgldParameters h, ChainBuffers b, int chain, long step, long seed) {
        return sgld(h, b, chain, step, seed, 0, b.size());
    }

    /**
     * One RMSProp-preconditioned SGLD step of chain {@code chain} over coordinates [from, to), updating V in place
     * (masked-out coordinates keep w and V):
     * <pre>
     *   V ← α·V + (1 − α)·g⊙g,   G = 1/(√V + δ)
     *   drift = (ε/2)·G⊙(nβ·g + γ·(w − w*) + λ_wd·w),   noise = √ε·√G⊙ξ
     *   w ← clamp(w − drift + noise, w* − b, w* + b)
     * </pre>
     * computed as {@code V = fma(α, V, (1 − α)·(g·g))}, {@code G = 1/(sqrt(V) + δ)},
     * {@code drift = ((ε/2)·G)·fma(nβ, g, fma(γ, w − w*, λ_wd·w))}, {@code noise = (√ε·sqrt(G))·ξ}.
     *
     * @param h the step's hyperparameters ε, nβ, γ, λ_wd and the box half-width b
     * @param r the preconditioner's α and δ
     * @param b the chains' buffers, with a square-average buffer V; rows {@code chain} of params and V are updated
     * @param chain the chain c, in [0, C); also the noise stream
     * @param step the step number t from 0, below 2³²; also the noise counter
     * @param seed the run's noise seed
     * @param from first coordinate updated
     * @param to end of the coordinates updated (exclusive), at most P
     * @return the squared norms of this range's step
     * @throws IllegalStateException if {@code b} has no square-average buffer (add one with
     *         {@link ChainBuffers#withSquareAverage})
     * @throws IndexOutOfBoundsException if {@code chain} or [from, to) lies outside the buffers
     * @throws IllegalArgumentException if {@code step} is outside [0, 2³²)
     */
    StepNorms rmspropSgld(SgldParameters h, RmspropParameters r, ChainBuffers b, int chain, long step, long seed,
                          long from, long to);

    /**
     * {@link #rmspropSgld(SgldParameters, RmspropParameters, ChainBuffers, int, long, long, long, long)} over the
     * whole row.
     *
     * @param h the step's hyperparameters ε, nβ, γ, λ_wd and the box half-width b
     * @param r the preconditioner's α and δ
     * @param b the chains' buffers, with a square-average buffer V; rows {@code chain} of params and V are updated
     * @param chain the chain c, in [0, C); also the noise stream
     * @param step the step number t from 0, below 2³²; also the noise counter
     * @param seed the run's noise seed
     * @return the squared norms of the step
     * @throws IllegalStateException if {@code b} has no square-average buffer
     * @throws IndexOutOfBoundsException if {@code chain} lies outside [0, C)
     * @throws IllegalArgumentException if {@code step} is outside [0, 2³²)
     */
    default StepNorms rmspropSgld(SgldParameters h, RmspropParameters r, ChainBuffers b, int chain, long step,
                                  long seed) {
        return rmspropSgld(h, r, b, chain, step, seed, 0, b.size());
    }

    /**
     * The reverse proposal term of the MALA acceptance test for plain SGLD, over the moving coordinates of
     * [from, to): {@code ‖w_prev − w + (ε/2)·∇U(w)‖²} with {@code ∇U(w) = nβ·g + γ·(w − w*) + λ_wd·w}, where w and g
     * are the current parameters and the gradient at them. The forward term is the last step's
     * {@link StepNorms#noiseSq()} when no bounding box clipped it.
     *
     * @param h the hyperparameters of the step just taken
     * @param b the chains' buffers, holding w after the step and the gradient at it
     * @param previous [C, P] in the buffers' precision: the parameters before the last step (copy the row before
     *        calling {@link #sgld})
     * @param chain the chain c, in [0, C)
     * @param from first coordinate summed
     * @param to end of the coordinates summed (exclusive), at most P
     * @return the squared norm, in double
     * @throws IndexOutOfBoundsException if {@code chain} or [from, to) lies outside the buffers
     * @throws IllegalArgumentException if {@code previous} is smaller than [C, P]
     */
    double malaReverseSq(SgldParameters h, ChainBuffers b, MemorySegment previous, int chain, long from, long to);

    /**
     * MALA's log acceptance probability of the move w → w' seen as a Langevin proposal for
     * {@code U = nβ·L + (γ/2)‖w − w*‖² + (λ_wd/2)‖w‖²}:
     * {@code min(0, U(w) − U(w') + (forwardSq − reverseSq)/(2ε))}. Healthy runs accept around 0.9.
     *
     * @param potentialBefore U(w), see {@link #potential}
     * @param potentialAfter U(w') after the step
     * @param forwardSq ‖w' − w + (ε/2)∇U(w)‖², the step's {@link StepNorms#noiseSq()}
     * @param reverseSq ‖w − w' + (ε/2)∇U(w')‖², from {@link #malaReverseSq}
     * @param epsilon the step size ε
     * @return log of the acceptance probability, &le; 0
     */
    static double malaLogAcceptance(double potentialBefore, double potentialAfter, double forwardSq,
                                    double reverseSq, double epsilon) {
        return Math.min(0, potentialBefore - potentialAfter + (forwardSq - reverseSq) / (2 * epsilon));
    }

    /**
     * U(w) = nβ·L(w) + (γ/2)‖w − w*‖² + (λ_wd/2)‖w‖², from the loss at w and w's {@link StepNorms}.
     *
     * @param h supplies nβ, γ and λ_wd
     * @param loss L(w), the mean loss at w (on the same minibatch before and after a step)
     * @param distanceSq ‖w − w*‖²
     * @param paramSq ‖w‖²
     * @return U(w)
     */
    static double potential(SgldParameters h, double loss, double distanceSq, double paramSq) {
        return h.nBeta() * loss + 0.5 * h.gamma() * distanceSq + 0.5 * h.weightDecay() * paramSq;
    }
}
