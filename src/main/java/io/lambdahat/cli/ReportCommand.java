package io.lambdahat.cli;

import io.lambdahat.workflow.RunReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code lambdahat report}: the HTML report of a run. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write DIR/report.html (self-contained, charts embedded), DIR/report/*.png and DIR/trajectory.csv for a run.",
        footer = {"", "Example:", "  ./lambdahat report --run runs/dln"})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RunOption run;
    @Mixin
    VerboseOption verbose;
    @Option(names = "--mixed-settings", description = "report records made with different sampler settings (refused by default)")
    boolean mixedSettings;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RunReportWriter.Written written = RunReportWriter.write(run.run, line -> {
            err.println(line);
            err.flush();
        }, mixedSettings);
        spec.commandLine().getOut().println("wrote " + written.html());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
