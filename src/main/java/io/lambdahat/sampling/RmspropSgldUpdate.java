package io.lambdahat.sampling;

import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

/**
 * RMSProp-preconditioned SGLD (see {@link Sampler#RMSPROP_SGLD}): each coordinate's step and noise are scaled by
 * G = 1/(√V + δ), V a running mean of the squared minibatch gradient, so stiff and flat directions move at
 * comparable rates. V stops adapting once burn-in ends (see {@link Sampler#RMSPROP_SGLD} for why), so each chain's
 * preconditioner is a constant over its draws.
 */
final class RmspropSgldUpdate implements SgldUpdate {
    private Tensor v; // [C, P]
    private long steps;

    @Override
    public ChainNorms step(Tensor w, Tensor grad, Tensor centre, Tensor mask, boolean[] frozen, StepCoefficients k,
                           Generator noise, boolean wantNorms) {
        try (Scope s = Scope.open()) {
            Tensor g2 = grad.square();
            if (v == null) {
                v = s.release(g2.copy()); // start V at the first squared gradient, so early steps are not oversized
            } else if (steps < k.burnin()) {
                v.mulInPlace(k.rmspropDecay()).addInPlace(g2, 1 - k.rmspropDecay());
            }
            steps++;
            Tensor precond = v.sqrt().add(k.rmspropStabilizer()).pow(-1.0);
            Tensor drift = grad.mul(k.nbeta()).add(w.sub(centre), k.gamma());
            if (k.weightDecay() > 0) drift = drift.add(w, k.weightDecay());
            Tensor driftStep = drift.mul(precond).mul(k.halfEpsilon());
            Tensor noiseStep = Tensor.randn(noise, w.dtype(), w.device(), w.shape()).mul(precond.sqrt()).mul(k.sqrtEpsilon());
            Tensor move = noiseStep.sub(driftStep);
            if (mask != null) move = move.mul(mask);
            move = Chains.zeroFrozenRows(move, frozen);
            w.addInPlace(move, 1.0);
            if (!wantNorms) return null;
            return new ChainNorms(TorchOpsSgldUpdate.rowNorms(w.sub(centre)), TorchOpsSgldUpdate.rowNorms(w),
                    TorchOpsSgldUpdate.rowNorms(driftStep), TorchOpsSgldUpdate.rowNorms(noiseStep));
        }
    }

    @Override
    public void close() {
        if (v != null) v.close();
        v = null;
    }
}
