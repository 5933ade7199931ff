package io.lambdahat.tasks;

import io.lambdahat.data.Dataset;
import io.lambdahat.io.Npy;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task of a PyTorch run imported by {@code lambdahat import}: a TorchScript module, the data λ̂ is measured on and
 * the loss. It is not trained by lambdahat (the run was trained in PyTorch); its checkpoints are the user's
 * safetensors state_dicts, which {@link TorchScriptModel#loadWeights} reads.
 */
public final class TorchScriptTask implements TrainingTask {
    private final TorchScriptModel model;
    private final Dataset data;
    private final Map<String, Object> settings;

    private TorchScriptTask(TorchScriptModel model, Dataset data, Map<String, Object> settings) {
        this.model = model;
        this.data = data;
        this.settings = settings;
    }

    /**
     * Builds the task from its options: module, data, targets (for .npy inputs; may be absent), loss, checkpoints
     * (the glob the run was imported from).
     *
     * @param o the options recorded in config.json
     * @return the task; the caller closes it
     */
    public static TorchScriptTask create(TaskOptions o) {
        if (!o.has("module")) throw new io.lambdahat.InvalidInputException("task torchscript is a PyTorch run brought in by 'lambdahat import'; it is not trained here");
        Path module = Path.of(o.string("module", ""));
        Path dataFile = Path.of(o.string("data", ""));
        String targets = o.string("targets", "");
        String loss = o.string("loss", "");
        String glob = o.string("checkpoints", "");
        Dataset data = loadData(dataFile, targets.isEmpty() ? null : Path.of(targets));
        TorchScriptModel model;
        try {
            model = TorchScriptModel.load(module, loss.isEmpty() ? defaultLoss(data) : ScriptModule.Loss.parse(loss), Device.CPU);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("module", module.toString());
        s.put("data", dataFile.toString());
        if (!targets.isEmpty()) s.put("targets", targets);
        s.put("loss", model.lossKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        s.put("checkpoints", glob);
        return new TorchScriptTask(model, data, s);
    }

    /**
     * The loss the targets call for.
     *
     * @param data the dataset
     * @return cross-entropy for integer targets, mse for float ones
     */
    public static ScriptModule.Loss defaultLoss(Dataset data) {
        return data.y().dtype().isFloatingPoint() ? ScriptModule.Loss.MSE : ScriptModule.Loss.CROSS_ENTROPY;
    }

    /**
     * Loads x and y as they are: any shapes; integer inputs (token ids) as int64, float inputs as float32 (the model
     * converts them to its own type); integer targets as int64 class ids, float targets as float32.
     *
     * @param data    a .safetensors file holding x and y, or an .npy of inputs
     * @param targets an .npy of targets with .npy inputs; else null
     * @return the dataset; the caller closes it
     */
    public static Dataset loadData(Path data, Path targets) {
        String name = data.getFileName().toString();
        try (Scope s = Scope.open()) {
            Tensor x, y;
            if (name.endsWith(".safetensors")) {
                if (targets != null) throw new io.lambdahat.InvalidInputException("--targets is for .npy inputs; " + data + " must hold tensors x and y");
                try (SafeTensorsFile f = SafeTensorsFile.open(data)) {
                    if (!f.contains("x") || !f.contains("y")) {
                        throw new io.lambdahat.InvalidInputException(data + " must hold tensors named x and y; it has " + f.names());
                    }
                    x = f.load("x");
                    y = f.load("y");
                }
            } else if (name.endsWith(".npy")) {
                if (targets == null) throw new io.lambdahat.InvalidInputException("--data " + data + " (.npy inputs) needs --targets FILE.npy");
                x = Npy.load(data);
                y = Npy.load(targets);
            } else {
                throw new io.lambdahat.InvalidInputException("--data must be a .safetensors file (tensors x, y) or an .npy file, got " + data);
            }
            if (x.dim() == 0 || y.dim() == 0) throw new io.lambdahat.InvalidInputException(data + ": x and y need a leading sample axis");
            x = x.dtype().isFloatingPoint() ? x.to(DType.FLOAT32) : x.to(DType.INT64);
            y = y.dtype().isFloatingPoint() ? y.to(DType.FLOAT32) : y.to(DType.INT64);
            return new Dataset(s.keep(x), s.keep(y));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --data " + data + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ChainModel model() {
        return model;
    }

    /** {@return the model, with its checkpoint reader} */
    public TorchScriptModel torchScriptModel() {
        return model;
    }

    /** The weights inside the TorchScript file (an imported run starts from its first checkpoint, not from these). */
    @Override
    public Tensor initialParameters(Generator g) {
        return model.weights();
    }

    @Override
    public Tensor[] batch(long t) {
        throw new UnsupportedOperationException("an imported PyTorch run is trained in PyTorch, not by 'lambdahat train'");
    }

    /** The loss on the run's data (an imported run has no separate held-out set). */
    @Override
    public Evaluation evaluate(Map<String, Tensor> params) {
        try (Scope s = Scope.open()) {
            double loss = model.loss(params, data.x().unsqueeze(0), data.y().unsqueeze(0)).item();
            return new Evaluation(loss, Map.of());
        }
    }

    @Override
    public List<String> metricNames() {
        return List.of();
    }

    @Override
    public Map<String, Object> settings() {
        return settings;
    }

    @Override
    public Dataset trainingSet() {
        return data;
    }

    @Override
    public void close() {
        model.close();
        data.close();
    }
}
