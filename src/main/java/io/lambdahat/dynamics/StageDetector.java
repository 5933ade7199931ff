package io.lambdahat.dynamics;

import java.util.ArrayList;
import java.util.List;

/**
 * Stages of development from a λ̂ and loss trajectory (docs/SCIENCE.md §4).
 *
 * <ol>
 *   <li>Both curves are smoothed by Gaussian-process regression in x = ln(step + logOffset) (RBF kernel, white
 *       noise, hyperparameters by maximum marginal likelihood; λ̂ standard errors, when present, are known
 *       per-point noise).</li>
 *   <li>Stage boundaries are the critical points of smoothed λ̂, found from the posterior of dλ̂/dx on a dense grid
 *       (see {@link CriticalPoints}): extrema where the slope changes sign between stretches where it is
 *       significantly non-zero (|slope| > significanceZ · sd), and plateaus where a monotone stretch pauses. Each
 *       comes with the interval where the slope's bandZ band contains zero.</li>
 *   <li>Each stage (between consecutive boundaries, or the first/last checkpoint) gets Δloss and Δλ̂ from the
 *       checkpoints' own values: those of the checkpoint nearest each end (neighbouring stages share their
 *       boundary's checkpoint), or of the two enclosing a stage narrower than the checkpoint spacing. The smoothed
 *       curves are not used here: around a sharp loss drop the GP mean overshoots, and a stage ending in the
 *       overshoot would be typed loss ↑ although no checkpoint's loss rose. A Δ counts as a change (UP/DOWN) only if
 *       it exceeds directionZ standard deviations of the difference (from the two checkpoints' noise: λ̂'s standard
 *       errors plus the fitted extra noise; the loss's fitted noise) <em>and</em> a fraction of the range of that
 *       curve's checkpoint values over the run (lossFlatFraction, llcFlatFraction); otherwise it is FLAT. Type A =
 *       loss DOWN and λ̂ UP; type B = loss FLAT and λ̂ DOWN; the other combinations have their own
 *       {@link StageType}.</li>
 *   <li>Loss boundaries are found the same way on the smoothed loss. A λ̂ boundary farther than hiddenTolerance
 *       (in ln step) from every loss boundary is a hidden transition.</li>
 * </ol>
 */
public final class StageDetector {
    private StageDetector() {}

