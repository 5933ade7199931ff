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
                "  ./lambdahat import --torchscript run/model.pt --checkpoints 'run/ckpt/*.safetensors' --data run/data.safetensors --out runs/mine",
                "  ./lambdahat import ... --out runs/mine --append     # the same run again, later: only the new checkpoints"})
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
    @Option(names = "--out", required = true, description = "the run folder to write: new or empty (a folder that holds a run is "
            + "refused unless --force or --append says what happens to it)")
    Path out;
    @Option(names = "--force", description = "delete the run in --out (its config, checkpoint links, metrics, λ̂ records, stages and "
            + "reports; files that are not a run's stay) and import into it")
    boolean force;
    @Option(names = "--append", description = "--out holds an import of the same PyTorch run (module, data, glob): link only the "
            + "checkpoints added since, keeping its λ̂ records; --metrics, if given, replaces its metrics")
    boolean append;
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (force && append) throw new io.lambdahat.InvalidInputException("give --force (replace the run in --out) or --append (add to it), not both");
        RunImport.Existing existing = force ? RunImport.Existing.FORCE : append ? RunImport.Existing.APPEND : RunImport.Existing.REFUSE;
        RunImport.Imported r = RunImport.of(new RunImport.Sources(torchscript, checkpoints, data, targets, loss, metrics), out, existing, note -> {
            err.println(note);
            err.flush();
        });
        for (ImportedRun.Found f : r.incomplete()) {
            err.println("note: " + f.file() + " is still being written (or truncated); left out until it is complete");
        }
        List<ImportedRun.Found> linked = r.linked();
        PrintWriter o = spec.commandLine().getOut();
        if (r.replaced()) o.printf("replaced the run that was in %s%n", out);
        if (r.appended() && linked.isEmpty()) {
            o.printf("no new checkpoints: every complete checkpoint of %s is already in %s%n", checkpoints, out);
        } else if (r.appended()) {
            o.printf("appended %d new checkpoints (steps %d … %d) of %s to %s%n", linked.size(), linked.get(0).step(),
                    linked.get(linked.size() - 1).step(), torchscript.getFileName(), out);
        } else if (linked.isEmpty()) {
            o.printf("imported %s into %s; no checkpoint is complete yet (watch links them as they are)%n", torchscript.getFileName(), out);
        } else {
            o.printf("imported %d checkpoints (steps %d … %d) of %s into %s%n", linked.size(), linked.get(0).step(),
                    linked.get(linked.size() - 1).step(), torchscript.getFileName(), out);
        }
        o.printf("next: ./lambdahat trajectory --run %s && ./lambdahat stages --run %s && ./lambdahat report --run %s%n", out, out, out);
        o.flush();
        err.flush();
        return 0;
    }
}
