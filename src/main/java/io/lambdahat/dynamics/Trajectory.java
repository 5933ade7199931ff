package io.lambdahat.dynamics;

/**
 * λ̂ and loss at the checkpoints of one training run, the input of stage detection.
 *
 * @param steps     training step of each checkpoint, strictly increasing, ≥ 0
 * @param loss      training (or held-out) loss at each checkpoint
 * @param llcMean   λ̂ at each checkpoint (mean over chains)
 * @param llcStderr standard error of λ̂ at each checkpoint, or {@code null} when unknown; when given, the smoother
 *                  treats it as known per-point noise
 */
public record Trajectory(long[] steps, double[] loss, double[] llcMean, double[] llcStderr) {
    /** Fewer checkpoints cannot show a critical point with slopes on both sides. */
    public static final int MIN_CHECKPOINTS = 5;

    /**
     * Validates the checkpoints and copies the arrays.
     *
     * @throws IllegalArgumentException if an array is missing or the lengths differ, there are fewer than
     *     {@link #MIN_CHECKPOINTS} checkpoints, the steps are negative or not strictly increasing, or a loss, λ̂ or
     *     standard error is not finite (or a standard error is negative)
     */
    public Trajectory {
        if (steps == null || loss == null || llcMean == null) {
            throw new IllegalArgumentException("trajectory needs steps, loss and llcMean (llcStderr may be null)");
        }
        int n = steps.length;
        if (n < MIN_CHECKPOINTS) {
            throw new io.lambdahat.InvalidInputException("trajectory has " + n + " checkpoints; stage detection needs at least "
                    + MIN_CHECKPOINTS + " (estimate λ̂ at more checkpoints, ideally evenly spaced in log step)");
        }
        if (loss.length != n || llcMean.length != n || (llcStderr != null && llcStderr.length != n)) {
            throw new IllegalArgumentException("trajectory arrays differ in length: steps " + n + ", loss " + loss.length
                    + ", llcMean " + llcMean.length + (llcStderr == null ? "" : ", llcStderr " + llcStderr.length));
        }
        for (int i = 0; i < n; i++) {
            if (steps[i] < 0) throw new IllegalArgumentException("trajectory step " + steps[i] + " at index " + i + " is negative");
            if (i > 0 && steps[i] <= steps[i - 1]) {
                throw new IllegalArgumentException("trajectory steps must be strictly increasing; index " + i + " has step "
                        + steps[i] + " after " + steps[i - 1] + " (sort the checkpoints and merge duplicates)");
            }
            if (!Double.isFinite(loss[i])) throw new IllegalArgumentException("loss at step " + steps[i] + " is not finite: " + loss[i]);
            if (!Double.isFinite(llcMean[i])) throw new IllegalArgumentException("λ̂ at step " + steps[i] + " is not finite: " + llcMean[i]);
            if (llcStderr != null && !(llcStderr[i] >= 0 && Double.isFinite(llcStderr[i]))) {
                throw new IllegalArgumentException("λ̂ standard error at step " + steps[i] + " must be finite and >= 0, got " + llcStderr[i]);
            }
        }
        steps = steps.clone();
        loss = loss.clone();
        llcMean = llcMean.clone();
        llcStderr = llcStderr == null ? null : llcStderr.clone();
    }

    /**
     * A trajectory without λ̂ standard errors.
     *
     * @param steps   training step of each checkpoint, strictly increasing, ≥ 0
     * @param loss    loss at each checkpoint
     * @param llcMean λ̂ at each checkpoint (mean over chains)
     * @return the trajectory
     * @throws IllegalArgumentException as the canonical constructor does
     */
    public static Trajectory of(long[] steps, double[] loss, double[] llcMean) {
        return new Trajectory(steps, loss, llcMean, null);
    }

    /** {@return the number of checkpoints} */
    public int size() {
        return steps.length;
    }

    /**
     * The checkpoints on the log axis that stage detection smooths on.
     *
     * @param offset added to each step before the log; keeps step 0 finite (e.g. 1)
     * @return ln(step + offset) per checkpoint
     */
    public double[] logSteps(double offset) {
        double[] x = new double[steps.length];
        for (int i = 0; i < x.length; i++) x[i] = Math.log(steps[i] + offset);
        return x;
    }
}
