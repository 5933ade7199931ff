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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A PyTorch model as the command line names it: a TorchScript module, the data λ̂ is measured on, how its outputs are
 * scored, and (for one estimate) the checkpoint that is w*. Every file is checked before any is read, so that a missing
 * one is bad input (exit 2) rather than an I/O failure.
 *
 * @param module     what {@code torch.jit.save} wrote
 * @param data       a .safetensors file holding x and y, or an .npy of inputs
 * @param targets    an .npy of targets with .npy inputs; else null
 * @param loss       "cross-entropy", "mse" or "module"; null: the one the targets call for
 * @param checkpoint a safetensors state_dict for w*; null: the weights inside the module file
 */
public record TorchScriptSource(Path module, Path data, Path targets, String loss, Path checkpoint) {
    /** Checks that the required parts are named; whether the files exist is checked when they are opened. */
    public TorchScriptSource {
        Objects.requireNonNull(module, "module");
        if (data == null) throw new InvalidInputException("--torchscript " + module + " needs --data (a .safetensors file with tensors x and y)");
    }

    /**
     * Opens the model, the data and w*, and checks them against one another (forward runs on the data at w*, the loss
     * takes its outputs and is finite).
     *
     * @param device where the module runs
     * @param notes  where notes go (a float16 checkpoint upcast, say)
     * @return the subject; the caller closes it
     * @throws InvalidInputException naming the file, the tensor and the shapes when anything does not fit
     * @throws IOException           if a file cannot be read
     */
    public LlcSubject open(Device device, Consumer<String> notes) throws IOException {
        requireFile(module, "--torchscript", "a TorchScript file (torch.jit.save)");
        requireFile(data, "--data", "a .safetensors file with tensors x and y, or an .npy of inputs");
        if (targets != null) requireFile(targets, "--targets", "an .npy of targets");
        if (checkpoint != null) requireFile(checkpoint, "--checkpoint", "a safetensors state_dict of the module");
        Dataset d = TorchScriptTask.loadData(data, targets);
        TorchScriptModel model = null;
        Tensor wStar = null;
        try {
            model = TorchScriptModel.load(module, lossFor(d), device).notes(notes);
            wStar = checkpoint == null ? model.weights() : model.loadWeights(checkpoint);
            model.validate(wStar, d.x(), d.y());
            String label = (checkpoint == null ? module : checkpoint).toString();
            return new LlcSubject(model, d, wStar, stepOf(checkpoint), label, model, d);
        } catch (IOException | RuntimeException e) {
            if (wStar != null) wStar.close();
            if (model != null) model.close();
            d.close();
            throw e;
        }
    }

    /**
     * Makes {@code run} a run folder of this PyTorch run, as {@code lambdahat import} does, or, when it already is one of
     * the same module, data and checkpoints, links the checkpoints that appeared since. The module is checked against
     * the data and the first complete checkpoint before anything is written.
     *
     * @param run     the run folder
     * @param glob    the checkpoints, e.g. {@code ckpt/*.safetensors} (relative to the working folder)
     * @param metrics the run's own log (.csv or .jsonl), or null
     * @return the checkpoints linked now
     * @throws InvalidInputException if {@code run} holds another run, or the module does not fit the data or checkpoints
     * @throws IOException           if a file cannot be read or written
     */
    public List<ImportedRun.Found> importInto(Path run, String glob, Path metrics) throws IOException {
        if (glob == null || glob.isBlank()) throw new InvalidInputException("--torchscript needs --checkpoints 'DIR/*.safetensors' for a trajectory");
        Map<String, String> options = importOptions(glob);
        RunFolder folder = RunFolder.of(run);
        if (folder.hasConfig()) {
            RunConfig config = folder.config();
            Map<String, String> recorded = config.taskOptions();
            if (!config.taskName().equals("torchscript")) {
                throw new InvalidInputException(run + " holds a run of task " + config.taskName() + ", not a PyTorch run; give a new --run "
                        + "folder, or leave out --torchscript to use that run as it is");
            }
            for (String key : List.of("module", "data", "checkpoints")) {
                if (!Objects.equals(recorded.get(key), options.get(key))) {
                    throw new InvalidInputException(run + " already holds another run (" + key + " " + recorded.get(key) + ", not "
                            + options.get(key) + "); give a new --run folder, or leave out --torchscript to use that run as it is");
                }
            }
            String givenLoss = loss == null ? null : lossName(ScriptModule.Loss.parse(loss));
            if (givenLoss != null && !givenLoss.equals(recorded.get("loss"))) {
                throw new InvalidInputException(run + " was imported with --loss " + recorded.get("loss") + ", not " + givenLoss
                        + "; give a new --run folder for another loss");
            }
            return ImportedRun.refresh(run);
        }
        List<ImportedRun.Found> found = ImportedRun.resolve(options.get("checkpoints"));
        ImportedRun.Found first = found.stream().filter(ImportedRun.Found::complete).findFirst()
                .orElseThrow(() -> new InvalidInputException("every checkpoint of '" + glob + "' is still being written"));
        try (LlcSubject s = new TorchScriptSource(module, data, targets, loss, first.file()).open(Device.CPU, note -> { })) {
            options.put("loss", lossName(((TorchScriptModel) s.model()).lossKind()));
        }
        return ImportedRun.create(run, options, metrics);
    }

    /** The task options config.json records for an imported run: absolute paths, so the run folder can move. */
    private Map<String, String> importOptions(String glob) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("module", module.toAbsolutePath().normalize().toString());
        options.put("data", data.toAbsolutePath().normalize().toString());
        if (targets != null) options.put("targets", targets.toAbsolutePath().normalize().toString());
        options.put("checkpoints", glob.startsWith("/") ? glob : Path.of("").toAbsolutePath().resolve(glob).normalize().toString());
        return options;
    }

    /** The loss as config.json records it: "cross-entropy", "mse" or "module". */
    private static String lossName(ScriptModule.Loss kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private ScriptModule.Loss lossFor(Dataset d) {
        return loss != null ? ScriptModule.Loss.parse(loss) : TorchScriptTask.defaultLoss(d);
    }

    /** The step a checkpoint's name gives (0 for the module's own weights or a name without a number). */
    private static long stepOf(Path checkpoint) {
        if (checkpoint == null) return 0;
        try {
            return ImportedRun.stepOf(checkpoint);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    private static void requireFile(Path file, String option, String kind) {
        if (Files.isDirectory(file)) throw new InvalidInputException(option + " " + file + " is a folder, expected " + kind);
        if (!Files.isRegularFile(file)) throw new InvalidInputException("no such file: " + file + " (" + option + ", " + kind + ")");
    }
}
