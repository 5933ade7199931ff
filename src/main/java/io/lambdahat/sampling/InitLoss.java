package io.lambdahat.sampling;

/** Which L(w*) the estimator subtracts. */
public enum InitLoss {
    /** The exact full-data loss L_n(w*) (the default: affordable for every built-in task, and unbiased). */
    FULL_DATA,
    /** devinterp's choice: the mean of the minibatch losses of all chains at w* (the first step). */
    MINIBATCH_MEAN
}
