package io.lambdahat.data;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.Arrays;

/**
 * Sparse inputs for the toy model of superposition: each of n features is present independently with probability
 * {@code featureProbability} (1 − the sparsity S) and then uniform on [0, 1], else 0. The importances weight each
 * feature's reconstruction error in the model's loss; the task carries them so model and data agree.
 */
public final class TmsTask {
    private final int features;
    private final double featureProbability;
    private final double[] importances;

    public TmsTask(int features, double featureProbability, double[] importances) {
        if (features <= 0) throw new IllegalArgumentException("the number of features must be positive, got " + features);
        if (!(featureProbability > 0 && featureProbability <= 1)) {
            throw new IllegalArgumentException("the feature probability must be in (0, 1], got " + featureProbability);
        }
        if (importances.length != features) {
            throw new IllegalArgumentException("give one importance per feature: " + features + " features, " + importances.length + " importances");
        }
        for (double v : importances) {
            if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("importances must be finite and ≥ 0: " + Arrays.toString(importances));
        }
        this.features = features;
        this.featureProbability = featureProbability;
        this.importances = importances.clone();
    }

    /** All importances 1. */
    public TmsTask(int features, double featureProbability) {
        this(features, featureProbability, geometricImportances(features, 1.0));
    }

    /** I_i = decay^i, i = 0 … n − 1 (decay 1: all equal). */
    public static double[] geometricImportances(int features, double decay) {
        if (!(decay > 0)) throw new IllegalArgumentException("the importance decay must be positive, got " + decay);
        double[] v = new double[features];
        for (int i = 0; i < features; i++) v[i] = Math.pow(decay, i);
        return v;
    }

    public int features() {
        return features;
    }

    public double featureProbability() {
        return featureProbability;
    }

    public double[] importances() {
        return importances.clone();
    }

    /** n samples [n, features], owned by the caller's scope. */
    public Tensor sample(Generator g, long n, DType dtype, Device device) {
        if (n <= 0) throw new IllegalArgumentException("the number of samples must be positive, got " + n);
        try (Scope s = Scope.open()) {
            Tensor present = Tensor.rand(g, dtype, Device.CPU, n, features).lt(featureProbability).to(dtype);
            Tensor values = Tensor.rand(g, dtype, Device.CPU, n, features);
            return s.keep(values.mul(present).to(device));
        }
    }

    /** A dataset of n samples whose targets are the inputs themselves (a copy). */
    public Dataset dataset(long n, long seed, DType dtype) {
        try (Generator g = new Generator(seed); Scope s = Scope.open()) {
            Tensor x = sample(g, n, dtype, Device.CPU);
            return new Dataset(s.keep(x), s.keep(x.copy()));
        }
    }
}
