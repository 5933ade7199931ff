package io.lambdahat.sampling;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

/**
 * The SGLD update written as libtorch operations: device-agnostic (CPU or CUDA) and the baseline the CPU
 * Vector API kernel is measured against. On CUDA the step stays on the device: {@link #stepOnDevice} leaves the
 * step's norms in a device tensor, so the sampler reads them back in blocks instead of synchronising every step.
 */
public final class TorchOpsSgldUpdate implements SgldUpdate {
    /** A stateless update; its noise comes from the generator passed to each step. */
    public TorchOpsSgldUpdate() {}

    @Override
    public ChainNorms step(Tensor w, Tensor grad, Tensor centre, Tensor mask, boolean[] frozen, StepCoefficients k,
                           Generator noise, boolean wantNorms) {
        try (Scope s = Scope.open()) {
            Tensor norms = update(w, grad, centre, mask, frozen, k, noise, wantNorms);
            return norms == null ? null : ChainNorms.ofRows(norms.toDoubleArray(), 0, frozen.length);
        }
    }

    @Override
    public boolean keepsNormsOnDevice() {
        return true;
    }

    @Override
    public Tensor stepOnDevice(Tensor w, Tensor grad, Tensor centre, Tensor mask, boolean[] frozen, StepCoefficients k,
                               Generator noise, boolean wantNorms) {
        try (Scope s = Scope.open()) {
            Tensor norms = update(w, grad, centre, mask, frozen, k, noise, wantNorms);
            return norms == null ? null : s.keep(norms);
        }
    }

    private static Tensor update(Tensor w, Tensor grad, Tensor centre, Tensor mask, boolean[] frozen, StepCoefficients k,
                                 Generator noise, boolean wantNorms) {
        long[] shape = w.shape();
        Tensor drift = grad.mul(k.nbeta()).add(w.sub(centre), k.gamma());
        if (k.weightDecay() > 0) drift = drift.add(w, k.weightDecay());
        Tensor xi = Tensor.randn(noise, w.dtype(), w.device(), shape);
        if (mask != null) {
            drift = drift.mul(mask);
            xi = xi.mul(mask);
        }
        drift = Chains.zeroFrozenRows(drift, frozen);
        xi = Chains.zeroFrozenRows(xi, frozen);
        Tensor driftStep = drift.mul(k.halfEpsilon());
        Tensor noiseStep = xi.mul(k.sqrtEpsilon());
        w.addInPlace(driftStep, -1.0);
        w.addInPlace(noiseStep, 1.0);
        if (k.bounded()) {
            double b = k.boundingBox();
            Tensor clamped = Tensor.where(w.gt(centre.add(b)), centre.add(b).expand(shape), w);
            clamped = Tensor.where(clamped.lt(centre.sub(b)), centre.sub(b).expand(shape), clamped);
            w.copyFrom(clamped);
        }
        if (!wantNorms) return null;
        // rows in ChainNorms' order: DISTANCE, WEIGHT, DRIFT, NOISE
        return Tensor.stack(0, rowNormsOnDevice(w.sub(centre)), rowNormsOnDevice(w), rowNormsOnDevice(driftStep), rowNormsOnDevice(noiseStep));
    }

    private static Tensor rowNormsOnDevice(Tensor m) {
        return m.to(DType.FLOAT64).square().sum(false, 1).sqrt();
    }

    static double[] rowNorms(Tensor m) {
        return rowNormsOnDevice(m).toDoubleArray();
    }
}
