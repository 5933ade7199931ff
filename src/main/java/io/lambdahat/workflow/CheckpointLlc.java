package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.sampling.DefaultSettings;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.tasks.TrainingTask;
import io.lambdahat.trajectory.ModelTargets;
import io.lambdahat.trajectory.Targets;
import io.lambdahat.trajectory.TrajectoryRunner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * λ̂ at checkpoints of a training run, one record each in DIR/llc/, with one sampler setting for all of them so that
 * they stay comparable. When the setting leaves ε to the data, {@link DefaultSettings} chooses it (and γ, unless
 * given) once, at the last chosen checkpoint.
 *
 * <pre>{@code
 * CheckpointLlc.Result r = CheckpointLlc.estimate(Path.of("runs/dln"));   // every checkpoint, the task's defaults
 * }</pre>
 */
public final class CheckpointLlc {
    private CheckpointLlc() {}

    /**
     * How to sample.
     *
     * @param sampler            the sampler setting (ε and γ are replaced where the pilot chooses them)
     * @param pilotChoosesSteps  ε (and γ, unless {@code keepGamma}) are chosen for the data by {@link DefaultSettings}
     * @param keepGamma          keep the setting's γ when the pilot chooses ε
     * @param onMismatch         what to do with existing records made with other settings
     * @param targets            what λ̂ is measured against: the training targets, or each checkpoint's own outputs
     */
    public record Plan(SamplerConfig sampler, boolean pilotChoosesSteps, boolean keepGamma, TrajectoryRunner.Mismatch onMismatch,
                       Targets targets) {
        /** Null targets are the data's. */
        public Plan {
            if (targets == null) targets = Targets.DATA;
        }

        /**
         * A plan that measures λ̂ against the training targets.
         *
         * @param sampler           the sampler setting
         * @param pilotChoosesSteps ε (and γ, unless {@code keepGamma}) are chosen for the data
         * @param keepGamma         keep the setting's γ when the pilot chooses ε
         * @param onMismatch        what to do with existing records made with other settings
         */
        public Plan(SamplerConfig sampler, boolean pilotChoosesSteps, boolean keepGamma, TrajectoryRunner.Mismatch onMismatch) {
            this(sampler, pilotChoosesSteps, keepGamma, onMismatch, Targets.DATA);
        }

        /**
         * A training task's defaults ({@link TaskSamplerDefaults#forTrainingTask}) with the pilot where the task takes one.
         *
         * @param task the training task's name
         * @return the plan; existing records made with other settings stop the run
         */
        public static Plan defaultsFor(String task) {
            return new Plan(TaskSamplerDefaults.forTrainingTask(task).builder().build(), TaskSamplerDefaults.pilotChoosesSteps(task), false,
                    TrajectoryRunner.Mismatch.STOP);
        }
    }

    /**
     * The outcome at each checkpoint.
     *
     * @param config   the sampler setting every checkpoint was estimated with
     * @param settings the pilot's choice of ε and γ, or null when the plan gave them or the run had them recorded
     * @param outcomes one per chosen checkpoint, in order
     */
    public record Result(SamplerConfig config, DefaultSettings.Choice settings, List<TrajectoryRunner.Outcome> outcomes) {
        /** {@return the checkpoints whose estimate failed} */
        public long failed() {
            return outcomes.stream().filter(o -> o.error() != null).count();
        }

        /** {@return the checkpoints whose existing record was kept} */
        public long reused() {
            return outcomes.stream().filter(TrajectoryRunner.Outcome::reused).count();
        }
    }

    /**
     * λ̂ at every checkpoint of a run, with its task's default settings.
     *
     * @param run the run folder
     * @return the outcomes
     * @throws IOException if a checkpoint or record cannot be read or written
     * @throws InvalidInputException if the run has no checkpoints or no fixed training set, or records made with other settings
     */
    public static Result estimate(Path run) throws IOException {
        RunFolder folder = RunFolder.of(run);
        return estimate(folder, CheckpointSelection.every(folder, 1), Plan.defaultsFor(folder.config().taskName()), note -> { },
                TrajectoryRunner.Listener.NONE);
    }

    /**
     * λ̂ at the chosen checkpoints of a run.
     *
     * @param run      the run folder
     * @param chosen   the checkpoints (see {@link CheckpointSelection}), not empty
     * @param plan     how to sample
     * @param notes    receives the line that says which settings the pilot chose
     * @param listener told before each checkpoint
     * @return the outcomes
     * @throws IOException if a checkpoint or record cannot be read or written
     * @throws InvalidInputException if the run's task has no fixed training set, the plan takes targets from a model that is
     *         no regression model, or records made with other settings stop the run
     */
    public static Result estimate(RunFolder run, List<Checkpoints.Checkpoint> chosen, Plan plan, Consumer<String> notes,
                                  TrajectoryRunner.Listener listener) throws IOException {
        try (TrainingTask task = TrajectorySettings.openTask(run)) {
            if (plan.targets() == Targets.MODEL) ModelTargets.check(task.model(), task.trainingSet());
            SamplerConfig cfg = plan.sampler();
            DefaultSettings.Choice choice = null;
            if (plan.pilotChoosesSteps()) {
                TrajectorySettings.Chosen chosenSettings = TrajectorySettings.forRun(run, task, run.checkpoints(), cfg,
                        plan.keepGamma() ? cfg.gamma() : null, plan.targets());
                cfg = chosenSettings.config();
                choice = chosenSettings.choice();
                notes.accept("settings for every checkpoint (at step " + chosenSettings.step() + "): " + chosenSettings.reason());
            }
            TrajectoryRunner runner = new TrajectoryRunner(task.model(), task.trainingSet(), cfg, run.llcRecords())
                    .onMismatch(plan.onMismatch()).targets(plan.targets()).listener(listener);
            return new Result(cfg, choice, runner.run(chosen));
        }
    }
}
