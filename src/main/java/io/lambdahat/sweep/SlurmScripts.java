package io.lambdahat.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sbatch scripts of a sweep: a training job array (one task per cell), a trajectory job array (one task per cell
 * and shard, {@code --dependency=afterok:<training job>}) and one aggregation job ({@code afterany} on the trajectory
 * array, so that the cells that did finish get their stages even when another cell failed). Every task runs
 * {@code lambdahat sweep step}, which writes the same markers as the local executor.
 *
 * @param partition  {@code --partition}, or null
 * @param account    {@code --account}, or null
 * @param time       {@code --time} per task, or null
 * @param memory     {@code --mem} per task, or null
 * @param cpus       {@code --cpus-per-task}, or null
 * @param gpus       {@code --gres=gpu:N} per task, or null
 * @param throttle   the array throttle {@code %K}, or null for none
 */
public record SlurmScripts(String partition, String account, String time, String memory, Integer cpus, Integer gpus, Integer throttle) {
    /**
     * The three scripts.
     *
     * @param launcher the {@code lambdahat} launcher the tasks run (on a file system the nodes share)
     * @param folder   the sweep folder
     * @param cells    the cells to run (those not done)
     * @param shards   trajectory shards per cell
     * @return each script's text by file name ({@link #ORDER} is the submission order)
     */
    public Map<String, String> scripts(Path launcher, SweepFolder folder, List<SweepSpec.Cell> cells, int shards) {
        String names = String.join(" ", cells.stream().map(SweepSpec.Cell::name).toList());
        String sweep = quote(folder.root().toAbsolutePath().toString());
        String lambdahat = quote(launcher.toAbsolutePath().toString());
        String train = header("lh-train", "0-" + (cells.size() - 1) + arraySuffix(), folder, true)
                + "cells=(" + names + ")\n"
                + "exec bash " + lambdahat + " sweep step --out " + sweep + " --cell \"${cells[$SLURM_ARRAY_TASK_ID]}\" --step train\n";
        String trajectory = header("lh-trajectory", "0-" + (cells.size() * shards - 1) + arraySuffix(), folder, true)
                + "cells=(" + names + ")\n"
                + "shards=" + shards + "\n"
                + "# task t: cell t / shards, shard t % shards + 1\n"
                + "cell=\"${cells[$((SLURM_ARRAY_TASK_ID / shards))]}\"\n"
                + "exec bash " + lambdahat + " sweep step --out " + sweep + " --cell \"$cell\" --step trajectory --shard $((SLURM_ARRAY_TASK_ID % shards + 1))/$shards\n";
        String aggregate = header("lh-stages", null, folder, false)
                + "cells=(" + names + ")\n"
                + "failed=0\n"
                + "for cell in \"${cells[@]}\"; do\n"
                + "  bash " + lambdahat + " sweep step --out " + sweep + " --cell \"$cell\" --step stages || failed=1\n"
                + "done\n"
                + "exit $failed\n";
        return Map.of("train.sbatch", train, "trajectory.sbatch", trajectory, "stages.sbatch", aggregate);
    }

    /** The submission order and the dependency each script waits on (the previous one's job id). */
    public static final List<String> ORDER = List.of("train.sbatch", "trajectory.sbatch", "stages.sbatch");
    /** The dependency type of each script on the previous one's job. */
    public static final List<String> DEPENDENCY = List.of("", "afterok", "afterany");

    private String arraySuffix() {
        return throttle == null ? "" : "%" + throttle;
    }

    /** The #SBATCH lines; the stages job runs on CPUs (stage detection needs no GPU), so it asks for none. */
    private String header(String job, String array, SweepFolder folder, boolean gpu) {
        List<String> lines = new ArrayList<>();
        lines.add("#!/bin/bash");
        lines.add("#SBATCH --job-name=" + job);
        if (array != null) lines.add("#SBATCH --array=" + array);
        String log = folder.logs().toAbsolutePath() + "/" + job + (array != null ? "-%A_%a.out" : "-%j.out");
        lines.add("#SBATCH --output=" + log);
        if (partition != null) lines.add("#SBATCH --partition=" + partition);
        if (account != null) lines.add("#SBATCH --account=" + account);
        if (time != null) lines.add("#SBATCH --time=" + time);
        if (memory != null) lines.add("#SBATCH --mem=" + memory);
        if (cpus != null) lines.add("#SBATCH --cpus-per-task=" + cpus);
        if (gpu && gpus != null && gpus > 0) lines.add("#SBATCH --gres=gpu:" + gpus);
        lines.add("set -euo pipefail");
        return String.join("\n", lines) + "\n";
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
