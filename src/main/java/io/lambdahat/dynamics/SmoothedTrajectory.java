package io.lambdahat.dynamics;

import java.util.List;

/**
 * The essential-dynamics trajectory in the top k principal components, GP-smoothed per component in
 * ln(step + offset), on a dense grid.
 *
 * @param step            grid points in training steps
 * @param logStep         grid points in ln(step + offset)
 * @param position        grid × k smoothed coordinates (posterior means)
 * @param velocity        grid × k derivatives d/d ln(step + offset) of the coordinates (posterior means)
 * @param speed           |velocity| per grid point
 * @param angularSpeed    rate of rotation of the direction of motion, radians per unit of ln step:
 *                        √(|v|²|a|² − (v·a)²) / |v|² with v the velocity and a the second derivative
 * @param hyperparameters the GP hyperparameters fitted for each component
 */
public record SmoothedTrajectory(
        double[] step,
        double[] logStep,
        double[][] position,
        double[][] velocity,
        double[] speed,
        double[] angularSpeed,
        List<GpHyperparameters> hyperparameters) {}
