package io.lambdahat.sampling;

import io.lambdahat.simd.ChainBuffers;
import io.lambdahat.simd.Mask;
import io.lambdahat.simd.SgldKernel;
import io.lambdahat.simd.SgldParameters;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

/**
 * The CPU SGLD update as one fused Vector API pass per chain over the flat [C, P] buffers, reached zero-copy
 * through the tensors' memory: update, Gaussian noise and the step's norms together. The noise is counter-based
 * (seed, chain, step, coordinate), so a run is reproducible from the sampler's seed whatever the SIMD width.
 *
 * <p>A run that updates fewer than {@link #SCALAR_BELOW} values in all (C·P·steps) takes the scalar twin instead,
 * which draws the same noise. Vector API code runs orders of magnitude slower until C2 has compiled it, and that takes
 * on the order of a million processed values whatever the buffer size, which a small run never earns back. The
 * threshold is where the scalar twin's extra cost per value adds up to that warm-up (bench/sgld-update.sh; measured:
 * bench/README.md, "Design measurements").
 */
final class VectorSgldUpdate implements SgldUpdate {
    /** C·P·steps below which a run takes the scalar twin (the vector kernel's warm-up would cost more than it saves). */
    static final long SCALAR_BELOW = 1L << 25;

    /**
     * C·P from which a step's chains are updated on the run's chain threads when it has several ({@link #spreadOver}),
     * for the scalar twin and for the vector kernel: where half the step's update costs more than handing chains to an
     * idle thread and waiting for it (about 27 µs; the scalar twin takes about 19 ns per value, the vector kernel 1.3–2.4:
     * bench/README.md, "Chains on several cores").
     */
    static final long SPREAD_SCALAR_FROM = 1L << 12, SPREAD_VECTOR_FROM = 1L << 16;

    private final SgldKernel kernel;
    private final SgldKernel small;
    private final long seed;
    private long step;
    private StepCoefficients coefficients;
    private SgldParameters parameters;

    /**
     * @param kernel the kernel for runs of at least {@link #SCALAR_BELOW} values
     * @param small  the kernel below that (the scalar twin)
     * @param seed   the noise seed
     */
    VectorSgldUpdate(SgldKernel kernel, SgldKernel small, long seed) {
        this.kernel = kernel;
        this.small = small;
        this.seed = seed;
    }

    private ChainWorkers workers;

    /**
     * Updates the chains of each of the workers' groups on that group's thread (the noise is counter-based and each
     * chain's row its own, so the result is the same), or all on the calling thread.
     *
     * @param workers the run's chain threads, or null for the calling thread only
     */
    void spreadOver(ChainWorkers workers) {
        this.workers = workers == null || workers.groups() < 2 ? null : workers;
    }

    static boolean supports(Tensor w) {
        DType d = w.dtype();
        return !w.device().isCuda() && (d == DType.FLOAT32 || d == DType.FLOAT64);
    }

    @Override
    public ChainNorms step(Tensor w, Tensor grad, Tensor centre, Tensor mask, boolean[] frozen, StepCoefficients k,
                           Generator noise, boolean wantNorms) {
        int c = frozen.length;
        long p = centre.numel();
        SgldKernel kernel = (long) c * p * k.totalSteps() < SCALAR_BELOW ? small : this.kernel;
        SgldParameters h = parameters(k);
        try (Scope s = Scope.open()) {
            Tensor g = grad.isContiguous() ? grad : grad.contiguous();
            ChainBuffers b = w.dtype() == DType.FLOAT32 ? ChainBuffers.float32(c, p, w.data(), g.data(), centre.data())
                    : ChainBuffers.float64(c, p, w.data(), g.data(), centre.data());
            java.lang.foreign.MemorySegment maskData = mask == null ? null : mask.to(DType.FLOAT32).contiguous().data();
            boolean perChain = mask != null && mask.dim() == 2;
            if (mask != null && !perChain) b = b.withMask(Mask.ofFloats(maskData));
            double[] distance = new double[c], weight = new double[c], drift = new double[c], noiseNorm = new double[c];
            ChainBuffers all = b;
            long at = step;
            ChainRange chains = (from, to) -> {
                for (int chain = from; chain < to; chain++) {
                    if (frozen[chain]) continue;
                    // a [C, P] mask: each chain reads its own row
                    ChainBuffers bk = perChain ? all.withMask(Mask.ofFloats(maskData.asSlice(chain * p * Float.BYTES, p * Float.BYTES))) : all;
                    io.lambdahat.simd.StepNorms n = kernel.sgld(h, bk, chain, at, seed);
                    distance[chain] = Math.sqrt(n.distanceSq());
                    weight[chain] = Math.sqrt(n.paramSq());
                    drift[chain] = Math.sqrt(n.driftSq());
                    noiseNorm[chain] = Math.sqrt(n.noiseSq());
                }
            };
            if (workers == null || (long) c * p < (kernel == small ? SPREAD_SCALAR_FROM : SPREAD_VECTOR_FROM)) chains.accept(0, c);
            else workers.run(group -> chains.accept(workers.start(group), workers.start(group) + workers.size(group)));
            step++;
            return wantNorms ? new ChainNorms(distance, weight, drift, noiseNorm) : null;
        }
    }

    /** Updates chains [from, to). */
    @FunctionalInterface
    private interface ChainRange {
        void accept(int from, int to);
    }

    /** The kernel's parameters for these coefficients, made once per run (a run passes the same coefficients every step). */
    private SgldParameters parameters(StepCoefficients k) {
        if (k != coefficients) {
            parameters = SgldParameters.of(k.epsilon(), k.nbeta(), k.gamma()).withWeightDecay(k.weightDecay())
                    .withBound(k.bounded() ? k.boundingBox() : Double.POSITIVE_INFINITY);
            coefficients = k;
        }
        return parameters;
    }
}
