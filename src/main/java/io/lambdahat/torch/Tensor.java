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
 *
 * <p>This class is the tensor's lifecycle and data: creation, metadata, the {@link #data()} segment, copies out,
 * autograd and conversion. Its operations come from two package-private bases: {@code TypedTensorOps}, the
 * operations with a typed shim function of their own (hand-written), and {@code TensorOps}, the boxed libtorch
 * operators generated from their schemas ({@code bin/generate-ops}). The neural-network functions are in
 * {@link Functional}.
 */
public final class Tensor extends TensorOps implements AutoCloseable {
    static {
        Native.ensureLoaded();
    }

    // The raw address rather than the MemorySegment the downcall returned: that segment would escape into this
    // field and cost an allocation per op (bench/percall.sh; measured: bench/README.md, "Design measurements").
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

    static Tensor wrap(MemorySegment handle) {
        return new Tensor(Native.check(handle));
    }

    @Override
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
        return arange(end, DType.INT64, device);
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

    @Override
    public String toString() {
        if (address == 0) return "Tensor(closed)";
        return "Tensor(" + dtype() + ", " + device() + ", " + Arrays.toString(shape()) + ")";
    }
}
