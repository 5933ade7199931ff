package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.SamplerObserver;
import io.lambdahat.sweep.Shard;
import io.lambdahat.tasks.TrainingTask;
import io.lambdahat.trajectory.HeadTrajectory;
import io.lambdahat.trajectory.ModelTargets;
import io.lambdahat.trajectory.Targets;
import io.lambdahat.trajectory.TrajectoryRunner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code lambdahat trajectory} as a library call: λ̂ at the chosen checkpoints of a run folder (of {@code lambdahat
 * train} or {@code lambdahat import}) on the run's training set, one record per checkpoint, with one sampler setting
 * for all of them, and optionally one weight-refined λ̂ per attention head.
 */
public final class TrajectoryWorkflow {
    private TrajectoryWorkflow() {}

    /**
     * Which checkpoints: the given steps, or every k-th (always with the last), then one shard of those.
     *
     * @param steps only these steps; null for all
     * @param every every k-th checkpoint, at least 1
     * @param shard the share of this process ({@link Shard#ALL} for all)
     */
    public record Selection(Set<Long> steps, int every, Shard shard) {
        /** Checks k. */
        public Selection {
            if (every < 1) throw new InvalidInputException("--every must be at least 1, got " + every);
            if (shard == null) shard = Shard.ALL;
        }

