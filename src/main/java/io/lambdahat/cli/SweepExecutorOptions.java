package io.lambdahat.cli;

import picocli.CommandLine.Option;

/** How a sweep's cells run: the executor and its options (shared by {@code sweep} and {@code sweep resume}). */
final class SweepExecutorOptions {
    @Option(names = "--executor", defaultValue = "local", description = "local (child processes here) or slurm (sbatch job arrays); default ${DEFAULT-VALUE}")
    String executor;
    @Option(names = "--jobs", description = "at most this many processes (local) or array tasks (slurm, the array throttle %%K) at once; local default: one per core")
    Integer jobs;
    @Option(names = "--dry-run", description = "print the cells (local) or the sbatch scripts (slurm) and start nothing")
    boolean dryRun;
    @Option(names = "--partition", description = "slurm: --partition")
    String partition;
    @Option(names = "--account", description = "slurm: --account")
    String account;
    @Option(names = "--time", description = "slurm: --time per task, e.g. 1:00:00")
    String time;
    @Option(names = "--mem", description = "slurm: --mem per task, e.g. 8G")
    String mem;
    @Option(names = "--cpus", description = "slurm: --cpus-per-task")
    Integer cpus;
    @Option(names = "--gpus", description = "slurm: --gres=gpu:N per task")
    Integer gpus;
}
