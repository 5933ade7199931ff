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
     * A model for evaluating other chains on another thread at the same time as this one, or null when this model must
     * be evaluated on one thread (the default). The sampler may then evaluate contiguous groups of chains on several
     * threads, one model each: {@link #loss} gets the group's chains only, so each chain's loss must depend on its own
     * weights and minibatch alone (not on its index or on the other chains), and concurrent calls must not share
     * mutable state. A model without state between calls returns itself (the built-in models); one with state, a
     * copy (a TorchScript module, whose attributes hold the bound chain).
     *
     * @return this model, a copy that the caller closes (when it is {@link AutoCloseable}), or null
     */
    default ChainModel forAnotherThread() {
        return null;
    }

    /** {@return a short human-readable description ("DLN [4, 3, 4]")} */
    String describe();
}
