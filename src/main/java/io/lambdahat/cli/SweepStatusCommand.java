package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;
import io.lambdahat.sweep.SlurmExecutor;
import io.lambdahat.sweep.SweepFolder;
import io.lambdahat.sweep.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code lambdahat sweep status SWEEP}: every cell's state and the sweep's Slurm jobs. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Per cell: pending, running, done or failed (and the sweep's Slurm jobs where squeue/sacct are present).")
final class SweepStatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", description = "the sweep folder")
    Path sweep;

    @Override
    public Integer call() throws Exception {
        SweepFolder folder = new SweepFolder(sweep.toAbsolutePath());
        if (!Files.exists(folder.spec())) throw new InvalidInputException(sweep + " is not a sweep folder (no sweep.json)");
        SweepSpec s = SweepCommand.check(folder.spec());
        PrintWriter o = spec.commandLine().getOut();
        Map<SweepFolder.State, Integer> counts = new EnumMap<>(SweepFolder.State.class);
        for (SweepSpec.Cell c : s.cells()) {
            SweepFolder.State st = folder.cellState(c.name());
            counts.merge(st, 1, Integer::sum);
            String why = st == SweepFolder.State.FAILED ? "  " + folder.failure(c.name()) : "";
            o.printf("  %-8s %s%s%n", st.name().toLowerCase(Locale.ROOT), c.name(), why);
        }
        o.println(counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
        SlurmExecutor.JobStates jobs = SlurmExecutor.jobStates(folder);
        if (jobs != null) {
            o.println("Slurm jobs " + jobs.ids() + (jobs.queued() == null && jobs.accounted() == null ? ": squeue and sacct are not available here" : ":"));
            if (jobs.queued() != null) jobs.queued().lines().forEach(l -> o.println("  queued   " + l.strip()));
            if (jobs.accounted() != null) jobs.accounted().lines().forEach(l -> o.println("  accounted " + l.strip()));
        }
        o.flush();
        return counts.getOrDefault(SweepFolder.State.FAILED, 0) == 0 ? 0 : 1;
    }
}