    /**
     * Options of stage detection.
     *
     * @param logOffset        x = ln(step + logOffset); 1 keeps a step-0 checkpoint finite and barely moves later ones
     * @param gridPoints       points of the dense grid, evenly spaced in x between the first and last checkpoint
     * @param bandZ            z of the slope band that gives each boundary's interval (1.96: 95 %)
     * @param significanceZ    |slope| / sd(slope) a stretch must exceed to count as moving (2.5 by default: see the
     *                         false-positive rates measured in the tests)
     * @param plateauFraction  a plateau's flattest slope must be at most this fraction of the peak |slope| of the
     *                         weaker neighbouring stretch
     * @param directionZ       a stage Δ must exceed this many posterior sd to count as UP or DOWN
     * @param lossFlatFraction |Δloss| at most this fraction of the range of the checkpoints' loss over the run is FLAT
     *                         (0.03: the demo's third drop, 0.25 → 3e-5, is 4.7 % of its range 5.38)
     * @param llcFlatFraction  |Δλ̂| at most this fraction of the range of the checkpoints' λ̂ over the run is FLAT (0.01)
     * @param hiddenTolerance  a λ̂ boundary with no loss boundary within this distance in ln step is hidden (0.3,
     *                         a factor e^0.3 ≈ 1.35 in steps)
     * @param useLlcStderr     whether to use the trajectory's λ̂ standard errors as known per-point noise
     * @param gp               bounds of the GP hyperparameter search (x in ln-step units)
     */
    public record Options(
            double logOffset,
            int gridPoints,
            double bandZ,
            double significanceZ,
            double plateauFraction,
            double directionZ,
            double lossFlatFraction,
            double llcFlatFraction,
            double hiddenTolerance,
            boolean useLlcStderr,
            GaussianProcess.FitOptions gp) {
        /**
         * Validates the options.
         *
         * @throws IllegalArgumentException if logOffset is negative or infinite, gridPoints &lt; 10, a z is not
         *     positive (directionZ: negative), a fraction lies outside [0, 1), hiddenTolerance is negative, or gp is null
         */
        public Options {
            if (!(logOffset >= 0) || !Double.isFinite(logOffset)) throw new IllegalArgumentException("logOffset must be finite and >= 0, got " + logOffset);
            if (gridPoints < 10) throw new IllegalArgumentException("gridPoints must be >= 10, got " + gridPoints);
            if (!(bandZ > 0)) throw new IllegalArgumentException("bandZ must be > 0, got " + bandZ);
            if (!(significanceZ > 0)) throw new IllegalArgumentException("significanceZ must be > 0, got " + significanceZ);
            if (!(plateauFraction >= 0 && plateauFraction < 1)) throw new IllegalArgumentException("plateauFraction must be in [0, 1), got " + plateauFraction);
            if (!(directionZ >= 0)) throw new IllegalArgumentException("directionZ must be >= 0, got " + directionZ);
            if (!(lossFlatFraction >= 0 && lossFlatFraction < 1)) throw new IllegalArgumentException("lossFlatFraction must be in [0, 1), got " + lossFlatFraction);
            if (!(llcFlatFraction >= 0 && llcFlatFraction < 1)) throw new IllegalArgumentException("llcFlatFraction must be in [0, 1), got " + llcFlatFraction);
            if (!(hiddenTolerance >= 0)) throw new IllegalArgumentException("hiddenTolerance must be >= 0, got " + hiddenTolerance);
            if (gp == null) throw new IllegalArgumentException("gp fit options must not be null (use GaussianProcess.FitOptions.defaults())");
        }

        /**
         * The defaults: logOffset 1, 400 grid points, bandZ 1.96, significanceZ 2.5, plateauFraction 0.2,
         * directionZ 1.96, flat fractions 0.03 (loss) and 0.01 (λ̂), hiddenTolerance 0.3, λ̂ standard errors used,
         * {@link GaussianProcess.FitOptions#defaults()}.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(1.0, 400, 1.96, 2.5, 0.2, 1.96, 0.03, 0.01, 0.3, true, GaussianProcess.FitOptions.defaults());
        }

        /**
         * A copy with another value.
         *
         * @param v the offset in x = ln(step + v)
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withLogOffset(double v) {
            return new Options(v, gridPoints, bandZ, significanceZ, plateauFraction, directionZ, lossFlatFraction, llcFlatFraction, hiddenTolerance, useLlcStderr, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the number of grid points, at least 10
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withGridPoints(int v) {
            return new Options(logOffset, v, bandZ, significanceZ, plateauFraction, directionZ, lossFlatFraction, llcFlatFraction, hiddenTolerance, useLlcStderr, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the z of the band that gives each boundary's interval
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withBandZ(double v) {
            return new Options(logOffset, gridPoints, v, significanceZ, plateauFraction, directionZ, lossFlatFraction, llcFlatFraction, hiddenTolerance, useLlcStderr, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the |slope| / sd a stretch must exceed to count as moving
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withSignificanceZ(double v) {
            return new Options(logOffset, gridPoints, bandZ, v, plateauFraction, directionZ, lossFlatFraction, llcFlatFraction, hiddenTolerance, useLlcStderr, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the plateau fraction, in [0, 1)
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withPlateauFraction(double v) {
            return new Options(logOffset, gridPoints, bandZ, significanceZ, v, directionZ, lossFlatFraction, llcFlatFraction, hiddenTolerance, useLlcStderr, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the posterior sd a stage Δ must exceed to count as UP or DOWN
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withDirectionZ(double v) {
            return new Options(logOffset, gridPoints, bandZ, significanceZ, plateauFraction, v, lossFlatFraction, llcFlatFraction, hiddenTolerance, useLlcStderr, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the fraction of the loss range within which Δloss is FLAT, in [0, 1)
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withLossFlatFraction(double v) {
            return new Options(logOffset, gridPoints, bandZ, significanceZ, plateauFraction, directionZ, v, llcFlatFraction, hiddenTolerance, useLlcStderr, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the fraction of the λ̂ range within which Δλ̂ is FLAT, in [0, 1)
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withLlcFlatFraction(double v) {
            return new Options(logOffset, gridPoints, bandZ, significanceZ, plateauFraction, directionZ, lossFlatFraction, v, hiddenTolerance, useLlcStderr, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the hidden-transition tolerance, in ln step
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withHiddenTolerance(double v) {
            return new Options(logOffset, gridPoints, bandZ, significanceZ, plateauFraction, directionZ, lossFlatFraction, llcFlatFraction, v, useLlcStderr, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v whether to use the trajectory's λ̂ standard errors as known noise
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withUseLlcStderr(boolean v) {
            return new Options(logOffset, gridPoints, bandZ, significanceZ, plateauFraction, directionZ, lossFlatFraction, llcFlatFraction, hiddenTolerance, v, gp);
        }

        /**
         * A copy with another value.
         *
         * @param v the bounds of the GP hyperparameter search
         * @return the copy
         * @throws IllegalArgumentException if v is out of range
         */
        public Options withGp(GaussianProcess.FitOptions v) {
            return new Options(logOffset, gridPoints, bandZ, significanceZ, plateauFraction, directionZ, lossFlatFraction, llcFlatFraction, hiddenTolerance, useLlcStderr, v);
        }
    }

