package io.lambdahat.tasks;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.data.Dataset;

/**
 * In-context linear regression (docs/SCIENCE.md §4): every sequence has its own task vector t ~ N(0, I_D) and K
 * pairs x_k ~ N(0, I_D), y_k = t·x_k + ε_k with ε_k ~ N(0, σ²). The standard task has D = 4, K = 16, σ² = 0.125.
 *
 * <p>Layout: the pairs become 2K tokens of width D + 1, x-tokens (0, x_k) and y-tokens (y_k, 0, …, 0), interleaved
 * x_1, y_1, …, x_K, y_K: inputs [n, 2K, D + 1]. The model reads its prediction of y_k at the x_k token (position
 * 2k, 0-based), having seen the k earlier pairs; targets are the y_k, [n, K]. This is the layout
 * {@link io.lambdahat.nn.IclRegressionTransformer} takes.
 */
public final class IclLinearRegressionTask {
    private final int dim;
    private final int pairs;
    private final double noiseVariance;

    /**
     * A task family with the given sizes.
     *
     * @param dim D, the dimension of the task vectors and inputs
     * @param pairs K, the number of (x, y) pairs per sequence
     * @param noiseVariance σ², the variance of the label noise ε_k (0 for none)
     * @throws IllegalArgumentException if D or K is not positive, or σ² is negative or not finite
     */
    public IclLinearRegressionTask(int dim, int pairs, double noiseVariance) {
        if (dim <= 0) throw new IllegalArgumentException("the task dimension D must be positive, got " + dim);
        if (pairs <= 0) throw new IllegalArgumentException("the number of pairs K must be positive, got " + pairs);
        if (!(noiseVariance >= 0) || Double.isInfinite(noiseVariance)) {
            throw new IllegalArgumentException("the noise variance must be finite and ≥ 0, got " + noiseVariance);
        }
        this.dim = dim;
        this.pairs = pairs;
        this.noiseVariance = noiseVariance;
    }

    /**
     * The standard task: D = 4, K = 16, σ² = 0.125.
     *
     * @return the task
     */
    public static IclLinearRegressionTask standard() {
        return new IclLinearRegressionTask(4, 16, 0.125);
    }

    /** {@return D, the dimension of the task vectors and inputs} */
    public int dim() {
        return dim;
    }

    /** {@return K, the number of (x, y) pairs per sequence} */
    public int pairs() {
        return pairs;
    }

    /** {@return σ², the variance of the label noise} */
    public double noiseVariance() {
        return noiseVariance;
    }

    /**
     * Tokens per sequence: the context the model needs.
     *
     * @return 2K
     */
    public int sequenceLength() {
        return 2 * pairs;
    }

    /**
     * Width of a token.
     *
     * @return D + 1
     */
    public int tokenWidth() {
        return dim + 1;
    }

    /**
     * One draw of n sequences: inputs, targets and the task vectors that made them (for oracle baselines).
     *
     * @param tokens the interleaved x- and y-tokens [n, 2K, D + 1]
     * @param targets the y_k [n, K]
     * @param taskVectors the task vector t of each sequence [n, D]
     */
    public record Sample(Tensor tokens, Tensor targets, Tensor taskVectors) {}

    /**
     * n fresh sequences: tokens [n, 2K, D + 1], targets [n, K], task vectors [n, D], owned by the caller's scope.
     * The draws use {@code g} in a fixed order (task vectors, inputs, noise).
     *
     * @param g the random source (draws on the CPU, then moved)
     * @param n number of sequences
     * @param dtype floating type of the draws
     * @param device where the result lives
     * @return the sequences, their targets and task vectors
     * @throws IllegalArgumentException if n is not positive
     */
    public Sample sample(Generator g, long n, DType dtype, Device device) {
        if (n <= 0) throw new IllegalArgumentException("the number of sequences must be positive, got " + n);
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.randn(g, dtype, Device.CPU, n, dim);
            Tensor x = Tensor.randn(g, dtype, Device.CPU, n, pairs, dim);
            Tensor y = x.matmul(t.unsqueeze(2)).squeeze(2);                                   // [n, K]
            if (noiseVariance > 0) y = y.add(Tensor.randn(g, dtype, Device.CPU, n, pairs), Math.sqrt(noiseVariance));
            Tensor xTokens = Tensor.cat(2, Tensor.zeros(dtype, Device.CPU, n, pairs, 1), x);   // (0, x_k)
            Tensor yTokens = Tensor.cat(2, y.unsqueeze(2), Tensor.zeros(dtype, Device.CPU, n, pairs, dim)); // (y_k, 0)
            Tensor tokens = Tensor.stack(2, xTokens, yTokens).reshape(n, 2L * pairs, dim + 1);
            return new Sample(s.keep(tokens.to(device)), s.keep(y.contiguous().to(device)), s.keep(t.to(device)));
        }
    }

    /**
     * A dataset of n sequences drawn from {@code seed}: x = tokens [n, 2K, D + 1], y = targets [n, K].
     *
     * @param n number of sequences
     * @param seed seed of the draws
     * @param dtype floating type of the draws
     * @return the dataset on the CPU; the caller closes it
     * @throws IllegalArgumentException if n is not positive
     */
    public Dataset dataset(long n, long seed, DType dtype) {
        try (Generator g = new Generator(seed); Scope s = Scope.open()) {
            Sample d = sample(g, n, dtype, Device.CPU);
            return new Dataset(s.keep(d.tokens()), s.keep(d.targets()));
        }
    }

    /**
     * A fresh training minibatch for every chain (online data: no sequence is reused).
     *
     * @param g the random source
     * @param chains C, the number of chains
     * @param batch B, the sequences per chain
     * @param dtype floating type of the draws
     * @param device where the result lives
     * @return {x [C, B, 2K, D + 1], y [C, B, K]}, owned by the caller's scope
     * @throws IllegalArgumentException if C or B is not positive
     */
    public Tensor[] batch(Generator g, int chains, int batch, DType dtype, Device device) {
        if (chains <= 0 || batch <= 0) throw new IllegalArgumentException("chains and batch must be positive, got " + chains + " and " + batch);
        Sample d = sample(g, (long) chains * batch, dtype, device);
        return new Tensor[] {d.tokens().view(chains, batch, 2L * pairs, dim + 1), d.targets().view(chains, batch, pairs)};
    }
}
