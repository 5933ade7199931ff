package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.report.SweepReport;
import io.lambdahat.sweep.ComparisonTables;
import io.lambdahat.sweep.SweepComparison;
import io.lambdahat.sweep.SweepFolder;
import io.lambdahat.workflow.RunStages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lambdahat compare}: statistics of λ̂ transitions across the runs of a sweep. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare the runs of a sweep: per setting (cells that differ only by seed), every",
                "run's λ̂ and loss with the median across seeds and a 25-75 %% band; each λ̂",
                "transition's step per seed, matched across runs by kind and order; and its lead",
                "over the nearest task-metric transition with a 95 %% t-interval over seeds.",
                "Prints one table per setting and writes SWEEP/compare.json and the sweep report",
                "SWEEP/report.html. Cells without λ̂ records (failed, or not run yet) are left",
                "out and listed with their reasons: the comparison is then marked PARTIAL",
                "(\"partial\": true in compare.json)."},
        footer = {"", "Example:", "  ./lambdahat compare sweeps/dln"})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", description = "the sweep folder (from 'lambdahat sweep --out SWEEP')")
    Path sweep;
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(sweep)) throw new InvalidInputException("sweep folder " + sweep + " does not exist: run 'lambdahat sweep --spec SPEC --out " + sweep + "' first");
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        // the stages of each cell exactly as 'lambdahat stages' finds them (this also rewrites the cell's stages.json)
        SweepComparison.Comparison c = SweepComparison.compare(sweep, run -> {
            RunStages.Analysis a = RunStages.analyse(run, err::println, false);
            return new SweepComparison.CellStages(a.stages(), a.metrics());
        });
        SweepFolder folder = new SweepFolder(sweep);
        Path json = folder.compareJson(), html = folder.report();
        AtomicFiles.writeString(json, ComparisonTables.json(c));
        SweepReport.write(html, c);
        out.print(ComparisonTables.text(c));
        out.println("wrote " + json + " and " + html);
        if (c.partial()) {
            err.println("note: a partial comparison: " + c.unfinished().size() + " of the sweep's cells have no λ̂ records and are left out "
                    + "(listed above and in " + json.getFileName() + "); rerun the sweep to redo them");
        }
        out.flush();
        return 0;
    }
}
