package io.lambdahat.nn;

import io.lambdahat.InvalidInputException;
import io.lambdahat.torch.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * f(x) = W_L ⋯ W_1 x with no biases; widths H_1 (input), …, H_{L+1} (output). Parameters "layers.l.weight" of
 * shape [H_{l+2}, H_{l+1}] (torch's [out, in]). Loss: MSE averaged over samples and outputs. With one layer this
 * is regular linear regression (λ = d/2).
 */
public final class DeepLinearNetwork implements ChainModel, ClosedFormGradient {
    private final int[] widths;
    private final ParameterLayout layout;
    private final DenseStack stack;

    /**
     * A DLN with the given layer widths.
     *
     * @param widths H_1 (input), …, H_{L+1} (output): at least 2, all positive
     * @throws IllegalArgumentException if there are fewer than 2 widths or one is not positive
     */
    public DeepLinearNetwork(int... widths) {
        if (widths.length < 2) throw new InvalidInputException("a DLN needs at least 2 widths (input and output), got " + Arrays.toString(widths));
        for (int w : widths) if (w <= 0) throw new InvalidInputException("widths must be positive: " + Arrays.toString(widths));
        this.widths = widths.clone();
        ParameterLayout.Builder b = ParameterLayout.builder();
        for (int l = 0; l + 1 < widths.length; l++) b.add(weightName(l), widths[l + 1], widths[l]);
        this.layout = b.build();
        this.stack = new DenseStack(widths.length - 1, DeepLinearNetwork::weightName, null, null);
    }

    /**
     * The name of a layer's weight in the layout.
     *
     * @param layer l, from 0 (the input layer)
     * @return "layers.l.weight"
     */
    public static String weightName(int layer) {
        return "layers." + layer + ".weight";
    }

    /** {@return a copy of the widths H_1, …, H_{L+1}} */
    public int[] widths() {
        return widths.clone();
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    /**
     * The network applied to each chain's inputs.
     *
     * @param params views [C, out, in] of every weight, by name
     * @param x      inputs [C, B, H_in]
     * @return outputs [C, B, H_out]; they and the intermediates belong to the caller's scope
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
        return Losses.mse(forward(params, x), y);
    }

    @Override
    public Tensor lossAndGradient(Map<String, Tensor> params, Tensor x, Tensor y, Map<String, Tensor> grads) {
        return stack.lossAndGradient(Mlp.Objective.MSE, params, x, y, grads);
    }

    /** Itself: it keeps no state between calls, and each chain's loss depends on that chain's weights and data only. */
    @Override
    public ChainModel forAnotherThread() {
        return this;
    }

    @Override
    public String describe() {
        return (widths.length == 2 ? "linear regression " : "DLN ") + Arrays.toString(widths);
    }
}
