package io.lambdahat.cli;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;
import io.lambdahat.tasks.TorchScriptTask;
import io.lambdahat.workflow.TorchScriptSource;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Consumer;

/** What the {@code --torchscript} commands share: the data as it is, the loss, the model and w*. */
final class TorchScriptInputs {
    private TorchScriptInputs() {}

    /** The options that name a PyTorch model and its data (a mixin of calibrate and trajectory). */
    static final class Options {
        @Option(names = "--torchscript", description = "your PyTorch model: a TorchScript file (torch.jit.save(torch.jit.script(model)))")
        Path module;
        @Option(names = "--data", description = "with --torchscript: the data λ̂ is measured on, a .safetensors file holding tensors x and y "
                + "(any shapes; integer or float), or an .npy of inputs (with --targets)")
        Path data;
        @Option(names = "--targets", description = "with --torchscript and --data x.npy: an .npy of targets")
        Path targets;
        @Option(names = "--loss", description = "with --torchscript: cross-entropy (last axis, integer targets), mse, or module "
                + "(forward(x, y) returns the loss); default cross-entropy for integer targets, mse for float ones")
        String loss;

        /** {@return whether --torchscript was given} */
        boolean given() {
            return module != null;
        }

        /**
         * The model these options name.
         *
         * @param checkpoint w* (a safetensors state_dict), or null for the weights in the module file
         * @return the source
         * @throws io.lambdahat.InvalidInputException if --data, --targets or --loss come without --torchscript, or --data is missing
         */
        TorchScriptSource source(Path checkpoint) {
            if (module == null) throw new io.lambdahat.InvalidInputException("--data, --targets, --loss and --checkpoint(s) go with --torchscript MODEL.pt");
            return new TorchScriptSource(module, data, targets, loss, checkpoint);
        }

        /** Refuses --data, --targets and --loss without --torchscript (they would be silently ignored). */
        void requireNoneWithoutModule() {
            if (module == null && (data != null || targets != null || loss != null)) {
                throw new io.lambdahat.InvalidInputException("--data, --targets and --loss go with --torchscript MODEL.pt; a run folder brings its own");
            }
        }
    }

    /** Notes (a float16 checkpoint upcast, say) as lines on standard error. */
    static Consumer<String> notes(PrintWriter err) {
        return note -> {
            err.println("note: " + note);
            err.flush();
        };
    }

    static Dataset data(Path data, Path targets) {
        return TorchScriptTask.loadData(data, targets);
    }

    /** The loss named by --loss, or the one the targets call for. */
    static ScriptModule.Loss loss(String given, Dataset data) {
        return given != null ? ScriptModule.Loss.parse(given) : TorchScriptTask.defaultLoss(data);
    }

    /** The model, with its notes going to standard error. */
    static TorchScriptModel model(Path file, ScriptModule.Loss loss, Device device, PrintWriter err) {
        return TorchScriptModel.load(file, loss, device).notes(notes(err));
    }

    /** w*: the checkpoint's weights (installing its buffers), or the weights inside the TorchScript file. */
    static Tensor weights(TorchScriptModel model, Path checkpoint) throws IOException {
        return checkpoint == null ? model.weights() : model.loadWeights(checkpoint);
    }
}
