package io.lambdahat.sampling;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Tensor;

/**
 * One SGLD update of all chains in place: w ← w − (ε/2)·(nβ·g + γ·(w − w*) + λ_wd·w) + √ε·ξ, optionally
 * clamped to [w* − b, w* + b]; rows of frozen (diverged) chains do not move.
 */
public interface SgldUpdate extends AutoCloseable {
    /**
     * Per-chain norms of the step just taken, one value per chain. (The SIMD kernels' per-chain sums of squares are
     * {@link io.lambdahat.simd.StepNorms}.)
     *
     * @param distance [C] ‖w − w*‖ after the step
     * @param weightNorm [C] ‖w‖ after the step
     * @param driftNorm [C] ‖(ε/2)·(nβ·g + γ·(w − w*) + λ_wd·w)‖ (preconditioned for RMSProp-SGLD)
     * @param noiseNorm [C] ‖√ε·ξ‖ (preconditioned for RMSProp-SGLD)
     */
    record ChainNorms(double[] distance, double[] weightNorm, double[] driftNorm, double[] noiseNorm) {
        /** Row order of the [4, C] tensor of {@link SgldUpdate#stepOnDevice}. */
        static final int DISTANCE = 0, WEIGHT = 1, DRIFT = 2, NOISE = 3, ROWS = 4;

        /**
         * The norms from a [4, C] block read back to the host, rows in the order of {@link SgldUpdate#stepOnDevice}.
         *
         * @param rows the values, row-major
         * @param from where the block starts in {@code rows}
         * @param c the number of chains
         * @return the norms of each chain
         */
        static ChainNorms ofRows(double[] rows, int from, int c) {
            return new ChainNorms(java.util.Arrays.copyOfRange(rows, from + DISTANCE * c, from + DISTANCE * c + c),
                    java.util.Arrays.copyOfRange(rows, from + WEIGHT * c, from + WEIGHT * c + c),
                    java.util.Arrays.copyOfRange(rows, from + DRIFT * c, from + DRIFT * c + c),
                    java.util.Arrays.copyOfRange(rows, from + NOISE * c, from + NOISE * c + c));
        }
    }

    /**
     * Moves every chain one step, in place.
     *
     * @param w         the [C, P] weights, updated in place
     * @param grad      ∇L_B at w, [C, P]
     * @param centre    w*, [P]
     * @param mask      [P] of 1 (moves) and 0 (stays at w*) for a weight-refined λ̂, or null: every coordinate moves
     * @param frozen    [C], true for chains that diverged: their rows do not move
     * @param k         the run's coefficients: ε, nβ, γ, λ_wd, the bounding box, …
     * @param noise     the generator of the Gaussian noise ξ (updates with their own counter-based noise ignore it)
     * @param wantNorms whether to return the step's norms (else null, saving passes over memory)
     * @return the step's per-chain norms, or null when {@code wantNorms} is false
     */
    ChainNorms step(Tensor w, Tensor grad, Tensor centre, Tensor mask, boolean[] frozen, StepCoefficients k,
                    Generator noise, boolean wantNorms);

    /**
     * Whether this update can leave the step's norms on the weights' device ({@link #stepOnDevice}), so that a
     * sampler on CUDA reads them back once per block of steps instead of waiting for the device every step.
     *
     * @return true when {@link #stepOnDevice} is supported
     */
    default boolean keepsNormsOnDevice() {
        return false;
    }

    /**
     * The same update as {@link #step}, without reading anything back to the host; supported where
     * {@link #keepsNormsOnDevice()} says so.
     *
     * @param w         the [C, P] weights, updated in place
     * @param grad      ∇L_B at w, [C, P]
     * @param centre    w*, [P]
     * @param mask      the mask, as for {@link #step}
     * @param frozen    [C], true for chains that diverged
     * @param k         the run's coefficients
     * @param noise     the generator of the Gaussian noise ξ
     * @param wantNorms whether to return the step's norms
     * @return the step's norms as a float64 [4, C] tensor on the weights' device (rows: distance to w*, weight norm,
     *         drift step, noise step, as {@link ChainNorms#ofRows} reads them), owned by the caller's scope; null
     *         when {@code wantNorms} is false
     * @throws UnsupportedOperationException when {@link #keepsNormsOnDevice()} is false
     */
    default Tensor stepOnDevice(Tensor w, Tensor grad, Tensor centre, Tensor mask, boolean[] frozen, StepCoefficients k,
                                Generator noise, boolean wantNorms) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reads its norms back to the host every step");
    }

    /**
     * Puts frozen chains back at w* so that their non-finite values cannot spread into batched reductions.
     *
     * @param w the [C, P] weights, updated in place
     * @param centre w*, [P]
     * @param frozen [C], true for the chains to reset
     */
    default void resetFrozen(Tensor w, Tensor centre, boolean[] frozen) {
        for (int k = 0; k < frozen.length; k++) {
            if (frozen[k]) {
                try (Tensor row = w.select(0, k)) {
                    row.copyFrom(centre);
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
