package io.lambdahat.nn;

import io.lambdahat.torch.Tensor;

import java.util.Map;

/**
 * A model evaluated for C chains at once. Parameters arrive as views with a leading chain axis; inputs arrive
 * with the same leading axis (each chain has its own minibatch). The loss is per chain: a [C] tensor holding each
 * chain's mean loss over its minibatch, so that summing it and back-propagating gives every chain its own gradient.
 */
public interface ChainModel {
    /** {@return the names, shapes and flat offsets of the model's parameters (P values in all)} */
    ParameterLayout layout();

    /**
     * Per-chain mean loss, shape [C].
     *
     * @param params views [C, ...] of every parameter, by name
     * @param x      inputs [C, B, ...] (null for models without data)
     * @param y      targets [C, B, ...] (null for models without data)
     * @return each chain's mean loss over its minibatch [C], owned by the caller's scope
     */
    Tensor loss(Map<String, Tensor> params, Tensor x, Tensor y);

    /**
     * The model's outputs [C, B, ...] on inputs x [C, B, ...] — predictions or logits — for essential dynamics; null
     * for models without outputs (potentials).
     *
     * @param params views [C, ...] of every parameter, by name
     * @param x      inputs [C, B, ...]
     * @return the outputs [C, B, ...], owned by the caller's scope; null if the model has none (the default)
     */
    default Tensor outputs(Map<String, Tensor> params, Tensor x) {
        return null;
    }

    /**
     * A model that gives the same losses and outputs and may be evaluated on another thread at the same time as this
     * one: the model itself when {@link #loss} and {@link #outputs} keep no state between calls (the built-in models),
     * a copy otherwise. The sampler evaluates groups of chains on several threads with one each.
     *
     * @return this model, or a copy that the caller closes (it is {@link AutoCloseable} when it must be closed)
     */
    default ChainModel forAnotherThread() {
        return this;
    }

    /** {@return a short human-readable description ("DLN [4, 3, 4]")} */
    String describe();
}
