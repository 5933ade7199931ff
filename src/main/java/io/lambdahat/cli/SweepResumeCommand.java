package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;
import io.lambdahat.sweep.SweepFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code lambdahat sweep resume SWEEP}: the sweep again with the spec it was started with — only the cells not done
 * (the failed and the unfinished ones) run or are resubmitted; finished records are kept.
 */
@Command(name = "resume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run or resubmit the cells of a sweep that are not done (failed, or stopped midway), with the spec in SWEEP/sweep.json.",
                "Finished cells and records are kept; a trajectory shard goes on from its last finished record."})
final class SweepResumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", description = "the sweep folder")
    Path sweep;
    @Mixin
    SweepExecutorOptions run = new SweepExecutorOptions();

    @Override
    public Integer call() throws Exception {
        SweepFolder folder = new SweepFolder(sweep.toAbsolutePath());
        if (!Files.isRegularFile(folder.spec())) {
            throw new InvalidInputException(sweep + " is not a sweep folder (no sweep.json): start it with 'lambdahat sweep --spec SPEC --out " + sweep + "'");
        }
        return SweepCommand.start(folder.spec(), sweep, run, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
