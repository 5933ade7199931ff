package io.lambdahat.nn;

import io.lambdahat.torch.Tensor;

/** Per-chain losses: inputs carry a leading chain axis and the result is [C]. */
public final class Losses {
    private Losses() {}

    /**
     * Mean squared error of each chain, averaged over its samples and output dimensions.
     *
     * @param prediction predictions [C, B, ...]
     * @param target     targets, the same shape
     * @return the loss of each chain [C], owned by the caller's scope
     */
    public static Tensor mse(Tensor prediction, Tensor target) {
        int dims = prediction.dim();
        long[] reduce = new long[dims - 1];
        for (int i = 1; i < dims; i++) reduce[i - 1] = i;
        Tensor diff = prediction.sub(target);
        return diff.square().mean(false, reduce);
    }

    /**
     * Cross-entropy (in nats) of each chain, averaged over its samples.
     *
     * @param logits  unnormalised log-probabilities [C, B, K]
     * @param classes int64 class ids in [0, K) [C, B]
     * @return the loss of each chain [C], owned by the caller's scope
     */
    public static Tensor crossEntropy(Tensor logits, Tensor classes) {
        Tensor logp = logits.logSoftmax(-1);
        Tensor picked = logp.gather(-1, classes.unsqueeze(-1)).squeeze(-1);
        return picked.mean(false, 1).neg();
    }
}
