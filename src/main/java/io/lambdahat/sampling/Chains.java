package io.lambdahat.sampling;

import io.lambdahat.torch.Tensor;

/** Helpers over the chain axis of [C, P] tensors. */
final class Chains {
    private Chains() {}

    /** The [C, P] update with the rows of frozen (diverged) chains set to zero; the input itself when none is frozen. */
    static Tensor zeroFrozenRows(Tensor update, boolean[] frozen) {
        boolean any = false;
        for (boolean f : frozen) any |= f;
        if (!any) return update;
        double[] active = new double[frozen.length];
        for (int k = 0; k < frozen.length; k++) active[k] = frozen[k] ? 0 : 1;
        return update.mul(Tensor.of(active, update.device(), frozen.length, 1).to(update.dtype()));
    }
}
