package io.lambdahat.sampling;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

/**
 * The stochastic gradient Nosé–Hoover thermostat (see {@link Sampler#SGNHT}): Langevin dynamics with momentum whose
 * friction ξ adapts so that the kinetic energy per coordinate stays at its target, which absorbs the unknown minibatch
 * gradient noise. One thermostat per chain. Written, as devinterp writes it, with the momentum u in units of a step
 * (u = p·h, ε = h²), so that ε plays the part of SGLD's step size and the friction is per step:
 * u ← u − ξ u − ε ∇U(w) + √(2Aε) η;  w ← w + u;  ξ ← ξ + ‖u‖²/d − ε;  ∇U = nβ ∇L_B + γ (w − w*) + λ_wd w,
 * d the number of coordinates that move, A = {@link SamplerConfig#diffusion()} (the friction ξ settles near A: a
 * momentum lives about 1/A steps). ξ starts at A and u at its equilibrium N(0, ε), so burn-in does not have
 * to heat the chain up first.
 */
final class SgnhtUpdate implements SgldUpdate {
    private Tensor momentum;   // [C, P], u
    private Tensor thermostat; // [C, 1], ξ
    private Tensor moving;     // coordinates each chain moves ([C, 1] or a scalar), fixed by the mask for the run

    @Override
    public ChainNorms step(Tensor w, Tensor grad, Tensor centre, Tensor mask, boolean[] frozen, StepCoefficients k,
                           Generator noise, boolean wantNorms) {
        double eps = k.epsilon();
        long[] shape = w.shape();
        try (Scope s = Scope.open()) {
            if (momentum == null) {
                Tensor u0 = Tensor.randn(noise, w.dtype(), w.device(), shape).mul(k.sqrtEpsilon());
                if (mask != null) u0 = u0.mul(mask);
                momentum = s.release(Chains.zeroFrozenRows(u0, frozen).copy());
                thermostat = s.release(Tensor.full(k.diffusion(), w.dtype(), w.device(), shape[0], 1));
                // a weight-refined chain has only its mask's coordinates
                moving = s.release(mask == null ? Tensor.full((double) shape[1], w.dtype(), w.device(), 1)
                        : mask.dim() == 2 ? mask.sum(true, 1) : mask.sum());
            }
            Tensor gradU = grad.mul(k.nbeta()).add(w.sub(centre), k.gamma());
            if (k.weightDecay() > 0) gradU = gradU.add(w, k.weightDecay());
            Tensor driftStep = gradU.mul(eps);
            Tensor noiseStep = Tensor.randn(noise, w.dtype(), w.device(), shape).mul(Math.sqrt(2 * k.diffusion() * eps));
            Tensor du = momentum.mul(thermostat).neg().sub(driftStep).add(noiseStep);
            if (mask != null) du = du.mul(mask);
            du = Chains.zeroFrozenRows(du, frozen);
            momentum.addInPlace(du, 1.0);
            w.addInPlace(momentum, 1.0);
            Tensor kinetic = momentum.square().sum(true, 1).div(moving).sub(eps); // kinetic energy per moving coordinate
            thermostat.addInPlace(kinetic, 1.0);
            if (!wantNorms) return null;
            return new ChainNorms(TorchOpsSgldUpdate.rowNorms(w.sub(centre)), TorchOpsSgldUpdate.rowNorms(w),
                    TorchOpsSgldUpdate.rowNorms(driftStep), TorchOpsSgldUpdate.rowNorms(noiseStep));
        }
    }

    @Override
    public void resetFrozen(Tensor w, Tensor centre, boolean[] frozen) {
        SgldUpdate.super.resetFrozen(w, centre, frozen);
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
        if (moving != null) moving.close();
        momentum = thermostat = moving = null;
    }
}
