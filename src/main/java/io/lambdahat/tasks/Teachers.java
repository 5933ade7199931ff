package io.lambdahat.tasks;

import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.Mlp;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.HashMap;
import java.util.Map;
import io.lambdahat.data.Dataset;

/**
 * Teacher tasks generated from a seed: a teacher model of the student's own architecture labels inputs drawn
 * from U[−range, range] (optionally with Gaussian label noise). The teacher's weights are a true parameter of the
 * student, so they are the natural w* for λ̂.
 */
public final class Teachers {
    private Teachers() {}

    /**
     * The dataset and the teacher's flat weights (w*). Closing the task closes both.
     *
     * @param data the n labelled samples
     * @param teacherWeights w*, the teacher's parameters flattened in the student's layout [P]
     */
    public record Task(Dataset data, Tensor teacherWeights) implements AutoCloseable {
        @Override
        public void close() {
            data.close();
            teacherWeights.close();
        }
    }

    /**
     * Options common to the teacher tasks.
     *
     * @param n number of samples
     * @param seed seed of the teacher's weights, the inputs and the label noise
     * @param inputRange r: inputs are drawn uniformly from [−r, r]
     * @param labelNoise standard deviation of the Gaussian noise added to the labels (0 for none)
     * @param dtype floating type of the weights, inputs and labels
     */
    public record Options(long n, long seed, double inputRange, double labelNoise, DType dtype) {
        /**
         * Validates the options.
         *
         * @throws IllegalArgumentException if n is not positive, the input range not positive or the label noise negative
         */
        public Options {
            if (n <= 0) throw new IllegalArgumentException("n must be positive, got " + n);
            if (!(inputRange > 0)) throw new IllegalArgumentException("input range must be positive, got " + inputRange);
            if (!(labelNoise >= 0)) throw new IllegalArgumentException("label noise must be ≥ 0, got " + labelNoise);
        }

        /**
         * The defaults: inputs in [−10, 10], noiseless labels, float32.
         *
         * @param n number of samples
         * @param seed seed of the teacher, the inputs and the noise
         * @return the options
         */
        public static Options of(long n, long seed) {
            return new Options(n, seed, 10.0, 0.0, DType.FLOAT32);
        }
    }

    /**
     * A deep linear network teacher whose end-to-end map W_L⋯W_1 has rank {@code rank}: the first layer is a
     * product of two random factors of inner width {@code rank}, the others are random Gaussian matrices scaled
     * by 1/√fan-in. Rank 0 makes the teacher the zero map.
     *
     * @param model the student, whose widths and parameter layout the teacher shares
     * @param rank rank of the teacher's end-to-end map, 0 to the narrowest width
     * @param o sample count, seed, input range, noise and dtype
     * @return the task on the CPU; the caller closes it
     * @throws IllegalArgumentException if the rank is negative or exceeds the narrowest width
     */
    public static Task dln(DeepLinearNetwork model, int rank, Options o) {
        int[] widths = model.widths();
        int maxRank = Integer.MAX_VALUE;
        for (int w : widths) maxRank = Math.min(maxRank, w);
        if (rank < 0 || rank > maxRank) {
            throw new io.lambdahat.InvalidInputException("teacher rank must be between 0 and the narrowest width " + maxRank + ", got " + rank);
        }
        try (Generator g = new Generator(o.seed()); Scope s = Scope.open()) {
            Map<String, Tensor> layers = new HashMap<>();
            for (int l = 0; l + 1 < widths.length; l++) {
                int in = widths[l], out = widths[l + 1];
                Tensor w;
                if (l == 0) {
                    if (rank == 0) {
                        w = Tensor.zeros(o.dtype(), Device.CPU, out, in);
                    } else {
                        Tensor a = Tensor.randn(g, o.dtype(), Device.CPU, out, rank);
                        Tensor b = Tensor.randn(g, o.dtype(), Device.CPU, rank, in);
                        w = a.matmul(b).mul(1.0 / Math.sqrt((double) in * rank));
                    }
                } else {
                    w = Tensor.randn(g, o.dtype(), Device.CPU, out, in).mul(1.0 / Math.sqrt(in));
                }
                layers.put(DeepLinearNetwork.weightName(l), w);
            }
            Tensor flat = s.keep(model.layout().flatten(layers, o.dtype()));
            Tensor x = inputs(g, o, widths[0]);
            Tensor y = x;
            for (int l = 0; l + 1 < widths.length; l++) y = y.matmul(layers.get(DeepLinearNetwork.weightName(l)).transpose(0, 1));
            y = withNoise(g, y, o);
            return new Task(new Dataset(s.keep(x), s.keep(y)), flat);
        }
    }

    /**
     * Regular linear regression with d inputs and one output (no bias): λ = d/2.
     *
     * @param dim d, the input dimension
     * @param o sample count, seed, input range, noise and dtype
     * @return the task on the CPU, with a {@code DeepLinearNetwork(d, 1)} teacher; the caller closes it
     */
    public static Task linearRegression(int dim, Options o) {
        return dln(new DeepLinearNetwork(dim, 1), 1, o);
    }

    /**
     * An MLP teacher with Gaussian weights scaled by 1/√fan-in and zero biases; MSE targets.
     *
     * @param model the student, whose widths, activation and parameter layout the teacher shares
     * @param o sample count, seed, input range, noise and dtype
     * @return the task on the CPU; the caller closes it
     */
    public static Task mlp(Mlp model, Options o) {
        int[] widths = model.widths();
        try (Generator g = new Generator(o.seed()); Scope s = Scope.open()) {
            Map<String, Tensor> params = new HashMap<>();
            for (int l = 0; l + 1 < widths.length; l++) {
                params.put("layers." + l + ".weight", Tensor.randn(g, o.dtype(), Device.CPU, widths[l + 1], widths[l]).mul(1.0 / Math.sqrt(widths[l])));
                params.put("layers." + l + ".bias", Tensor.zeros(o.dtype(), Device.CPU, widths[l + 1]));
            }
            Tensor flat = s.keep(model.layout().flatten(params, o.dtype()));
            Tensor x = inputs(g, o, widths[0]);
            Map<String, Tensor> chainViews = new HashMap<>();
            params.forEach((k, v) -> chainViews.put(k, v.unsqueeze(0)));
            Tensor y = model.forward(chainViews, x.unsqueeze(0)).squeeze(0);
            y = withNoise(g, y, o);
            return new Task(new Dataset(s.keep(x), s.keep(y)), flat);
        }
    }

    private static Tensor inputs(Generator g, Options o, int dim) {
        return Tensor.rand(g, o.dtype(), Device.CPU, o.n(), dim).mul(2 * o.inputRange()).sub(o.inputRange());
    }

    private static Tensor withNoise(Generator g, Tensor y, Options o) {
        if (o.labelNoise() == 0) return y;
        long[] shape = y.shape();
        return y.add(Tensor.randn(g, o.dtype(), Device.CPU, shape), o.labelNoise());
    }
}