    /**
     * Stages of a trajectory with the default options.
     *
     * @param t the checkpoints' steps, loss and λ̂
     * @return the smoothed curves, boundaries, stages and hidden transitions
     * @throws IllegalArgumentException if t is null
     * @throws ArithmeticException if a GP fit finds no positive-definite kernel matrix
     */
    public static StageAnalysis detect(Trajectory t) {
        return detect(t, Options.defaults());
    }

    /**
     * Stages of a trajectory: smooths λ̂ and loss, finds their boundaries, and classifies the stages between.
     *
     * @param t the checkpoints' steps, loss and λ̂ (with standard errors, if any)
     * @param o the detection options
     * @return the smoothed curves, boundaries, stages and hidden transitions
     * @throws IllegalArgumentException if t is null, or the first step is 0 while logOffset is 0
     * @throws ArithmeticException if a GP fit finds no positive-definite kernel matrix
     */
    public static StageAnalysis detect(Trajectory t, Options o) {
        if (t == null) throw new IllegalArgumentException("trajectory must not be null");
        double[] x = t.logSteps(o.logOffset());
        if (!Double.isFinite(x[0])) {
            throw new IllegalArgumentException("ln(step + logOffset) is -∞ at step " + t.steps()[0]
                    + "; use logOffset > 0 when the trajectory includes step 0");
        }
        GpFit llcFit = GaussianProcess.fit(x, t.llcMean(), o.useLlcStderr() ? t.llcStderr() : null, o.gp());
        GpFit lossFit = GaussianProcess.fit(x, t.loss(), null, o.gp());
        return analyse(x, llcFit, lossFit, o);
    }

    /**
     * Stage analysis from already fitted (or hand-conditioned) GPs over x = ln(step + logOffset). The grid spans
     * the x range that both fits' training points share.
     *
     * @param llcFit the GP posterior of λ̂
     * @param lossFit the GP posterior of the loss
     * @param o the detection options; logOffset must be the one the fits' x used
     * @return the smoothed curves, boundaries, stages and hidden transitions
     */
    public static StageAnalysis analyse(GpFit llcFit, GpFit lossFit, Options o) {
        double lo = Math.max(llcFit.minX(), lossFit.minX());
        double hi = Math.min(llcFit.maxX(), lossFit.maxX());
        return analyse(new double[] {lo, hi}, llcFit, lossFit, o);
    }

