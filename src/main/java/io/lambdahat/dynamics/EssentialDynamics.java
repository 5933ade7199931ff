package io.lambdahat.dynamics;

import java.util.ArrayList;
import java.util.List;

/**
 * Essential dynamics (docs/SCIENCE.md §4): evaluate the model on a fixed probe set at every checkpoint, stack the
 * outputs into one vector per checkpoint, run PCA across checkpoints and follow the trajectory in the top
 * components. Its turning points tend to line up with stage boundaries.
 *
 * <p>Each principal-component coordinate is smoothed by its own Gaussian process in x = ln(step + logOffset),
 * which gives the velocity v = dP/dx and second derivative a = d²P/dx² of the trajectory in closed form.
 *
 * <p>Turning points are where the direction of motion changes. Across a window of ±{@code turnWindow} in ln step,
 * the turn at x is θ(x) = angle(v(x − h), v(x + h)), defined where the speed at both ends is at least
 * {@code minSpeedFraction} of the top speed (where the trajectory has nearly stopped, its direction is noise). Each
 * maximal stretch with θ ≥ {@code minTurningAngleDegrees} is one turn; its turning angle is the angle between the
 * velocities a window h before the stretch starts and a window h after it ends (or the largest θ inside, if
 * larger), so a turn wider than the window is measured whole; its location is the peak there of the rotation rate ω = √(|v|²|a|² − (v·a)²) / |v|² (radians per ln
 * step, the curvature times the speed), or, for a reversal along a line where ω vanishes, the slowest point. The
 * windowed angle sees a cusp (a reversal) as 180°, which ω alone would miss when the two legs are collinear.
 */
public final class EssentialDynamics {
    private EssentialDynamics() {}

