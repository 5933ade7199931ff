package io.lambdahat.nn;

import io.lambdahat.io.SafeTensors;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.io.TensorInfo;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Any PyTorch model, as a TorchScript module ({@code torch.jit.save(torch.jit.script(model), "model.pt")}), as a
 * {@link ChainModel}. The sampled weights are the module's parameters, named as in {@code state_dict()}; buffers
 * (BatchNorm running statistics) stay fixed. The module runs in eval mode.
 *
 * <p>How the C chains run: all at once where the module allows. Each step binds the parameters as views of the
 * [C, P] leaf with their chain axis hidden by libtorch's functorch batching (the C++ side of {@code torch.func.vmap}),
 * so the module runs once for all chains and one backward pass fills the whole [C, P] gradient
 * ({@link ScriptModule#vmapLoss}). Where the module cannot be batched (an operator without a batching rule,
 * data-dependent control flow, random ops), the model says so once through {@link #notes} and from then on runs the
 * module once per chain with that chain's row bound as views — no copies, the C losses stacked, the gradient filled
 * the same way ({@link ScriptModule#chainLoss}). {@code LAMBDAHAT_TORCHSCRIPT_VMAP=0} asks for the per-chain path.
 */
public final class TorchScriptModel implements ChainModel, CheckpointWeights, AutoCloseable {
    private final ScriptModule module;
    private final ScriptModule.Loss loss;
    private final ParameterLayout layout;
    private final DType dtype;
    private final List<String> names;
    private Consumer<String> notes = note -> { };
    private final Set<String> noted = new LinkedHashSet<>();
    /**
     * Why the chains run one by one, with gradients (sampling) and without (evaluating L(w*)); null while they run
     * batched. Apart, because modules choose other kernels without gradients (nn.TransformerEncoderLayer's fused
     * inference kernel, which has no batching rule), and the sampling steps should not pay for that.
     */
    private volatile String perChainReason = vmapWanted() ? null : "LAMBDAHAT_TORCHSCRIPT_VMAP=0";
    private volatile String perChainReasonWithoutGrad = perChainReason;

    /**
     * Wraps a loaded module; this model owns it from now on.
     *
     * @param module the TorchScript module
     * @param loss   how its outputs are scored
     * @throws IllegalArgumentException if it has no parameters, or parameters of different or non-floating types
     */
    public TorchScriptModel(ScriptModule module, ScriptModule.Loss loss) {
        this.module = module;
        this.loss = loss;
        this.names = module.parameterNames();
        if (names.isEmpty()) throw new io.lambdahat.InvalidInputException(module.file() + ": the module has no parameters to sample");
        ParameterLayout.Builder b = ParameterLayout.builder();
        DType type = null;
        try (Scope s = Scope.open()) {
            for (int i = 0; i < names.size(); i++) {
                Tensor p = module.parameter(i);
                if (!p.dtype().isFloatingPoint() || p.dtype() == DType.FLOAT16 || p.dtype() == DType.BFLOAT16) {
                    throw new io.lambdahat.InvalidInputException(module.file() + ": parameter " + names.get(i) + " is " + p.dtype()
                            + "; λ̂ is sampled in float32 or float64 (script the model after model.float() or model.double())");
                }
                if (type != null && p.dtype() != type) {
                    throw new io.lambdahat.InvalidInputException(module.file() + ": parameter " + names.get(i) + " is " + p.dtype()
                            + " but " + names.get(0) + " is " + type + "; the parameters must share one type");
                }
                type = p.dtype();
                b.add(names.get(i), p.shape());
            }
        }
        this.dtype = type;
        this.layout = b.build();
    }

    /**
     * Loads a TorchScript file.
     *
     * @param file   what {@code torch.jit.save} wrote
     * @param loss   how its outputs are scored
     * @param device where it runs
     * @return the model; the caller closes it
     * @throws IllegalArgumentException naming the file if it is not TorchScript or has no usable parameters
     */
    public static TorchScriptModel load(Path file, ScriptModule.Loss loss, Device device) {
        ScriptModule m = ScriptModule.load(file, device);
        try {
            return new TorchScriptModel(m, loss);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Where notes go (a float16 checkpoint upcast, say); each distinct note is passed once.
     *
     * @param sink the receiver, e.g. a line on standard error
     * @return this model
     */
    public TorchScriptModel notes(Consumer<String> sink) {
        this.notes = sink == null ? note -> { } : sink;
        return this;
    }

    /** {@return the loaded module, owned by this model} */
    public ScriptModule module() {
        return module;
    }

    /** {@return the floating type of the module's parameters (float32 or float64)} */
    public DType dtype() {
        return dtype;
    }

    /** {@return how outputs are scored} */
    public ScriptModule.Loss lossKind() {
        return loss;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Tensor x, Tensor y) {
        if (x == null || y == null) throw new io.lambdahat.InvalidInputException(describe() + " needs data (x and y)");
        Tensor[] views = views(params);
        Tensor in = input(x);
        try (Scope s = Scope.open()) {
            // keep, not release: an unowned loss would hold its autograd graph (every chain's saved activations)
            // for the life of the process, so each step would run on fresh memory and the heap would only grow
            return s.keep(batchedOrPerChain(() -> module.vmapLoss(views, in, y, loss), () -> module.chainLoss(views, in, y, loss)));
        }
    }

    @Override
    public Tensor outputs(Map<String, Tensor> params, Tensor x) {
        Tensor[] views = views(params);
        Tensor in = input(x);
        try (Scope s = Scope.open()) {
            return s.keep(batchedOrPerChain(() -> module.vmapOutputs(views, in), () -> module.chainOutputs(views, in)));
        }
    }

    /** {@return whether the sampling steps run the chains in one batched forward (false once the module has shown it cannot)} */
    public boolean chainsBatched() {
        return perChainReason == null;
    }

    /** {@return whether the chains run in one batched forward without gradients (the loss at w*)} */
    public boolean chainsBatchedWithoutGrad() {
        return perChainReasonWithoutGrad == null;
    }

    /**
     * Chooses how the chains run from now on.
     *
     * @param batched true: in one forward under functorch's batching where the module allows; false: one by one
     * @return this model
     */
    public TorchScriptModel batchChains(boolean batched) {
        perChainReason = batched ? null : "asked for";
        perChainReasonWithoutGrad = perChainReason;
        return this;
    }

    /**
     * The batched call while the module allows it. When it fails and the per-chain call on the same input succeeds,
     * the module cannot be batched: that is said once and the per-chain path is taken from then on. When both fail the
     * input is at fault, and the per-chain call's error (which names the chain's shapes) is the one thrown.
     */
    private Tensor batchedOrPerChain(java.util.function.Supplier<Tensor> batched, java.util.function.Supplier<Tensor> perChain) {
        boolean grad = Torch.gradEnabled();
        if ((grad ? perChainReason : perChainReasonWithoutGrad) != null) return perChain.get();
        try {
            return batched.get();
        } catch (io.lambdahat.torch.TorchException batchingFailed) {
            Tensor result = perChain.get();
            String reason = batchingFailed.getMessage();
            if (grad) {
                perChainReason = reason;
                note(module.file().getFileName() + ": its chains run one by one, not in one batched forward (" + reason + ")");
            } else {
                perChainReasonWithoutGrad = reason;
                note(module.file().getFileName() + ": without gradients (the loss at w*) its chains run one by one (" + reason + ")");
            }
            return result;
        }
    }

    private static boolean vmapWanted() {
        return !"0".equals(System.getenv("LAMBDAHAT_TORCHSCRIPT_VMAP"));
    }

    private Tensor[] views(Map<String, Tensor> params) {
        Tensor[] v = new Tensor[names.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = params.get(names.get(i));
            if (v[i] == null) throw new io.lambdahat.InvalidInputException("no view of parameter " + names.get(i));
        }
        return v;
    }

    /** Float inputs take the parameters' type (a float32 data file on a float64 module); integer inputs (token ids) stay. */
    private Tensor input(Tensor x) {
        return x.dtype().isFloatingPoint() && x.dtype() != dtype ? x.to(dtype) : x;
    }

    /**
     * The weights stored in the TorchScript file itself, as w*.
     *
     * @return [P] in {@link #dtype()} on the CPU; the caller owns it
     */
    public Tensor weights() {
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            Tensor[] parts = new Tensor[names.size()];
            for (int i = 0; i < parts.length; i++) parts[i] = module.parameter(i).to(Device.CPU).reshape(-1);
            return s.release(Tensor.cat(0, parts));
        }
    }

    /**
     * Reads a safetensors state_dict ({@code safetensors.torch.save_file(model.state_dict(), f)}): parameters become
     * w*, buffers are installed in the module. Names, shapes and dtypes are matched against the module; every mismatch
     * is listed in one error. float32 and float64 are taken as they are (converted to the module's type); float16 and
     * bfloat16 are upcast, with a note.
     */
    @Override
    public Tensor loadWeights(Path file) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> buffers = module.bufferNames();
        try (SafeTensorsFile f = SafeTensors.open(file); Scope s = Scope.open(); var ng = Torch.noGrad()) {
            Set<String> expected = new LinkedHashSet<>(names);
            expected.addAll(buffers);
            for (String name : f.names()) {
                if (!expected.contains(name)) problems.add("unexpected tensor " + name + " " + Arrays.toString(f.info(name).shape()));
            }
            Map<String, Tensor> params = new LinkedHashMap<>();
            Map<Integer, Tensor> bufferValues = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                Tensor v = matched(f, names.get(i), module.parameter(i), problems);
                if (v != null) params.put(names.get(i), v);
            }
            for (int i = 0; i < buffers.size(); i++) {
                Tensor v = matched(f, buffers.get(i), module.buffer(i), problems);
                if (v != null) bufferValues.put(i, v);
            }
            if (!problems.isEmpty()) {
                throw new io.lambdahat.InvalidInputException(file + " does not fit " + module.file().getFileName() + ": " + String.join("; ", problems));
            }
            for (var e : bufferValues.entrySet()) module.setBuffer(e.getKey(), e.getValue());
            Tensor[] parts = new Tensor[names.size()];
            for (int i = 0; i < parts.length; i++) parts[i] = params.get(names.get(i)).to(Device.CPU).reshape(-1);
            return s.release(Tensor.cat(0, parts).contiguous());
        }
    }

    /** The checkpoint's tensor for one module tensor, converted to its type and device; null (and a problem) if it does not fit. */
    private Tensor matched(SafeTensorsFile f, String name, Tensor current, List<String> problems) {
        if (!f.contains(name)) {
            problems.add("missing " + name + " " + Arrays.toString(current.shape()));
            return null;
        }
        TensorInfo info = f.info(name);
        if (!Arrays.equals(info.shape(), current.shape())) {
            problems.add(name + " is " + Arrays.toString(info.shape()) + ", the module needs " + Arrays.toString(current.shape()));
            return null;
        }
        DType want = current.dtype();
        DType have = info.dtype();
        if (want.isFloatingPoint() != have.isFloatingPoint() || (!want.isFloatingPoint() && want != have)) {
            problems.add(name + " is " + have.name().toLowerCase(Locale.ROOT) + ", the module needs " + want.name().toLowerCase(Locale.ROOT));
            return null;
        }
        if (have == DType.FLOAT16 || have == DType.BFLOAT16) {
            note(f.path().getFileName() + " holds " + have.name().toLowerCase(Locale.ROOT) + " weights; upcast to "
                    + want.name().toLowerCase(Locale.ROOT) + " for sampling");
        }
        Tensor v = f.load(name);
        Device device = current.device();
        return v.dtype() == want && v.device().equals(device) ? v : v.to(want).to(device);
    }

    private void note(String text) {
        if (noted.add(text)) notes.accept(text);
    }

    /**
     * Checks the module against the data before any sampling: forward runs at the given weights on the first rows,
     * the loss takes its outputs, and the loss is finite. Failures become one line naming the file, the tensor and
     * the shapes.
     *
     * @param wStar the weights [P]
     * @param x     inputs [n, ...]
     * @param y     targets [n, ...]
     * @throws IllegalArgumentException if forward raises, the loss cannot take its outputs, or the loss is NaN or infinite
     */
    public void validate(Tensor wStar, Tensor x, Tensor y) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            long rows = Math.min(x.size(0), 8);
            Device device = module.parameter(0).device();
            Tensor xs = x.narrow(0, 0, rows).unsqueeze(0).to(device), ys = y.narrow(0, 0, rows).unsqueeze(0).to(device);
            ChainParameters one = ChainParameters.replicate(layout, wStar.to(dtype).to(device), 1);
            double value;
            try {
                value = loss(one.views(), xs, ys).item();
            } catch (io.lambdahat.torch.TorchException e) {
                throw new io.lambdahat.InvalidInputException(e.getMessage(), e);
            } finally {
                one.close();
            }
            if (!Double.isFinite(value)) {
                throw new io.lambdahat.InvalidInputException(module.file() + ": the loss at w* is " + value + " on x "
                        + Arrays.toString(xs.shape()) + " (NaN or infinite outputs; check the checkpoint and the data)");
            }
        }
    }

    /** A model over a copy of the module: chains are bound into a module's attributes, so a thread needs its own. */
    @Override
    public TorchScriptModel forAnotherThread() {
        ScriptModule copy = module.copy();
        try {
            TorchScriptModel other = new TorchScriptModel(copy, loss);
            other.perChainReason = perChainReason;
            other.perChainReasonWithoutGrad = perChainReasonWithoutGrad;
            other.notes = notes;
            other.noted.addAll(noted);
            return other;
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return "TorchScript " + module.file().getFileName() + " (" + layout.size() + " parameters, " + loss.name().toLowerCase(Locale.ROOT) + ")";
    }

    @Override
    public void close() {
        module.close();
    }
}
