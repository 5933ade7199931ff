package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * The transformer of {@link Transformer} reading vectors instead of token ids, for in-context linear regression
 * ({@link io.lambdahat.tasks.IclLinearRegressionTask}). Inputs are the interleaved tokens (0, x_k), (y_k, 0, …, 0)
 * of width D + 1 = {@code config.vocab()}, [C, B, 2K, D + 1] with 2K ≤ context; the prediction of y_k is read at
 * the x_k token (position 2k), targets are [C, B, K], and the loss is each chain's mean squared error over its
 * B·K predictions.
 *
 * <p>Parameters as in {@link Transformer} except the ends: {@code embed.W_E} [D + 1, d_model] is a linear map of
 * the token vector (a token id's row is the same map applied to a one-hot vector) and {@code unembed.W_U}
 * [d_model, 1] reads one number ({@code unembed.b_U} [1] with biases).
 */
public final class IclRegressionTransformer implements ChainModel {
    private final TransformerConfig cfg;
    private final TransformerBlocks blocks;
    private final ParameterLayout layout;

    /**
     * A regression transformer of the given shape.
     *
     * @param config the shape; {@code config.vocab()} is the token width D + 1 and {@code config.context()} at least 2K
     * @throws IllegalArgumentException if the token width is below 2
     */
    public IclRegressionTransformer(TransformerConfig config) {
        if (config.vocab() < 2) {
            throw new IllegalArgumentException("the token width (vocab) must be D + 1 ≥ 2 for in-context regression, got " + config.vocab());
        }
        this.cfg = config;
        this.blocks = new TransformerBlocks(config);
        ParameterLayout.Builder b = ParameterLayout.builder();
        b.add("embed.W_E", config.vocab(), config.dModel());
        b.add("pos_embed.W_pos", config.context(), config.dModel());
        blocks.addParameters(b);
        b.add("unembed.W_U", config.dModel(), 1);
        if (config.biases()) b.add("unembed.b_U", 1);
        this.layout = b.build();
    }

    /** {@return the transformer's shape} */
    public TransformerConfig config() {
        return cfg;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    /**
     * Initial weights: LayerNorm gains 1, biases 0, every other weight N(0, 0.02²).
     *
     * @param g     the random source
     * @param dtype floating type of the weights
     * @return the flat weights [P] on the CPU, owned by the caller's scope
     */
    public Tensor initialWeights(Generator g, DType dtype) {
        return TransformerBlocks.initialWeights(layout, g, dtype);
    }

    /**
     * Predictions of y_1 … y_K, each read at its x_k token.
     *
     * @param p views [C, ...] of every parameter, by name
     * @param x interleaved tokens [C, B, 2K, D + 1] with 2K ≤ context
     * @return the predictions [C, B, K], owned by the caller's scope
     * @throws IllegalArgumentException if x is null or not [C, B, 2K, D + 1] with the parameters' C, its length is
     *     odd, or it exceeds the context
     */
    public Tensor predict(Map<String, Tensor> p, Tensor x) {
        Tensor wE = p.get("embed.W_E");
        if (x == null || x.dim() != 4 || x.size(3) != cfg.vocab()) {
            throw new IllegalArgumentException("in-context regression tokens must be [C, B, 2K, " + cfg.vocab() + "], got "
                    + (x == null ? "none" : Arrays.toString(x.shape())));
        }
        long c = x.size(0), b = x.size(1), t = x.size(2), d = cfg.dModel();
        if (c != wE.size(0)) throw new IllegalArgumentException("tokens have " + c + " chains but the parameters have " + wE.size(0));
        if (t % 2 != 0) throw new IllegalArgumentException("a sequence holds x/y pairs, so its length must be even, got " + t);
        if (t > cfg.context()) throw new IllegalArgumentException("sequences of " + t + " tokens exceed the context of " + cfg.context());
        Tensor embedded = x.reshape(c, b * t, cfg.vocab()).bmm(wE).view(c, b, t, d);
        Tensor resid = embedded.add(p.get("pos_embed.W_pos").narrow(1, 0, t).unsqueeze(1));
        Tensor stream = blocks.run(p, resid);
        long k = t / 2;
        Tensor atX = stream.reshape(c, b, k, 2, d).select(3, 0).reshape(c, b * k, d);
        Tensor out = atX.bmm(p.get("unembed.W_U"));
        if (cfg.biases()) out = out.add(p.get("unembed.b_U").unsqueeze(1));
        return out.view(c, b, k);
    }

    /**
     * Squared error of every prediction.
     *
     * @param p views [C, ...] of every parameter, by name
     * @param x interleaved tokens [C, B, 2K, D + 1] with 2K ≤ context
     * @param y targets y_k [C, B, K]
     * @return (ŷ_k − y_k)² [C, B, K], owned by the caller's scope
     * @throws IllegalArgumentException if x is malformed (as for {@link #predict}) or y is null or not [C, B, K]
     */
    public Tensor lossPerPair(Map<String, Tensor> p, Tensor x, Tensor y) {
        Tensor pred = predict(p, x);
        if (y == null || !Arrays.equals(pred.shape(), y.shape())) {
            throw new IllegalArgumentException("targets must be [C, B, K] = " + Arrays.toString(pred.shape()) + ", got "
                    + (y == null ? "none" : Arrays.toString(y.shape())));
        }
        return pred.sub(y).square();
    }

    @Override
    public Tensor loss(Map<String, Tensor> p, Tensor x, Tensor y) {
        return lossPerPair(p, x, y).mean(false, 1, 2);
    }

    /** Itself: it keeps no state between calls, and each chain's loss depends on that chain's weights and data only. */
    @Override
    public ChainModel forAnotherThread() {
        return this;
    }

    @Override
    public String describe() {
        return "ICL regression transformer " + cfg.describe().replace("vocab", "token width ");
    }
}
