package io.lambdahat.dynamics;

/**
 * A critical point of a smoothed curve over training (a stage boundary when the curve is λ̂).
 *
 * <p>{@code logStep} is ln(step + offset), the axis the curve was smoothed on; {@code step} is the same point in
 * training steps (fractional: it is interpolated). The interval [low, high] is the stretch around the point where
 * the 95 % (by default) band of the slope contains zero, i.e. where the data cannot tell the slope from zero.
 * {@code value} and {@code valueSd} are the smoothed curve and its posterior standard deviation at the point.
 * {@code significance} is the smaller, over the two sides, of the largest |slope| / sd(slope) reached before the
 * next critical point: how clearly the curve moves on both sides.
 *
 * @param kind         what the curve does at the point
 * @param step         the point, in training steps (interpolated)
 * @param stepLow      start of the interval where the slope's band contains zero, in steps
 * @param stepHigh     end of that interval, in steps
 * @param logStep      the point on the smoothing axis, ln(step + offset)
 * @param logStepLow   start of the interval, ln(step + offset)
 * @param logStepHigh  end of the interval, ln(step + offset)
 * @param value        posterior mean of the smoothed curve at the point, in the curve's units
 * @param valueSd      posterior standard deviation of the curve at the point
 * @param significance min over both sides of the largest |slope| / sd(slope) before the next critical point
 */
public record Boundary(
        Kind kind,
        double step,
        double stepLow,
        double stepHigh,
        double logStep,
        double logStepLow,
        double logStepHigh,
        double value,
        double valueSd,
        double significance) {

    /** The shape of the curve around a critical point. */
    public enum Kind {
        /** The slope changes from significantly positive to significantly negative. */
        MAXIMUM,
        /** The slope changes from significantly negative to significantly positive. */
        MINIMUM,
        /** A rising curve pauses: slope ≈ 0 between two significantly rising stretches. */
        RISING_PLATEAU,
        /** A falling curve pauses: slope ≈ 0 between two significantly falling stretches. */
        FALLING_PLATEAU
    }
}