    private static StageAnalysis analyse(double[] x, GpFit llcFit, GpFit lossFit, Options o) {
        double x0 = x[0];
        double x1 = x[x.length - 1];
        int m = o.gridPoints();
        double[] grid = new double[m];
        for (int j = 0; j < m; j++) grid[j] = x0 + (x1 - x0) * j / (m - 1);
        GpCurve llc = llcFit.predict(grid);
        GpCurve loss = lossFit.predict(grid);
        java.util.function.DoubleUnaryOperator toStep = v -> Math.exp(v) - o.logOffset();

        List<Boundary> llcBoundaries = CriticalPoints.find(llcFit, llc, o.bandZ(), o.significanceZ(), o.plateauFraction(), toStep);
        List<Boundary> lossBoundaries = CriticalPoints.find(lossFit, loss, o.bandZ(), o.significanceZ(), o.plateauFraction(), toStep);

        Checkpoints llcPoints = Checkpoints.of(llcFit);
        Checkpoints lossPoints = Checkpoints.of(lossFit);
        List<Stage> stages = new ArrayList<>();
        double start = x0;
        for (int s = 0; s <= llcBoundaries.size(); s++) {
            double end = s < llcBoundaries.size() ? llcBoundaries.get(s).logStep() : x1;
            Change dLoss = lossPoints.change(start, end, o.directionZ(), o.lossFlatFraction());
            Change dLlc = llcPoints.change(start, end, o.directionZ(), o.llcFlatFraction());
            stages.add(new Stage(s, toStep.applyAsDouble(start), toStep.applyAsDouble(end), start, end,
                    dLoss.from(), dLoss.to(), dLoss.delta(), dLoss.sd(), dLlc.from(), dLlc.to(), dLlc.delta(), dLlc.sd(),
                    dLoss.direction(), dLlc.direction(), StageType.of(dLoss.direction(), dLlc.direction()),
                    Math.round(toStep.applyAsDouble(lossPoints.x[dLoss.first()])), Math.round(toStep.applyAsDouble(lossPoints.x[dLoss.last()]))));
            start = end;
        }

        List<HiddenTransition> hidden = new ArrayList<>();
        for (Boundary b : llcBoundaries) {
            Double nearest = null;
            for (Boundary l : lossBoundaries) {
                double d = Math.abs(l.logStep() - b.logStep());
                if (nearest == null || d < nearest) nearest = d;
            }
            if (nearest == null || nearest > o.hiddenTolerance()) hidden.add(new HiddenTransition(b, nearest));
        }

        return new StageAnalysis(o, smoothed(llc, llcFit, toStep), smoothed(loss, lossFit, toStep),
                List.copyOf(llcBoundaries), List.copyOf(lossBoundaries), List.copyOf(stages), List.copyOf(hidden));
    }

    static Direction direction(double delta, double sd, double z, double flatThreshold) {
        if (Math.abs(delta) <= z * sd || Math.abs(delta) <= flatThreshold) return Direction.FLAT;
        return delta > 0 ? Direction.UP : Direction.DOWN;
    }

    /** How a curve changed across a stage, from two of its checkpoints. */
    private record Change(int first, int last, double from, double to, double delta, double sd, Direction direction) {}

    /**
     * A curve's checkpoints as the fit was given them, with the noise variance the fit assigns to each. A stage's
     * change is read off these, not off the smoothed mean: around a sharp drop the smoothed loss overshoots (it
     * rises before the drop and dips after it), and a stage that ends in such a stretch would be typed loss ↑.
     */
    private record Checkpoints(double[] x, double[] y, double[] variance, double range) {
        static Checkpoints of(GpFit fit) {
            double[] y = fit.trainingY();
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double v : y) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            return new Checkpoints(fit.trainingX(), y, fit.observationVariance(), hi - lo);
        }

        /** The checkpoint nearest to a (in x); the earlier one on a tie. */
        int nearest(double a) {
            int best = 0;
            for (int i = 1; i < x.length; i++) if (Math.abs(x[i] - a) < Math.abs(x[best] - a)) best = i;
            return best;
        }

        /**
         * The change from the checkpoint nearest the stage's start to the one nearest its end, so that neighbouring
         * stages share their boundary's checkpoint and every step between checkpoints is counted once. A stage
         * narrower than the checkpoint spacing (both ends nearest the same checkpoint) takes the checkpoints that
         * enclose it instead. The difference's sd is from the two checkpoints' noise variances.
         */
        Change change(double start, double end, double z, double flatFraction) {
            int a = nearest(start), b = nearest(end);
            if (b <= a) {
                a = 0;
                for (int i = 0; i < x.length; i++) if (x[i] <= start) a = i;
                b = x.length - 1;
                for (int i = x.length - 1; i >= 0; i--) if (x[i] >= end) b = i;
                if (b <= a) b = Math.min(a + 1, x.length - 1);
                if (b <= a) a = b - 1;
            }
            double delta = y[b] - y[a];
            double sd = Math.sqrt(variance[a] + variance[b]);
            return new Change(a, b, y[a], y[b], delta, sd, direction(delta, sd, z, flatFraction * range));
        }
    }

    private static SmoothedCurve smoothed(GpCurve c, GpFit fit, java.util.function.DoubleUnaryOperator toStep) {
        double[] step = new double[c.size()];
        for (int j = 0; j < step.length; j++) step[j] = toStep.applyAsDouble(c.x()[j]);
        return new SmoothedCurve(step, c.x(), c.mean(), c.sd(), c.slope(), c.slopeSd(), fit.hyperparameters(),
                fit.logMarginalLikelihood());
    }
}
