package io.lambdahat.nn;

import io.lambdahat.torch.Functional;
import io.lambdahat.torch.Tensor;

import java.util.Map;
import java.util.function.IntFunction;

/**
 * A stack of batched affine layers, h ← act(h Wᵀ + b) with no activation after the last: the forward pass of the
 * MLP and the DLN, and the closed form of their gradient. Both passes share one forward loop, so the closed form's
 * losses are the very numbers of the models' own loss; the backward pass is the chain rule, one batched matrix
 * product per weight written straight into the gradient buffer.
 */
final class DenseStack {
    private final int layers;
    private final IntFunction<String> weightName;
    private final IntFunction<String> biasName;
    private final Mlp.Activation activation;

    /**
     * @param layers     L, the number of affine layers
     * @param weightName the name of layer l's weight [C, out, in]
     * @param biasName   the name of layer l's bias [C, out], or null for a stack without biases
     * @param activation between layers; null for none (a linear stack)
     */
    DenseStack(int layers, IntFunction<String> weightName, IntFunction<String> biasName, Mlp.Activation activation) {
        this.layers = layers;
        this.weightName = weightName;
        this.biasName = biasName;
        this.activation = activation;
    }

    /**
     * The stack applied to each chain's inputs.
     *
     * @param params the parameter views by name
     * @param x      inputs [C, B, in]
     * @return outputs [C, B, out]; they and the intermediates belong to the caller's scope
     */
    Tensor forward(Map<String, Tensor> params, Tensor x) {
        return forward(params, x, null, null);
    }

    /** The forward loop; where the arrays are given, it keeps each layer's input and pre-activation for backward. */
    private Tensor forward(Map<String, Tensor> params, Tensor x, Tensor[] inputs, Tensor[] preActivations) {
        Tensor h = x;
        for (int l = 0; l < layers; l++) {
            if (inputs != null) inputs[l] = h;
            Tensor wT = params.get(weightName.apply(l)).transpose(1, 2);
            Tensor z = biasName == null ? h.bmm(wT) : params.get(biasName.apply(l)).unsqueeze(1).baddbmm(h, wT);
            if (preActivations != null) preActivations[l] = z;
            h = l + 1 < layers && activation != null ? (activation == Mlp.Activation.RELU ? z.relu() : z.tanh()) : z;
        }
        return h;
    }

    /**
     * The per-chain losses and the gradient of their sum.
     *
     * @param objective MSE over samples and outputs, or cross-entropy against int64 classes
     * @param params    the parameter views by name
     * @param x         inputs [C, B, in]
     * @param y         targets [C, B, out] (MSE) or classes [C, B] (cross-entropy)
     * @param grads     the gradient views by name; overwritten
     * @return the losses [C], owned by the caller's scope
     */
    Tensor lossAndGradient(Mlp.Objective objective, Map<String, Tensor> params, Tensor x, Tensor y,
                           Map<String, Tensor> grads) {
        Tensor[] inputs = new Tensor[layers];      // what layer l multiplies: x, then the activations
        Tensor[] preActivations = new Tensor[layers];
        Tensor h = forward(params, x, inputs, preActivations);
        Tensor loss;
        Tensor g; // d(Σ_c loss_c) / d(output) [C, B, out]
        if (objective == Mlp.Objective.MSE) {
            Tensor diff = h.sub(y);
            loss = diff.square().mean(false, 1, 2);
            g = diff.mul(2.0 / (h.size(1) * h.size(2)));
        } else {
            Tensor logp = h.logSoftmax(-1);
            loss = logp.gather(-1, y.unsqueeze(-1)).squeeze(-1).mean(false, 1).neg();
            g = logp.exp().sub(y.oneHot(h.size(2))).div((double) h.size(1));
        }
        for (int l = layers - 1; l >= 0; l--) {
            g.transpose(1, 2).bmmInto(inputs[l], grads.get(weightName.apply(l)));
            if (biasName != null) g.sumInto(grads.get(biasName.apply(l)), 1);
            if (l == 0) break;
            g = g.bmm(params.get(weightName.apply(l)));
            if (activation == Mlp.Activation.RELU) g = Functional.reluBackward(g, preActivations[l - 1]);
            else if (activation == Mlp.Activation.TANH) g = Functional.tanhBackward(g, inputs[l]);
        }
        return loss;
    }
}
