package io.lambdahat.tasks;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.Arrays;
import io.lambdahat.data.Dataset;

/**
 * Sparse inputs for the toy model of superposition: each of n features is present independently with probability
 * {@code featureProbability} (1 − the sparsity S) and then uniform on [0, 1], else 0. The importances weight each
 * feature's reconstruction error in the model's loss; the task carries them so model and data agree.
 */
public final class TmsTask {
    private final int features;
    private final double featureProbability;
    private final double[] importances;

    /**
     * A task with explicit importances.
     *
     * @param features number of features, the input width of the toy model
     * @param featureProbability probability that a feature is present, 1 − S, in (0, 1]
     * @param importances I_i ≥ 0, one per feature (copied)
     * @throws IllegalArgumentException if the feature count is not positive, the probability lies outside (0, 1],
     *     or the importances are not one finite non-negative value per feature
     */
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

    /**
     * A task with all importances 1.
     *
     * @param features number of features, the input width of the toy model
     * @param featureProbability probability that a feature is present, 1 − S, in (0, 1]
     * @throws IllegalArgumentException if the feature count is not positive or the probability lies outside (0, 1]
     */
    public TmsTask(int features, double featureProbability) {
        this(features, featureProbability, geometricImportances(features, 1.0));
    }

    /**
     * I_i = decay^i, i = 0 … n − 1 (decay 1: all equal).
     *
     * @param features n, the number of features
     * @param decay ratio of each importance to the previous one, positive
     * @return the n importances
     * @throws IllegalArgumentException if the decay is not positive
     */
    public static double[] geometricImportances(int features, double decay) {
        if (!(decay > 0)) throw new IllegalArgumentException("the importance decay must be positive, got " + decay);
        double[] v = new double[features];
        for (int i = 0; i < features; i++) v[i] = Math.pow(decay, i);
        return v;
    }

    /** {@return the number of features} */
    public int features() {
        return features;
    }

    /** {@return the probability 1 − S that a feature is present} */
    public double featureProbability() {
        return featureProbability;
    }

    /** {@return a copy of the importances I_i, one per feature} */
    public double[] importances() {
        return importances.clone();
    }

    /**
     * Draws n sparse samples.
     *
     * @param g the random source (draws on the CPU, then moved)
     * @param n number of samples
     * @param dtype floating type of the samples
     * @param device where the result lives
     * @return samples [n, features], owned by the caller's scope
     * @throws IllegalArgumentException if n is not positive
     */
    public Tensor sample(Generator g, long n, DType dtype, Device device) {
        if (n <= 0) throw new IllegalArgumentException("the number of samples must be positive, got " + n);
        try (Scope s = Scope.open()) {
            Tensor present = Tensor.rand(g, dtype, Device.CPU, n, features).lt(featureProbability).to(dtype);
            Tensor values = Tensor.rand(g, dtype, Device.CPU, n, features);
            return s.keep(values.mul(present).to(device));
        }
    }

    /**
     * A dataset of n samples whose targets are the inputs themselves (a copy).
     *
     * @param n number of samples
     * @param seed seed of the draws
     * @param dtype floating type of the samples
     * @return the dataset on the CPU, x and y both [n, features]; the caller closes it
     * @throws IllegalArgumentException if n is not positive
     */
    public Dataset dataset(long n, long seed, DType dtype) {
        try (Generator g = new Generator(seed); Scope s = Scope.open()) {
            Tensor x = sample(g, n, dtype, Device.CPU);
            return new Dataset(s.keep(x), s.keep(x.copy()));
        }
    }
}
