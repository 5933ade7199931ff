package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A small decoder-only language model for C chains at once: token embedding, learned positional embedding,
 * pre-LayerNorm blocks of causal multi-head attention (and MLPs unless attention-only), a final LayerNorm and an
 * unembedding. Parameters carry TransformerLens's names and shapes (no chain axis):
 *
 * <pre>
 * embed.W_E             [vocab, d_model]
 * pos_embed.W_pos       [context, d_model]
 * blocks.l.ln1.w        [d_model]                     (.b with biases; ln1/ln2/ln_final only with LayerNorm)
 * blocks.l.attn.W_Q     [heads, d_model, d_head]      (W_K, W_V alike; b_Q/b_K/b_V [heads, d_head] with biases)
 * blocks.l.attn.W_O     [heads, d_head, d_model]      (b_O [d_model] with biases)
 * blocks.l.ln2.w        [d_model]                     (MLP blocks only)
 * blocks.l.mlp.W_in     [d_model, mlp]                (b_in [mlp] with biases)
 * blocks.l.mlp.W_out    [mlp, d_model]                (b_out [d_model] with biases)
 * ln_final.w            [d_model]
 * unembed.W_U           [d_model, vocab]              (b_U [vocab] with biases)
 * </pre>
 *
 * The head axis is explicit so one head's slice of W_Q/W_K/W_V/W_O can be addressed on its own. Inputs are token
 * ids x [C, B, T] (int64, T ≤ context) and the next tokens y [C, B, T]; the loss is each chain's mean next-token
 * cross-entropy over its B·T predictions, in nats.
 */
public final class Transformer implements ChainModel {
    private final TransformerConfig cfg;
    private final TransformerBlocks blocks;
    private final ParameterLayout layout;

    /**
     * A transformer of the given shape.
     *
     * @param cfg layers, heads, widths, context, vocabulary, and which of MLPs, LayerNorm and biases it has
     */
    public Transformer(TransformerConfig cfg) {
        this.cfg = cfg;
        this.blocks = new TransformerBlocks(cfg);
        ParameterLayout.Builder b = ParameterLayout.builder();
        b.add("embed.W_E", cfg.vocab(), cfg.dModel());
        b.add("pos_embed.W_pos", cfg.context(), cfg.dModel());
        blocks.addParameters(b);
        b.add("unembed.W_U", cfg.dModel(), cfg.vocab());
        if (cfg.biases()) b.add("unembed.b_U", cfg.vocab());
        this.layout = b.build();
    }

