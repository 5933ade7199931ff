package io.lambdahat.sampling;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Tensor;

/**
 * One SGLD update of all chains in place: w ← w − (ε/2)·(nβ·g + γ·(w − w*) + λ_wd·w) + √ε·ξ, optionally
 * clamped to [w* − b, w* + b]; rows of frozen (diverged) chains do not move.
 */
public interface SgldUpdate extends AutoCloseable {
    /**
     * Per-chain norms of the step just taken.
     *
     * @param distance [C] ‖w − w*‖ after the step
     * @param weightNorm [C] ‖w‖ after the step
     * @param driftNorm [C] ‖(ε/2)·(nβ·g + γ·(w − w*) + λ_wd·w)‖ (preconditioned for RMSProp-SGLD)
     * @param noiseNorm [C] ‖√ε·ξ‖ (preconditioned for RMSProp-SGLD)
     */
    record StepNorms(double[] distance, double[] weightNorm, double[] driftNorm, double[] noiseNorm) {}

    /**
     * Moves every chain one step, in place.
     *
     * @param w         the [C, P] weights, updated in place
     * @param grad      ∇L_B at w, [C, P]
     * @param center    w*, [P]
     * @param mask      [P] of 1 (moves) and 0 (stays at w*) for a weight-refined λ̂, or null: every coordinate moves
     * @param frozen    [C], true for chains that diverged: their rows do not move
     * @param nbeta     nβ, the factor on the minibatch gradient
     * @param config    supplies ε, γ, λ_wd, the bounding box and the seed
     * @param noise     the generator of the Gaussian noise ξ (updates with their own counter-based noise ignore it)
     * @param wantNorms whether to return the step's norms (else null, saving passes over memory)
     * @return the step's per-chain norms, or null when {@code wantNorms} is false
     */
    StepNorms step(Tensor w, Tensor grad, Tensor center, Tensor mask, boolean[] frozen, double nbeta, SamplerConfig config,
                   Generator noise, boolean wantNorms);

    /**
     * Puts frozen chains back at w* so that their non-finite values cannot spread into batched reductions.
     *
     * @param w the [C, P] weights, updated in place
     * @param center w*, [P]
     * @param frozen [C], true for the chains to reset
     */
    default void resetFrozen(Tensor w, Tensor center, boolean[] frozen) {
        for (int k = 0; k < frozen.length; k++) {
            if (frozen[k]) {
                try (Tensor row = w.select(0, k)) {
                    row.copyFrom(center);
                }
            }
        }
    }

    /** Frees any sampler state (preconditioners, momenta). */
    @Override
    default void close() {
    }

    /**
     * The update for a configuration: plain SGLD on the CPU runs as the fused Vector API kernel; on CUDA, and for the
     * other samplers, as libtorch ops that run wherever the tensors live.
     *
     * @param config the sampler, device and seed
     * @param dtype the element type of the chains' weights
     * @return a new update; the caller closes it
     */
    static SgldUpdate forConfig(SamplerConfig config, DType dtype) {
        return switch (config.sampler()) {
            case SGLD -> !config.device().isCuda() && (dtype == DType.FLOAT32 || dtype == DType.FLOAT64)
                    ? new VectorSgldUpdate(io.lambdahat.simd.SimdProvider.get().sgldKernel(), io.lambdahat.simd.SgldKernel.scalar(), config.seed()) : new TorchOpsSgldUpdate();
            case RMSPROP_SGLD -> new RmspropSgldUpdate();
            case SGNHT -> new SgnhtUpdate();
        };
    }
}
