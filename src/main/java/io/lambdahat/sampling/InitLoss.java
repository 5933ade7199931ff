package io.lambdahat.sampling;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which L(w*) the estimator subtracts, and how it is computed.
 *
 * <p>{@link #FULL_DATA} and {@link #SUBSAMPLE} evaluate the loss at w* with gradients off, in groups of rows that ride
 * on the chain axis: w* is replicated to K chains and K groups of r rows go through the model in one call, which
 * gives the K group means at once. A block of K·r rows holds about {@value #BLOCK_ELEMENTS} input values, so its
 * intermediates stay in cache; one block over all 32 768 sequences of the induction task allocated about 2 GB of
 * intermediates per pass, and the page faults cost eight times the arithmetic (10 s against 1.3 s of CPU time).
 * The group means also give the standard error of a subsample's mean.
 */
public enum InitLoss {
    /** The exact full-data loss L_n(w*) (the default: unbiased, its standard error 0). */
    FULL_DATA,
    /** devinterp's choice: the mean of the minibatch losses of all chains at w* (the first step). */
    MINIBATCH_MEAN,
    /**
     * The mean loss over a fixed random subsample of {@value #SUBSAMPLE_ROWS} rows (all of them when n is smaller),
     * drawn without replacement from a fixed seed, so every checkpoint of a run is measured on the same rows. Its
     * standard error (from the spread of its {@value #SUBSAMPLE_ROWS}/r group means, with the finite-population
     * correction √(1 − m/n)) is reported with the estimate; λ̂ inherits nβ times it, shared by all chains.
     */
    SUBSAMPLE;

    /** Rows of {@link #SUBSAMPLE}: m. */
    public static final int SUBSAMPLE_ROWS = 4096;
    /** Input values per evaluated block (K groups × r rows × the values of one row's input). */
    static final long BLOCK_ELEMENTS = 32_768;
    /** Groups (chains) per block, K. */
    static final int GROUPS_PER_BLOCK = 8;
    /** Seed of the subsample's rows: fixed, so that it does not depend on the sampler's seed. */
    static final long SUBSAMPLE_SEED = 0x1A1A_5EEDL;

    /**
     * An L(w*) as computed.
     *
     * @param value  L(w*)
     * @param stderr its standard error as an estimate of the full-data loss: 0 when computed on all n rows (or for a
     *               potential without data), NaN for {@link #MINIBATCH_MEAN} (which estimates something else)
     * @param rows   the rows it was averaged over (0 for a potential without data)
     */
    public record Estimate(double value, double stderr, long rows) {}

    /**
     * The mean loss at w* over {@code rows} rows of the data (all of them if {@code rows} ≥ n), with gradients off.
     *
     * @param model  the model
     * @param centre w*, [P]
     * @param data   the dataset, or null for a potential without data (then K(w*) is returned)
     * @param rows   how many rows to average over: all n, or a seeded random subsample of this many
     * @return the loss and its standard error as an estimate of L_n(w*)
     */
    public static Estimate evaluate(ChainModel model, Tensor centre, Dataset data, long rows) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            if (data == null) {
                ChainParameters one = ChainParameters.replicate(model.layout(), centre, 1);
                double k = model.loss(one.views(), null, null).item();
                one.close();
                return new Estimate(k, 0, 0);
            }
            long n = data.size();
            long m = Math.min(n, rows);
            Tensor x = data.x(), y = data.y();
            if (m < n) {
                Tensor idx = Tensor.of(subsample(n, m), x.device(), m);
                x = x.indexSelect(0, idx);
                y = y.indexSelect(0, idx);
            }
            long rowElements = Math.max(1, x.numel() / Math.max(1, x.size(0)));
            long r = Math.max(1, Math.min(m, BLOCK_ELEMENTS / rowElements / GROUPS_PER_BLOCK));
            int groups = Math.toIntExact(m / r);
            double[] means = new double[groups];
            double sum = 0;
            try (ChainParameters params = ChainParameters.replicate(model.layout(), centre, GROUPS_PER_BLOCK)) {
                    for (int g = 0; g < groups; g += GROUPS_PER_BLOCK) {
                    int k = Math.min(GROUPS_PER_BLOCK, groups - g);
                    try (Scope block = Scope.open()) {
                        Map<String, Tensor> views = ChainParameters.viewsOf(model.layout(), params.flat().narrow(0, 0, k));
                        double[] l = model.loss(views, groupsOf(x, g * r, k, r), groupsOf(y, g * r, k, r)).to(DType.FLOAT64).toDoubleArray();
                        System.arraycopy(l, 0, means, g, k);
                    }
                }
                for (double v : means) sum += v * r;
                long rest = m - groups * r;
                if (rest > 0) {
                    Map<String, Tensor> views = ChainParameters.viewsOf(model.layout(), params.flat().narrow(0, 0, 1));
                    sum += model.loss(views, groupsOf(x, groups * r, 1, rest), groupsOf(y, groups * r, 1, rest)).item() * rest;
                }
            }
            double stderr = m == n ? 0 : groups < 2 ? Double.NaN : sd(means) / Math.sqrt(groups) * Math.sqrt(1 - (double) m / n);
            return new Estimate(sum / m, stderr, m);
        }
    }

    /** Rows [from, from + k·r) of a dataset tensor as k groups of r rows: [k, r, …], owned by the caller's scope. */
    private static Tensor groupsOf(Tensor t, long from, int k, long r) {
        long[] shape = t.shape();
        long[] out = new long[shape.length + 1];
        out[0] = k;
        out[1] = r;
        System.arraycopy(shape, 1, out, 2, shape.length - 1);
        return t.narrow(0, from, k * r).view(out);
    }

    /** m of the row indices 0 … n−1, without replacement, in random order (so consecutive groups are random groups). */
    static long[] subsample(long n, long m) {
        int size = Math.toIntExact(n);
        int[] perm = new int[size];
        for (int i = 0; i < size; i++) perm[i] = i;
        SplittableRandom rng = new SplittableRandom(SUBSAMPLE_SEED);
        long[] out = new long[Math.toIntExact(m)];
        for (int i = 0; i < out.length; i++) { // a partial Fisher–Yates shuffle: the first m places
            int j = i + rng.nextInt(size - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
            out[i] = perm[i];
        }
        return out;
    }

    private static double sd(double[] v) {
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double ss = 0;
        for (double a : v) ss += (a - mean) * (a - mean);
        return Math.sqrt(ss / (v.length - 1));
    }
}
