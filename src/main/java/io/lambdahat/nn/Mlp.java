package io.lambdahat.nn;

import io.lambdahat.InvalidInputException;
import io.lambdahat.torch.Tensor;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A fully connected network with biases: widths H_1 (input) … H_{L+1} (output), an activation between layers
 * and none after the last. Parameters "layers.l.weight" [out, in] and "layers.l.bias" [out]. Loss: MSE, or
 * cross-entropy over the outputs as logits when the targets are classes.
 */
public final class Mlp implements ChainModel, ClosedFormGradient {
    /** The nonlinearity between layers. */
    public enum Activation {
        /** max(0, x). */
        RELU,
        /** tanh(x). */
        TANH;

        /**
         * The activation named on a command line.
         *
         * @param s "relu" or "tanh", any case
         * @return the activation
         * @throws IllegalArgumentException if the name is neither
         */
        public static Activation parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("unknown activation '" + s + "': use relu or tanh");
            }
        }
    }

    /** The loss the MLP is trained on. */
    public enum Objective {
        /** Mean squared error against float targets [C, B, H_out]. */
        MSE,
        /** Cross-entropy of the outputs as logits against int64 classes [C, B]. */
        CROSS_ENTROPY
    }

    private final int[] widths;
    private final Activation activation;
    private final Objective objective;
    private final ParameterLayout layout;
    private final DenseStack stack;

    /**
     * An MLP with the given layer widths.
     *
     * @param activation the nonlinearity between layers
     * @param objective the loss
     * @param widths H_1 (input), …, H_{L+1} (output): at least 2, all positive
     * @throws IllegalArgumentException if there are fewer than 2 widths or one is not positive
     */
    public Mlp(Activation activation, Objective objective, int... widths) {
        if (widths.length < 2) throw new InvalidInputException("an MLP needs at least 2 widths, got " + Arrays.toString(widths));
        for (int w : widths) if (w <= 0) throw new InvalidInputException("widths must be positive: " + Arrays.toString(widths));
        this.widths = widths.clone();
        this.activation = activation;
        this.objective = objective;
        ParameterLayout.Builder b = ParameterLayout.builder();
        for (int l = 0; l + 1 < widths.length; l++) {
            b.add("layers." + l + ".weight", widths[l + 1], widths[l]);
            b.add("layers." + l + ".bias", widths[l + 1]);
        }
        this.layout = b.build();
        this.stack = new DenseStack(widths.length - 1, l -> "layers." + l + ".weight", l -> "layers." + l + ".bias", activation);
    }

    /** {@return a copy of the widths H_1, …, H_{L+1}} */
    public int[] widths() {
        return widths.clone();
    }

    /** {@return the loss the MLP is trained on} */
    public Objective objective() {
        return objective;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    /**
     * The network applied to each chain's inputs.
     *
     * @param params views of every weight [C, out, in] and bias [C, out], by name
     * @param x      inputs [C, B, H_in]
     * @return outputs (or logits) [C, B, H_out]; they and the intermediates belong to the caller's scope
     */
    public Tensor forward(Map<String, Tensor> params, Tensor x) {
        return stack.forward(params, x);
    }

    @Override
    public Tensor outputs(Map<String, Tensor> params, Tensor x) {
        return forward(params, x);
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Tensor x, Tensor y) {
        Tensor out = forward(params, x);
        return objective == Objective.MSE ? Losses.mse(out, y) : Losses.crossEntropy(out, y);
    }

    @Override
    public Tensor lossAndGradient(Map<String, Tensor> params, Tensor x, Tensor y, Map<String, Tensor> grads) {
        return stack.lossAndGradient(objective, params, x, y, grads);
    }

    /** Itself: it keeps no state between calls, and each chain's loss depends on that chain's weights and data only. */
    @Override
    public ChainModel forAnotherThread() {
        return this;
    }

    @Override
    public String describe() {
        return "MLP " + Arrays.toString(widths) + " " + activation.name().toLowerCase(Locale.ROOT);
    }
}
