package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.run.RunConfig;
import io.lambdahat.run.RunFolder;
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
import java.util.Objects;
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

    /** What an import does to a run already in its folder. */
    public enum Existing {
        /** refuse a folder that holds anything (the default) */
        REFUSE,
        /** delete the run in the folder (config, checkpoint links, metrics, λ̂ records, stages, reports) and import afresh */
        FORCE,
        /** the folder holds an import of the same PyTorch run: link only the checkpoints added since */
        APPEND
    }

    /**
     * What was imported.
     *
     * @param linked     the checkpoints linked now, in step order (with {@link Existing#APPEND}: only the new ones)
     * @param incomplete checkpoints still being written (or truncated), left out until they are complete
     * @param appended   true when the checkpoints were added to an import of the same run already in the folder
     * @param replaced   true when a run in the folder was deleted first ({@link Existing#FORCE})
     */
    public record Imported(List<ImportedRun.Found> linked, List<ImportedRun.Found> incomplete, boolean appended, boolean replaced) {}

    /**
     * Imports a PyTorch run into a new or empty folder.
     *
     * @param sources the run's files
     * @param out     the run folder to write
     * @param notes   receives the model's notes (e.g. weights upcast to float32)
     * @return what was imported
     * @throws IOException if a file cannot be read or the folder written
     * @throws InvalidInputException if the folder holds anything, the glob matches nothing usable, or the model does not take the data or checkpoints
     */
    public static Imported of(Sources sources, Path out, Consumer<String> notes) throws IOException {
        return of(sources, out, Existing.REFUSE, notes);
    }

    /**
     * Imports a PyTorch run. The folder, the glob and the metrics are checked before the model is loaded, and the model
     * against the data and the first complete checkpoint before anything is written; a refused import changes nothing.
     *
     * @param sources  the run's files
     * @param out      the run folder to write
     * @param existing what to do with a run already in {@code out}
     * @param notes    receives the model's notes (e.g. weights upcast to float32) and the metrics columns left out
     * @return what was imported
     * @throws IOException if a file cannot be read or the folder written
     * @throws InvalidInputException if the folder holds what {@code existing} does not allow, the glob or the metrics are
     *                               unusable, or the model does not take the data or checkpoints
     */
    public static Imported of(Sources sources, Path out, Existing existing, Consumer<String> notes) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("module", sources.torchscript().toAbsolutePath().normalize().toString());
        options.put("data", sources.data().toAbsolutePath().normalize().toString());
        if (sources.targets() != null) options.put("targets", sources.targets().toAbsolutePath().normalize().toString());
        String glob = sources.checkpoints().startsWith("/") ? sources.checkpoints()
                : Path.of("").toAbsolutePath().resolve(sources.checkpoints()).normalize().toString();
        options.put("checkpoints", glob);
        RunFolder folder = RunFolder.of(out);
        RunFolder.Contents contents = folder.contents();
        if (contents == RunFolder.Contents.OTHER) {
            throw new InvalidInputException("cannot import into " + out + ": the folder holds files that are not a run's (no "
                    + RunFolder.CONFIG + "); choose a new or empty --out (--force replaces only a run)");
        }
        folder.checkWritable();
        boolean append = false, replace = false;
        if (contents == RunFolder.Contents.RUN) {
            String difference = sameImport(folder, options, sources.loss());
            if (existing == Existing.FORCE) {
                replace = true;
            } else if (existing == Existing.APPEND && difference == null) {
                append = true;
            } else if (existing == Existing.APPEND) {
                throw new InvalidInputException("cannot append to " + out + ": it holds " + difference + "; --append adds checkpoints to an import "
                        + "of the same PyTorch run; choose a new --out, or --force to replace that run");
            } else if (difference == null) {
                throw new InvalidInputException(out + " already holds this import; --append links the checkpoints added since, "
                        + "--force imports it again from scratch (deleting its λ̂ records)");
            } else {
                throw new InvalidInputException(out + " holds " + difference + "; choose a new --out, or --force to delete that run "
                        + "(its config, checkpoints, λ̂ records and reports) and import into " + out);
            }
        }
        String metricsCsv = sources.metrics() == null ? null : ImportedRun.metricsCsv(sources.metrics(), notes);
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
        List<ImportedRun.Found> linked;
        if (append) {
            linked = ImportedRun.append(out, metricsCsv);
        } else {
            linked = replace ? ImportedRun.replace(out, options, metricsCsv) : ImportedRun.create(out, options, metricsCsv);
        }
        return new Imported(linked, found.stream().filter(f -> !f.complete()).toList(), append, replace);
    }

    /**
     * Whether the run in {@code folder} is an import of the same module, data, targets, checkpoint glob and loss.
     *
     * @return null when it is; else what it holds, for a message ("a run of task dln", "an import of module M")
     */
    private static String sameImport(RunFolder folder, Map<String, String> options, String loss) {
        RunConfig config;
        try {
            config = folder.config();
        } catch (IOException | RuntimeException e) {
            return "a damaged run (" + e.getMessage() + ")";
        }
        if (!config.taskName().equals("torchscript")) return "a run of task " + config.taskName();
        Map<String, String> recorded = config.taskOptions();
        for (String key : List.of("module", "data", "targets", "checkpoints")) {
            if (!Objects.equals(recorded.get(key), options.get(key))) {
                return "an import of another PyTorch run (" + key + " " + recorded.get(key) + ", not " + options.get(key) + ")";
            }
        }
        if (loss != null) {
            String given = ScriptModule.Loss.parse(loss).name().toLowerCase(Locale.ROOT).replace('_', '-');
            if (!given.equals(recorded.get("loss"))) return "an import with --loss " + recorded.get("loss") + ", not " + given;
        }
        return null;
    }
}
