package io.lambdahat.cli;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;
import io.lambdahat.train.ImportedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> options = new LinkedHashMap<>();
        options.put("module", torchscript.toAbsolutePath().normalize().toString());
        options.put("data", data.toAbsolutePath().normalize().toString());
        if (targets != null) options.put("targets", targets.toAbsolutePath().normalize().toString());
        String glob = checkpoints.startsWith("/") ? checkpoints : Path.of("").toAbsolutePath().resolve(checkpoints).normalize().toString();
        options.put("checkpoints", glob);
        // Check the model against the data and the first checkpoint before writing anything.
        List<ImportedRun.Found> found = ImportedRun.resolve(glob);
        try (Dataset d = TorchScriptInputs.data(data, targets);
             TorchScriptModel model = TorchScriptInputs.model(torchscript, TorchScriptInputs.loss(loss, d), Device.CPU, err)) {
            options.put("loss", model.lossKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            ImportedRun.Found first = found.stream().filter(ImportedRun.Found::complete).findFirst()
                    .orElseThrow(() -> new io.lambdahat.InvalidInputException("every checkpoint of '" + checkpoints + "' is still being written"));
            try (Tensor w = model.loadWeights(first.file())) {
                model.validate(w, d.x(), d.y());
            }
        }
        List<ImportedRun.Found> linked = ImportedRun.create(out, options, metrics);
        for (ImportedRun.Found f : found) {
            if (!f.complete()) err.println("note: " + f.file() + " is still being written (or truncated); left out until it is complete");
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("imported %d checkpoints (steps %d … %d) of %s into %s%n", linked.size(), linked.get(0).step(),
                linked.get(linked.size() - 1).step(), torchscript.getFileName(), out);
        o.printf("next: ./lambdahat trajectory --run %s && ./lambdahat stages --run %s && ./lambdahat report --run %s%n", out, out, out);
        o.flush();
        err.flush();
        return 0;
    }
}