    /**
     * The name of a block's parameter, e.g. {@code block(0, "attn.W_Q")} is "blocks.0.attn.W_Q".
     *
     * @param layer  the block, from 0
     * @param suffix the parameter within the block ("attn.W_Q", "ln1.w", "mlp.W_in")
     * @return the full name
     */
    public static String block(int layer, String suffix) {
        return TransformerBlocks.block(layer, suffix);
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
     * Token plus positional embedding.
     *
     * @param p views [C, ...] of every parameter, by name
     * @param x token ids, int64 [C, B, T] with T ≤ context
     * @return the residual stream [C, B, T, d_model], owned by the caller's scope
     * @throws IllegalArgumentException if x is null, not int64 [C, B, T], has another C than the parameters, or
     *     T exceeds the context
     */
    public Tensor embed(Map<String, Tensor> p, Tensor x) {
        Tensor wE = p.get("embed.W_E");
        checkTokens(x, wE.size(0));
        long c = x.size(0), b = x.size(1), t = x.size(2), d = cfg.dModel();
        // gather picks each chain's rows from its own W_E; an index past the vocabulary fails inside libtorch
        Tensor rows = x.reshape(c, b * t).unsqueeze(2).expand(c, b * t, d);
        Tensor tokens = wE.gather(1, rows).view(c, b, t, d);
        return tokens.add(p.get("pos_embed.W_pos").narrow(1, 0, t).unsqueeze(1));
    }

    /**
     * The residual stream after the last block and the final LayerNorm.
     *
     * @param p views [C, ...] of every parameter, by name
     * @param x token ids, int64 [C, B, T] with T ≤ context
     * @return the stream [C, B, T, d_model], owned by the caller's scope
     * @throws IllegalArgumentException if x is null, not int64 [C, B, T], has another C than the parameters, or
     *     T exceeds the context
     */
    public Tensor finalStream(Map<String, Tensor> p, Tensor x) {
        return blocks.run(p, embed(p, x));
    }

    /** The logits [C, B, T, vocab]. */
    @Override
    public Tensor outputs(Map<String, Tensor> p, Tensor x) {
        return logits(p, x);
    }

    /**
     * Next-token logits.
     *
     * @param p views [C, ...] of every parameter, by name
     * @param x token ids, int64 [C, B, T] with T ≤ context
     * @return the logits [C, B, T, vocab]; they and the intermediates belong to the caller's scope
     * @throws IllegalArgumentException if x is null, not int64 [C, B, T], has another C than the parameters, or
     *     T exceeds the context
     */
    public Tensor logits(Map<String, Tensor> p, Tensor x) {
        return unembed(p, finalStream(p, x));
    }

    private Tensor unembed(Map<String, Tensor> p, Tensor stream) {
        long c = stream.size(0), b = stream.size(1), t = stream.size(2);
        Tensor out = stream.reshape(c, b * t, cfg.dModel()).bmm(p.get("unembed.W_U"));
        if (cfg.biases()) out = out.add(p.get("unembed.b_U").unsqueeze(1));
        return out.view(c, b, t, cfg.vocab());
    }

    /**
     * Next-token logits with every layer's attention pattern, from one forward pass: what behavioural probes of the
     * heads (a previous-token score, an induction score) read. Call it under {@code Torch.noGrad()} unless the
     * patterns' gradients are wanted.
     *
     * @param logits   the logits [C, B, T, vocab]
     * @param patterns one per layer, in order: [C, B, H, T, T], entry [c, b, h, i, j] the weight head h of chain c
     *                 puts on key j for query i of sequence b (0 for j &gt; i; each row sums to 1)
     */
    public record Forward(Tensor logits, List<Tensor> patterns) {
        /** Copies the list, so the record is immutable. */
        public Forward {
            patterns = List.copyOf(patterns);
        }
    }

    /**
     * The logits and every layer's attention pattern (see {@link Forward}).
     *
     * @param p views [C, ...] of every parameter, by name
     * @param x token ids, int64 [C, B, T] with T ≤ context
     * @return the logits and patterns; they and the intermediates belong to the caller's scope
     * @throws IllegalArgumentException if x is null, not int64 [C, B, T], has another C than the parameters, or
     *     T exceeds the context
     */
    public Forward forwardWithPatterns(Map<String, Tensor> p, Tensor x) {
        List<Tensor> patterns = new ArrayList<>(cfg.layers());
        Tensor stream = blocks.run(p, embed(p, x), patterns);
        return new Forward(unembed(p, stream), patterns);
    }

    /**
     * Cross-entropy (nats) of every prediction; position t predicts y[..., t] = x[..., t + 1].
     *
     * @param p views [C, ...] of every parameter, by name
     * @param x token ids, int64 [C, B, T] with T ≤ context
     * @param y next-token targets, int64 [C, B, T]
     * @return the loss at every position [C, B, T], owned by the caller's scope
     * @throws IllegalArgumentException if x or y is null or not int64 [C, B, T] of the same shape, x has another C
     *     than the parameters, or T exceeds the context
     */
    public Tensor lossPerPosition(Map<String, Tensor> p, Tensor x, Tensor y) {
        checkTargets(x, y);
        return positionLoss(logits(p, x), y);
    }

    /**
     * Cross-entropy (nats) of logits against targets, position by position.
     *
     * @param logits unnormalised log-probabilities [C, B, T, V]
     * @param y      int64 target ids in [0, V) [C, B, T]
     * @return the loss at every position [C, B, T], owned by the caller's scope
     */
    public static Tensor positionLoss(Tensor logits, Tensor y) {
        return logits.logSoftmax(-1).gather(-1, y.unsqueeze(-1)).squeeze(-1).neg();
    }

    @Override
    public Tensor loss(Map<String, Tensor> p, Tensor x, Tensor y) {
        return lossPerPosition(p, x, y).mean(false, 1, 2);
    }

    /** Itself: it keeps no state between calls, and each chain's loss depends on that chain's weights and data only. */
    @Override
    public ChainModel forAnotherThread() {
        return this;
    }

    @Override
    public String describe() {
        return "transformer " + cfg.describe();
    }

    private void checkTokens(Tensor x, long chains) {
        if (x == null) throw new IllegalArgumentException("the transformer needs token ids x [C, B, T]");
        if (x.dim() != 3) {
            throw new IllegalArgumentException("tokens must be [C, B, T] (chains, batch, positions), got " + Arrays.toString(x.shape()));
        }
        if (x.dtype() != DType.INT64) throw new IllegalArgumentException("token ids must be int64, got " + x.dtype());
        if (x.size(0) != chains) {
            throw new IllegalArgumentException("tokens have " + x.size(0) + " chains but the parameters have " + chains
                    + "; give each chain its own batch (expand a shared one to [C, B, T])");
        }
        if (x.size(2) > cfg.context()) {
            throw new IllegalArgumentException("sequences of " + x.size(2) + " tokens exceed the context of " + cfg.context());
        }
    }

    private static void checkTargets(Tensor x, Tensor y) {
        if (y == null) throw new IllegalArgumentException("the transformer's loss needs next-token targets y [C, B, T]");
        if (!Arrays.equals(x.shape(), y.shape())) {
            throw new IllegalArgumentException("targets " + Arrays.toString(y.shape()) + " must have the tokens' shape " + Arrays.toString(x.shape()));
        }
        if (y.dtype() != DType.INT64) throw new IllegalArgumentException("targets must be int64 token ids, got " + y.dtype());
    }
}