        /**
         * The chosen checkpoints before sharding.
         *
         * @param all the run's checkpoints, by step
         * @return those chosen, by step
         * @throws InvalidInputException if there are none, or a named step has no checkpoint
         */
        public List<Checkpoints.Checkpoint> choose(List<Checkpoints.Checkpoint> all) {
            if (all.isEmpty()) throw new InvalidInputException("the run has no checkpoints");
            List<Checkpoints.Checkpoint> chosen = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                Checkpoints.Checkpoint c = all.get(i);
                if (steps != null ? steps.contains(c.step()) : (i % every == 0 || i == all.size() - 1)) chosen.add(c);
            }
            if (steps != null && chosen.size() != steps.size()) {
                Set<Long> have = all.stream().map(Checkpoints.Checkpoint::step).collect(Collectors.toSet());
                throw new InvalidInputException("no checkpoint at steps " + steps.stream().filter(s -> !have.contains(s)).sorted().toList()
                        + "; the run has " + have.stream().sorted().toList());
            }
            return chosen;
        }
    }

    /**
     * How to sample.
     *
     * @param base        the sampler settings
     * @param pilotChoosesSteps take ε (and γ unless {@code gamma} is given) recorded for the run, else choose them for
     *                    the data at the run's last checkpoint and record them (whichever checkpoints are selected)
     * @param gamma       the γ the user gave, or null
     * @param onMismatch  what to do with records made with other settings
     * @param perHead     also one weight-refined λ̂ curve per attention head
     * @param targets     what λ̂ is measured against: the training targets, or each checkpoint's own outputs
     */
    public record Settings(SamplerConfig base, boolean pilotChoosesSteps, Double gamma, TrajectoryRunner.Mismatch onMismatch, boolean perHead,
                           Targets targets) {
        /**
         * Null targets are the data's; per-head λ̂ takes its targets from the data only.
         *
         * @throws InvalidInputException for per-head λ̂ with targets from the model
         */
        public Settings {
            if (targets == null) targets = Targets.DATA;
            if (perHead && targets == Targets.MODEL) {
                throw new InvalidInputException("per-head λ̂ takes its targets from the data, not from the model");
            }
        }

        /**
         * Settings that measure λ̂ against the training targets.
         *
         * @param base              the sampler settings
         * @param pilotChoosesSteps choose ε (and γ unless {@code gamma} is given) for the data at the last chosen checkpoint
         * @param gamma             the γ the user gave, or null
         * @param onMismatch        what to do with records made with other settings
         * @param perHead           also one weight-refined λ̂ curve per attention head
         */
        public Settings(SamplerConfig base, boolean pilotChoosesSteps, Double gamma, TrajectoryRunner.Mismatch onMismatch, boolean perHead) {
            this(base, pilotChoosesSteps, gamma, onMismatch, perHead, Targets.DATA);
        }
    }

    /** What the run reports as it goes; every method does nothing unless overridden. */
    public interface Listener {
        /**
         * The pilot chose the settings for every checkpoint.
         *
         * @param step the checkpoint the pilot ran at
         * @param reason why these settings
         */
        default void settingsChosen(long step, String reason) { }

        /**
         * Sampling is about to start, before any pilot (a memory check goes here).
         *
         * @param model the model sampled
         * @param settings the sampler's settings
         */
        default void beforeSampling(ChainModel model, SamplerConfig settings) { }

        /**
         * λ̂ of a checkpoint is being estimated.
         *
         * @param index the checkpoint's place in the run; index == total: all done
         * @param total how many checkpoints are estimated
         * @param step the checkpoint's training step
         */
        default void checkpoint(int index, int total, long step) { }

        /**
         * Per-head λ̂ of a checkpoint is being estimated.
         *
         * @param index the checkpoint's place in the run; index == total: all done
         * @param total how many checkpoints are estimated
         * @param step the checkpoint's training step
         * @param heads how many heads
         */
        default void headCheckpoint(int index, int total, long step, int heads) { }
    }

    /**
     * The outcome of a trajectory.
     *
     * @param outcomes one per chosen checkpoint (and one per failed per-head estimate)
     * @param settings the sampler settings every checkpoint used
     */
    public record Result(List<TrajectoryRunner.Outcome> outcomes, SamplerConfig settings) {
        /** {@return how many estimates failed} */
        public long failed() {
            return outcomes.stream().filter(o -> o.error() != null).count();
        }

        /** {@return how many records were already there} */
        public long reused() {
            return outcomes.stream().filter(TrajectoryRunner.Outcome::reused).count();
        }
    }

    /**
     * Estimates λ̂ at the selected checkpoints; each record goes to RUN/llc/ as soon as it is done, and a record already
     * there with the same settings is kept.
     *
     * @param run       the run folder
     * @param selection which checkpoints
     * @param settings  how to sample
     * @param listener  progress, or null
     * @return the outcomes
     * @throws InvalidInputException if the run cannot be read, has no fixed training set, the selection is empty, or the
     *         settings take targets from a model that is no regression model
     * @throws IOException           if a file cannot be read or written
     */
    public static Result run(Path run, Selection selection, Settings settings, Listener listener) throws IOException {
        Listener l = listener != null ? listener : new Listener() { };
        RunFolder folder = RunFolder.of(run);
        folder.config();
        List<Checkpoints.Checkpoint> all = folder.checkpoints();
        if (all.isEmpty()) throw new InvalidInputException("no checkpoints in " + folder.checkpointFolder());
        List<Checkpoints.Checkpoint> chosen = selection.choose(all);
        try (TrainingTask task = TrajectorySettings.openTask(folder)) {
            if (settings.targets() == Targets.MODEL) ModelTargets.check(task.model(), task.trainingSet());
            SamplerConfig cfg = settings.base();
            // resources before work: the memory check (chains, draws, P: the pilot changes only ε and γ) before any pilot
            l.beforeSampling(task.model(), cfg);
            if (settings.pilotChoosesSteps()) {
                // one setting for the whole run, whichever checkpoints this command selected: see TrajectorySettings
                TrajectorySettings.Chosen chosenSettings = TrajectorySettings.forRun(folder, task, all, cfg, settings.gamma(), settings.targets());
                cfg = chosenSettings.config();
                l.settingsChosen(chosenSettings.step(), chosenSettings.reason());
            }
            chosen = selection.shard().of(chosen);
            List<Checkpoints.Checkpoint> mine = chosen;
            List<TrajectoryRunner.Outcome> outcomes = new ArrayList<>(new TrajectoryRunner(task.model(), task.trainingSet(), cfg, folder.llcRecords())
                    .onMismatch(settings.onMismatch())
                    .targets(settings.targets())
                    .listener(new TrajectoryRunner.Listener() {
                        public void checkpointStarted(int index, int total, long step) {
                            l.checkpoint(index, total, step);
                        }

                        public SamplerObserver samplerObserver() {
                            return SamplerObserver.NONE;
                        }
                    })
                    .run(mine));
            l.checkpoint(mine.size(), mine.size(), mine.isEmpty() ? 0 : mine.getLast().step());
            if (settings.perHead()) {
                HeadTrajectory heads = new HeadTrajectory(task.model(), task.trainingSet(), cfg, folder.headRecords());
                int count = heads.heads().size();
                for (int i = 0; i < mine.size(); i++) {
                    l.headCheckpoint(i, mine.size(), mine.get(i).step(), count);
                    heads.run(List.of(mine.get(i))).stream().filter(o -> o.error() != null).forEach(outcomes::add);
                }
                l.headCheckpoint(mine.size(), mine.size(), mine.isEmpty() ? 0 : mine.getLast().step(), count);
            }
            return new Result(outcomes, cfg);
        }
    }
}
