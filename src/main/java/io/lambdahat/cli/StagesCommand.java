package io.lambdahat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.dynamics.StageAnalysis;
import io.lambdahat.dynamics.StageDetector;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.report.RunReport;
import io.lambdahat.trajectory.RunRecords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lambdahat stages}: developmental stages from a run's λ̂ trajectory. */
@Command(name = "stages", mixinStandardHelpOptions = true,
        description = {"Find the stages of a training run: smooth λ̂ and the loss in log step (Gaussian process), put boundaries at",
                "critical points of λ̂, and type each stage (A: loss ↓ λ̂ ↑; B: loss flat, λ̂ ↓). Writes DIR/stages.json."},
        footer = {"", "Example:", "  ./lambdahat stages --run runs/dln"})
final class StagesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--run", required = true, description = "run folder (with llc/ records from 'lambdahat trajectory')")
    Path run;
    @Option(names = "--json", description = "print the analysis as JSON")
    boolean json;
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    static StageAnalysis analyse(Path run) throws Exception {
        List<RunRecords.Entry> entries = RunRecords.read(run);
        StageAnalysis analysis = StageDetector.detect(RunRecords.trajectory(entries));
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(RunReport.stagesJson(analysis));
        AtomicFiles.writeString(run.resolve("stages.json"), text);
        return analysis;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(run)) throw new IllegalArgumentException("run folder " + run + " does not exist");
        StageAnalysis analysis = analyse(run);
        var out = spec.commandLine().getOut();
        if (json) out.println(Files.readString(run.resolve("stages.json")));
        else out.print(RunReport.stageTable(analysis));
        out.flush();
        return 0;
    }
}
