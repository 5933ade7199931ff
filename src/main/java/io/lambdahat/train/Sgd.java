package io.lambdahat.train;

import io.lambdahat.simd.OptimizerKernels;
import io.lambdahat.simd.SimdProvider;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD as torch.optim.SGD computes it: d = g + λ_wd·w (coupled L2 weight decay); with momentum μ the buffer
 * b ← μ·b + (1 − τ)·d (b = d on the first update, τ the dampening) and d = b, or d = d + μ·b with Nesterov;
 * then w ← w − lr·d. One fused pass in float32 ({@link OptimizerKernels#sgd}).
 */
public final class Sgd extends FlatOptimizer {
    static final String MOMENTUM_BUFFER = "momentum_buffer";
    private static final OptimizerKernels KERNELS = SimdProvider.get().optimizerKernels();

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;

    /**
     * SGD with its momentum buffer (if any) zeroed.
     *
     * @param size        P, the number of parameters
     * @param momentum    μ, in [0, 1); 0 for none
     * @param dampening   τ, in [0, 1]
     * @param nesterov    Nesterov momentum (needs μ &gt; 0 and τ = 0)
     * @param weightDecay the L2 coefficient λ_wd, ≥ 0
     * @throws IllegalArgumentException naming the setting out of range
     */
    public Sgd(long size, double momentum, double dampening, boolean nesterov, double weightDecay) {
        if (!(momentum >= 0 && momentum < 1)) throw new io.lambdahat.InvalidInputException("SGD momentum must be in [0, 1), got " + momentum);
        if (!(dampening >= 0 && dampening <= 1)) throw new io.lambdahat.InvalidInputException("SGD dampening must be in [0, 1], got " + dampening);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new io.lambdahat.InvalidInputException("Nesterov momentum needs a momentum > 0 and zero dampening (as torch.optim.SGD)");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new io.lambdahat.InvalidInputException("weight decay must be ≥ 0, got " + weightDecay);
        super(size, momentum == 0 ? new String[0] : new String[] {MOMENTUM_BUFFER});
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("momentum", momentum);
        m.put("dampening", dampening);
        m.put("nesterov", nesterov);
        m.put("weight_decay", weightDecay);
        return m;
    }

    OptimizerKernels.SgdCoefficients coefficients(double lr) {
        return OptimizerKernels.SgdCoefficients.of(lr, momentum, dampening, nesterov, weightDecay, steps == 0);
    }

    @Override
    public void step(MemorySegment params, MemorySegment grad, double lr) {
        Optimizer.checkLengths(size(), params, grad);
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and ≥ 0, got " + lr);
        KERNELS.sgd(params, grad, buffer(MOMENTUM_BUFFER), size(), coefficients(lr));
        steps++;
    }
}
