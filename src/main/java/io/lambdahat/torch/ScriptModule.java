package io.lambdahat.torch;

import io.lambdahat.bindings.lambdahat_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A TorchScript module loaded by libtorch's own loader ({@code torch::jit::load}): what {@code torch.jit.save} writes
 * from any {@code nn.Module}. It is held in eval mode. Its parameters and buffers are named as in
 * {@code state_dict()}; {@link #chainLoss} evaluates it for C chains by binding each chain's row of a [C, P] leaf into
 * the parameter slots as views (no copies), so gradients reach that leaf. Used by one thread at a time.
 */
public final class ScriptModule implements AutoCloseable {
    static {
        Native.ensureLoaded();
    }

    /** How {@link #chainLoss} scores the module's outputs. */
    public enum Loss {
        /** Cross-entropy over the last axis with integer targets; every leading position counts (sequence models). */
        CROSS_ENTROPY(lambdahat_h.LH_LOSS_CROSS_ENTROPY()),
        /** Mean squared error between outputs and targets of the same shape. */
        MSE(lambdahat_h.LH_LOSS_MSE()),
        /** {@code forward(x, y)} returns the scalar loss itself. */
        MODULE(lambdahat_h.LH_LOSS_MODULE());

        final int code;

        Loss(int code) {
            this.code = code;
        }

        /**
         * The loss named on the command line.
         *
         * @param s cross-entropy, mse or module
         * @return the loss
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Loss parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "cross-entropy", "cross_entropy", "ce" -> CROSS_ENTROPY;
                case "mse" -> MSE;
                case "module" -> MODULE;
                default -> throw new io.lambdahat.InvalidInputException("unknown --loss '" + s + "': use cross-entropy, mse or module");
            };
        }
    }

    private MemorySegment handle;
    private final Path file;
    private final List<String> parameterNames;
    private final List<String> bufferNames;

    private ScriptModule(MemorySegment handle, Path file) {
        this.handle = handle;
        this.file = file;
        this.parameterNames = names(lambdahat_h.LH_MODULE_PARAMETERS());
        this.bufferNames = names(lambdahat_h.LH_MODULE_BUFFERS());
    }

    /**
     * Loads a TorchScript file onto a device.
     *
     * @param file   what {@code torch.jit.save} wrote
     * @param device where the module's tensors go
     * @return the module; the caller closes it
     * @throws IllegalArgumentException naming the file if it is missing or not TorchScript
     */
    public static ScriptModule load(Path file, Device device) {
        if (!Files.isRegularFile(file)) throw new io.lambdahat.InvalidInputException("TorchScript file " + file + " does not exist");
        MemorySegment h;
        try (Arena a = Arena.ofConfined()) {
            h = lambdahat_h.lh_module_load(a.allocateFrom(file.toString()), device.type().code, device.index());
        }
        if (h.address() == 0) throw new io.lambdahat.InvalidInputException(Native.lastError().getMessage());
        return new ScriptModule(h, file);
    }

    /**
     * A deep copy with parameters and buffers of its own, at their current values: a module binds each chain's weights
     * into its own attributes, so two threads evaluating chains at once each need one.
     *
     * @return the copy; the caller closes it
     */
    public ScriptModule copy() {
        return new ScriptModule(Native.check(lambdahat_h.lh_module_clone(handle())), file);
    }

    private List<String> names(int kind) {
        int n = Native.check(lambdahat_h.lh_module_count(handle(), kind));
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Native.check(lambdahat_h.lh_module_name(handle(), kind, i)).reinterpret(Long.MAX_VALUE).getString(0));
        }
        return Collections.unmodifiableList(out);
    }

    /** {@return the file the module was loaded from} */
    public Path file() {
        return file;
    }

    /** {@return the parameters' names in the module's order, as in {@code state_dict()}} */
    public List<String> parameterNames() {
        return parameterNames;
    }

    /** {@return the buffers' names (e.g. BatchNorm running statistics), as in {@code state_dict()}} */
    public List<String> bufferNames() {
        return bufferNames;
    }

    /**
     * The current value of parameter i.
     *
     * @param i index into {@link #parameterNames()}
     * @return a new handle to it (detached), owned by the caller or the open scope
     */
    public Tensor parameter(int i) {
        return new Tensor(Native.check(lambdahat_h.lh_module_get(handle(), lambdahat_h.LH_MODULE_PARAMETERS(), i)));
    }

    /**
     * The current value of buffer i.
     *
     * @param i index into {@link #bufferNames()}
     * @return a new handle to it, owned by the caller or the open scope
     */
    public Tensor buffer(int i) {
        return new Tensor(Native.check(lambdahat_h.lh_module_get(handle(), lambdahat_h.LH_MODULE_BUFFERS(), i)));
    }

    /**
     * Replaces parameter i's value (same shape, dtype and device).
     *
     * @param i     index into {@link #parameterNames()}
     * @param value the new value; the module keeps its own reference
     */
    public void setParameter(int i, Tensor value) {
        Native.check(lambdahat_h.lh_module_set(handle(), lambdahat_h.LH_MODULE_PARAMETERS(), i, value.handle()));
    }

    /**
     * Replaces buffer i's value (same shape, dtype and device).
     *
     * @param i     index into {@link #bufferNames()}
     * @param value the new value; the module keeps its own reference
     */
    public void setBuffer(int i, Tensor value) {
        Native.check(lambdahat_h.lh_module_set(handle(), lambdahat_h.LH_MODULE_BUFFERS(), i, value.handle()));
    }

    /**
     * Each chain's loss: for chain c the parameters are bound to {@code views[i][c]}, the module runs on x[c] and is
     * scored against y[c].
     *
     * @param views every parameter in {@link #parameterNames()} order, each [C, ...shape]
     * @param x     inputs [C, B, ...]
     * @param y     targets [C, B, ...]
     * @param loss  how outputs are scored
     * @return [C], owned by the caller or the open scope
     * @throws TorchException naming the file, the tensor and its shape if forward or the loss fails
     */
    public Tensor chainLoss(Tensor[] views, Tensor x, Tensor y, Loss loss) {
        try (Arena a = Arena.ofConfined()) {
            return new Tensor(Native.check(lambdahat_h.lh_module_chain_loss(handle(), handles(a, views), views.length,
                    x.handle(), y.handle(), loss.code)));
        }
    }

    /**
     * Each chain's outputs {@code forward(x[c])}, stacked.
     *
     * @param views every parameter in {@link #parameterNames()} order, each [C, ...shape]
     * @param x     inputs [C, B, ...]
     * @return [C, B, ...], owned by the caller or the open scope
     */
    public Tensor chainOutputs(Tensor[] views, Tensor x) {
        try (Arena a = Arena.ofConfined()) {
            return new Tensor(Native.check(lambdahat_h.lh_module_chain_outputs(handle(), handles(a, views), views.length, x.handle())));
        }
    }

    /**
     * Every chain's loss in one forward: the module runs once under libtorch's functorch batching (the C++ side of
     * {@code torch.func.vmap}) over the chain axis of the views, x and y. Same result as {@link #chainLoss}; gradients
     * reach the views' base the same way.
     *
     * @param views every parameter in {@link #parameterNames()} order, each [C, ...shape]
     * @param x     inputs [C, B, ...]
     * @param y     targets [C, B, ...]
     * @param loss  how outputs are scored
     * @return [C], owned by the caller or the open scope
     * @throws TorchException where an operator of the module has no batching rule, or the module does what vmap
     *                        cannot (data-dependent control flow, random ops); the message names it
     */
    public Tensor vmapLoss(Tensor[] views, Tensor x, Tensor y, Loss loss) {
        try (Arena a = Arena.ofConfined()) {
            return new Tensor(Native.check(lambdahat_h.lh_module_vmap_loss(handle(), handles(a, views), views.length,
                    x.handle(), y.handle(), loss.code)));
        }
    }

    /**
     * Every chain's outputs in one forward under functorch's batching; same result as {@link #chainOutputs}.
     *
     * @param views every parameter in {@link #parameterNames()} order, each [C, ...shape]
     * @param x     inputs [C, B, ...]
     * @return [C, B, ...], owned by the caller or the open scope
     * @throws TorchException as {@link #vmapLoss}
     */
    public Tensor vmapOutputs(Tensor[] views, Tensor x) {
        try (Arena a = Arena.ofConfined()) {
            return new Tensor(Native.check(lambdahat_h.lh_module_vmap_outputs(handle(), handles(a, views), views.length, x.handle())));
        }
    }

    private static MemorySegment handles(Arena a, Tensor[] views) {
        MemorySegment array = a.allocate(ValueLayout.ADDRESS, Math.max(1, views.length));
        for (int i = 0; i < views.length; i++) array.setAtIndex(ValueLayout.ADDRESS, i, views[i].handle());
        return array;
    }

    MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("TorchScript module used after close");
        return handle;
    }

    /** Frees the native module; later calls do nothing. */
    @Override
    public void close() {
        if (handle != null) {
            lambdahat_h.lh_module_free(handle);
            handle = null;
        }
    }
}
