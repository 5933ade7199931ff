package io.lambdahat.torch;

import io.lambdahat.bindings.lambdahat_h;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A libtorch tensor owned from Java. Closing frees the native tensor deterministically; close is idempotent,
 * and any use after close throws {@link IllegalStateException} rather than touching freed memory.
 *
 * <p>A tensor created while a {@link Scope} is open on this thread belongs to that scope, which frees it when it
 * closes; otherwise the creator owns it and must close it (try-with-resources).
 *
 * <p>Operations return new tensors; methods ending in {@code InPlace} modify this tensor, as libtorch's
 * trailing-underscore operators do.
 */
public final class Tensor implements AutoCloseable {
    static {
        Native.ensureLoaded();
    }

    // The raw address rather than the MemorySegment the downcall returned: that segment would escape into this
    // field and cost an allocation per op (measured by bench/percall.sh: 64 → 24 bytes and ~3 % per tiny op).
    private long address;
    Scope owner;

    Tensor(MemorySegment handle) {
        this.address = handle.address();
        Scope scope = Scope.current();
        if (scope != null) scope.adopt(this);
    }

    private static Tensor wrap(MemorySegment handle) {
        return new Tensor(Native.check(handle));
    }

    MemorySegment handle() {
        long a = address;
        if (a == 0) throw new IllegalStateException("tensor used after close");
        return MemorySegment.ofAddress(a);
    }

    public boolean isClosed() {
        return address == 0;
    }

    @Override
    public void close() {
        long a = address;
        if (a != 0) {
            address = 0;
            lambdahat_h.lh_tensor_free(MemorySegment.ofAddress(a));
        }
    }

    // ---------------------------------------------------------------- creation

    private static MemorySegment dims(long[] shape) {
        for (long d : shape) if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        return Native.Scratch.get().longs(shape);
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public static Tensor empty(DType dtype, Device device, long... shape) {
        return wrap(lambdahat_h.lh_empty(dims(shape), shape.length, dtype.code, device.type().code, device.index()));
    }

    public static Tensor full(double value, DType dtype, Device device, long... shape) {
        return wrap(lambdahat_h.lh_full(dims(shape), shape.length, value, dtype.code, device.type().code, device.index()));
    }

    public static Tensor zeros(DType dtype, Device device, long... shape) {
        return full(0, dtype, device, shape);
    }

    public static Tensor ones(DType dtype, Device device, long... shape) {
        return full(1, dtype, device, shape);
    }

    public static Tensor zeros(long... shape) {
        return zeros(DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor ones(long... shape) {
        return ones(DType.FLOAT32, Device.CPU, shape);
    }

    /** Standard normal entries drawn from {@code generator} (null: libtorch's default generator). */
    public static Tensor randn(Generator generator, DType dtype, Device device, long... shape) {
        return wrap(lambdahat_h.lh_randn(dims(shape), shape.length, dtype.code, device.type().code, device.index(),
                generator == null ? MemorySegment.NULL : generator.handle()));
    }

    /** Uniform entries in [0, 1). */
    public static Tensor rand(Generator generator, DType dtype, Device device, long... shape) {
        return wrap(lambdahat_h.lh_rand(dims(shape), shape.length, dtype.code, device.type().code, device.index(),
                generator == null ? MemorySegment.NULL : generator.handle()));
    }

    /** Uniform int64 entries in [low, high). */
    public static Tensor randint(Generator generator, long low, long high, Device device, long... shape) {
        return wrap(lambdahat_h.lh_randint(low, high, dims(shape), shape.length, device.type().code, device.index(),
                generator == null ? MemorySegment.NULL : generator.handle()));
    }

    /** 0, 1, ..., end-1 as int64. */
    public static Tensor arange(long end, Device device) {
        return Ops.ARANGE.call().integer(end).dtype(DType.INT64).none().device(device).returnTensor();
    }

    /** 0, 1, ..., end-1 in the given dtype. */
    public static Tensor arange(long end, DType dtype, Device device) {
        return Ops.ARANGE.call().integer(end).dtype(dtype).none().device(device).returnTensor();
    }

    /** A CPU tensor viewing caller-owned memory (zero copy). The memory must outlive the tensor and its views. */
    public static Tensor fromSegment(MemorySegment data, DType dtype, long... shape) {
        long bytes = Math.multiplyExact(product(shape), dtype.byteSize);
        if (data.byteSize() < bytes) {
            throw new IllegalArgumentException("segment of " + data.byteSize() + " bytes is too small for shape "
                    + Arrays.toString(shape) + " of " + dtype);
        }
        return wrap(lambdahat_h.lh_tensor_from_blob(data, dims(shape), shape.length, dtype.code));
    }

    private static Tensor copyOf(MemorySegment heap, DType dtype, Device device, long[] shape, long length) {
        if (product(shape) != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(shape));
        }
        return wrap(lambdahat_h.lh_tensor_from_data(heap, dims(shape), shape.length, dtype.code, device.type().code,
                device.index()));
    }

    public static Tensor of(float[] data, long... shape) {
        return of(data, Device.CPU, shape);
    }

    public static Tensor of(float[] data, Device device, long... shape) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOf(arena.allocateFrom(ValueLayout.JAVA_FLOAT, data), DType.FLOAT32, device, shape, data.length);
        }
    }

