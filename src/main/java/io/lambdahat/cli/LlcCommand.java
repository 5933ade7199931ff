package io.lambdahat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.data.Dataset;
import io.lambdahat.data.Teachers;
import io.lambdahat.InvalidInputException;
import io.lambdahat.io.Npy;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.Mlp;
import io.lambdahat.nn.NormalCrossing;
import io.lambdahat.nn.ParameterMask;
import io.lambdahat.sampling.DefaultSettings;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.SgldSampler;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;
import picocli.CommandLine.Command;
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
                "  ./lambdahat llc --task crossing --powers 1,2 --out llc.json  # λ = min 1/(2k) = 0.25"})
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
    @Option(names = "--widths", split = ",", description = "layer widths, input first (dln, mlp), e.g. 4,3,4")
    int[] widths;
    @Option(names = "--rank", description = "teacher rank (dln; default: the narrowest width)")
    Integer rank;
    @Option(names = "--dim", description = "input dimension (linreg)")
    Integer dim;
    @Option(names = "--powers", split = ",", description = "k_i of K(w) = Π w_i^(2k_i) (crossing)")
    int[] powers;
    @Option(names = "--activation", defaultValue = "relu", description = "relu or tanh (mlp; default ${DEFAULT-VALUE})")
    String activation;
    @Option(names = "--n", description = "dataset size n (default 10000; crossing: 1000)")
    Long n;
    @Option(names = "--noise", defaultValue = "0", description = "teacher label noise σ (default ${DEFAULT-VALUE})")
    double noise;

    @Option(names = "--params", split = ",", description = "weight-refined λ̂: only parameters matching these globs move "
            + "(e.g. 'layers.1.*', or 'blocks.0.attn.W_*[2]' for one head); the rest stay at w*")
    List<String> params;

    @picocli.CommandLine.Mixin
    SamplerOptions sampling = new SamplerOptions();

    @Option(names = "--json", description = "print the result JSON to stdout")
    boolean json;
    @Option(names = "--out", description = "write the result JSON to this file")
    Path out;
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (torchscript != null) return torchScript();
        if ((task == null) == (dataFile == null)) {
            throw new InvalidInputException("give either --task (a built-in teacher task) or --data with --model and --checkpoint");
        }
        if (dataFile != null && (modelName == null || checkpoint == null)) {
            throw new InvalidInputException("--data needs --model (dln, linreg or mlp) and --checkpoint (w*)");
        }
        String t = (task != null ? task : modelName).toLowerCase(Locale.ROOT);
        if (out != null) CliFiles.checkWritable(out);
        long dataBytes = dataFile == null ? 0 : UserData.check(dataFile, targetsFile);
        if (checkpoint != null) CliFiles.requireFile(checkpoint, "--checkpoint", "a safetensors file of the model's parameters");
        boolean crossing = t.equals("crossing");
        long size = n != null ? n : crossing ? 1000 : 10_000;
        if (n != null && n < 2) throw new InvalidInputException("--n must be at least 2 (nβ = n/ln n), got " + n);
        // the model's shape first (no data needed), so that the memory estimate comes before the data is made or read
        ChainModel model = model(t, dataFile != null && targetsClasses());
        int layers = model instanceof DeepLinearNetwork d ? d.widths().length - 1 : 2;
        boolean deep = layers >= 3;
        // ε and γ of the models with data are chosen for the data (DefaultSettings) unless given; deep DLNs take more chains
        // and draws (at 4 × 2000 their chains disagree)
        SamplerConfig cfg = sampling.build(new SamplerOptions.Defaults(crossing ? 5e-4 : deep ? 5e-7 : 1e-6, crossing ? 0 : deep ? 1000 : 100,
                crossing ? 2 : 0, crossing ? 8 : deep ? 8 : 4, crossing ? 10_000 : deep ? 4000 : 2000, deep ? 4000 : 2000));
        Memory.checkSampling("this llc run", model, cfg, crossing ? 0 : dataFile != null ? 2 * dataBytes : teacherDataBytes(model, size));
        Dataset userData = dataFile == null ? null : UserData.load(dataFile, targetsFile);
        if (userData != null) checkShapes(model, userData);
        long seed = sampling.seed;

        PrintWriter err = spec.commandLine().getErr();
        LlcResult result;
        try (Progress progress = new Progress("sampling", cfg.totalSteps(), err, json && out == null)) {
            if (crossing) {
                try (Tensor origin = Tensor.zeros(DType.FLOAT32, Device.CPU, powers.length)) {
                    result = new SgldSampler(model, null, cfg).withN(size)
                            .observer((s, total, losses) -> progress.step(s, null)).run(origin);
                }
            } else if (userData != null) {
                try (userData; Tensor wStar = Checkpoints.loadFlat(checkpoint, model.layout())) {
                    cfg = withDefaultSteps(cfg, model, userData, wStar);
                    result = new SgldSampler(model, userData, cfg).restrictTo(mask(model)).observer((s, total, losses) -> progress.step(s, null)).run(wStar);
                }
            } else {
                Teachers.Options o = new Teachers.Options(size, seed, 10.0, noise, DType.FLOAT32);
                try (Teachers.Task tk = model instanceof Mlp m ? Teachers.mlp(m, o) : Teachers.dln((DeepLinearNetwork) model, teacherRank(t), o);
                     Tensor wStar = checkpoint != null ? Checkpoints.loadFlat(checkpoint, model.layout()) : tk.teacherWeights().share()) {
                    cfg = withDefaultSteps(cfg, model, tk.data(), wStar);
                    result = new SgldSampler(model, tk.data(), cfg).restrictTo(mask(model)).observer((s, total, losses) -> progress.step(s, null)).run(wStar);
                }
            }
        }
        return report(result, err);
    }

    /** Writes the result (JSON to --out / stdout, or the summary) and says whether the run failed (every chain diverged). */
    private int report(LlcResult result, PrintWriter err) throws Exception {
        var fields = result.toJson();
        // how far init_loss may lie from the full-data loss (0 when it is the full-data loss), as trajectory records say
        fields.put("init_loss_stderr", result.initLossStderr());
        fields.put("init_loss_rows", result.estimate().initLoss().rows());
        if (settings != null) fields.put("settings", settings.reason());
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(fields);
        if (out != null) CliFiles.writeAtomically(out, text);
        PrintWriter o = spec.commandLine().getOut();
        if (json) o.println(text);
        else {
            o.print(Summary.of(result));
            if (settings != null) o.println("  settings: " + settings.reason());
        }
        o.flush();
        return allDiverged(result, err) ? ErrorHandler.FAILED : 0;
    }

    /** The default ε and γ chosen for this data and model, when --epsilon was left out (null otherwise). */
    private DefaultSettings.Choice settings;

    /** ε (and γ, unless given) from {@link DefaultSettings} when the user gave neither --epsilon nor --calibration. */
    private SamplerConfig withDefaultSteps(SamplerConfig cfg, ChainModel model, Dataset data, Tensor wStar) {
        if (!sampling.stepSizeLeftOut()) return cfg;
        settings = DefaultSettings.choose(model, data, wStar, cfg, mask(model));
        return cfg.toBuilder().epsilon(settings.epsilon()).gamma(sampling.gamma != null ? sampling.gamma : settings.gamma()).build();
    }

    /**
     * Every chain diverged: there is no λ̂, only the per-chain facts (written above). Says so on stderr.
     *
     * @return true if the run failed for that reason
     */
    static boolean allDiverged(LlcResult result, PrintWriter err) {
        int chains = result.config().chains();
        long diverged = result.diverged().stream().mapToInt(LlcResult.Divergence::chain).distinct().count();
        if (chains == 0 || diverged < chains) return false;
        LlcResult.Divergence first = result.diverged().stream().min(java.util.Comparator.comparingLong(LlcResult.Divergence::step)).orElseThrow();
        err.println("error: every chain diverged (all " + chains + "; the first at step " + first.step() + ": " + first.reason()
                + "), so there is no λ̂: lower --lr (ε) or raise --gamma");
        err.flush();
        return true;
    }

    private boolean targetsClasses() throws java.io.IOException {
        // integer targets mean classes (cross-entropy); read from the header only, before the data is loaded
        if (dataFile.toString().endsWith(".npy")) return targetsFile != null && !Npy.readHeader(targetsFile).dtype().isFloatingPoint();
        try (io.lambdahat.io.SafeTensorsFile f = io.lambdahat.io.SafeTensorsFile.open(dataFile)) {
            return f.contains("y") && !f.info("y").dtype().isFloatingPoint();
        }
    }

    /** Native bytes of a teacher task's float32 data: n samples of inputs and outputs, and as much again while it is made. */
    private static double teacherDataBytes(ChainModel model, long n) {
        int[] w = model instanceof DeepLinearNetwork d ? d.widths() : model instanceof Mlp m ? m.widths() : new int[] {0};
        return 2.0 * n * (w[0] + w[w.length - 1]) * Float.BYTES;
    }

    /** λ̂ of a TorchScript module on the user's data, at a state_dict checkpoint or the weights in the module. */
    private int torchScript() throws Exception {
        if (task != null || modelName != null) throw new io.lambdahat.InvalidInputException("--torchscript is the model: leave out --task and --model");
        if (dataFile == null) throw new io.lambdahat.InvalidInputException("--torchscript needs --data (a .safetensors file with tensors x and y)");
        if (out != null) CliFiles.checkWritable(out);
        PrintWriter err = spec.commandLine().getErr();
        SamplerConfig cfg = sampling.build(new SamplerOptions.Defaults(1e-6, 100, 0, 4, 2000, 2000));
        LlcResult result;
        try (Dataset data = TorchScriptInputs.data(dataFile, targetsFile);
             io.lambdahat.nn.TorchScriptModel model = TorchScriptInputs.model(torchscript, TorchScriptInputs.loss(loss, data), cfg.device(), err);
             Tensor wStar = TorchScriptInputs.weights(model, checkpoint);
             Progress progress = new Progress("sampling", cfg.totalSteps(), err, json && out == null)) {
            model.validate(wStar, data.x(), data.y());
            cfg = withDefaultSteps(cfg, model, data, wStar);
            result = new SgldSampler(model, data, cfg).restrictTo(mask(model)).observer((s, total, losses) -> progress.step(s, null)).run(wStar);
        }
        return report(result, err);
    }

    private ChainModel model(String t, boolean classes) {
        return switch (t) {
            case "dln" -> new DeepLinearNetwork(require(widths, "--widths (e.g. --widths 4,3,4)"));
            case "linreg" -> {
                if (dim == null || dim < 1) throw new InvalidInputException("--task linreg needs --dim D (D ≥ 1)");
                yield new DeepLinearNetwork(dim, 1);
            }
            case "mlp" -> new Mlp(Mlp.Activation.parse(activation),
                    classes ? Mlp.Objective.CROSS_ENTROPY : Mlp.Objective.MSE,
                    require(widths, "--widths (e.g. --widths 8,16,3)"));
            case "crossing" -> new NormalCrossing(require(powers, "--powers (e.g. --powers 1,2)"));
            default -> throw new InvalidInputException("unknown " + (task != null ? "--task '" + task + "': use dln, linreg, mlp or crossing"
                    : "--model '" + modelName + "': use dln, linreg or mlp"));
        };
    }

    private ParameterMask mask(ChainModel model) {
        return params == null ? null : ParameterMask.select(model.layout(), params);
    }

    private static void checkShapes(ChainModel model, Dataset d) {
        int[] w = model instanceof DeepLinearNetwork dln ? dln.widths() : ((Mlp) model).widths();
        long[] xs = d.x().shape(), ys = d.y().shape();
        if (xs.length != 2 || xs[1] != w[0]) {
            throw new InvalidInputException("inputs x have shape " + Arrays.toString(xs) + " but " + model.describe()
                    + " takes [n, " + w[0] + "]");
        }
        boolean classes = !d.y().dtype().isFloatingPoint();
        if (!classes && (ys.length != 2 || ys[1] != w[w.length - 1])) {
            throw new InvalidInputException("targets y have shape " + Arrays.toString(ys) + " but " + model.describe()
                    + " outputs [n, " + w[w.length - 1] + "]");
        }
    }

    private int teacherRank(String t) {
        if (t.equals("linreg")) return 1;
        int narrowest = Arrays.stream(widths).min().orElseThrow();
        return rank != null ? rank : narrowest;
    }

    private static int[] require(int[] v, String what) {
        if (v == null || v.length == 0) throw new InvalidInputException("this task needs " + what);
        return v;
    }

}
