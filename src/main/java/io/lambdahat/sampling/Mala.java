package io.lambdahat.sampling;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The MALA acceptance diagnostic: each SGLD step treated as a Langevin proposal for the potential
 * U(w) = nβ·L(w) + (γ/2)‖w − w*‖² + (λ_wd/2)‖w‖², with the acceptance probability Metropolis–Hastings would give it:
 * <pre>log α = min(0, U(w) − U(w') + ‖w' − w + (ε/2)∇U(w)‖²/(2ε) − ‖w − w' + (ε/2)∇U(w')‖²/(2ε))</pre>
 * L and ∇L are the minibatch values each step already has (as devinterp does). Healthy runs sit near 0.9.
 *
 * <p>On the CPU the terms are sums over the parameters' own memory in plain Java (one pass per chain, in double);
 * on CUDA they are libtorch ops on the device, so that only [C] numbers come back. A dozen small libtorch ops per
 * call cost more than the arithmetic for the small models, where the diagnostic ran at a quarter of a step's cost.
 */
final class Mala implements AutoCloseable {
    private final StepCoefficients coefficients;
    private final Tensor mask; // [P] or [C, P] float64 of the coordinates that move, or null for all
    private final boolean libtorchOps;
    private double[] previousU;

    // CUDA: the remembered state on the device
    private Tensor previousW;      // [C, P] float64
    private Tensor previousGradU;  // [C, P] float64

    // CPU: the remembered state and scratch rows on the heap
    private double[] hostPreviousW, hostPreviousGradU, hostW, hostGrad, hostCentre, hostMask;
    private boolean hostRemembered;

    /**
     * @param coefficients the run's ε, nβ, γ and λ_wd
     * @param mask        [P] or [C, P] float64 of the coordinates that move, or null for all
     * @param libtorchOps compute the terms with libtorch ops where the state lives (CUDA) instead of on the heap
     */
    Mala(StepCoefficients coefficients, Tensor mask, boolean libtorchOps) {
        this.coefficients = coefficients;
        this.mask = mask;
        this.libtorchOps = libtorchOps;
    }

    void accumulate(Tensor w, Tensor grad, double[] losses, Tensor centre, boolean[] frozen, double[] sum, long[] count) {
        if (!remembered()) return;
        try {
            double[][] terms = libtorchOps ? deviceTerms(w, grad, losses, centre) : hostTerms(w, grad, losses, centre);
            double eps = coefficients.epsilon();
            for (int k = 0; k < losses.length; k++) {
                if (frozen[k]) continue;
                double logAlpha = Math.min(0, previousU[k] - terms[0][k] + (terms[1][k] - terms[2][k]) / (2 * eps));
                double alpha = Math.exp(logAlpha);
                if (Double.isFinite(alpha)) {
                    sum[k] += alpha;
                    count[k]++;
                }
            }
        } finally {
            close(); // a remembered state is used for exactly one transition
        }
    }

    void remember(Tensor w, Tensor grad, double[] losses, Tensor centre) {
        close();
        if (libtorchOps) {
            try (Scope s = Scope.open()) {
                Tensor w64 = w.to(DType.FLOAT64);
                previousGradU = s.release(gradU(w64, grad, centre));
                previousW = s.release(w64);
                previousU = potential(w64, losses, centre);
            }
            return;
        }
        int c = losses.length;
        int p = (int) (w.numel() / c);
        hostState(w, grad, centre);
        previousU = new double[c];
        for (int k = 0; k < c; k++) {
            double dist2 = 0, norm2 = 0;
            for (int i = 0; i < p; i++) {
                int e = k * p + i;
                double wi = hostW[e], d = wi - hostCentre[i];
                dist2 += d * d;
                norm2 += wi * wi;
                hostPreviousGradU[e] = hostGradU(e, i, p, wi, d);
            }
            previousU[k] = potential(losses[k], dist2, norm2);
        }
        System.arraycopy(hostW, 0, hostPreviousW, 0, hostW.length);
        hostRemembered = true;
    }

    private boolean remembered() {
        return previousW != null || hostRemembered;
    }

