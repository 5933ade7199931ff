package io.lambdahat.torch;

import io.lambdahat.bindings.lambdahat_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A libtorch tensor owned from Java. Closing frees the native tensor deterministically; close is idempotent,
 * and any use after close throws {@link IllegalStateException} rather than touching freed memory.
 *
 * <p>A tensor created while a {@link Scope} is open on this thread belongs to that scope, which frees it when it
 * closes; otherwise the creator owns it and must close it (try-with-resources). Every method that returns a
 * {@code Tensor} other than {@code this} returns a new handle with this ownership rule.
 *
 * <p>Operations return new tensors; methods ending in {@code InPlace} modify this tensor, as libtorch's
 * trailing-underscore operators do. Shapes, dtypes and devices follow libtorch's rules (broadcasting, type
 * promotion); an operation libtorch rejects (mismatched shapes, mixed devices) throws {@link TorchException}
 * with libtorch's message.
 */
public final class Tensor implements AutoCloseable {
    static {
        Native.ensureLoaded();
    }

    // The raw address rather than the MemorySegment the downcall returned: that segment would escape into this
    // field and cost an allocation per op (measured by bench/percall.sh: 64 → 24 bytes and ~3 % per tiny op).
    private long address;
    Scope owner;
    /**
     * The lifetime of the segments {@link #data} returns: made by the first call and closed by {@link #close} before
     * the native tensor is freed, so that a segment read after close throws instead of reading freed memory. Shared,
     * because a tensor's memory may be read from several threads.
     */
    private Arena dataArena;

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

    /**
     * Whether {@link #close} has run (on this handle directly or through its {@link Scope}).
     *
     * @return true once the native tensor has been freed
     */
    public boolean isClosed() {
        return address == 0;
    }

    /**
     * Frees the native tensor; later calls do nothing. Other handles to the same storage stay valid; the segments
     * {@link #data} returned from this handle do not.
     */
    @Override
    public void close() {
        long a = address;
        if (a != 0) {
            address = 0;
            Arena arena = dataArena;
            if (arena != null) {
                dataArena = null;
                arena.close();
            }
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

    /**
     * A tensor of uninitialised memory, for outputs that will be overwritten in full.
     *
     * @param dtype element type
     * @param device where the memory lives
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor empty(DType dtype, Device device, long... shape) {
        return wrap(lambdahat_h.lh_empty(dims(shape), shape.length, dtype.code, device.type().code, device.index()));
    }

    /**
     * A tensor with every element equal to {@code value}.
     *
     * @param value the fill value, converted to {@code dtype}
     * @param dtype element type
     * @param device where the memory lives
     * @param shape dimensions, each &ge; 0; none gives a 0-dimensional scalar
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor full(double value, DType dtype, Device device, long... shape) {
        return wrap(lambdahat_h.lh_full(dims(shape), shape.length, value, dtype.code, device.type().code, device.index()));
    }

    /**
     * A tensor of zeros.
     *
     * @param dtype element type
     * @param device where the memory lives
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor zeros(DType dtype, Device device, long... shape) {
        return full(0, dtype, device, shape);
    }

    /**
     * A tensor of ones.
     *
     * @param dtype element type
     * @param device where the memory lives
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor ones(DType dtype, Device device, long... shape) {
        return full(1, dtype, device, shape);
    }

    /**
     * A float32 CPU tensor of zeros.
     *
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor zeros(long... shape) {
        return zeros(DType.FLOAT32, Device.CPU, shape);
    }

    /**
     * A float32 CPU tensor of ones.
     *
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor ones(long... shape) {
        return ones(DType.FLOAT32, Device.CPU, shape);
    }

    /**
     * Standard normal entries N(0, 1).
     *
     * @param generator the source of randomness, on the same device; null for libtorch's global default generator
     * @param dtype element type (floating point)
     * @param device where the memory lives
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor randn(Generator generator, DType dtype, Device device, long... shape) {
        return wrap(lambdahat_h.lh_randn(dims(shape), shape.length, dtype.code, device.type().code, device.index(),
                generator == null ? MemorySegment.NULL : generator.handle()));
    }

    /**
     * Uniform entries in [0, 1).
     *
     * @param generator the source of randomness, on the same device; null for libtorch's global default generator
     * @param dtype element type (floating point)
     * @param device where the memory lives
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor rand(Generator generator, DType dtype, Device device, long... shape) {
        return wrap(lambdahat_h.lh_rand(dims(shape), shape.length, dtype.code, device.type().code, device.index(),
                generator == null ? MemorySegment.NULL : generator.handle()));
    }

    /**
     * Uniform int64 entries in [low, high), e.g. minibatch indices.
     *
     * @param generator the source of randomness, on the same device; null for libtorch's global default generator
     * @param low smallest value drawn (inclusive)
     * @param high bound of the values drawn (exclusive), &gt; {@code low}
     * @param device where the memory lives
     * @param shape dimensions, each &ge; 0
     * @return the new int64 tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor randint(Generator generator, long low, long high, Device device, long... shape) {
        return wrap(lambdahat_h.lh_randint(low, high, dims(shape), shape.length, device.type().code, device.index(),
                generator == null ? MemorySegment.NULL : generator.handle()));
    }

    /**
     * The int64 sequence 0, 1, ..., end-1.
     *
     * @param end number of elements, &ge; 0
     * @param device where the memory lives
     * @return the new 1-dimensional tensor [end] (the caller, or the open scope, owns it)
     */
    public static Tensor arange(long end, Device device) {
        return Ops.ARANGE.call().integer(end).dtype(DType.INT64).none().device(device).returnTensor();
    }

    /**
     * The sequence 0, 1, ..., end-1 in the given element type.
     *
     * @param end number of elements, &ge; 0
     * @param dtype element type
     * @param device where the memory lives
     * @return the new 1-dimensional tensor [end] (the caller, or the open scope, owns it)
     */
    public static Tensor arange(long end, DType dtype, Device device) {
        return Ops.ARANGE.call().integer(end).dtype(dtype).none().device(device).returnTensor();
    }

    /**
     * A CPU tensor viewing caller-owned memory (zero copy), row-major. The memory must outlive the tensor and every
     * view of it; writes through either side are seen by the other.
     *
     * @param data native memory holding at least product(shape) elements of {@code dtype}
     * @param dtype element type of the memory's contents
     * @param shape dimensions, each &ge; 0
     * @return the new tensor, which does not own {@code data} (the caller, or the open scope, owns the handle)
     * @throws IllegalArgumentException if {@code data} is smaller than the shape needs or a dimension is negative
     */
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

    /**
     * A float32 CPU tensor holding a copy of {@code data}, row-major.
     *
     * @param data the values, exactly product(shape) of them
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if the number of values does not fill the shape
     */
    public static Tensor of(float[] data, long... shape) {
        return of(data, Device.CPU, shape);
    }

    /**
     * A float32 tensor on {@code device} holding a copy of {@code data}, row-major.
     *
     * @param data the values, exactly product(shape) of them
     * @param device where the copy lives
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if the number of values does not fill the shape
     */
    public static Tensor of(float[] data, Device device, long... shape) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOf(arena.allocateFrom(ValueLayout.JAVA_FLOAT, data), DType.FLOAT32, device, shape, data.length);
        }
    }

