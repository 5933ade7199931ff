package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Which of a run's checkpoints to estimate λ̂ at: every k-th (and always the last), or the named steps. */
public final class CheckpointSelection {
    private CheckpointSelection() {}

    /**
     * Every {@code every}-th checkpoint, counting from the first, and the last.
     *
     * @param run   the run folder
     * @param every 1 for all of them
     * @return the chosen checkpoints, in step order
     * @throws IOException if the checkpoint folder cannot be listed
     * @throws InvalidInputException if {@code every} is below 1 or there are no checkpoints
     */
    public static List<Checkpoints.Checkpoint> every(RunFolder run, int every) throws IOException {
        if (every < 1) throw new InvalidInputException("--every must be at least 1, got " + every);
        List<Checkpoints.Checkpoint> all = all(run);
        List<Checkpoints.Checkpoint> chosen = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) if (i % every == 0 || i == all.size() - 1) chosen.add(all.get(i));
        return chosen;
    }

    /**
     * The checkpoints at the given steps.
     *
     * @param run   the run folder
     * @param steps the training steps wanted
     * @return the chosen checkpoints, in step order
     * @throws IOException if the checkpoint folder cannot be listed
     * @throws InvalidInputException if there are no checkpoints, or a step has none (naming the steps the run has)
     */
    public static List<Checkpoints.Checkpoint> atSteps(RunFolder run, Collection<Long> steps) throws IOException {
        List<Checkpoints.Checkpoint> all = all(run);
        List<Checkpoints.Checkpoint> chosen = all.stream().filter(c -> steps.contains(c.step())).toList();
        Set<Long> wanted = Set.copyOf(steps);
        if (chosen.size() != wanted.size()) {
            Set<Long> have = all.stream().map(Checkpoints.Checkpoint::step).collect(Collectors.toSet());
            throw new InvalidInputException("no checkpoint at steps " + wanted.stream().filter(s -> !have.contains(s)).sorted().toList()
                    + "; the run has " + have.stream().sorted().toList());
        }
        return chosen;
    }

    private static List<Checkpoints.Checkpoint> all(RunFolder run) throws IOException {
        List<Checkpoints.Checkpoint> all = run.checkpoints();
        if (all.isEmpty()) throw new InvalidInputException("no checkpoints in " + run.checkpointFolder());
        return all;
    }
}
