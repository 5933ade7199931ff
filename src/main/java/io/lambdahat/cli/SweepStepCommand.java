package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;
import io.lambdahat.sweep.CellCommands;
import io.lambdahat.sweep.Shard;
import io.lambdahat.sweep.SweepFolder;
import io.lambdahat.sweep.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lambdahat sweep step}: one step of one cell, between its started and finished markers — what the local and
 * Slurm executors run. The step itself is the cell's command line ({@link CellCommands}), run in this JVM.
 */
@Command(name = "step", hidden = true, description = "Run one step of one cell (what the local and Slurm executors run).")
final class SweepStepCommand implements Callable<Integer> {
    @Option(names = "--out", required = true)
    Path out;
    @Option(names = "--cell", required = true)
    String cell;
    @Option(names = "--step", required = true)
    String step;
    @Option(names = "--shard")
    String shard;

    @Override
    public Integer call() throws Exception {
        SweepFolder folder = new SweepFolder(out.toAbsolutePath());
        SweepSpec s = SweepCommand.check(folder.spec());
        SweepSpec.Cell c = s.cells().stream().filter(x -> x.name().equals(cell)).findFirst()
                .orElseThrow(() -> new InvalidInputException("the sweep " + out + " has no cell " + cell));
        Path run = folder.run(c.name());
        Shard part = shard == null ? new Shard(1, s.shards()) : Shard.parse(shard);
        List<String> args;
        String name;
        switch (step) {
            case "train" -> { args = CellCommands.train(s, c, run); name = "train"; }
            case "trajectory" -> { args = CellCommands.trajectory(c, run, part); name = SweepFolder.trajectoryStep(part); }
            case "stages" -> {
                for (int i = 1; i <= s.shards(); i++) {
                    String t = SweepFolder.trajectoryStep(new Shard(i, s.shards()));
                    if (!folder.done(c.name(), t)) {
                        folder.finished(c.name(), "stages", 1, t + " is not done");
                        System.err.println("error: " + c.name() + ": " + t + " is not done");
                        return 1;
                    }
                }
                args = CellCommands.stages(c, run);
                name = "stages";
                if (!s.runStages()) {
                    folder.finished(c.name(), name, 0, "stage detection left out (\"stages\": false)");
                    return 0;
                }
            }
            default -> throw new InvalidInputException("--step must be train, trajectory or stages, got '" + step + "'");
        }
        if (folder.done(c.name(), name)) return 0;
        String where = "host " + InetAddress.getLocalHost().getHostName() + " pid " + ProcessHandle.current().pid()
                + (System.getenv("SLURM_JOB_ID") != null ? " slurm job " + System.getenv("SLURM_JOB_ID") : "");
        folder.started(c.name(), name, where);
        System.err.println("lambdahat " + String.join(" ", args));
        // the step's error line goes to the log as always, and into the failed marker, so that status and compare say why
        StringBuilder errors = new StringBuilder();
        java.io.Writer tee = new java.io.Writer() {
            private final java.io.PrintStream to = System.err;

            @Override
            public void write(char[] b, int off, int len) {
                to.print(new String(b, off, len));
                if (errors.length() < 1 << 16) errors.append(b, off, Math.min(len, (1 << 16) - errors.length()));
            }

            @Override
            public void flush() {
                to.flush();
            }

            @Override
            public void close() {
                to.flush();
            }
        };
        picocli.CommandLine cl = Main.newCommandLine();
        cl.setErr(new java.io.PrintWriter(tee, true));
        int code = cl.execute(args.toArray(String[]::new));
        cl.getErr().flush();
        String command = "lambdahat " + String.join(" ", args);
        String error = errors.toString().lines().filter(l -> l.startsWith("error: ")).reduce((a, b) -> b).orElse(null);
        folder.finished(c.name(), name, code, code != 0 && error != null ? error.substring("error: ".length()) + " [" + command + "]" : command);
        return code;
    }
}
