package io.lambdahat.train;

import io.lambdahat.simd.OptimizerKernels;
import io.lambdahat.simd.SimdProvider;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as torch.optim.AdamW computes it (amsgrad off): with t the update number,
 * <pre>
 *   w ← w·(1 − lr·λ_wd)                       decoupled weight decay
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *   w ← w − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * all in float32, one fused pass over w, g, m and v ({@link OptimizerKernels#adamW}). {@link #adam} gives torch.optim.Adam's coupled form instead
 * (the optimiser "adam"): g ← g + λ_wd·w before the moments and no decoupled decay. The two differ most once the
 * loss gradient is near zero: Adam's normalisation then turns the L2 term into steps of about lr each, which is
 * what drives the weights of a memorised modular-addition network towards the generalising solution (grokking).
 */
public final class AdamW extends FlatOptimizer {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    private static final OptimizerKernels KERNELS = SimdProvider.get().optimizerKernels();

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean coupled;

    /**
     * AdamW with its state buffers zeroed.
     *
     * @param size        P, the number of parameters
     * @param beta1       β₁, in [0, 1)
     * @param beta2       β₂, in [0, 1)
     * @param eps         ε, positive
     * @param weightDecay λ_wd (decoupled), ≥ 0
     * @throws IllegalArgumentException naming the setting out of range
     */
    public AdamW(long size, double beta1, double beta2, double eps, double weightDecay) {
        this(size, beta1, beta2, eps, weightDecay, false);
    }

    /**
     * torch.optim.Adam with its L2 weight decay coupled into the gradient (g ← g + λ_wd·w), state zeroed.
     *
     * @param size        P, the number of parameters
     * @param beta1       β₁, in [0, 1)
     * @param beta2       β₂, in [0, 1)
     * @param eps         ε, positive
     * @param weightDecay λ_wd (added to the gradient), ≥ 0
     * @return the optimiser, named "adam"
     * @throws IllegalArgumentException naming the setting out of range
     */
    public static AdamW adam(long size, double beta1, double beta2, double eps, double weightDecay) {
        return new AdamW(size, beta1, beta2, eps, weightDecay, true);
    }

    private AdamW(long size, double beta1, double beta2, double eps, double weightDecay, boolean coupled) {
        if (!(beta1 >= 0 && beta1 < 1)) throw new io.lambdahat.InvalidInputException("AdamW β₁ must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new io.lambdahat.InvalidInputException("AdamW β₂ must be in [0, 1), got " + beta2);
        if (!(eps > 0) || Double.isInfinite(eps)) throw new io.lambdahat.InvalidInputException("AdamW ε must be positive, got " + eps);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new io.lambdahat.InvalidInputException("weight decay must be ≥ 0, got " + weightDecay);
        super(size, EXP_AVG, EXP_AVG_SQ);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.coupled = coupled;
    }

    @Override
    public String name() {
        return coupled ? "adam" : "adamw";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("eps", eps);
        m.put("weight_decay", weightDecay);
        return m;
    }

    OptimizerKernels.AdamWCoefficients coefficients(long t, double lr) {
        return OptimizerKernels.AdamWCoefficients.of(t, lr, beta1, beta2, eps, weightDecay, coupled);
    }

    @Override
    public void step(MemorySegment params, MemorySegment grad, double lr) {
        Optimizer.checkLengths(size(), params, grad);
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and ≥ 0, got " + lr);
        KERNELS.adamW(params, grad, buffer(EXP_AVG), buffer(EXP_AVG_SQ), size(), coefficients(steps + 1, lr));
        steps++;
    }
}
