package io.lambdahat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.NormalCrossing;
import io.lambdahat.nn.ParameterMask;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Tensor;
import io.lambdahat.workflow.BuiltInModels;
import io.lambdahat.workflow.LlcEstimate;
import io.lambdahat.workflow.TaskSamplerDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lambdahat llc}: one λ̂ estimate by batched SGLD. */
@Command(name = "llc", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimate the local learning coefficient λ̂ of a model at w* by SGLD (chains batched).",
                "Built-in tasks use a noiseless teacher whose weights are w*; their defaults are chosen so that the estimate",
                "is good without tuning, and print which settings were used."},
        footer = {"", "Examples:",
                "  ./lambdahat llc --task dln --widths 4,3,4 --rank 1          # Aoyagi's λ = 6",
                "  ./lambdahat llc --task linreg --dim 6 --json                # λ = d/2 = 3",
                "  ./lambdahat llc --task crossing --powers 1,2 --out llc.json  # λ = min 1/(2k) = 0.25",
                "  ./lambdahat llc --task dln --widths 4,3,4 --checkpoint w.safetensors \\",
                "      --targets-from model                    # λ̂ of the map w computes"})
final class LlcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--task", description = "built-in task with a teacher: dln, linreg, mlp or crossing")
    String task;
    @Option(names = "--model", description = "with --data: the model, dln, linreg or mlp (shape from --widths / --dim)")
    String modelName;
    @Option(names = "--data", description = "your data: a .safetensors file holding tensors x and y, or an .npy of inputs (with --targets)")
    Path dataFile;
    @Option(names = "--torchscript", description = "your PyTorch model: a TorchScript file (torch.jit.save); with --data, and "
            + "--checkpoint a safetensors state_dict (default: the weights in the file)")
    Path torchscript;
    @Option(names = "--loss", description = "with --torchscript: cross-entropy (last axis, integer targets), mse, or module "
            + "(forward(x, y) returns the loss); default cross-entropy for integer targets, mse for float ones")
    String loss;
    @Option(names = "--targets", description = "an .npy of targets, with --data x.npy (float: MSE; integer classes: cross-entropy, mlp)")
    Path targetsFile;
    @Option(names = "--checkpoint", description = "w*: a safetensors file of the model's named parameters (required with --data)")
    Path checkpoint;
    @Mixin
    ModelShapeOptions shape;

    @Option(names = "--params", split = ",", description = "weight-refined λ̂: only parameters matching these globs move "
            + "(e.g. 'layers.1.*', or 'blocks.0.attn.W_*[2]' for one head); the rest stay at w*")
    List<String> params;

    @Mixin
    SamplerOptions sampling = new SamplerOptions();
    @Mixin
    TargetsOption targets = new TargetsOption();

    @Option(names = "--json", description = "print the result JSON to stdout")
    boolean json;
    @Option(names = "--out", description = "write the result JSON to this file")
    Path out;
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        if (torchscript != null) return torchScript();
        if ((task == null) == (dataFile == null)) {
            throw new InvalidInputException("give either --task (a built-in teacher task) or --data with --model and --checkpoint");
        }
        if (dataFile != null && (modelName == null || checkpoint == null)) {
            throw new InvalidInputException("--data needs --model (dln, linreg or mlp) and --checkpoint (w*)");
        }
        if (out != null) CliFiles.checkWritable(out);
        long dataBytes = dataFile == null ? 0 : UserData.check(dataFile, targetsFile);
        if (checkpoint != null) CliFiles.requireFile(checkpoint, "--checkpoint", "a safetensors file of the model's parameters");
        String name = task != null ? task : modelName;
        boolean crossing = name.toLowerCase(Locale.ROOT).equals("crossing");
        if (crossing && targets.get() == io.lambdahat.trajectory.Targets.MODEL) {
            throw new InvalidInputException("--targets-from model needs a regression model with data; the normal crossing is a potential without either");
        }
        long size = shape.n != null ? shape.n : crossing ? 1000 : 10_000;
        if (shape.n != null && shape.n < 2) throw new InvalidInputException("--n must be at least 2 (nβ = n/ln n), got " + shape.n);
        // the model's shape first (no data needed), so that the memory estimate comes before the data is made or read
        ChainModel model = BuiltInModels.of(name, shape.shape(), dataFile != null && BuiltInModels.classTargets(dataFile, targetsFile), task != null);
        SamplerConfig cfg = sampling.build(TaskSamplerDefaults.forModel(model));
        Memory.checkSampling("this llc run", model, cfg, crossing ? 0 : dataFile != null ? 2 * dataBytes : BuiltInModels.teacherDataBytes(model, size));
        Dataset userData = dataFile == null ? null : UserData.load(dataFile, targetsFile);
        if (userData != null) BuiltInModels.checkShapes(model, userData);
        LlcEstimate.Estimate estimate;
        try (Progress progress = new Progress("sampling", cfg.totalSteps(), spec.commandLine().getErr(), json && out == null)) {
            LlcEstimate.Settings settings = settings(cfg, model, progress);
            if (crossing) {
                estimate = LlcEstimate.normalCrossing((NormalCrossing) model, size, cfg, settings.observer());
            } else if (userData != null) {
                try (userData; Tensor wStar = Checkpoints.loadFlat(checkpoint, model.layout())) {
                    estimate = LlcEstimate.at(model, userData, wStar, settings);
                }
            } else {
                int rank = name.equalsIgnoreCase("linreg") ? 1 : shape.rank != null ? shape.rank : Arrays.stream(shape.widths).min().orElseThrow();
                Teachers.Options o = new Teachers.Options(size, sampling.seed, 10.0, shape.noise, DType.FLOAT32);
                estimate = LlcEstimate.ofTeacher(model, rank, o, checkpoint, settings);
            }
        }
        return report(estimate);
    }

    /** λ̂ of a TorchScript module on the user's data, at a state_dict checkpoint or the weights in the module. */
    private int torchScript() throws Exception {
        if (task != null || modelName != null) throw new InvalidInputException("--torchscript is the model: leave out --task and --model");
        if (dataFile == null) throw new InvalidInputException("--torchscript needs --data (a .safetensors file with tensors x and y)");
        if (out != null) CliFiles.checkWritable(out);
        SamplerConfig cfg = sampling.build(TaskSamplerDefaults.forUserModel());
        PrintWriter err = spec.commandLine().getErr();
        LlcEstimate.Estimate estimate;
        try (Dataset data = TorchScriptInputs.data(dataFile, targetsFile);
             TorchScriptModel model = TorchScriptInputs.model(torchscript, TorchScriptInputs.loss(loss, data), cfg.device(), err);
             Tensor wStar = TorchScriptInputs.weights(model, checkpoint);
             Progress progress = new Progress("sampling", cfg.totalSteps(), err, json && out == null)) {
            // resources before work: chains × P and the traces, before the pilot or any sampling (the data is loaded already)
            Memory.checkSampling("this llc run", model, cfg, 0);
            model.validate(wStar, data.x(), data.y());
            estimate = LlcEstimate.at(model, data, wStar, settings(cfg, model, progress));
        }
        return report(estimate);
    }

    /** ε and γ from {@code DefaultSettings} when the user gave neither --epsilon nor --calibration (γ only when not given). */
    private LlcEstimate.Settings settings(SamplerConfig cfg, ChainModel model, Progress progress) {
        return new LlcEstimate.Settings(cfg, sampling.stepSizeLeftOut(), sampling.gamma != null,
                params == null ? null : ParameterMask.select(model.layout(), params), (s, total, losses) -> progress.step(s, null), targets.get());
    }

    /** Writes the result (JSON to --out / stdout, or the summary) and says whether the run failed (every chain diverged). */
    private int report(LlcEstimate.Estimate estimate) throws Exception {
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(estimate.json());
        if (out != null) CliFiles.writeAtomically(out, text);
        PrintWriter o = spec.commandLine().getOut();
        if (json) o.println(text);
        else {
            o.print(Summary.of(estimate.result()));
            if (estimate.settings() != null) o.println("  settings: " + estimate.settings().reason());
            if (estimate.targets() == io.lambdahat.trajectory.Targets.MODEL) {
                o.printf(Locale.ROOT, "  targets: the model's own outputs at w* (λ̂ of the function w* computes); its loss on the data's targets %.6g%n",
                        estimate.dataLoss());
            }
        }
        o.flush();
        var diverged = estimate.everyChainDiverged();
        diverged.ifPresent(why -> spec.commandLine().getErr().println("error: " + why));
        spec.commandLine().getErr().flush();
        return diverged.isPresent() ? ErrorHandler.FAILED : 0;
    }

}