    /** U(w') and the forward and reverse proposal terms of each chain, from the heap copies of w' and ∇L(w'). */
    private double[][] hostTerms(Tensor w, Tensor grad, double[] losses, Tensor centre) {
        int c = losses.length;
        int p = (int) (w.numel() / c);
        double halfEps = coefficients.halfEpsilon();
        hostState(w, grad, centre);
        double[] u = new double[c], forward = new double[c], backward = new double[c];
        for (int k = 0; k < c; k++) {
            double dist2 = 0, norm2 = 0, fw = 0, bw = 0;
            for (int i = 0; i < p; i++) {
                int e = k * p + i;
                double wi = hostW[e], d = wi - hostCentre[i], step = wi - hostPreviousW[e];
                dist2 += d * d;
                norm2 += wi * wi;
                double f = step + halfEps * hostPreviousGradU[e];
                double b = -step + halfEps * hostGradU(e, i, p, wi, d);
                fw += f * f;
                bw += b * b;
            }
            u[k] = potential(losses[k], dist2, norm2);
            forward[k] = fw;
            backward[k] = bw;
        }
        return new double[][] {u, forward, backward};
    }

    /** ∇U at coordinate i of chain row e: nβ·g + γ·(w − w*) + λ_wd·w, zero where the mask holds the coordinate. */
    private double hostGradU(int e, int i, int p, double wi, double d) {
        double m = hostMask == null ? 1 : hostMask[hostMask.length == p ? i : e];
        return m * (coefficients.nbeta() * hostGrad[e] + coefficients.gamma() * d + coefficients.weightDecay() * wi);
    }

    private double potential(double loss, double dist2, double norm2) {
        return coefficients.nbeta() * loss + coefficients.gamma() / 2 * dist2 + coefficients.weightDecay() / 2 * norm2;
    }

    /** Reads w and the gradient (float32 or float64, contiguous CPU memory) into the scratch rows, in double. */
    private void hostState(Tensor w, Tensor grad, Tensor centre) {
        int n = Math.toIntExact(w.numel());
        if (hostW == null) {
            hostW = new double[n];
            hostGrad = new double[n];
            hostPreviousW = new double[n];
            hostPreviousGradU = new double[n];
            hostCentre = new double[Math.toIntExact(centre.numel())];
            read(centre, hostCentre);
            if (mask != null) hostMask = mask.contiguous().toDoubleArray();
        }
        read(w, hostW);
        read(grad, hostGrad);
    }

    private float[] floats; // float32 staging: a bulk copy, because element-wise segment reads crawl until compiled

    private void read(Tensor t, double[] into) {
        try (Scope s = Scope.open()) {
            Tensor c = t.isContiguous() ? t : t.contiguous();
            MemorySegment data = c.data();
            if (c.dtype() == DType.FLOAT64) {
                MemorySegment.copy(data, ValueLayout.JAVA_DOUBLE, 0, into, 0, into.length);
            } else {
                if (floats == null || floats.length < into.length) floats = new float[into.length];
                MemorySegment.copy(data, ValueLayout.JAVA_FLOAT, 0, floats, 0, into.length);
                for (int i = 0; i < into.length; i++) into[i] = floats[i];
            }
        }
    }

    // ------------------------------------------------------------------ CUDA: libtorch ops on the device

    private Tensor gradU(Tensor w64, Tensor grad, Tensor centre) {
        Tensor g = grad.to(DType.FLOAT64).mul(coefficients.nbeta()).add(w64.sub(centre.to(DType.FLOAT64)), coefficients.gamma());
        if (coefficients.weightDecay() > 0) g = g.add(w64, coefficients.weightDecay());
        // fixed coordinates are not part of the chain's state: their force does not enter the proposal
        return mask == null ? g : g.mul(mask);
    }

    private double[] potential(Tensor w64, double[] losses, Tensor centre) {
        double[] dist2 = w64.sub(centre.to(DType.FLOAT64)).square().sum(false, 1).toDoubleArray();
        double[] norm2 = coefficients.weightDecay() > 0 ? w64.square().sum(false, 1).toDoubleArray() : new double[losses.length];
        double[] u = new double[losses.length];
        for (int k = 0; k < u.length; k++) u[k] = potential(losses[k], dist2[k], norm2[k]);
        return u;
    }

    private double[][] deviceTerms(Tensor w, Tensor grad, double[] losses, Tensor centre) {
        double eps = coefficients.epsilon();
        try (Scope s = Scope.open()) {
            Tensor w64 = w.to(DType.FLOAT64);
            Tensor gU = gradU(w64, grad, centre);
            double[] u = potential(w64, losses, centre);
            double[] forward = w64.sub(previousW).add(previousGradU, eps / 2).square().sum(false, 1).toDoubleArray();
            double[] backward = previousW.sub(w64).add(gU, eps / 2).square().sum(false, 1).toDoubleArray();
            return new double[][] {u, forward, backward};
        }
    }

    @Override
    public void close() {
        if (previousW != null) previousW.close();
        if (previousGradU != null) previousGradU.close();
        previousW = previousGradU = null;
        hostRemembered = false;
    }
}
