package io.lambdahat.cli;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;
import io.lambdahat.train.TorchScriptTask;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** What the {@code --torchscript} commands share: the data as it is, the loss, the model and w*. */
final class TorchScriptInputs {
    private TorchScriptInputs() {}

    static Dataset data(Path data, Path targets) {
        return TorchScriptTask.loadData(data, targets);
    }

    /** The loss named by --loss, or the one the targets call for. */
    static ScriptModule.Loss loss(String given, Dataset data) {
        return given != null ? ScriptModule.Loss.parse(given) : TorchScriptTask.defaultLoss(data);
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
