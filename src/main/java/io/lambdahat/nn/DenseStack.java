package io.lambdahat.nn;

import io.lambdahat.torch.Tensor;

import java.util.Map;
import java.util.function.IntFunction;

/**
 * Forward and backward passes of a stack of batched affine layers, h ← act(h Wᵀ + b) with no activation after the
 * last, for the models whose gradient is written in closed form (MLP, DLN). The forward pass uses the very ops of
 * the models' own {@code forward}, so the losses are the same numbers; the backward pass is the chain rule, one
 * batched matrix product per weight written straight into the gradient buffer.
 */
final class DenseStack {
    private DenseStack() {
    }

    /**
     * The per-chain losses and the gradient of their sum.
     *
     * @param layers     L, the number of affine layers
     * @param weightName the name of layer l's weight [C, out, in]
     * @param biasName   the name of layer l's bias [C, out], or null for a stack without biases
     * @param activation between layers; null for none (a linear stack)
     * @param objective  MSE over samples and outputs, or cross-entropy against int64 classes
     * @param params     the parameter views by name
     * @param x          inputs [C, B, in]
     * @param y          targets [C, B, out] (MSE) or classes [C, B] (cross-entropy)
     * @param grads      the gradient views by name; overwritten
     * @return the losses [C], owned by the caller's scope
     */
    static Tensor lossAndGradient(int layers, IntFunction<String> weightName,
                                  IntFunction<String> biasName, Mlp.Activation activation,
                                  Mlp.Objective objective, Map<String, Tensor> params, Tensor x, Tensor y,
                                  Map<String, Tensor> grads) {
        Tensor[] inputs = new Tensor[layers];      // what layer l multiplies: x, then the activations
        Tensor[] preActivations = new Tensor[layers];
        Tensor h = x;
        for (int l = 0; l < layers; l++) {
            inputs[l] = h;
            Tensor wT = params.get(weightName.apply(l)).transpose(1, 2);
            Tensor z = biasName == null ? h.bmm(wT) : params.get(biasName.apply(l)).unsqueeze(1).baddbmm(h, wT);
            preActivations[l] = z;
            h = l + 1 < layers && activation != null ? activate(activation, z) : z;
        }
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
            if (activation == Mlp.Activation.RELU) g = g.reluBackward(preActivations[l - 1]);
            else if (activation == Mlp.Activation.TANH) g = g.tanhBackward(inputs[l]);
        }
        return loss;
    }

    static Tensor activate(Mlp.Activation activation, Tensor z) {
        return activation == Mlp.Activation.RELU ? z.relu() : z.tanh();
    }
}
