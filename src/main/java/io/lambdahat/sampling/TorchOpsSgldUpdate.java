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
    /** Row order of the [4, C] tensor {@link #stepOnDevice} returns, matching {@link SgldUpdate.StepNorms}. */
    static final int DISTANCE = 0, WEIGHT = 1, DRIFT = 2, NOISE = 3;

    /** A stateless update; its noise comes from the generator passed to each step. */
    public TorchOpsSgldUpdate() {}

    @Override
    public StepNorms step(Tensor w, Tensor grad, Tensor center, Tensor mask, boolean[] frozen, double nbeta, SamplerConfig config,
                          Generator noise, boolean wantNorms) {
        try (Scope s = Scope.open()) {
            Tensor norms = update(w, grad, center, mask, frozen, nbeta, config, noise, wantNorms);
            if (norms == null) return null;
            double[] all = norms.toDoubleArray();
            int c = frozen.length;
            return new StepNorms(java.util.Arrays.copyOfRange(all, DISTANCE * c, DISTANCE * c + c),
                    java.util.Arrays.copyOfRange(all, WEIGHT * c, WEIGHT * c + c),
                    java.util.Arrays.copyOfRange(all, DRIFT * c, DRIFT * c + c),
                    java.util.Arrays.copyOfRange(all, NOISE * c, NOISE * c + c));
        }
    }

    /**
     * The same update as {@link #step}, without reading anything back to the host.
     *
     * @return the step's norms as a float64 [4, C] tensor on the weights' device (rows: distance to w*, weight norm,
     *         drift step, noise step), owned by the caller's scope; null when {@code wantNorms} is false
     */
    Tensor stepOnDevice(Tensor w, Tensor grad, Tensor center, Tensor mask, boolean[] frozen, double nbeta, SamplerConfig config,
                        Generator noise, boolean wantNorms) {
        try (Scope s = Scope.open()) {
            Tensor norms = update(w, grad, center, mask, frozen, nbeta, config, noise, wantNorms);
            return norms == null ? null : s.keep(norms);
        }
    }

    private static Tensor update(Tensor w, Tensor grad, Tensor center, Tensor mask, boolean[] frozen, double nbeta, SamplerConfig config,
                                 Generator noise, boolean wantNorms) {
        double eps = config.epsilon();
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
        return Tensor.stack(0, rowNormsOnDevice(w.sub(center)), rowNormsOnDevice(w), rowNormsOnDevice(driftStep), rowNormsOnDevice(noiseStep));
    }

    private static Tensor rowNormsOnDevice(Tensor m) {
        return m.to(DType.FLOAT64).square().sum(false, 1).sqrt();
    }

    static double[] rowNorms(Tensor m) {
        return rowNormsOnDevice(m).toDoubleArray();
    }
}
