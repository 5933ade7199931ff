package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.sampling.DefaultSettings;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.tasks.TrainingTask;
import io.lambdahat.torch.Tensor;
import io.lambdahat.train.Trainer;
import io.lambdahat.trajectory.ModelTargets;
import io.lambdahat.trajectory.Targets;

import java.io.IOException;
import java.util.List;

/**
 * What every λ̂ trajectory over a run's checkpoints shares: the run's task with its fixed training set, and one setting
 * for all checkpoints, ε and γ chosen by {@link DefaultSettings} at the last chosen checkpoint (of the whole run, not
 * of a shard, so that every shard samples with the same settings), on the loss the chains sample (the training
 * targets, or the checkpoint's own outputs: {@link Targets}).
 */
final class TrajectorySettings {
    private TrajectorySettings() {}

    /**
     * The pilot's choice and the setting it gives.
     *
     * @param config the setting for every checkpoint
     * @param choice what the pilot chose and why
     * @param step   the checkpoint it ran at
     */
    record Chosen(SamplerConfig config, DefaultSettings.Choice choice, long step) {}

    /** {@return the run's task, refused when it has no fixed training set to sample λ̂ on; the caller closes it} */
    static TrainingTask openTask(RunFolder run) throws IOException {
        TrainingTask task = Trainer.openTask(run);
        if (task.trainingSet() == null) {
            task.close();
            throw new InvalidInputException("the run's task generates fresh batches and has no fixed training set to sample λ̂ on");
        }
        return task;
    }

    /**
     * ε and γ for every checkpoint, chosen for the data at the last chosen checkpoint.
     *
     * @param gamma   γ to keep instead of the pilot's, or null to take the pilot's
     * @param targets what λ̂ is measured against: the pilot runs on the same loss as the chains
     */
    static Chosen atLastCheckpoint(RunFolder run, TrainingTask task, List<Checkpoints.Checkpoint> chosen, SamplerConfig base, Double gamma,
                                   Targets targets) throws IOException {
        Checkpoints.Checkpoint last = chosen.getLast();
        try (Tensor wStar = run.loadCheckpoint(last, task.model());
             ModelTargets own = targets == Targets.MODEL ? ModelTargets.at(task.model(), task.trainingSet(), wStar) : null) {
            DefaultSettings.Choice choice = DefaultSettings.choose(task.model(), own != null ? own.data() : task.trainingSet(), wStar, base);
            SamplerConfig config = base.toBuilder().epsilon(choice.epsilon()).gamma(gamma != null ? gamma : choice.gamma()).build();
            return new Chosen(config, choice, last.step());
        }
    }
}
