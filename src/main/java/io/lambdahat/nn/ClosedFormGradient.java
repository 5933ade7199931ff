package io.lambdahat.nn;

import io.lambdahat.torch.Tensor;

import java.util.Map;

/**
 * A model that can write the gradient of its loss itself, from the activations of its forward pass, instead of
 * through libtorch's autograd. For the small dense models (MLP, DLN, linear regression) a step is a handful of
 * batched matrix products, and recording and replaying an autograd graph costs more than the arithmetic; the
 * closed form leaves the graph out. Tests hold it to autograd's gradient.
 */
public interface ClosedFormGradient {
    /**
     * Each chain's loss, and the gradient of their sum written into {@code grads}. Call it with gradients off
     * ({@code Torch.noGrad()}); the intermediates belong to the caller's scope.
     *
     * @param params views of every parameter [C, ...], by name (as for {@link ChainModel#loss})
     * @param x      inputs [C, B, ...]
     * @param y      targets [C, B, ...]
     * @param grads  views [C, ...] of the gradient buffer, by the same names; every element is overwritten
     * @return the per-chain losses [C], equal to {@link ChainModel#loss}
     */
    Tensor lossAndGradient(Map<String, Tensor> params, Tensor x, Tensor y, Map<String, Tensor> grads);
}
