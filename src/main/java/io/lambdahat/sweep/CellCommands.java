package io.lambdahat.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lambdahat command lines of a sweep cell's three steps. A cell is defined by command lines (so that a sweep runs
 * exactly what a user would run by hand, and the commands' own option checks apply to the spec); every executor runs
 * these.
 */
public final class CellCommands {
    private CellCommands() {}

    /**
     * {@return {@code train} of one cell into its run folder}
     *
     * @param spec the sweep spec (its task)
     * @param cell the cell (its seed and training options)
     * @param run the cell's run folder
     */
    public static List<String> train(SweepSpec spec, SweepSpec.Cell cell, Path run) {
        List<String> a = new ArrayList<>(List.of("train", "--task", spec.task(), "--seed", Long.toString(cell.seed()), "--out", run.toString(), "--quiet"));
        a.addAll(cell.train());
        return a;
    }

    /**
     * {@return {@code trajectory} over one shard of the cell's checkpoints}
     *
     * @param cell the cell (its trajectory options)
     * @param run the cell's run folder
     * @param shard the share of the checkpoints
     */
    public static List<String> trajectory(SweepSpec.Cell cell, Path run, Shard shard) {
        List<String> a = new ArrayList<>(List.of("trajectory", "--run", run.toString(), "--shard", shard.toString(), "--quiet"));
        a.addAll(cell.trajectory());
        return a;
    }

    /**
     * {@return {@code stages} of the cell's run}
     *
     * @param cell the cell (its stage options)
     * @param run the cell's run folder
     */
    public static List<String> stages(SweepSpec.Cell cell, Path run) {
        List<String> a = new ArrayList<>(List.of("stages", "--run", run.toString()));
        a.addAll(cell.stages());
        return a;
    }
}
