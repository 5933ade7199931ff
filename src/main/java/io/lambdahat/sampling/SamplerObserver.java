package io.lambdahat.sampling;

/** Observes a running estimate: called after every SGLD step (for progress bars and monitors). */
public interface SamplerObserver {
    /**
     * Called on the sampling thread after each step; keep it cheap.
     *
     * @param step       steps done so far (1-based)
     * @param totalSteps steps the run will take
     * @param losses     each chain's minibatch loss at this step (before the update)
     */
    void onStep(long step, long totalSteps, double[] losses);

    /** An observer that does nothing. */
    SamplerObserver NONE = (step, total, losses) -> { };
}
