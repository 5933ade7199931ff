package io.lambdahat.nn;

import java.util.Locale;

/**
 * The shape of a small decoder-only {@link Transformer}: token embedding, learned positional embedding, {@code layers}
 * pre-norm blocks (causal multi-head attention, then an MLP unless {@code attentionOnly}), a final norm and an
 * unembedding.
 *
 * @param layers        number of blocks
 * @param heads         attention heads per block
 * @param dModel        width of the residual stream
 * @param dHead         width of each head's queries, keys and values
 * @param context       longest sequence the positional embedding covers
 * @param vocab         number of token ids (for {@link IclRegressionTransformer}: the width of an input vector)
 * @param attentionOnly blocks without MLPs
 * @param layerNorm     LayerNorm before each sub-block and before the unembedding; off: no normalisation at all
 * @param mlpWidth      hidden width of the MLPs (0 when attention-only)
 * @param activation    the MLPs' nonlinearity
 * @param biases        biases everywhere TransformerLens has them (b_Q/b_K/b_V/b_O, b_in/b_out, b_U, LayerNorm b);
 *                      off (the default) leaves LayerNorm with a gain w only
 */
public record TransformerConfig(int layers, int heads, int dModel, int dHead, int context, int vocab,
                                boolean attentionOnly, boolean layerNorm, int mlpWidth, Activation activation,
                                boolean biases) {

    /** The MLPs' nonlinearity. */
    public enum Activation {
        /** GELU, the exact erf form. */
        GELU,
        /** max(0, x). */
        RELU;

        /**
         * The activation named on a command line.
         *
         * @param s "gelu" or "relu", any case
         * @return the activation
         * @throws IllegalArgumentException if the name is neither
         */
        public static Activation parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown activation '" + s + "': use gelu or relu");
            }
        }
    }

    /**
     * Validates the shape.
     *
     * @throws IllegalArgumentException if a size is not positive, the MLP width is non-zero when attention-only or
     *     not positive otherwise, or the activation is null
     */
    public TransformerConfig {
        positive("layers", layers);
        positive("heads", heads);
        positive("d_model", dModel);
        positive("d_head", dHead);
        positive("context", context);
        positive("vocab", vocab);
        if (attentionOnly && mlpWidth != 0) {
            throw new IllegalArgumentException("an attention-only transformer has no MLP: set the MLP width to 0 (got " + mlpWidth
                    + ") or turn attention-only off");
        }
        if (!attentionOnly && mlpWidth <= 0) {
            throw new IllegalArgumentException("a transformer with MLP blocks needs a positive MLP width, got " + mlpWidth
                    + " (4 × d_model = " + 4 * dModel + " is usual)");
        }
        if (activation == null) throw new IllegalArgumentException("activation must be given (gelu or relu)");
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    /**
     * The configuration measured to show the induction bump on 2 CPU cores (docs/SCIENCE.md §4): 2 attention-only
     * layers, 1 head, d_model 32, vocab 32, context 32, LayerNorm, no biases.
     *
     * @return the configuration
     */
    public static TransformerConfig induction() {
        return attentionOnly(2, 1, 32, 32, 32);
    }

    /**
     * Attention-only with LayerNorm and no biases; d_head = d_model / heads.
     *
     * @param layers  number of blocks
     * @param heads   attention heads per block; must divide d_model
     * @param dModel  width of the residual stream
     * @param context longest sequence
     * @param vocab   number of token ids
     * @return the configuration
     * @throws IllegalArgumentException if heads does not divide d_model, or a size is not positive
     */
    public static TransformerConfig attentionOnly(int layers, int heads, int dModel, int context, int vocab) {
        if (heads <= 0 || dModel % heads != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " is not divisible by " + heads + " heads; give d_head explicitly");
        }
        return new TransformerConfig(layers, heads, dModel, dModel / heads, context, vocab, true, true, 0, Activation.GELU, false);
    }

    /**
     * The same transformer with MLP blocks of the given width.
     *
     * @param width hidden width of the MLPs, positive (4 × d_model is usual)
     * @param act   the MLPs' nonlinearity
     * @return the new configuration
     * @throws IllegalArgumentException if the width is not positive or act is null
     */
    public TransformerConfig withMlp(int width, Activation act) {
        return new TransformerConfig(layers, heads, dModel, dHead, context, vocab, false, layerNorm, width, act, biases);
    }

    /**
     * The same transformer with or without LayerNorm.
     *
     * @param on whether to normalise before each sub-block and the unembedding
     * @return the new configuration
     */
    public TransformerConfig withLayerNorm(boolean on) {
        return new TransformerConfig(layers, heads, dModel, dHead, context, vocab, attentionOnly, on, mlpWidth, activation, biases);
    }

    /**
     * The same transformer with or without biases.
     *
     * @param on whether to add biases everywhere TransformerLens has them
     * @return the new configuration
     */
    public TransformerConfig withBiases(boolean on) {
        return new TransformerConfig(layers, heads, dModel, dHead, context, vocab, attentionOnly, layerNorm, mlpWidth, activation, on);
    }

    /**
     * The same transformer with another context.
     *
     * @param newContext longest sequence the positional embedding covers, positive
     * @return the new configuration
     * @throws IllegalArgumentException if the context is not positive
     */
    public TransformerConfig withContext(int newContext) {
        return new TransformerConfig(layers, heads, dModel, dHead, newContext, vocab, attentionOnly, layerNorm, mlpWidth, activation, biases);
    }

    /**
     * The same transformer with another vocabulary (or, for {@link IclRegressionTransformer}, token width).
     *
     * @param newVocab number of token ids, positive
     * @return the new configuration
     * @throws IllegalArgumentException if the vocabulary is not positive
     */
    public TransformerConfig withVocab(int newVocab) {
        return new TransformerConfig(layers, heads, dModel, dHead, context, newVocab, attentionOnly, layerNorm, mlpWidth, activation, biases);
    }

    /** {@return a compact description, e.g. "2L 1H d32 attn-only LN ctx32 vocab32"} */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(layers).append("L ").append(heads).append("H d").append(dModel);
        if (dHead * heads != dModel) s.append(" d_head ").append(dHead);
        s.append(attentionOnly ? " attn-only" : " MLP " + mlpWidth + " " + activation.name().toLowerCase(Locale.ROOT));
        s.append(layerNorm ? " LN" : " no-LN");
        if (biases) s.append(" biases");
        s.append(" ctx").append(context).append(" vocab").append(vocab);
        return s.toString();
    }
}
