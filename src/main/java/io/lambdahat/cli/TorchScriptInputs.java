package io.lambdahat.cli;

import io.lambdahat.data.Dataset;
import io.lambdahat.io.Npy;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * What {@code --torchscript} commands share: the user's data with its own shapes (integer inputs such as token ids stay
 * integers), the loss (given, or cross-entropy for integer targets and mse for float ones) and the model.
 */
final class TorchScriptInputs {
    private TorchScriptInputs() {}

    /**
     * Loads x and y as they are: any shapes; integer inputs as int64, float inputs as float32 (the model converts them
     * to its own type); integer targets as int64 class ids, float targets as float32.
     */
    static Dataset data(Path data, Path targets) throws IOException {
        String name = data.getFileName().toString();
        try (Scope s = Scope.open()) {
            Tensor x, y;
            if (name.endsWith(".safetensors")) {
                if (targets != null) throw new IllegalArgumentException("--targets is for .npy inputs; " + data + " must hold tensors x and y");
                try (SafeTensorsFile f = SafeTensorsFile.open(data)) {
                    if (!f.contains("x") || !f.contains("y")) {
                        throw new IllegalArgumentException(data + " must hold tensors named x and y; it has " + f.names());
                    }
                    x = f.load("x");
                    y = f.load("y");
                }
            } else if (name.endsWith(".npy")) {
                if (targets == null) throw new IllegalArgumentException("--data " + data + " (.npy inputs) needs --targets FILE.npy");
                x = Npy.load(data);
                y = Npy.load(targets);
            } else {
                throw new IllegalArgumentException("--data must be a .safetensors file (tensors x, y) or an .npy file, got " + data);
            }
            if (x.dim() == 0 || y.dim() == 0) throw new IllegalArgumentException(data + ": x and y need a leading sample axis");
            x = x.dtype().isFloatingPoint() ? x.to(DType.FLOAT32) : x.to(DType.INT64);
            y = y.dtype().isFloatingPoint() ? y.to(DType.FLOAT32) : y.to(DType.INT64);
            return new Dataset(s.keep(x), s.keep(y));
        }
    }

    /** The loss named by --loss, or the one the targets call for. */
    static ScriptModule.Loss loss(String given, Dataset data) {
        if (given != null) return ScriptModule.Loss.parse(given);
        return data.y().dtype().isFloatingPoint() ? ScriptModule.Loss.MSE : ScriptModule.Loss.CROSS_ENTROPY;
    }

    /** The model, with its notes going to standard error. */
    static TorchScriptModel model(Path file, ScriptModule.Loss loss, Device device, PrintWriter err) {
        return TorchScriptModel.load(file, loss, device).notes(note -> {
            err.println("note: " + note);
            err.flush();
        });
    }

    /** w*: the checkpoint's weights (installing its buffers), or the weights inside the TorchScript file. */
    static Tensor weights(TorchScriptModel model, Path checkpoint) throws IOException {
        return checkpoint == null ? model.weights() : model.loadWeights(checkpoint);
    }
}
