package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * The toy model of superposition: n sparse features squeezed through m hidden dimensions and read back,
 * x̂ = ReLU(WᵀW x + b) with W [m, n] and b [n] (parameters "W" and "b"). The loss is the importance-weighted squared
 * error averaged over samples and features, mean_{samples, i} I_i (x_i − x̂_i)², as in the original toy-model code;
 * its critical points include the regular k-gons whose learning coefficients decide which the posterior prefers.
 */
public final class ToyModelOfSuperposition implements ChainModel {
    private final int features;
    private final int hidden;
    private final double[] importances;
    private final boolean uniformImportance;
    private final ParameterLayout layout;

    /**
     * A TMS with all importances 1.
     *
     * @param features n, the number of features (input and output width)
     * @param hidden   m, the hidden dimension
     * @throws IllegalArgumentException if n or m is not positive
     */
    public ToyModelOfSuperposition(int features, int hidden) {
        this(features, hidden, filled(features, 1.0));
    }

    /**
     * A TMS with importance-weighted loss.
     *
     * @param features    n, the number of features (input and output width)
     * @param hidden      m, the hidden dimension
     * @param importances I_i ≥ 0, one per feature (copied)
     * @throws IllegalArgumentException if n or m is not positive, or the importances are not n finite values ≥ 0
     */
    public ToyModelOfSuperposition(int features, int hidden, double[] importances) {
        if (features <= 0) throw new IllegalArgumentException("the number of features n must be positive, got " + features);
        if (hidden <= 0) throw new IllegalArgumentException("the hidden dimension m must be positive, got " + hidden);
        if (importances.length != features) {
            throw new IllegalArgumentException("give one importance per feature: " + features + " features, " + importances.length + " importances");
        }
        boolean uniform = true;
        for (double v : importances) {
            if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("importances must be finite and ≥ 0: " + Arrays.toString(importances));
            uniform &= v == 1.0;
        }
        this.features = features;
        this.hidden = hidden;
        this.importances = importances.clone();
        this.uniformImportance = uniform;
        this.layout = ParameterLayout.builder().add("W", hidden, features).add("b", features).build();
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[Math.max(n, 0)];
        Arrays.fill(a, v);
        return a;
    }

    /** {@return n, the number of features} */
    public int features() {
        return features;
    }

    /** {@return m, the hidden dimension} */
    public int hidden() {
        return hidden;
    }

    /** {@return a copy of the importances I_i} */
    public double[] importances() {
        return importances.clone();
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    /**
     * Initial weights: W Xavier-normal (std √(2 / (m + n))), b = 0.
     *
     * @param g     the random source
     * @param dtype floating type of the weights
     * @return the flat weights [P] on the CPU, owned by the caller's scope
     */
    public Tensor initialWeights(Generator g, DType dtype) {
        try (Scope s = Scope.open()) {
            Tensor w = Tensor.randn(g, dtype, Device.CPU, (long) hidden * features).mul(Math.sqrt(2.0 / (hidden + features)));
            Tensor b = Tensor.zeros(dtype, Device.CPU, features);
            return s.keep(Tensor.cat(0, w, b));
        }
    }

    /**
     * Reconstructions x̂ = ReLU(WᵀW x + b) of each chain's inputs.
     *
     * @param p views of "W" [C, m, n] and "b" [C, n]
     * @param x inputs [C, B, n]
     * @return the reconstructions x̂ [C, B, n], owned by the caller's scope
     * @throws IllegalArgumentException if x is null or not [C, B, n] with the parameters' C
     */
    public Tensor forward(Map<String, Tensor> p, Tensor x) {
        Tensor w = p.get("W");                                   // [C, m, n]
        if (x == null || x.dim() != 3 || x.size(2) != features) {
            throw new IllegalArgumentException("TMS inputs must be [C, B, " + features + "], got "
                    + (x == null ? "none" : Arrays.toString(x.shape())));
        }
        if (x.size(0) != w.size(0)) {
            throw new IllegalArgumentException("inputs have " + x.size(0) + " chains but the parameters have " + w.size(0));
        }
        Tensor h = x.bmm(w.transpose(1, 2));                    // [C, B, m]
        return p.get("b").unsqueeze(1).baddbmm(h, w).relu();    // ReLU(h W + b)
    }

    /** Per-chain loss [C]; the target defaults to the input itself when y is null. */
    @Override
    public Tensor loss(Map<String, Tensor> p, Tensor x, Tensor y) {
        Tensor target = y == null ? x : y;
        Tensor sq = forward(p, x).sub(target).square();
        if (!uniformImportance) sq = sq.mul(Tensor.of(importances, x.device(), features).to(x.dtype()));
        return sq.mean(false, 1, 2);
    }

    /** Itself: it keeps no state between calls, and each chain's loss depends on that chain's weights and data only. */
    @Override
    public ChainModel forAnotherThread() {
        return this;
    }

    @Override
    public String describe() {
        return "TMS n=" + features + " m=" + hidden;
    }
}