    /**
     * Options of essential dynamics.
     *
     * @param components             principal components kept (lowered to the rank of the data)
     * @param logOffset              x = ln(step + logOffset)
     * @param gridPoints             points of the dense grid, even in x between the first and last checkpoint
     * @param minTurningAngleDegrees smallest turning angle reported (30 by default)
     * @param minSpeedFraction       a turn counts only where the trajectory moves at least this fraction of its
     *                               top speed on both sides (0.05 by default)
     * @param turnWindow             h, half-width in ln step of the window the turning angle is measured across
     *                               (0.5 by default: a factor e^0.5 ≈ 1.65 in steps either side)
     * @param gp                     bounds of each component's GP hyperparameter search
     */
    public record Options(
            int components,
            double logOffset,
            int gridPoints,
            double minTurningAngleDegrees,
            double minSpeedFraction,
            double turnWindow,
            GaussianProcess.FitOptions gp) {
        /**
         * Validates the options.
         *
         * @throws IllegalArgumentException if components &lt; 1, logOffset is negative or infinite, gridPoints &lt; 10,
         *     minTurningAngleDegrees lies outside [0, 180], minSpeedFraction outside [0, 1), turnWindow is not
         *     finite and positive, or gp is null
         */
        public Options {
            if (components < 1) throw new IllegalArgumentException("components must be >= 1, got " + components);
            if (!(logOffset >= 0) || !Double.isFinite(logOffset)) throw new IllegalArgumentException("logOffset must be finite and >= 0, got " + logOffset);
            if (gridPoints < 10) throw new IllegalArgumentException("gridPoints must be >= 10, got " + gridPoints);
            if (!(minTurningAngleDegrees >= 0 && minTurningAngleDegrees <= 180)) {
                throw new IllegalArgumentException("minTurningAngleDegrees must be in [0, 180], got " + minTurningAngleDegrees);
            }
            if (!(minSpeedFraction >= 0 && minSpeedFraction < 1)) {
                throw new IllegalArgumentException("minSpeedFraction must be in [0, 1), got " + minSpeedFraction);
            }
            if (!(turnWindow > 0) || !Double.isFinite(turnWindow)) throw new IllegalArgumentException("turnWindow must be finite and > 0, got " + turnWindow);
            if (gp == null) throw new IllegalArgumentException("gp fit options must not be null (use GaussianProcess.FitOptions.defaults())");
        }

        /**
         * The defaults: 3 components, logOffset 1, 400 grid points, turns of at least 30°, minSpeedFraction 0.05,
         * turnWindow 0.5, {@link GaussianProcess.FitOptions#defaults()}.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(3, 1.0, 400, 30.0, 0.05, 0.5, GaussianProcess.FitOptions.defaults());
        }

        /**
         * A copy with another value.
         *
         * @param v the number of principal components kept, ≥ 1
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withComponents(int v) {
            return new Options(v, logOffset, gridPoints, minTurningAngleDegrees, minSpeedFraction, turnWindow, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the offset in x = ln(step + v)
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withLogOffset(double v) {
            return new Options(components, v, gridPoints, minTurningAngleDegrees, minSpeedFraction, turnWindow, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the number of grid points, at least 10
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withGridPoints(int v) {
            return new Options(components, logOffset, v, minTurningAngleDegrees, minSpeedFraction, turnWindow, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the smallest turning angle reported, in degrees, in [0, 180]
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withMinTurningAngleDegrees(double v) {
            return new Options(components, logOffset, gridPoints, v, minSpeedFraction, turnWindow, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the fraction of top speed below which no turn counts, in [0, 1)
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withMinSpeedFraction(double v) {
            return new Options(components, logOffset, gridPoints, minTurningAngleDegrees, v, turnWindow, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v h, the half-width in ln step of the turning-angle window
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withTurnWindow(double v) {
            return new Options(components, logOffset, gridPoints, minTurningAngleDegrees, minSpeedFraction, v, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the bounds of each component's GP hyperparameter search
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withGp(GaussianProcess.FitOptions v) {
            return new Options(components, logOffset, gridPoints, minTurningAngleDegrees, minSpeedFraction, turnWindow, v);
        }
    }

    /**
     * Essential dynamics with the default options.
     *
     * @param steps   training step of each checkpoint, strictly increasing
     * @param outputs one row per checkpoint: the model's outputs on the probe set, flattened, same length for all
     * @return the PCA, the smoothed trajectory in the top components and its turning points
     * @throws IllegalArgumentException if the arrays are null or differ in length, there are fewer than
     *     {@link Trajectory#MIN_CHECKPOINTS} checkpoints, the steps are not strictly increasing, ln(step + logOffset)
     *     is not finite, or the outputs are ragged, non-finite or all equal
     * @throws ArithmeticException if a component's GP fit finds no positive-definite kernel matrix
     */
    public static EssentialDynamicsResult analyse(long[] steps, double[][] outputs) {
        return analyse(steps, outputs, Options.defaults());
    }

    /**
     * Essential dynamics: PCA of the outputs across checkpoints, GP smoothing of each component in ln step, and the
     * turning points of the smoothed trajectory.
     *
     * @param steps   training step of each checkpoint, strictly increasing
     * @param outputs one row per checkpoint: the model's outputs on the probe set, flattened, same length for all
     * @param o       the options
     * @return the PCA, the smoothed trajectory in the top components and its turning points
     * @throws IllegalArgumentException if the arrays are null or differ in length, there are fewer than
     *     {@link Trajectory#MIN_CHECKPOINTS} checkpoints, the steps are not strictly increasing, ln(step + logOffset)
     *     is not finite, or the outputs are ragged, non-finite or all equal
     * @throws ArithmeticException if a component's GP fit finds no positive-definite kernel matrix
     */
    public static EssentialDynamicsResult analyse(long[] steps, double[][] outputs, Options o) {
        if (steps == null || outputs == null) throw new IllegalArgumentException("essential dynamics needs steps and outputs");
        if (steps.length != outputs.length) {
            throw new IllegalArgumentException("essential dynamics got " + steps.length + " steps but " + outputs.length
                    + " output rows; give one row per checkpoint");
        }
        if (steps.length < Trajectory.MIN_CHECKPOINTS) {
            throw new IllegalArgumentException("essential dynamics needs at least " + Trajectory.MIN_CHECKPOINTS
                    + " checkpoints, got " + steps.length);
        }
        double[] x = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            if (i > 0 && steps[i] <= steps[i - 1]) {
                throw new IllegalArgumentException("steps must be strictly increasing; index " + i + " has step " + steps[i]
                        + " after " + steps[i - 1]);
            }
            x[i] = Math.log(steps[i] + o.logOffset());
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException("ln(step + logOffset) is not finite at step " + steps[i]
                        + "; use logOffset > 0 when step 0 is included");
            }
        }
        Pca pca = Pca.fit(outputs, o.components());
        int k = pca.k();
        int m = o.gridPoints();
        double[] grid = new double[m];
        double[] gridSteps = new double[m];
        for (int j = 0; j < m; j++) {
            grid[j] = x[0] + (x[x.length - 1] - x[0]) * j / (m - 1);
            gridSteps[j] = Math.exp(grid[j]) - o.logOffset();
        }
        double[][] position = new double[m][k];
        double[][] velocity = new double[m][k];
        double[][] accel = new double[m][k];
        List<GpHyperparameters> hyper = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            double[] y = new double[steps.length];
            for (int i = 0; i < y.length; i++) y[i] = pca.scores()[i][c];
            GpFit fit = GaussianProcess.fit(x, y, null, o.gp());
            hyper.add(fit.hyperparameters());
            GpCurve curve = fit.predict(grid);
            for (int j = 0; j < m; j++) {
                position[j][c] = curve.mean()[j];
                velocity[j][c] = curve.slope()[j];
                accel[j][c] = curve.curvature()[j];
            }
        }
        double[] speed = new double[m];
        double[] omega = new double[m];
        for (int j = 0; j < m; j++) {
            double vv = Linalg.dot(velocity[j], velocity[j]);
            double aa = Linalg.dot(accel[j], accel[j]);
            double va = Linalg.dot(velocity[j], accel[j]);
            speed[j] = Math.sqrt(vv);
            omega[j] = vv > 0 ? Math.sqrt(Math.max(0, vv * aa - va * va)) / vv : 0;
        }
        List<TurningPoint> turns = turningPoints(grid, velocity, speed, omega, o);
        return new EssentialDynamicsResult(steps.clone(), pca,
                new SmoothedTrajectory(gridSteps, grid, position, velocity, speed, omega, List.copyOf(hyper)), turns);
    }

    private static List<TurningPoint> turningPoints(double[] grid, double[][] velocity, double[] speed, double[] omega,
                                                    Options o) {
        int m = grid.length;
        double dx = grid[1] - grid[0];
        int h = Math.max(1, (int) Math.round(o.turnWindow() / dx));
        double topSpeed = 0;
        for (double s : speed) topSpeed = Math.max(topSpeed, s);
        double minSpeed = o.minSpeedFraction() * topSpeed;
        double[] theta = new double[m];
        for (int j = 0; j < m; j++) {
            int a = Math.max(0, j - h);
            int b = Math.min(m - 1, j + h);
            if (a == j || b == j || speed[a] < minSpeed || speed[b] < minSpeed || speed[a] == 0 || speed[b] == 0) continue;
            double cos = Linalg.dot(velocity[a], velocity[b]) / (speed[a] * speed[b]);
            theta[j] = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
        }
        List<TurningPoint> out = new ArrayList<>();
        for (int j = 0; j < m; ) {
            if (theta[j] < o.minTurningAngleDegrees() || theta[j] == 0) {
                j++;
                continue;
            }
            int start = j;
            double angle = 0;
            int peak = -1;
            int slowest = j;
            while (j < m && theta[j] >= o.minTurningAngleDegrees() && theta[j] > 0) {
                angle = Math.max(angle, theta[j]);
                if (omega[j] > 0 && (peak < 0 || omega[j] > omega[peak])) peak = j;
                if (speed[j] < speed[slowest]) slowest = j;
                j++;
            }
            int end = j - 1;
            // The net turn: from the direction of motion a window before the stretch to a window after it, so a
            // turn wider than the window is still measured whole.
            int before = Math.max(0, start - h);
            int after = Math.min(m - 1, end + h);
            if (speed[before] > 0 && speed[after] > 0) {
                double cos = Linalg.dot(velocity[before], velocity[after]) / (speed[before] * speed[after]);
                angle = Math.max(angle, Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos)))));
            }
            int at = peak >= 0 ? peak : slowest;
            double xp = grid[at];
            if (peak >= 0 && at > 0 && at < m - 1) {
                double denom = omega[at - 1] - 2 * omega[at] + omega[at + 1];
                if (denom < 0) {
                    double offset = 0.5 * (omega[at - 1] - omega[at + 1]) / denom;
                    if (Math.abs(offset) < 1) xp = grid[at] + offset * dx;
                }
            }
            out.add(new TurningPoint(Math.exp(xp) - o.logOffset(), xp, Math.exp(grid[start]) - o.logOffset(),
                    Math.exp(grid[end]) - o.logOffset(), angle, omega[at]));
        }
        return List.copyOf(out);
    }
}
