package io.lambdahat.dynamics;

/**
 * A turning point of the smoothed essential-dynamics trajectory: where its direction of motion changes (see
 * {@link EssentialDynamics} for the definition).
 *
 * @param step                 the point, in training steps (interpolated on the grid)
 * @param logStep              the point in ln(step + offset)
 * @param stepLow              start of the stretch where the windowed turning angle is at least the reporting threshold
 * @param stepHigh             end of that stretch
 * @param turningAngleDegrees  angle between the directions of motion before and after the turn (0–180)
 * @param angularSpeed         rotation rate at the point, radians per unit of ln step
 */
public record TurningPoint(
        double step,
        double logStep,
        double stepLow,
        double stepHigh,
        double turningAngleDegrees,
        double angularSpeed) {}
