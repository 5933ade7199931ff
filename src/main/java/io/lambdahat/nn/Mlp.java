package io.lambdahat.nn;

import io.lambdahat.torch.Tensor;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A fully connected network with biases: widths H_1 (input) … H_{L+1} (output), an activation between layers
 * and none after the last. Parameters "layers.l.weight" [out, in] and "layers.l.bias" [out]. Loss: MSE, or
 * cross-entropy over the outputs as logits when the targets are classes.
 */
public final class Mlp implements ChainModel {
    public enum Activation { RELU, TANH;
        public static Activation parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown activation '" + s + "': use relu or tanh");
            }
        }
    }

    public enum Objective { MSE, CROSS_ENTROPY }

    private final int[] widths;
    private final Activation activation;
    private final Objective objective;
    private final ParameterLayout layout;

    public Mlp(Activation activation, Objective objective, int... widths) {
        if (widths.length < 2) throw new IllegalArgumentException("an MLP needs at least 2 widths, got " + Arrays.toString(widths));
        for (int w : widths) if (w <= 0) throw new IllegalArgumentException("widths must be positive: " + Arrays.toString(widths));
        this.widths = widths.clone();
        this.activation = activation;
        this.objective = objective;
        ParameterLayout.Builder b = ParameterLayout.builder();
        for (int l = 0; l + 1 < widths.length; l++) {
            b.add("layers." + l + ".weight", widths[l + 1], widths[l]);
            b.add("layers." + l + ".bias", widths[l + 1]);
        }
        this.layout = b.build();
    }

    public int[] widths() {
        return widths.clone();
    }

    public Objective objective() {
        return objective;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    public Tensor forward(Map<String, Tensor> params, Tensor x) {
        Tensor h = x;
        for (int l = 0; l + 1 < widths.length; l++) {
            Tensor w = params.get("layers." + l + ".weight");
            Tensor b = params.get("layers." + l + ".bias");
            h = b.unsqueeze(1).baddbmm(h, w.transpose(1, 2));
            if (l + 2 < widths.length) h = activation == Activation.RELU ? h.relu() : h.tanh();
        }
        return h;
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
    public String describe() {
        return "MLP " + Arrays.toString(widths) + " " + activation.name().toLowerCase(Locale.ROOT);
    }
}
