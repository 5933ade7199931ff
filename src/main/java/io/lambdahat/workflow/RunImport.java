package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;
import io.lambdahat.train.ImportedRun;
import io.lambdahat.tasks.TorchScriptTask;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A PyTorch run (a TorchScript module and a glob of safetensors state_dicts) as a run folder, so that the trajectory,
 * stages, report, calibration and watch work on it. The checkpoints are referred to, not copied. The model is checked
 * against the data and the first complete checkpoint before anything is written.
 *
 * <pre>{@code
 * RunImport.Imported r = RunImport.of(new RunImport.Sources(Path.of("model.pt"), "ckpt/*.safetensors",
 *         Path.of("data.safetensors"), null, null, null), Path.of("runs/mine"), note -> { });
 * }</pre>
 */
public final class RunImport {
    private RunImport() {}

    /**
     * What a PyTorch run is made of.
     *
     * @param torchscript the model, a TorchScript file
     * @param checkpoints a glob of safetensors state_dicts (relative to the working directory unless absolute)
     * @param data        the data λ̂ is measured on: .safetensors with x and y, or an .npy of inputs
     * @param targets     an .npy of targets with an .npy {@code data}, else null
     * @param loss        cross-entropy, mse or module; null for the one the targets call for
     * @param metrics     the run's own log (.csv with a step column, or .jsonl), or null
     */
    public record Sources(Path torchscript, String checkpoints, Path data, Path targets, String loss, Path metrics) {}

    /**
     * What was imported.
     *
     * @param linked     the checkpoints now in the run folder, in step order
     * @param incomplete checkpoints still being written (or truncated), left out until they are complete
     */
    public record Imported(List<ImportedRun.Found> linked, List<ImportedRun.Found> incomplete) {}

    /**
     * Imports a PyTorch run.
     *
     * @param sources the run's files
     * @param out     the run folder to write
     * @param notes   receives the model's notes (e.g. weights upcast to float32)
     * @return what was imported
     * @throws IOException if a file cannot be read or the folder written
     * @throws InvalidInputException if the glob matches nothing usable, or the model does not take the data or checkpoints
     */
    public static Imported of(Sources sources, Path out, Consumer<String> notes) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("module", sources.torchscript().toAbsolutePath().normalize().toString());
        options.put("data", sources.data().toAbsolutePath().normalize().toString());
        if (sources.targets() != null) options.put("targets", sources.targets().toAbsolutePath().normalize().toString());
        String glob = sources.checkpoints().startsWith("/") ? sources.checkpoints()
                : Path.of("").toAbsolutePath().resolve(sources.checkpoints()).normalize().toString();
        options.put("checkpoints", glob);
        List<ImportedRun.Found> found = ImportedRun.resolve(glob);
        try (Dataset d = TorchScriptTask.loadData(sources.data(), sources.targets());
             TorchScriptModel model = TorchScriptModel.load(sources.torchscript(),
                     sources.loss() != null ? ScriptModule.Loss.parse(sources.loss()) : TorchScriptTask.defaultLoss(d), Device.CPU)
                     .notes(note -> notes.accept("note: " + note))) {
            options.put("loss", model.lossKind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            ImportedRun.Found first = found.stream().filter(ImportedRun.Found::complete).findFirst()
                    .orElseThrow(() -> new InvalidInputException("every checkpoint of '" + sources.checkpoints() + "' is still being written"));
            try (Tensor w = model.loadWeights(first.file())) {
                model.validate(w, d.x(), d.y());
            }
        }
        List<ImportedRun.Found> linked = ImportedRun.create(out, options, sources.metrics());
        return new Imported(linked, found.stream().filter(f -> !f.complete()).toList());
    }
}
