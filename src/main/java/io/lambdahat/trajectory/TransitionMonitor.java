package io.lambdahat.trajectory;

import io.lambdahat.data.Dataset;
import io.lambdahat.dynamics.Boundary;
import io.lambdahat.dynamics.StageAnalysis;
import io.lambdahat.dynamics.StageDetector;
import io.lambdahat.dynamics.Trajectory;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.torch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Watches a training run from inside the integrator's own loop: every call estimates λ̂ at the current weights
 * with a cheap sampler setting and re-runs stage detection on the λ̂ trajectory so far. A critical point of the
 * smoothed λ̂ curve that has not been reported before is returned as a transition. Detection needs evidence on
 * both sides, so a transition is reported a few observations after it happened.
 *
 * <p>The same monitor follows a run folder whose λ̂ is estimated elsewhere (as {@code lambdahat watch} does): made
 * with {@link #TransitionMonitor(List)}, it is handed each new stage analysis of the run's records and returns the
 * transitions that are newly <em>confirmed</em>, those whose interval closed before the last checkpoint.
 */
public final class TransitionMonitor {
    /**
     * One observation.
     *
     * @param step      the training step
     * @param loss      the full-data loss at the observed weights
     * @param llc       λ̂ at the weights, the mean over chains
     * @param llcStderr its standard error over chains (0 if it could not be computed)
     */
    public record Point(long step, double loss, double llc, double llcStderr) {}

    /**
     * A transition found in the λ̂ trajectory.
     *
     * @param step     where it happened, in training steps (interpolated)
     * @param stepLow  start of the interval where the smoothed λ̂ slope cannot be told from zero
     * @param stepHigh end of that interval
     * @param kind     what λ̂ does there (maximum, minimum, plateau)
     * @param llc      the smoothed λ̂ at the transition
     */
    public record Transition(double step, double stepLow, double stepHigh, Boundary.Kind kind, double llc) {
        /** {@return a one-line description for a training log} */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "λ̂ %s at step ≈ %.0f (between %.0f and %.0f), λ̂ ≈ %.3g",
                    kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), step, stepLow, stepHigh, llc);
        }
    }

    /** The model, data and setting {@link #observe} samples with; null in a monitor of λ̂ estimated elsewhere. */
    private final ChainModel model;
    private final Dataset data;
    private final SamplerConfig config;
    private final StageDetector.Options options;
    private final List<Point> history = new ArrayList<>();
    private final List<Transition> reported = new ArrayList<>();
    private final double sameTransitionDistance;

    /**
     * A monitor with the default stage-detection options.
     *
     * @param model  the model being trained
     * @param data   the data λ̂ is sampled on; stays owned by the caller
     * @param config a cheap setting is enough (e.g. 2 chains, a few hundred draws): the detector smooths across
     *               observations and uses the standard errors
     */
    public TransitionMonitor(ChainModel model, Dataset data, SamplerConfig config) {
        this(model, data, config, StageDetector.Options.defaults());
    }

    /**
     * A monitor with its own stage-detection options.
     *
     * @param model   the model being trained
     * @param data    the data λ̂ is sampled on; stays owned by the caller
     * @param config  the SGLD setting for each observation (a cheap one is enough)
     * @param options stage-detection options; their hiddenTolerance (in ln step) is also how close two boundaries
     *                must be to count as the same transition
     */
    public TransitionMonitor(ChainModel model, Dataset data, SamplerConfig config, StageDetector.Options options) {
        this.model = java.util.Objects.requireNonNull(model, "model");
        this.data = data;
        this.config = config;
        this.options = options;
        this.sameTransitionDistance = options.hiddenTolerance();
    }

    /**
     * A monitor of λ̂ estimated elsewhere (e.g. a run folder's records), for {@link #confirmed}; it samples nothing.
     *
     * @param alreadyReported transitions reported before (e.g. by an earlier watch of the same run), not reported again
     */
    public TransitionMonitor(List<Transition> alreadyReported) {
        this.model = null;
        this.data = null;
        this.config = null;
        this.options = StageDetector.Options.defaults();
        this.sameTransitionDistance = options.hiddenTolerance();
        this.reported.addAll(alreadyReported);
    }

    /**
     * The λ̂ boundaries of an up-to-date stage analysis that are confirmed — their interval where the slope cannot be
     * told from zero closed before the last checkpoint, so later checkpoints will not move them — and that were not
     * reported before; they are reported now. A confirmed boundary is the one reported before when that has the same
     * kind and its step lies in the boundary's interval.
     *
     * @param analysis the stage analysis of every λ̂ estimate so far
     * @param lastStep the step of the last estimate
     * @return the newly confirmed transitions, in the analysis's order
     */
    public List<Transition> confirmed(StageAnalysis analysis, long lastStep) {
        List<Transition> found = new ArrayList<>();
        for (Boundary b : analysis.llcBoundaries()) {
            if (!(b.stepHigh() < lastStep)) continue;  // not confirmed: later checkpoints may still move it
            boolean known = reported.stream().anyMatch(p -> p.kind() == b.kind() && p.step() >= b.stepLow() && p.step() <= b.stepHigh());
            if (known) continue;
            Transition tr = new Transition(b.step(), b.stepLow(), b.stepHigh(), b.kind(), b.value());
            reported.add(tr);
            found.add(tr);
        }
        return found;
    }

    /**
     * Estimates λ̂ at the current weights and returns a transition if a new one is now visible. Detection starts
     * once there are {@link Trajectory#MIN_CHECKPOINTS} + 1 observations; at most one transition is returned per call.
     *
     * @param step    the training step, greater than the previous observation's
     * @param weights the model's flat weights [P], used as w*; stays owned by the caller
     * @return the newly visible transition, or empty
     * @throws IllegalArgumentException if the step does not increase
     * @throws IllegalStateException if the monitor was made without a model ({@link #TransitionMonitor(List)})
     */
    public Optional<Transition> observe(long step, Tensor weights) {
        if (model == null) throw new IllegalStateException("this monitor follows λ̂ estimated elsewhere: use confirmed(analysis, lastStep)");
        if (!history.isEmpty() && step <= history.get(history.size() - 1).step()) {
            throw new IllegalArgumentException("steps must increase: got " + step + " after " + history.get(history.size() - 1).step());
        }
        LlcResult r = new LangevinSampler(model, data, config).run(weights);
        history.add(new Point(step, r.initLoss(), r.llcMean(), Double.isFinite(r.llcStderr()) ? r.llcStderr() : 0));
        if (history.size() < Trajectory.MIN_CHECKPOINTS + 1) return Optional.empty();
        Trajectory t = new Trajectory(history.stream().mapToLong(Point::step).toArray(), history.stream().mapToDouble(Point::loss).toArray(),
                history.stream().mapToDouble(Point::llc).toArray(), history.stream().mapToDouble(Point::llcStderr).toArray());
        StageAnalysis analysis = StageDetector.detect(t, options);
        for (Boundary b : analysis.llcBoundaries()) {
            // the same transition seen again as more points arrive: same kind, nearby (a maximum followed closely by a
            // minimum, as around a saddle, is two transitions)
            boolean known = reported.stream().anyMatch(p -> p.kind() == b.kind() && Math.abs(Math.log(p.step() + 1) - b.logStep()) < sameTransitionDistance);
            if (!known) {
                Transition tr = new Transition(b.step(), b.stepLow(), b.stepHigh(), b.kind(), b.value());
                reported.add(tr);
                return Optional.of(tr);
            }
        }
        return Optional.empty();
    }

    /** {@return every observation so far, in step order (a copy)} */
    public List<Point> history() {
        return List.copyOf(history);
    }

    /** {@return every transition reported so far, in the order reported (a copy)} */
    public List<Transition> transitions() {
        return List.copyOf(reported);
    }
}
