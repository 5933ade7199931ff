package io.lambdahat.sampling;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

/**
 * The MALA acceptance diagnostic: each SGLD step treated as a Langevin proposal for the potential
 * U(w) = nβ·L(w) + (γ/2)‖w − w*‖² + (λ_wd/2)‖w‖², with the acceptance probability Metropolis–Hastings would give it:
 * <pre>log α = min(0, U(w) − U(w') + ‖w' − w + (ε/2)∇U(w)‖²/(2ε) − ‖w − w' + (ε/2)∇U(w')‖²/(2ε))</pre>
 * L and ∇L are the minibatch values each step already has (as devinterp does). Healthy runs sit near 0.9.
 */
final class Mala implements AutoCloseable {
    private final double nbeta;
    private final SamplerConfig config;
    private Tensor previousW;      // [C, P] float64
    private Tensor previousGradU;  // [C, P] float64
    private double[] previousU;

    private final Tensor mask; // [P] float64 of the coordinates that move, or null for all

    Mala(double nbeta, SamplerConfig config, Tensor mask) {
        this.nbeta = nbeta;
        this.config = config;
        this.mask = mask;
    }

    private Tensor gradU(Tensor w64, Tensor grad, Tensor center) {
        Tensor g = grad.to(DType.FLOAT64).mul(nbeta).add(w64.sub(center.to(DType.FLOAT64)), config.gamma());
        if (config.weightDecay() > 0) g = g.add(w64, config.weightDecay());
        // fixed coordinates are not part of the chain's state: their force does not enter the proposal
        return mask == null ? g : g.mul(mask);
    }

    private double[] potential(Tensor w64, double[] losses, Tensor center) {
        double[] dist2 = w64.sub(center.to(DType.FLOAT64)).square().sum(false, 1).toDoubleArray();
        double[] norm2 = config.weightDecay() > 0 ? w64.square().sum(false, 1).toDoubleArray() : new double[losses.length];
        double[] u = new double[losses.length];
        for (int k = 0; k < u.length; k++) u[k] = nbeta * losses[k] + config.gamma() / 2 * dist2[k] + config.weightDecay() / 2 * norm2[k];
        return u;
    }

    /** Adds the acceptance probability of the move previous → w to each chain's sums (previous: the last remembered step). */
    void accumulate(Tensor w, Tensor grad, double[] losses, Tensor center, boolean[] frozen, double[] sum, long[] count) {
        if (previousW == null) return;
        try {
            accumulateFromPrevious(w, grad, losses, center, frozen, sum, count);
        } finally {
            close(); // a remembered state is used for exactly one transition
        }
    }

    private void accumulateFromPrevious(Tensor w, Tensor grad, double[] losses, Tensor center, boolean[] frozen, double[] sum, long[] count) {
        double eps = config.epsilon();
        try (Scope s = Scope.open()) {
            Tensor w64 = w.to(DType.FLOAT64);
            Tensor gU = gradU(w64, grad, center);
            double[] u = potential(w64, losses, center);
            double[] forward = w64.sub(previousW).add(previousGradU, eps / 2).square().sum(false, 1).toDoubleArray();
            double[] backward = previousW.sub(w64).add(gU, eps / 2).square().sum(false, 1).toDoubleArray();
            for (int k = 0; k < u.length; k++) {
                if (frozen[k]) continue;
                double logAlpha = Math.min(0, previousU[k] - u[k] + (forward[k] - backward[k]) / (2 * eps));
                double alpha = Math.exp(logAlpha);
                if (Double.isFinite(alpha)) {
                    sum[k] += alpha;
                    count[k]++;
                }
            }
        }
    }

    /** Keeps w, ∇U(w) and U(w) of this step for the next step's acceptance. */
    void remember(Tensor w, Tensor grad, double[] losses, Tensor center) {
        close();
        try (Scope s = Scope.open()) {
            Tensor w64 = w.to(DType.FLOAT64);
            previousGradU = s.release(gradU(w64, grad, center));
            previousW = s.release(w64);
            previousU = potential(w64, losses, center);
        }
    }

    @Override
    public void close() {
        if (previousW != null) previousW.close();
        if (previousGradU != null) previousGradU.close();
        previousW = previousGradU = null;
    }
}
