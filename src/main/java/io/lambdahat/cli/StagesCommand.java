package io.lambdahat.cli;

import io.lambdahat.run.RunFolder;
import io.lambdahat.workflow.RunStages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;

/** {@code lambdahat stages}: developmental stages from a run's λ̂ trajectory. */
@Command(name = "stages", mixinStandardHelpOptions = true,
        description = {"Find the stages of a training run: smooth λ̂ and the loss in log step (Gaussian process), put boundaries at",
                "critical points of λ̂, and type each stage (A: loss ↓ λ̂ ↑; B: loss flat, λ̂ ↓). Also where each task metric of",
                "metrics.csv (held-out loss, ICL score, ...) changes fastest. Writes DIR/stages.json."},
        footer = {"", "Example:", "  ./lambdahat stages --run runs/dln"})
final class StagesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RunOption run;
    @Option(names = "--json", description = "print the analysis as JSON")
    boolean json;
    @Mixin
    VerboseOption verbose;
    @Option(names = "--mixed-settings", description = "analyse records made with different sampler settings (refused by default)")
    boolean mixedSettings;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RunStages.Analysis analysis = RunStages.analyse(run.run, err::println, mixedSettings);
        err.flush();
        PrintWriter out = spec.commandLine().getOut();
        if (json) out.println(Files.readString(RunFolder.of(run.run).stagesFile()));
        else RunPrinting.stages(out, analysis);
        out.flush();
        return 0;
    }
}