    /**
     * A float64 CPU tensor holding a copy of {@code data}, row-major.
     *
     * @param data the values, exactly product(shape) of them
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if the number of values does not fill the shape
     */
    public static Tensor of(double[] data, long... shape) {
        return of(data, Device.CPU, shape);
    }

    /**
     * A float64 tensor on {@code device} holding a copy of {@code data}, row-major.
     *
     * @param data the values, exactly product(shape) of them
     * @param device where the copy lives
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if the number of values does not fill the shape
     */
    public static Tensor of(double[] data, Device device, long... shape) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOf(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, data), DType.FLOAT64, device, shape, data.length);
        }
    }

    /**
     * An int64 CPU tensor holding a copy of {@code data}, row-major (class labels, token ids, indices).
     *
     * @param data the values, exactly product(shape) of them
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if the number of values does not fill the shape
     */
    public static Tensor of(long[] data, long... shape) {
        return of(data, Device.CPU, shape);
    }

    /**
     * An int64 tensor on {@code device} holding a copy of {@code data}, row-major.
     *
     * @param data the values, exactly product(shape) of them
     * @param device where the copy lives
     * @param shape dimensions, each &ge; 0
     * @return the new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if the number of values does not fill the shape
     */
    public static Tensor of(long[] data, Device device, long... shape) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOf(arena.allocateFrom(ValueLayout.JAVA_LONG, data), DType.INT64, device, shape, data.length);
        }
    }

    /**
     * A 0-dimensional tensor holding one value.
     *
     * @param value the value, converted to {@code dtype}
     * @param dtype element type
     * @param device where the memory lives
     * @return the new tensor of shape [] (the caller, or the open scope, owns it)
     */
    public static Tensor scalar(double value, DType dtype, Device device) {
        return full(value, dtype, device);
    }

    // ---------------------------------------------------------------- metadata

    /**
     * Number of dimensions (0 for a scalar).
     *
     * @return the rank of this tensor
     */
    public int dim() {
        return Native.check(lambdahat_h.lh_tensor_dim(handle()));
    }

    /**
     * The size of every dimension.
     *
     * @return a fresh array, one entry per dimension
     */
    public long[] shape() {
        Native.Scratch scratch = Native.Scratch.get();
        int n = Native.check(lambdahat_h.lh_tensor_sizes(handle(), scratch.longs, Native.Scratch.LONGS));
        return scratch.longs.asSlice(0, (long) n * Long.BYTES).toArray(ValueLayout.JAVA_LONG);
    }

    /**
     * The size of one dimension.
     *
     * @param dim the dimension, negative counting from the end (-1: the last)
     * @return its size
     * @throws ArrayIndexOutOfBoundsException if {@code dim} is outside [-dim(), dim())
     */
    public long size(int dim) {
        long[] s = shape();
        return s[dim < 0 ? dim + s.length : dim];
    }

    /**
     * The step in elements between neighbours along each dimension (row-major contiguous: the last is 1).
     *
     * @return a fresh array, one entry per dimension
     */
    public long[] strides() {
        Native.Scratch scratch = Native.Scratch.get();
        int n = Native.check(lambdahat_h.lh_tensor_strides(handle(), scratch.longs, Native.Scratch.LONGS));
        return scratch.longs.asSlice(0, (long) n * Long.BYTES).toArray(ValueLayout.JAVA_LONG);
    }

    /**
     * Number of elements (the product of the shape).
     *
     * @return the element count
     */
    public long numel() {
        return Native.check(lambdahat_h.lh_tensor_numel(handle()));
    }

    /**
     * The element type.
     *
     * @return this tensor's dtype
     */
    public DType dtype() {
        return DType.fromCode(Native.check(lambdahat_h.lh_tensor_dtype(handle())));
    }

    /**
     * Where the tensor's memory lives.
     *
     * @return this tensor's device
     */
    public Device device() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment type = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment index = arena.allocate(ValueLayout.JAVA_INT);
            Native.check(lambdahat_h.lh_tensor_device(handle(), type, index));
            return Device.fromCodes(type.get(ValueLayout.JAVA_INT, 0), index.get(ValueLayout.JAVA_INT, 0));
        }
    }

    /**
     * Whether the elements are laid out row-major without gaps, as {@link #data()} requires.
     *
     * @return true for a contiguous tensor
     */
    public boolean isContiguous() {
        return Native.check(lambdahat_h.lh_tensor_is_contiguous(handle())) == 1;
    }

    /**
     * The tensor's memory (CPU tensors), zero copy, sized to its elements; contiguous tensors only. The segment lives
     * as long as this handle: once the tensor is closed (directly or by its {@link Scope}), reading or writing it
     * throws {@link IllegalStateException}, even where another handle keeps the storage alive.
     *
     * @return a segment over the elements, row-major; writes to it change the tensor
     * @throws IllegalStateException if the tensor is not contiguous (call {@link #contiguous()}) or not on the CPU
     *         (copy with {@link #to(Device)})
     */
    public MemorySegment data() {
        if (!isContiguous()) throw new IllegalStateException("data() needs a contiguous tensor; call contiguous() first");
        if (device().isCuda()) throw new IllegalStateException("data() is for CPU tensors; copy with to(Device.CPU)");
        long bytes = numel() * dtype().byteSize;
        Arena arena = dataArena;
        if (arena == null) dataArena = arena = Arena.ofShared();
        return Native.check(lambdahat_h.lh_tensor_data_ptr(handle())).reinterpret(bytes, arena, null);
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

    /**
     * Copies a float32 tensor's elements out, row-major, from any device.
     *
     * @return a new array of {@link #numel()} values
     * @throws IllegalStateException if the tensor is not float32 (convert with {@link #to(DType)})
     */
    public float[] toFloatArray() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOut(arena, DType.FLOAT32).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /**
     * Copies a float64 tensor's elements out, row-major, from any device.
     *
     * @return a new array of {@link #numel()} values
     * @throws IllegalStateException if the tensor is not float64 (convert with {@link #to(DType)})
     */
    public double[] toDoubleArray() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOut(arena, DType.FLOAT64).toArray(ValueLayout.JAVA_DOUBLE);
        }
    }

    /**
     * Copies an int64 tensor's elements out, row-major, from any device.
     *
     * @return a new array of {@link #numel()} values
     * @throws IllegalStateException if the tensor is not int64 (convert with {@link #to(DType)})
     */
    public long[] toLongArray() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return copyOut(arena, DType.INT64).toArray(ValueLayout.JAVA_LONG);
        }
    }

    /**
     * The value of a one-element tensor, as a double (a loss, a λ̂ estimate); synchronises with the device.
     *
     * @return the value
     */
    public double item() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_DOUBLE);
            Native.check(lambdahat_h.lh_tensor_item_double(handle(), out));
            return out.get(ValueLayout.JAVA_DOUBLE, 0);
        }
    }

    /**
     * The value of a one-element integer tensor, as a long (a count, an argmax).
     *
     * @return the value
     */
    public long itemLong() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check(lambdahat_h.lh_tensor_item_int64(handle(), out));
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    // ---------------------------------------------------------------- autograd

    /**
     * Marks this tensor as a leaf whose gradient autograd should accumulate (model parameters), or unmarks it.
     *
     * @param flag true to track gradients
     * @return this tensor, for chaining
     */
    public Tensor requiresGrad(boolean flag) {
        Native.check(lambdahat_h.lh_tensor_set_requires_grad(handle(), flag ? 1 : 0));
        return this;
    }

    /**
     * Whether autograd tracks this tensor.
     *
     * @return true if gradients flow to or through it
     */
    public boolean requiresGrad() {
        return Native.check(lambdahat_h.lh_tensor_requires_grad(handle())) == 1;
    }

    /**
     * Back-propagates from this scalar (a loss), accumulating into the {@link #grad()} of every leaf that requires
     * gradients; the graph is freed afterwards.
     */
    public void backward() {
        Native.check(lambdahat_h.lh_tensor_backward(handle(), MemorySegment.NULL, 0));
    }

    /**
     * Back-propagates from this tensor with an explicit upstream gradient.
     *
     * @param gradOutput dL/d(this), same shape as this; null only when this is a scalar (then 1)
     * @param retainGraph keep the graph so that backward can run through it again
     */
    public void backward(Tensor gradOutput, boolean retainGraph) {
        Native.check(lambdahat_h.lh_tensor_backward(handle(), gradOutput == null ? MemorySegment.NULL : gradOutput.handle(),
                retainGraph ? 1 : 0));
    }

    /**
     * The accumulated gradient, or null when none has been computed.
     *
     * @return a new handle sharing the gradient's storage (the caller, or the open scope, owns the handle), or null
     */
    public Tensor grad() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check(lambdahat_h.lh_tensor_grad(handle(), out));
            MemorySegment g = out.get(ValueLayout.ADDRESS, 0);
            return g.address() == 0 ? null : new Tensor(g);
        }
    }

    /** Sets the accumulated gradient to zero (before the next backward), keeping its storage. */
    public void zeroGrad() {
        Native.check(lambdahat_h.lh_tensor_zero_grad(handle()));
    }

    /**
     * The same values cut from the autograd graph (shared storage, no gradient tracking).
     *
     * @return a new handle (the caller, or the open scope, owns it)
     */
    public Tensor detach() {
        return wrap(lambdahat_h.lh_tensor_detach(handle()));
    }

    /**
     * Another handle to the same tensor (same storage, same autograd identity), to be closed independently.
     *
     * @return the new handle (the caller, or the open scope, owns it)
     */
    public Tensor share() {
        return wrap(lambdahat_h.lh_tensor_shallow_clone(handle()));
    }

    // ---------------------------------------------------------------- conversion

    /**
     * Converts to another element type on the same device.
     *
     * @param dtype the target element type
     * @return a new handle (to this one's storage when nothing changes; the caller, or the open scope, owns it)
     */
    public Tensor to(DType dtype) {
        Device d = device();
        return wrap(lambdahat_h.lh_to(handle(), dtype.code, d.type().code, d.index()));
    }

    /**
     * Copies to another device, keeping the element type.
     *
     * @param device the target device
     * @return a new handle (to this one's storage when nothing changes; the caller, or the open scope, owns it)
     */
    public Tensor to(Device device) {
        return wrap(lambdahat_h.lh_to(handle(), dtype().code, device.type().code, device.index()));
    }

    /**
     * A row-major contiguous tensor with the same values (this one's storage when it already is).
     *
     * @return a new handle (the caller, or the open scope, owns it)
     */
    public Tensor contiguous() {
        return Ops.CONTIGUOUS.call().tensor(this).returnTensor();
    }

    /**
     * A deep copy with its own storage (libtorch's clone), tracked by autograd.
     *
     * @return the new tensor (the caller, or the open scope, owns it)
     */
    public Tensor copy() {
        return Ops.CLONE.call().tensor(this).returnTensor();
    }

    // ---------------------------------------------------------------- arithmetic (typed fast paths)

    /**
     * Elementwise sum, broadcasting.
     *
     * @param other the addend
     * @return this + other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor add(Tensor other) {
        return wrap(lambdahat_h.lh_add(handle(), other.handle(), 1.0));
    }

    /**
     * Elementwise scaled sum, broadcasting.
     *
     * @param other the addend
     * @param alpha the factor on {@code other}
     * @return this + alpha * other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor add(Tensor other, double alpha) {
        return wrap(lambdahat_h.lh_add(handle(), other.handle(), alpha));
    }

    /**
     * Elementwise difference, broadcasting.
     *
     * @param other the subtrahend
     * @return this - other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor sub(Tensor other) {
        return wrap(lambdahat_h.lh_sub(handle(), other.handle(), 1.0));
    }

    /**
     * Elementwise product, broadcasting.
     *
     * @param other the factor
     * @return this * other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor mul(Tensor other) {
        return wrap(lambdahat_h.lh_mul(handle(), other.handle()));
    }

    /**
     * Elementwise quotient, broadcasting.
     *
     * @param other the divisor
     * @return this / other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor div(Tensor other) {
        return wrap(lambdahat_h.lh_div(handle(), other.handle()));
    }

    /**
     * Adds a scalar to every element.
     *
     * @param s the addend
     * @return this + s, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor add(double s) {
        return wrap(lambdahat_h.lh_add_scalar(handle(), s));
    }

    /**
     * Subtracts a scalar from every element.
     *
     * @param s the subtrahend
     * @return this - s, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor sub(double s) {
        return wrap(lambdahat_h.lh_add_scalar(handle(), -s));
    }

    /**
     * Multiplies every element by a scalar.
     *
     * @param s the factor
     * @return this * s, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor mul(double s) {
        return wrap(lambdahat_h.lh_mul_scalar(handle(), s));
    }

    /**
     * Divides every element by a scalar (as a multiplication by 1/s).
     *
     * @param s the divisor
     * @return this / s, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor div(double s) {
        return wrap(lambdahat_h.lh_mul_scalar(handle(), 1.0 / s));
    }

    /**
     * Matrix product with numpy's rules ([N, K] @ [K, M], batched over leading dimensions, vectors promoted).
     *
     * @param other the right operand
     * @return this @ other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor matmul(Tensor other) {
        return wrap(lambdahat_h.lh_matmul(handle(), other.handle()));
    }

    /**
     * Batched matrix product: [B, N, K] @ [B, K, M] gives [B, N, M] (e.g. one matrix per chain).
     *
     * @param other the right operand, [B, K, M]
     * @return the product [B, N, M], a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor bmm(Tensor other) {
        return wrap(lambdahat_h.lh_bmm(handle(), other.handle()));
    }

    /**
     * Batched matrix product written into an existing tensor: out = this @ other, with no new storage (out may be
     * a strided view, e.g. of a flat gradient buffer).
     *
     * @param other the right operand, [B, K, M]
     * @param out   the destination [B, N, M]; overwritten
     */
    public void bmmInto(Tensor other, Tensor out) {
        Ops.BMM_OUT.call().tensor(this).tensor(other).tensor(out).run();
    }

    /**
     * Batched matrix product added to this: beta * this + alpha * (a @ b).
     *
     * @param a left factors [B, N, K]
     * @param b right factors [B, K, M]
     * @param beta the factor on this (broadcast to [B, N, M])
     * @param alpha the factor on the product
     * @return the result [B, N, M], a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor baddbmm(Tensor a, Tensor b, double beta, double alpha) {
        return wrap(lambdahat_h.lh_baddbmm(handle(), a.handle(), b.handle(), beta, alpha));
    }

    /**
     * Batched matrix product added to this: this + a @ b (a batched affine layer).
     *
     * @param a left factors [B, N, K]
     * @param b right factors [B, K, M]
     * @return the result [B, N, M], a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor baddbmm(Tensor a, Tensor b) {
        return baddbmm(a, b, 1.0, 1.0);
    }

    /**
     * Sum of all elements.
     *
     * @return a 0-dimensional tensor (the caller, or the open scope, owns it)
     */
    public Tensor sum() {
        return wrap(lambdahat_h.lh_sum(handle(), MemorySegment.NULL, 0, 0));
    }

    /**
     * Sum over some dimensions.
     *
     * @param keepDim keep the reduced dimensions with size 1 (for broadcasting back)
     * @param dims the dimensions to reduce, negative counting from the end
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor sum(boolean keepDim, long... dims) {
        return wrap(lambdahat_h.lh_sum(handle(), Native.Scratch.get().longs(dims), dims.length, keepDim ? 1 : 0));
    }

    /**
     * Sum over some dimensions written into an existing tensor, with no new storage.
     *
     * @param out  the destination, shaped like the reduced result; overwritten
     * @param dims the dimensions to reduce, negative counting from the end
     */
    public void sumInto(Tensor out, long... dims) {
        Ops.SUM_OUT.call().tensor(this).ints(dims).bool(false).none().tensor(out).run();
    }

    /**
     * Mean of all elements.
     *
     * @return a 0-dimensional tensor (the caller, or the open scope, owns it)
     */
    public Tensor mean() {
        return wrap(lambdahat_h.lh_mean(handle(), MemorySegment.NULL, 0, 0));
    }

    /**
     * Mean over some dimensions.
     *
     * @param keepDim keep the reduced dimensions with size 1 (for broadcasting back)
     * @param dims the dimensions to reduce, negative counting from the end
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor mean(boolean keepDim, long... dims) {
        return wrap(lambdahat_h.lh_mean(handle(), Native.Scratch.get().longs(dims), dims.length, keepDim ? 1 : 0));
    }

    // ---------------------------------------------------------------- in place

    /**
     * In-place scaled sum: this += alpha * other (the SGLD parameter update's form).
     *
     * @param other the addend, broadcastable to this shape
     * @param alpha the factor on {@code other}
     * @return this tensor, for chaining
     */
    public Tensor addInPlace(Tensor other, double alpha) {
        Native.check(lambdahat_h.lh_add_(handle(), other.handle(), alpha));
        return this;
    }

    /**
     * In-place elementwise product: this *= other.
     *
     * @param other the factor, broadcastable to this shape
     * @return this tensor, for chaining
     */
    public Tensor mulInPlace(Tensor other) {
        Native.check(lambdahat_h.lh_mul_(handle(), other.handle()));
        return this;
    }

    /**
     * In-place scaling: this *= s.
     *
     * @param s the factor
     * @return this tensor, for chaining
     */
    public Tensor mulInPlace(double s) {
        Native.check(lambdahat_h.lh_mul_scalar_(handle(), s));
        return this;
    }

    /**
     * Overwrites this tensor's values with {@code src}'s, converting dtype and device as needed.
     *
     * @param src the values, broadcastable to this shape
     * @return this tensor, for chaining
     */
    public Tensor copyFrom(Tensor src) {
        Native.check(lambdahat_h.lh_copy_(handle(), src.handle()));
        return this;
    }

    /**
     * Sets every element to zero.
     *
     * @return this tensor, for chaining
     */
    public Tensor zeroInPlace() {
        Native.check(lambdahat_h.lh_zero_(handle()));
        return this;
    }

    // ---------------------------------------------------------------- shape

    /**
     * The same elements in a new shape: a view when the strides allow, else a copy.
     *
     * @param shape the new dimensions with the same product; one may be -1 (inferred)
     * @return a new handle (the caller, or the open scope, owns it)
     */
    public Tensor reshape(long... shape) {
        return wrap(lambdahat_h.lh_reshape(handle(), Native.Scratch.get().longs(shape), shape.length));
    }

    /**
     * A view of the same storage in a new shape; needs compatible strides (contiguous always works).
     *
     * @param shape the new dimensions with the same product; one may be -1 (inferred)
     * @return a new handle sharing storage (the caller, or the open scope, owns it)
     */
    public Tensor view(long... shape) {
        return Ops.VIEW.call().tensor(this).ints(shape).returnTensor();
    }

    /**
     * A view of a slice along one dimension: indices [start, start + length).
     *
     * @param dim the dimension, negative counting from the end
     * @param start the first index kept
     * @param length how many indices to keep
     * @return a new handle sharing storage (the caller, or the open scope, owns it)
     */
    public Tensor narrow(long dim, long start, long length) {
        return wrap(lambdahat_h.lh_narrow(handle(), dim, start, length));
    }

    /**
     * A view of one index along a dimension, which is removed (e.g. one chain of [C, P]).
     *
     * @param dim the dimension, negative counting from the end
     * @param index the index kept, negative counting from the end
     * @return a new handle sharing storage, one dimension fewer (the caller, or the open scope, owns it)
     */
    public Tensor select(long dim, long index) {
        return wrap(lambdahat_h.lh_select(handle(), dim, index));
    }

    /**
     * The entries at the given indices along a dimension, copied (e.g. the rows of a minibatch).
     *
     * @param dim the dimension, negative counting from the end
     * @param index a 1-dimensional int64 tensor of indices
     * @return a new tensor whose {@code dim} has index.numel() entries (the caller, or the open scope, owns it)
     */
    public Tensor indexSelect(long dim, Tensor index) {
        return wrap(lambdahat_h.lh_index_select(handle(), dim, index.handle()));
    }

    /**
     * A view with the dimensions reordered.
     *
     * @param dims a permutation of 0 .. dim()-1: output dimension i is input dimension dims[i]
     * @return a new handle sharing storage (the caller, or the open scope, owns it)
     */
    public Tensor permute(long... dims) {
        return Ops.PERMUTE.call().tensor(this).ints(dims).returnTensor();
    }

    /**
     * A view with two dimensions swapped.
     *
     * @param dim0 one dimension, negative counting from the end
     * @param dim1 the other dimension
     * @return a new handle sharing storage (the caller, or the open scope, owns it)
     */
    public Tensor transpose(long dim0, long dim1) {
        return Ops.TRANSPOSE.call().tensor(this).integer(dim0).integer(dim1).returnTensor();
    }

    /**
     * A view with a new dimension of size 1 inserted.
     *
     * @param dim where the new dimension goes, in [-dim()-1, dim()]
     * @return a new handle sharing storage (the caller, or the open scope, owns it)
     */
    public Tensor unsqueeze(long dim) {
        return Ops.UNSQUEEZE.call().tensor(this).integer(dim).returnTensor();
    }

    /**
     * A view with a dimension of size 1 removed (left as is when its size is not 1).
     *
     * @param dim the dimension, negative counting from the end
     * @return a new handle sharing storage (the caller, or the open scope, owns it)
     */
    public Tensor squeeze(long dim) {
        return Ops.SQUEEZE.call().tensor(this).integer(dim).returnTensor();
    }

    /**
     * A broadcast view: dimensions of size 1 repeated to the given sizes without copying.
     *
     * @param shape the target dimensions; -1 keeps a dimension's size
     * @return a new handle sharing storage (the caller, or the open scope, owns it)
     */
    public Tensor expand(long... shape) {
        return Ops.EXPAND.call().tensor(this).ints(shape).returnTensor();
    }

    /**
     * Concatenates tensors along an existing dimension.
     *
     * @param dim the dimension, negative counting from the end
     * @param ts the tensors, equal in every other dimension
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public static Tensor cat(long dim, Tensor... ts) {
        return Ops.CAT.call().tensors(ts).integer(dim).returnTensor();
    }

    /**
     * Stacks equally shaped tensors along a new dimension (e.g. C chains into [C, P]).
     *
     * @param dim where the new dimension goes
     * @param ts the tensors, all of the same shape
     * @return a new tensor with one more dimension (the caller, or the open scope, owns it)
     */
    public static Tensor stack(long dim, Tensor... ts) {
        return Ops.STACK.call().tensors(ts).integer(dim).returnTensor();
    }

    /**
     * Picks along a dimension: out[i][j] = this[i][index[i][j]] for dim 1, and likewise for other dimensions.
     *
     * @param dim the dimension indexed, negative counting from the end
     * @param index int64 indices with as many dimensions as this
     * @return a new tensor shaped like {@code index} (the caller, or the open scope, owns it)
     */
    public Tensor gather(long dim, Tensor index) {
        return Ops.GATHER.call().tensor(this).integer(dim).tensor(index).returnTensor();
    }

    // ---------------------------------------------------------------- elementwise (boxed)

    private Tensor unary(Op op) {
        return op.call().tensor(this).returnTensor();
    }

    /**
     * Elementwise negation.
     *
     * @return -this, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor neg() { return unary(Ops.NEG); }
    /**
     * Elementwise exponential.
     *
     * @return exp(this), a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor exp() { return unary(Ops.EXP); }
    /**
     * Elementwise natural logarithm.
     *
     * @return log(this), a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor log() { return unary(Ops.LOG); }
    /**
     * Elementwise square root.
     *
     * @return sqrt(this), a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor sqrt() { return unary(Ops.SQRT); }
    /**
     * Elementwise absolute value.
     *
     * @return |this|, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor abs() { return unary(Ops.ABS); }
    /**
     * Elementwise square.
     *
     * @return this², a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor square() { return unary(Ops.SQUARE); }
    /**
     * Elementwise ReLU, max(x, 0).
     *
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor relu() { return unary(Ops.RELU); }
    /**
     * Elementwise GELU (the exact erf form).
     *
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor gelu() { return unary(Ops.GELU); }
    /**
     * Elementwise hyperbolic tangent.
     *
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor tanh() { return unary(Ops.TANH); }
    /**
     * The gradient through a ReLU: this (the gradient at its output) where {@code input} &gt; 0, zero elsewhere.
     *
     * @param input the ReLU's input
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor reluBackward(Tensor input) {
        return Ops.THRESHOLD_BACKWARD.call().tensor(this).tensor(input).real(0).returnTensor();
    }

    /**
     * The gradient through a tanh: this (the gradient at its output) times 1 − output².
     *
     * @param output the tanh's output
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor tanhBackward(Tensor output) {
        return Ops.TANH_BACKWARD.call().tensor(this).tensor(output).returnTensor();
    }

    /**
     * One-hot encoding of int64 class ids: a trailing axis of {@code classes} with a 1 at each id.
     *
     * @param classes the number of classes
     * @return an int64 tensor [..., classes] (the caller, or the open scope, owns it)
     */
    public Tensor oneHot(long classes) {
        return Ops.ONE_HOT.call().tensor(this).integer(classes).returnTensor();
    }
    /**
     * Elementwise logistic sigmoid, 1 / (1 + exp(-x)).
     *
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor sigmoid() { return unary(Ops.SIGMOID); }

    /**
     * Elementwise power with a scalar exponent.
     *
     * @param exponent the exponent
     * @return this^exponent, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor pow(double exponent) {
        return Ops.POW_SCALAR.call().tensor(this).real(exponent).returnTensor();
    }

    /**
     * Elementwise power with tensor exponents, broadcasting.
     *
     * @param exponent the exponents
     * @return this^exponent, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor pow(Tensor exponent) {
        return Ops.POW_TENSOR.call().tensor(this).tensor(exponent).returnTensor();
    }

    /**
     * Softmax along a dimension (entries along it sum to 1).
     *
     * @param dim the dimension, negative counting from the end
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor softmax(long dim) {
        return Ops.SOFTMAX.call().tensor(this).integer(dim).returnTensor();
    }

    /**
     * Log-softmax along a dimension, computed stably.
     *
     * @param dim the dimension, negative counting from the end
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor logSoftmax(long dim) {
        return Ops.LOG_SOFTMAX.call().tensor(this).integer(dim).returnTensor();
    }

    /**
     * Elementwise clamp into [min, max].
     *
     * @param min the lower bound, or null for none
     * @param max the upper bound, or null for none
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor clamp(Double min, Double max) {
        Op.Call c = Ops.CLAMP.call().tensor(this);
        c = min == null ? c.none() : c.real(min);
        c = max == null ? c.none() : c.real(max);
        return c.returnTensor();
    }

    /**
     * The upper triangle of the last two dimensions; entries below the given diagonal become zero.
     *
     * @param diagonal 0 keeps the main diagonal, k &gt; 0 starts k above it, k &lt; 0 below
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor triu(long diagonal) {
        return Ops.TRIU.call().tensor(this).integer(diagonal).returnTensor();
    }

    /**
     * The lower triangle of the last two dimensions; entries above the given diagonal become zero (causal masks).
     *
     * @param diagonal 0 keeps the main diagonal, k &gt; 0 keeps k above it, k &lt; 0 stops below
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor tril(long diagonal) {
        return Ops.TRIL.call().tensor(this).integer(diagonal).returnTensor();
    }

    /**
     * A copy with the entries where {@code mask} is true replaced by {@code value} (e.g. -inf for attention masks).
     *
     * @param mask a bool tensor broadcastable to this shape
     * @param value the value written where the mask holds
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor maskedFill(Tensor mask, double value) {
        return Ops.MASKED_FILL.call().tensor(this).tensor(mask).real(value).returnTensor();
    }

    /**
     * Elementwise choice: condition ? a : b, broadcasting.
     *
     * @param condition a bool tensor
     * @param a the values taken where the condition holds
     * @param b the values taken elsewhere
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Ops.WHERE.call().tensor(condition).tensor(a).tensor(b).returnTensor();
    }

    /**
     * Elementwise this &gt; o, broadcasting.
     *
     * @param o the right operand
     * @return a new bool tensor (the caller, or the open scope, owns it)
     */
    public Tensor gt(Tensor o) { return Ops.GT.call().tensor(this).tensor(o).returnTensor(); }
    /**
     * Elementwise this &lt; o, broadcasting.
     *
     * @param o the right operand
     * @return a new bool tensor (the caller, or the open scope, owns it)
     */
    public Tensor lt(Tensor o) { return Ops.LT.call().tensor(this).tensor(o).returnTensor(); }
    /**
     * Elementwise this &ge; o, broadcasting.
     *
     * @param o the right operand
     * @return a new bool tensor (the caller, or the open scope, owns it)
     */
    public Tensor ge(Tensor o) { return Ops.GE.call().tensor(this).tensor(o).returnTensor(); }
    /**
     * Elementwise this &le; o, broadcasting.
     *
     * @param o the right operand
     * @return a new bool tensor (the caller, or the open scope, owns it)
     */
    public Tensor le(Tensor o) { return Ops.LE.call().tensor(this).tensor(o).returnTensor(); }
    /**
     * Elementwise equality, broadcasting (e.g. predictions against labels).
     *
     * @param o the right operand
     * @return a new bool tensor (the caller, or the open scope, owns it)
     */
    public Tensor eq(Tensor o) { return Ops.EQ.call().tensor(this).tensor(o).returnTensor(); }
    /**
     * Elementwise this &gt; s.
     *
     * @param s the threshold
     * @return a new bool tensor (the caller, or the open scope, owns it)
     */
    public Tensor gt(double s) { return Ops.GT_S.call().tensor(this).real(s).returnTensor(); }
    /**
     * Elementwise this &lt; s.
     *
     * @param s the threshold
     * @return a new bool tensor (the caller, or the open scope, owns it)
     */
    public Tensor lt(double s) { return Ops.LT_S.call().tensor(this).real(s).returnTensor(); }
    /**
     * Elementwise equality with a scalar.
     *
     * @param s the value compared with
     * @return a new bool tensor (the caller, or the open scope, owns it)
     */
    public Tensor eq(double s) { return Ops.EQ_S.call().tensor(this).real(s).returnTensor(); }

    /**
     * Index of the largest entry along a dimension (the first on ties), e.g. the predicted class.
     *
     * @param dim the dimension, negative counting from the end
     * @param keepDim keep the reduced dimension with size 1
     * @return a new int64 tensor (the caller, or the open scope, owns it)
     */
    public Tensor argmax(long dim, boolean keepDim) {
        return Ops.ARGMAX.call().tensor(this).integer(dim).bool(keepDim).returnTensor();
    }

    /**
     * Largest entry along a dimension (values only).
     *
     * @param dim the dimension, negative counting from the end
     * @param keepDim keep the reduced dimension with size 1
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor amax(long dim, boolean keepDim) {
        return Ops.AMAX.call().tensor(this).ints(dim).bool(keepDim).returnTensor();
    }

    // ---------------------------------------------------------------- neural-network functions

    /**
     * Cross-entropy of logits against class targets, averaged over the samples.
     *
     * @param logits unnormalised scores [N, K] (or [N, K, d...] with the classes second)
     * @param target int64 class indices in [0, K), [N] (or [N, d...])
     * @return the mean loss, a 0-dimensional tensor (the caller, or the open scope, owns it)
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return Ops.CROSS_ENTROPY.call().tensor(logits).tensor(target).none().integer(1).integer(-100).real(0.0).returnTensor();
    }

    /**
     * Negative log-likelihood of log-probabilities against class targets, averaged over the samples.
     *
     * @param logProbs log-probabilities [N, K] (e.g. from {@link #logSoftmax})
     * @param target int64 class indices in [0, K), [N]
     * @return the mean loss, a 0-dimensional tensor (the caller, or the open scope, owns it)
     */
    public static Tensor nllLoss(Tensor logProbs, Tensor target) {
        return Ops.NLL_LOSS.call().tensor(logProbs).tensor(target).none().integer(1).integer(-100).returnTensor();
    }

    /**
     * Mean squared error, averaged over all elements.
     *
     * @param input the predictions
     * @param target the targets, same shape
     * @return mean((input - target)²), a 0-dimensional tensor (the caller, or the open scope, owns it)
     */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return Ops.MSE_LOSS.call().tensor(input).tensor(target).integer(1).returnTensor();
    }

    /**
     * Embedding lookup: the rows of {@code weight} picked by {@code indices}.
     *
     * @param weight the table [V, D]
     * @param indices int64 row indices in [0, V), any shape S
     * @return the rows, shape S + [D] (the caller, or the open scope, owns it)
     */
    public static Tensor embedding(Tensor weight, Tensor indices) {
        return Ops.EMBEDDING.call().tensor(weight).tensor(indices).returnTensor();
    }

    /**
     * Layer norm over the trailing dimensions, (x - mean) / sqrt(var + eps) * weight + bias.
     *
     * @param input the activations [..., normalizedShape]
     * @param normalizedShape the trailing dimensions normalised over
     * @param weight the scale, shaped {@code normalizedShape}, or null for none
     * @param bias the shift, shaped {@code normalizedShape}, or null for none
     * @param eps added to the variance for stability (commonly 1e-5)
     * @return a new tensor shaped like {@code input} (the caller, or the open scope, owns it)
     */
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
        static final Op THRESHOLD_BACKWARD = Op.find("aten::threshold_backward", "");
        static final Op TANH_BACKWARD = Op.find("aten::tanh_backward", "");
        static final Op ONE_HOT = Op.find("aten::one_hot", "");
        static final Op BMM_OUT = Op.find("aten::bmm", "out");
        static final Op SUM_OUT = Op.find("aten::sum", "IntList_out");
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