    public static Tensor of(double[] data, long... shape) {
        return of(data, Device.CPU, shape);
    }

    public static Tensor of(double[] data, Device device, long... shape) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOf(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, data), DType.FLOAT64, device, shape, data.length);
        }
    }

    public static Tensor of(long[] data, long... shape) {
        return of(data, Device.CPU, shape);
    }

    public static Tensor of(long[] data, Device device, long... shape) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOf(arena.allocateFrom(ValueLayout.JAVA_LONG, data), DType.INT64, device, shape, data.length);
        }
    }

    public static Tensor scalar(double value, DType dtype, Device device) {
        return full(value, dtype, device);
    }

    // ---------------------------------------------------------------- metadata

    public int dim() {
        return Native.check(lambdahat_h.lh_tensor_dim(handle()));
    }

    public long[] shape() {
        Native.Scratch scratch = Native.Scratch.get();
        int n = Native.check(lambdahat_h.lh_tensor_sizes(handle(), scratch.longs, Native.Scratch.LONGS));
        return scratch.longs.asSlice(0, (long) n * Long.BYTES).toArray(ValueLayout.JAVA_LONG);
    }

    public long size(int dim) {
        long[] s = shape();
        return s[dim < 0 ? dim + s.length : dim];
    }

    public long[] strides() {
        Native.Scratch scratch = Native.Scratch.get();
        int n = Native.check(lambdahat_h.lh_tensor_strides(handle(), scratch.longs, Native.Scratch.LONGS));
        return scratch.longs.asSlice(0, (long) n * Long.BYTES).toArray(ValueLayout.JAVA_LONG);
    }

    public long numel() {
        return Native.check(lambdahat_h.lh_tensor_numel(handle()));
    }

    public DType dtype() {
        return DType.fromCode(Native.check(lambdahat_h.lh_tensor_dtype(handle())));
    }

    public Device device() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment type = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment index = arena.allocate(ValueLayout.JAVA_INT);
            Native.check(lambdahat_h.lh_tensor_device(handle(), type, index));
            return Device.fromCodes(type.get(ValueLayout.JAVA_INT, 0), index.get(ValueLayout.JAVA_INT, 0));
        }
    }

    public boolean isContiguous() {
        return Native.check(lambdahat_h.lh_tensor_is_contiguous(handle())) == 1;
    }

    /**
     * The tensor's memory (CPU tensors), zero copy, sized to its elements. Valid only while this tensor (or
     * another view of its storage) is alive; contiguous tensors only.
     */
    public MemorySegment data() {
        if (!isContiguous()) throw new IllegalStateException("data() needs a contiguous tensor; call contiguous() first");
        if (device().isCuda()) throw new IllegalStateException("data() is for CPU tensors; copy with to(Device.CPU)");
        long bytes = numel() * dtype().byteSize;
        return Native.check(lambdahat_h.lh_tensor_data_ptr(handle())).reinterpret(bytes);
    }

    // ---------------------------------------------------------------- copies out

    private MemorySegment copyOut(java.lang.foreign.Arena arena, DType expected) {
        DType d = dtype();
        if (d != expected) throw new IllegalStateException("tensor is " + d + ", not " + expected + "; convert with to(DType)");
        long bytes = numel() * d.byteSize;
        MemorySegment out = arena.allocate(Math.max(bytes, 1), 8);
        Native.check(lambdahat_h.lh_tensor_copy_to_host(handle(), out, bytes));
        return out.asSlice(0, bytes);
    }

    public float[] toFloatArray() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOut(arena, DType.FLOAT32).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    public double[] toDoubleArray() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOut(arena, DType.FLOAT64).toArray(ValueLayout.JAVA_DOUBLE);
        }
    }

    public long[] toLongArray() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOut(arena, DType.INT64).toArray(ValueLayout.JAVA_LONG);
        }
    }

    /** The value of a one-element tensor, as a double. */
    public double item() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_DOUBLE);
            Native.check(lambdahat_h.lh_tensor_item_double(handle(), out));
            return out.get(ValueLayout.JAVA_DOUBLE, 0);
        }
    }

    public long itemLong() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check(lambdahat_h.lh_tensor_item_int64(handle(), out));
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    // ---------------------------------------------------------------- autograd

    public Tensor requiresGrad(boolean flag) {
        Native.check(lambdahat_h.lh_tensor_set_requires_grad(handle(), flag ? 1 : 0));
        return this;
    }

    public boolean requiresGrad() {
        return Native.check(lambdahat_h.lh_tensor_requires_grad(handle())) == 1;
    }

    /** Back-propagates from this scalar. */
    public void backward() {
        Native.check(lambdahat_h.lh_tensor_backward(handle(), MemorySegment.NULL, 0));
    }

    public void backward(Tensor gradOutput, boolean retainGraph) {
        Native.check(lambdahat_h.lh_tensor_backward(handle(), gradOutput == null ? MemorySegment.NULL : gradOutput.handle(),
                retainGraph ? 1 : 0));
    }

    /** The accumulated gradient (a new handle sharing its storage), or null when none has been computed. */
    public Tensor grad() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check(lambdahat_h.lh_tensor_grad(handle(), out));
            MemorySegment g = out.get(ValueLayout.ADDRESS, 0);
            return g.address() == 0 ? null : new Tensor(g);
        }
    }

    public void zeroGrad() {
        Native.check(lambdahat_h.lh_tensor_zero_grad(handle()));
    }

    public Tensor detach() {
        return wrap(lambdahat_h.lh_tensor_detach(handle()));
    }

    /** Another handle to the same tensor (same storage, same autograd identity). */
    public Tensor share() {
        return wrap(lambdahat_h.lh_tensor_shallow_clone(handle()));
    }

    // ---------------------------------------------------------------- conversion

    public Tensor to(DType dtype) {
        Device d = device();
        return wrap(lambdahat_h.lh_to(handle(), dtype.code, d.type().code, d.index()));
    }

    public Tensor to(Device device) {
        return wrap(lambdahat_h.lh_to(handle(), dtype().code, device.type().code, device.index()));
    }

    public Tensor contiguous() {
        return Ops.CONTIGUOUS.call().tensor(this).returnTensor();
    }

    public Tensor copy() {
        return Ops.CLONE.call().tensor(this).returnTensor();
    }

    // ---------------------------------------------------------------- arithmetic (typed fast paths)

    public Tensor add(Tensor other) {
        return wrap(lambdahat_h.lh_add(handle(), other.handle(), 1.0));
    }

    /** this + alpha * other */
    public Tensor add(Tensor other, double alpha) {
        return wrap(lambdahat_h.lh_add(handle(), other.handle(), alpha));
    }

    public Tensor sub(Tensor other) {
        return wrap(lambdahat_h.lh_sub(handle(), other.handle(), 1.0));
    }

    public Tensor mul(Tensor other) {
        return wrap(lambdahat_h.lh_mul(handle(), other.handle()));
    }

    public Tensor div(Tensor other) {
        return wrap(lambdahat_h.lh_div(handle(), other.handle()));
    }

    public Tensor add(double s) {
        return wrap(lambdahat_h.lh_add_scalar(handle(), s));
    }

    public Tensor sub(double s) {
        return wrap(lambdahat_h.lh_add_scalar(handle(), -s));
    }

    public Tensor mul(double s) {
        return wrap(lambdahat_h.lh_mul_scalar(handle(), s));
    }

    public Tensor div(double s) {
        return wrap(lambdahat_h.lh_mul_scalar(handle(), 1.0 / s));
    }

    public Tensor matmul(Tensor other) {
        return wrap(lambdahat_h.lh_matmul(handle(), other.handle()));
    }

    public Tensor bmm(Tensor other) {
        return wrap(lambdahat_h.lh_bmm(handle(), other.handle()));
    }

    /** beta * this + alpha * (a @ b), batched. */
    public Tensor baddbmm(Tensor a, Tensor b, double beta, double alpha) {
        return wrap(lambdahat_h.lh_baddbmm(handle(), a.handle(), b.handle(), beta, alpha));
    }

    public Tensor baddbmm(Tensor a, Tensor b) {
        return baddbmm(a, b, 1.0, 1.0);
    }

    public Tensor sum() {
        return wrap(lambdahat_h.lh_sum(handle(), MemorySegment.NULL, 0, 0));
    }

    public Tensor sum(boolean keepDim, long... dims) {
        return wrap(lambdahat_h.lh_sum(handle(), Native.Scratch.get().longs(dims), dims.length, keepDim ? 1 : 0));
    }

    public Tensor mean() {
        return wrap(lambdahat_h.lh_mean(handle(), MemorySegment.NULL, 0, 0));
    }

    public Tensor mean(boolean keepDim, long... dims) {
        return wrap(lambdahat_h.lh_mean(handle(), Native.Scratch.get().longs(dims), dims.length, keepDim ? 1 : 0));
    }

    // ---------------------------------------------------------------- in place

    /** this += alpha * other */
    public Tensor addInPlace(Tensor other, double alpha) {
        Native.check(lambdahat_h.lh_add_(handle(), other.handle(), alpha));
        return this;
    }

    public Tensor mulInPlace(Tensor other) {
        Native.check(lambdahat_h.lh_mul_(handle(), other.handle()));
        return this;
    }

    public Tensor mulInPlace(double s) {
        Native.check(lambdahat_h.lh_mul_scalar_(handle(), s));
        return this;
    }

    public Tensor copyFrom(Tensor src) {
        Native.check(lambdahat_h.lh_copy_(handle(), src.handle()));
        return this;
    }

    public Tensor zeroInPlace() {
        Native.check(lambdahat_h.lh_zero_(handle()));
        return this;
    }

    // ---------------------------------------------------------------- shape

    public Tensor reshape(long... shape) {
        return wrap(lambdahat_h.lh_reshape(handle(), Native.Scratch.get().longs(shape), shape.length));
    }

    public Tensor view(long... shape) {
        return Ops.VIEW.call().tensor(this).ints(shape).returnTensor();
    }

    public Tensor narrow(long dim, long start, long length) {
        return wrap(lambdahat_h.lh_narrow(handle(), dim, start, length));
    }

    public Tensor select(long dim, long index) {
        return wrap(lambdahat_h.lh_select(handle(), dim, index));
    }

    public Tensor indexSelect(long dim, Tensor index) {
        return wrap(lambdahat_h.lh_index_select(handle(), dim, index.handle()));
    }

    public Tensor permute(long... dims) {
        return Ops.PERMUTE.call().tensor(this).ints(dims).returnTensor();
    }

    public Tensor transpose(long dim0, long dim1) {
        return Ops.TRANSPOSE.call().tensor(this).integer(dim0).integer(dim1).returnTensor();
    }

    public Tensor unsqueeze(long dim) {
        return Ops.UNSQUEEZE.call().tensor(this).integer(dim).returnTensor();
    }

    public Tensor squeeze(long dim) {
        return Ops.SQUEEZE.call().tensor(this).integer(dim).returnTensor();
    }

    public Tensor expand(long... shape) {
        return Ops.EXPAND.call().tensor(this).ints(shape).returnTensor();
    }

    public static Tensor cat(long dim, Tensor... ts) {
        return Ops.CAT.call().tensors(ts).integer(dim).returnTensor();
    }

    public static Tensor stack(long dim, Tensor... ts) {
        return Ops.STACK.call().tensors(ts).integer(dim).returnTensor();
    }

    public Tensor gather(long dim, Tensor index) {
        return Ops.GATHER.call().tensor(this).integer(dim).tensor(index).returnTensor();
    }

    // ---------------------------------------------------------------- elementwise (boxed)

    private Tensor unary(Op op) {
        return op.call().tensor(this).returnTensor();
    }

    public Tensor neg() { return unary(Ops.NEG); }
    public Tensor exp() { return unary(Ops.EXP); }
    public Tensor log() { return unary(Ops.LOG); }
    public Tensor sqrt() { return unary(Ops.SQRT); }
    public Tensor abs() { return unary(Ops.ABS); }
    public Tensor square() { return unary(Ops.SQUARE); }
    public Tensor relu() { return unary(Ops.RELU); }
    public Tensor gelu() { return unary(Ops.GELU); }
    public Tensor tanh() { return unary(Ops.TANH); }
    public Tensor sigmoid() { return unary(Ops.SIGMOID); }

    public Tensor pow(double exponent) {
        return Ops.POW_SCALAR.call().tensor(this).real(exponent).returnTensor();
    }

    public Tensor pow(Tensor exponent) {
        return Ops.POW_TENSOR.call().tensor(this).tensor(exponent).returnTensor();
    }

    public Tensor softmax(long dim) {
        return Ops.SOFTMAX.call().tensor(this).integer(dim).returnTensor();
    }

    public Tensor logSoftmax(long dim) {
        return Ops.LOG_SOFTMAX.call().tensor(this).integer(dim).returnTensor();
    }

    public Tensor clamp(Double min, Double max) {
        Op.Call c = Ops.CLAMP.call().tensor(this);
        c = min == null ? c.none() : c.real(min);
        c = max == null ? c.none() : c.real(max);
        return c.returnTensor();
    }

    public Tensor triu(long diagonal) {
        return Ops.TRIU.call().tensor(this).integer(diagonal).returnTensor();
    }

    public Tensor tril(long diagonal) {
        return Ops.TRIL.call().tensor(this).integer(diagonal).returnTensor();
    }

    public Tensor maskedFill(Tensor mask, double value) {
        return Ops.MASKED_FILL.call().tensor(this).tensor(mask).real(value).returnTensor();
    }

    /** condition ? a : b, elementwise. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Ops.WHERE.call().tensor(condition).tensor(a).tensor(b).returnTensor();
    }

    public Tensor gt(Tensor o) { return Ops.GT.call().tensor(this).tensor(o).returnTensor(); }
    public Tensor lt(Tensor o) { return Ops.LT.call().tensor(this).tensor(o).returnTensor(); }
    public Tensor ge(Tensor o) { return Ops.GE.call().tensor(this).tensor(o).returnTensor(); }
    public Tensor le(Tensor o) { return Ops.LE.call().tensor(this).tensor(o).returnTensor(); }
    public Tensor eq(Tensor o) { return Ops.EQ.call().tensor(this).tensor(o).returnTensor(); }
    public Tensor gt(double s) { return Ops.GT_S.call().tensor(this).real(s).returnTensor(); }
    public Tensor lt(double s) { return Ops.LT_S.call().tensor(this).real(s).returnTensor(); }
    public Tensor eq(double s) { return Ops.EQ_S.call().tensor(this).real(s).returnTensor(); }

    public Tensor argmax(long dim, boolean keepDim) {
        return Ops.ARGMAX.call().tensor(this).integer(dim).bool(keepDim).returnTensor();
    }

    /** Max over a dimension (values only). */
    public Tensor amax(long dim, boolean keepDim) {
        return Ops.AMAX.call().tensor(this).ints(dim).bool(keepDim).returnTensor();
    }

    // ---------------------------------------------------------------- neural-network functions

    /** Cross-entropy of logits [N, K] (or [N, K, ...]) against int64 class targets, averaged. */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return Ops.CROSS_ENTROPY.call().tensor(logits).tensor(target).none().integer(1).integer(-100).real(0.0).returnTensor();
    }

    /** Negative log-likelihood of log-probabilities [N, K] against int64 targets, averaged. */
    public static Tensor nllLoss(Tensor logProbs, Tensor target) {
        return Ops.NLL_LOSS.call().tensor(logProbs).tensor(target).none().integer(1).integer(-100).returnTensor();
    }

    /** Mean squared error, averaged over all elements. */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return Ops.MSE_LOSS.call().tensor(input).tensor(target).integer(1).returnTensor();
    }

    /** Rows of {@code weight} picked by int64 {@code indices}. */
    public static Tensor embedding(Tensor weight, Tensor indices) {
        return Ops.EMBEDDING.call().tensor(weight).tensor(indices).returnTensor();
    }

    /** Layer norm over the trailing dimensions {@code normalizedShape}; weight and bias may be null. */
    public static Tensor layerNorm(Tensor input, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Ops.LAYER_NORM.call().tensor(input).ints(normalizedShape).optionalTensor(weight).optionalTensor(bias)
                .real(eps).returnTensor();
    }

    @Override
    public String toString() {
        if (address == 0) return "Tensor(closed)";
        return "Tensor(" + dtype() + ", " + device() + ", " + Arrays.toString(shape()) + ")";
    }

    /** The boxed operators behind the methods above, found once. */
    static final class Ops {
        static final Op ARANGE = Op.find("aten::arange", "");
        static final Op CONTIGUOUS = Op.find("aten::contiguous", "");
        static final Op CLONE = Op.find("aten::clone", "");
        static final Op VIEW = Op.find("aten::view", "");
        static final Op PERMUTE = Op.find("aten::permute", "");
        static final Op TRANSPOSE = Op.find("aten::transpose", "int");
        static final Op UNSQUEEZE = Op.find("aten::unsqueeze", "");
        static final Op SQUEEZE = Op.find("aten::squeeze", "dim");
        static final Op EXPAND = Op.find("aten::expand", "");
        static final Op CAT = Op.find("aten::cat", "");
        static final Op STACK = Op.find("aten::stack", "");
        static final Op GATHER = Op.find("aten::gather", "");
        static final Op NEG = Op.find("aten::neg", "");
        static final Op EXP = Op.find("aten::exp", "");
        static final Op LOG = Op.find("aten::log", "");
        static final Op SQRT = Op.find("aten::sqrt", "");
        static final Op ABS = Op.find("aten::abs", "");
        static final Op SQUARE = Op.find("aten::square", "");
        static final Op RELU = Op.find("aten::relu", "");
        static final Op GELU = Op.find("aten::gelu", "");
        static final Op TANH = Op.find("aten::tanh", "");
        static final Op SIGMOID = Op.find("aten::sigmoid", "");
        static final Op POW_SCALAR = Op.find("aten::pow", "Tensor_Scalar");
        static final Op POW_TENSOR = Op.find("aten::pow", "Tensor_Tensor");
        static final Op SOFTMAX = Op.find("aten::softmax", "int");
        static final Op LOG_SOFTMAX = Op.find("aten::log_softmax", "int");
        static final Op CLAMP = Op.find("aten::clamp", "");
        static final Op TRIU = Op.find("aten::triu", "");
        static final Op TRIL = Op.find("aten::tril", "");
        static final Op MASKED_FILL = Op.find("aten::masked_fill", "Scalar");
        static final Op WHERE = Op.find("aten::where", "self");
        static final Op GT = Op.find("aten::gt", "Tensor");
        static final Op LT = Op.find("aten::lt", "Tensor");
        static final Op GE = Op.find("aten::ge", "Tensor");
        static final Op LE = Op.find("aten::le", "Tensor");
        static final Op EQ = Op.find("aten::eq", "Tensor");
        static final Op GT_S = Op.find("aten::gt", "Scalar");
        static final Op LT_S = Op.find("aten::lt", "Scalar");
        static final Op EQ_S = Op.find("aten::eq", "Scalar");
        static final Op ARGMAX = Op.find("aten::argmax", "");
        static final Op AMAX = Op.find("aten::amax", "");
        static final Op CROSS_ENTROPY = Op.find("aten::cross_entropy_loss", "");
        static final Op NLL_LOSS = Op.find("aten::nll_loss", "");
        static final Op MSE_LOSS = Op.find("aten::mse_loss", "");
        static final Op EMBEDDING = Op.find("aten::embedding", "");
        static final Op LAYER_NORM = Op.find("aten::layer_norm", "");

        private Ops() {}
    }
}
