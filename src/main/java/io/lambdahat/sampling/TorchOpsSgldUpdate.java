package io.lambdahat.sampling;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

/**
 * The SGLD update written as libtorch operations: device-agnostic (CPU or CUDA) and the baseline the CPU
 * Vector API kernel is measured against.
 */
public final class TorchOpsSgldUpdate implements SgldUpdate {
    /** A stateless update; its noise comes from the generator passed to each step. */
    public TorchOpsSgldUpdate() {}

    @Override
    public StepNorms step(Tensor w, Tensor grad, Tensor center, Tensor mask, boolean[] frozen, double nbeta, SamplerConfig config,
                          Generator noise, boolean wantNorms) {
        double eps = config.epsilon();
        try (Scope s = Scope.open()) {
            long[] shape = w.shape();
            Tensor drift = grad.mul(nbeta).add(w.sub(center), config.gamma());
            if (config.weightDecay() > 0) drift = drift.add(w, config.weightDecay());
            Tensor xi = Tensor.randn(noise, w.dtype(), w.device(), shape);
            if (mask != null) {
                drift = drift.mul(mask);
                xi = xi.mul(mask);
            }
            drift = Chains.zeroFrozenRows(drift, frozen);
            xi = Chains.zeroFrozenRows(xi, frozen);
            Tensor driftStep = drift.mul(eps / 2);
            Tensor noiseStep = xi.mul(Math.sqrt(eps));
            w.addInPlace(driftStep, -1.0);
            w.addInPlace(noiseStep, 1.0);
            if (config.boundingBox() > 0) {
                double b = config.boundingBox();
                Tensor clamped = Tensor.where(w.gt(center.add(b)), center.add(b).expand(shape), w);
                clamped = Tensor.where(clamped.lt(center.sub(b)), center.sub(b).expand(shape), clamped);
                w.copyFrom(clamped);
            }
            if (!wantNorms) return null;
            return new StepNorms(rowNorms(w.sub(center)), rowNorms(w), rowNorms(driftStep), rowNorms(noiseStep));
        }
    }

    static double[] rowNorms(Tensor m) {
        return m.to(DType.FLOAT64).square().sum(false, 1).sqrt().toDoubleArray();
    }
}
