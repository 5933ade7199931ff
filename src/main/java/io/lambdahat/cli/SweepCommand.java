package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;
import io.lambdahat.sweep.CellCommands;
import io.lambdahat.sweep.LocalExecutor;
import io.lambdahat.sweep.Shard;
import io.lambdahat.sweep.SlurmExecutor;
import io.lambdahat.sweep.SlurmScripts;
import io.lambdahat.sweep.SweepFolder;
import io.lambdahat.sweep.SweepSpec;
import io.lambdahat.tasks.TaskRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code lambdahat sweep}: many runs (seeds × settings) on this machine or on a Slurm cluster. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a grid of runs from a JSON spec: each cell (a seed and one value of every listed setting) is an ordinary",
                "run folder SWEEP/cells/<name>/ that goes through train, trajectory (in --shards pieces) and stages.",
                "Rerunning skips finished cells and redoes failed ones."},
        subcommands = {SweepStatusCommand.class, SweepResumeCommand.class, SweepStepCommand.class},
        footer = {"", "Spec:", "  {\"task\": \"dln\", \"seeds\": [0, 1, 2], \"shards\": 3,",
                "   \"train\": {\"steps\": 200, \"num-checkpoints\": 4, \"lr\": [0.05, 0.1]},",
                "   \"trajectory\": {\"draws\": 100, \"chains\": 2, \"targets-from\": \"model\"}}",
                "Each key of train, trajectory and stages is an option of that command (given",
                "once); a list is swept over. targets-from model: λ̂ of the learned function, so",
                "that a checkpoint on a saddle still counts.", "", "Examples:",
                "  ./lambdahat sweep --spec sweep.json --out sweeps/dln",
                "  ./lambdahat sweep --spec sweep.json --out sweeps/dln --executor slurm --partition gpu --gpus 1 --time 1:00:00 --dry-run",
                "  ./lambdahat sweep status sweeps/dln",
                "  ./lambdahat sweep resume sweeps/dln --executor slurm --partition gpu --gpus 1 --time 1:00:00"})
