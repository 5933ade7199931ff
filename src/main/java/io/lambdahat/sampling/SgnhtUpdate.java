package io.lambdahat.sampling;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

/**
 * The stochastic gradient Nosé–Hoover thermostat (see {@link Sampler#SGNHT}): Langevin dynamics with momentum whose
 * friction ζ adapts so that the kinetic energy per coordinate stays at 1/2, which absorbs the unknown minibatch
 * gradient noise. One thermostat per chain.
 */
final class SgnhtUpdate implements SgldUpdate {
    static final double DIFFUSION = 1.0;
    private Tensor momentum;   // [C, P]
    private Tensor thermostat; // [C, 1]

    @Override
    public StepNorms step(Tensor w, Tensor grad, Tensor center, Tensor mask, boolean[] frozen, double nbeta, SamplerConfig config,
                          Generator noise, boolean wantNorms) {
        double eps = config.epsilon();
        long[] shape = w.shape();
        try (Scope s = Scope.open()) {
            if (momentum == null) {
                momentum = s.release(Tensor.zeros(w.dtype(), w.device(), shape));
                thermostat = s.release(Tensor.full(DIFFUSION, w.dtype(), w.device(), shape[0], 1));
            }
            Tensor gradU = grad.mul(nbeta).add(w.sub(center), config.gamma());
            if (config.weightDecay() > 0) gradU = gradU.add(w, config.weightDecay());
            Tensor driftStep = gradU.mul(eps);
            Tensor noiseStep = Tensor.randn(noise, w.dtype(), w.device(), shape).mul(Math.sqrt(2 * DIFFUSION * eps));
            Tensor dp = momentum.mul(thermostat).mul(-eps).sub(driftStep).add(noiseStep);
            if (mask != null) dp = dp.mul(mask);
            dp = Chains.zeroFrozenRows(dp, frozen);
            momentum.addInPlace(dp, 1.0);
            w.addInPlace(momentum, eps);
            double d = config.sampler() == Sampler.SGNHT && mask != null ? mask.sum().item() : shape[1];
            Tensor kinetic = momentum.square().sum(true, 1).div(d).sub(1.0);
            thermostat.addInPlace(kinetic, eps);
            if (!wantNorms) return null;
            return new StepNorms(TorchOpsSgldUpdate.rowNorms(w.sub(center)), TorchOpsSgldUpdate.rowNorms(w),
                    TorchOpsSgldUpdate.rowNorms(driftStep), TorchOpsSgldUpdate.rowNorms(noiseStep));
        }
    }

    @Override
    public void resetFrozen(Tensor w, Tensor center, boolean[] frozen) {
        SgldUpdate.super.resetFrozen(w, center, frozen);
        for (int k = 0; k < frozen.length && momentum != null; k++) {
            if (frozen[k]) {
                try (Tensor row = momentum.select(0, k)) {
                    row.zeroInPlace();
                }
            }
        }
    }

    @Override
    public void close() {
        if (momentum != null) momentum.close();
        if (thermostat != null) thermostat.close();
        momentum = thermostat = null;
    }
}
