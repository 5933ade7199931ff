package io.lambdahat.cli;

import io.lambdahat.train.ImportedRun;
import io.lambdahat.workflow.RunImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lambdahat import}: a PyTorch run (TorchScript module + safetensors checkpoints) as a run folder. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a run folder of a PyTorch run, so that trajectory, stages, report, calibrate and watch work on it.",
                "The checkpoints (safetensors state_dicts) are referred to, not copied; the step of each comes from its file or",
                "folder name (step_001500.safetensors, checkpoint-1500/model.safetensors)."},
        footer = {"", "Example:",
                "  ./lambdahat import --torchscript run/model.pt --checkpoints 'run/ckpt/*.safetensors' --data run/data.safetensors --out runs/mine"})
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--torchscript", required = true, description = "the model: a TorchScript file (torch.jit.save)")
    Path torchscript;
    @Option(names = "--checkpoints", required = true, description = "a glob of safetensors state_dicts, e.g. 'DIR/*.safetensors' "
            + "or 'DIR/checkpoint-*/model.safetensors' (quote it)")
    String checkpoints;
    @Option(names = "--data", required = true, description = "the data λ̂ is measured on: .safetensors with x and y, or an .npy of inputs")
    Path data;
    @Option(names = "--targets", description = "an .npy of targets, with --data x.npy")
    Path targets;
    @Option(names = "--loss", description = "cross-entropy, mse or module (default: cross-entropy for integer targets, mse for float ones)")
    String loss;
    @Option(names = "--metrics", description = "the run's own log: a .csv with a step column or .jsonl with a \"step\" key (for stages and report)")
    Path metrics;
    @Option(names = "--out", required = true, description = "the run folder to write")
    Path out;
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RunImport.Imported r = RunImport.of(new RunImport.Sources(torchscript, checkpoints, data, targets, loss, metrics), out, note -> {
            err.println(note);
            err.flush();
        });
        for (ImportedRun.Found f : r.incomplete()) {
            err.println("note: " + f.file() + " is still being written (or truncated); left out until it is complete");
        }
        List<ImportedRun.Found> linked = r.linked();
        PrintWriter o = spec.commandLine().getOut();
        o.printf("imported %d checkpoints (steps %d … %d) of %s into %s%n", linked.size(), linked.get(0).step(),
                linked.get(linked.size() - 1).step(), torchscript.getFileName(), out);
        o.printf("next: ./lambdahat trajectory --run %s && ./lambdahat stages --run %s && ./lambdahat report --run %s%n", out, out, out);
        o.flush();
        err.flush();
        return 0;
    }
}