final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--spec", description = "the sweep spec (JSON); required")
    Path specFile;
    @Option(names = "--out", description = "the sweep folder (created; reused to resume); required")
    Path out;
    @Mixin
    SweepExecutorOptions run = new SweepExecutorOptions();
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    /** The launcher that child processes and Slurm tasks run: the one that started this JVM, else ./lambdahat. */
    static Path launcher() {
        String p = System.getProperty("lambdahat.launcher");
        if (p == null || p.isBlank()) p = System.getenv("LAMBDAHAT_LAUNCHER");
        if (p == null || p.isBlank()) p = Path.of(System.getProperty("user.dir"), "lambdahat").toString();
        return Path.of(p).toAbsolutePath();
    }

    /** Reads a spec and checks every cell's command line against the commands' own options, before anything starts. */
    static SweepSpec check(Path file) throws IOException {
        CommandLine cl = Main.newCommandLine();
        SweepSpec s = SweepSpec.read(file, (command, key) -> cl.getSubcommands().get(command).getCommandSpec().findOption("--" + key) != null);
        TaskRegistry.trainable(s.task());
        // cells that differ only by seed have the same options: each distinct command line is parsed once (a
        // 1000-seed sweep would otherwise build 3000 command-line parsers, a minute of 'sweep status')
        Set<List<String>> checked = new HashSet<>();
        for (SweepSpec.Cell c : s.cells()) {
            SweepSpec.Cell anySeed = new SweepSpec.Cell(c.name(), 0, c.train(), c.trajectory(), c.stages());
            Path x = Path.of("x");
            for (List<String> args : List.of(CellCommands.train(s, anySeed, x), CellCommands.trajectory(c, x, Shard.ALL), CellCommands.stages(c, x))) {
                if (!checked.add(args)) continue;
                try {
                    cl.parseArgs(args.toArray(String[]::new));
                } catch (CommandLine.ParameterException e) {
                    throw new InvalidInputException("sweep spec, cell " + c.name() + ", lambdahat " + args.get(0) + ": " + e.getMessage());
                }
            }
        }
        return s;
    }

    @Override
    public Integer call() throws Exception {
        // not picocli-required: 'sweep status' and 'sweep step' would then require them too
        if (specFile == null || out == null) throw new InvalidInputException("give --spec FILE and --out SWEEP (see 'lambdahat sweep --help')");
        return start(specFile, out, run, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Runs (or resumes) a sweep: the cells not done yet, on the chosen executor.
     *
     * @return the exit code
     */
    static int start(Path specFile, Path out, SweepExecutorOptions run, PrintWriter o, PrintWriter err) throws Exception {
        if (!run.executor.equals("local") && !run.executor.equals("slurm")) {
            throw new InvalidInputException("--executor must be local or slurm, got '" + run.executor + "'");
        }
        if (run.jobs != null && run.jobs < 1) throw new InvalidInputException("--jobs must be at least 1, got " + run.jobs);
        SweepSpec s = check(specFile);
        SweepFolder folder = new SweepFolder(out.toAbsolutePath());
        folder.checkCanHoldSweep();   // never into a run folder or someone's files
        int code = run.executor.equals("slurm") ? slurm(s, folder, specFile, out, run, o) : local(s, folder, specFile, out, run, o, err);
        o.flush();
        return code;
    }

    private static int local(SweepSpec s, SweepFolder folder, Path specFile, Path out, SweepExecutorOptions run, PrintWriter o, PrintWriter err)
            throws Exception {
        List<SweepSpec.Cell> cells = s.cells();
        int k = run.jobs != null ? run.jobs : Runtime.getRuntime().availableProcessors();
        if (run.dryRun) {
            o.printf("%d cells, %d shards each, %d processes at once:%n", cells.size(), s.shards(), k);
            for (SweepSpec.Cell c : cells) {
                Path cell = folder.run(c.name());
                o.println("  " + c.name() + ": lambdahat " + String.join(" ", CellCommands.train(s, c, cell)) + " && lambdahat "
                        + String.join(" ", CellCommands.trajectory(c, cell, new Shard(1, s.shards()))).replace("--shard 1/", "--shard I/")
                        + " && lambdahat " + String.join(" ", CellCommands.stages(c, cell)));
            }
            return 0;
        }
        try (AutoCloseable lock = folder.lock()) {
            folder.recordSpec(specFile);
            long done = cells.stream().filter(c -> folder.done(c.name(), "stages")).count();
            err.printf("sweep of %d cells in %s (%d already done), %d processes at once%n", cells.size(), out, done, k);
            err.flush();
            int failed = new LocalExecutor(launcher(), folder, s, k, err).run(cells);
            o.printf("%d of %d cells done, %d failed; run folders in %s%n", cells.size() - failed, cells.size(), failed, out.resolve("cells"));
            return failed == 0 ? 0 : 1;
        }
    }

    private static int slurm(SweepSpec s, SweepFolder folder, Path specFile, Path out, SweepExecutorOptions run, PrintWriter o) throws Exception {
        List<SweepSpec.Cell> todo = s.cells().stream().filter(c -> !folder.done(c.name(), "stages")).toList();
        if (todo.isEmpty()) {
            o.println("every cell of " + out + " is done; nothing to submit");
            return 0;
        }
        Map<String, String> scripts = new SlurmScripts(run.partition, run.account, run.time, run.mem, run.cpus, run.gpus, run.jobs).scripts(launcher(), folder, todo, s.shards());
        if (run.dryRun) {
            for (int i = 0; i < SlurmScripts.ORDER.size(); i++) {
                String name = SlurmScripts.ORDER.get(i);
                o.println("# " + folder.slurm().resolve(name) + (i == 0 ? "" : "  (sbatch --dependency=" + SlurmScripts.DEPENDENCY.get(i) + ":<previous job>)"));
                o.println(scripts.get(name));
            }
            return 0;
        }
        try (AutoCloseable lock = folder.lock()) {
            folder.recordSpec(specFile);
            List<String> ids = new SlurmExecutor(System.getProperty("lambdahat.sbatch", "sbatch")).submit(folder, todo, scripts).ids();
            o.printf("submitted %d cells × %d shards: training job %s, trajectory job %s, stages job %s; follow with 'lambdahat sweep status %s'%n",
                    todo.size(), s.shards(), ids.get(0), ids.get(1), ids.get(2), out);
            return 0;
        }
    }
}
