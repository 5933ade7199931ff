package io.lambdahat.io;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * An array read from a .npy file, in Java-managed memory (freed by the garbage collector), always in C order:
 * {@link Npy#read} transposes Fortran-ordered files. Values are little-endian.
 */
final class NpyArray {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private final DType dtype;
    private final long[] shape;
    private final MemorySegment data;

    NpyArray(DType dtype, long[] shape, MemorySegment data) {
        this.dtype = Objects.requireNonNull(dtype);
        this.shape = shape.clone();
        this.data = data.asReadOnly();
    }

    /**
     * The element type the file declared.
     *
     * @return the dtype
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The logical shape, C order.
     *
     * @return a copy of the shape
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Number of elements.
     *
     * @return the product of the shape
     */
    public long numel() {
        return data.byteSize() / dtype.byteSize;
    }

    /**
     * The elements' bytes, C order, little-endian, read-only.
     *
     * @return a read-only segment of numel × element-size bytes, valid as long as this array is reachable
     */
    public MemorySegment data() {
        return data;
    }

    /**
     * A CPU tensor holding a copy of the data, in the array's dtype and shape.
     *
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor toTensor() {
        Tensor t = Tensor.empty(dtype, Device.CPU, shape);
        if (data.byteSize() > 0) MemorySegment.copy(data, 0, t.data(), 0, data.byteSize());
        return t;
    }

    /**
     * Element {@code i} (C order) as a double, whatever the dtype: bools are 0 or 1, uint8 is unsigned.
     *
     * @param i the flat index, in [0, numel())
     * @return the element's value
     * @throws IndexOutOfBoundsException if {@code i} is outside [0, numel())
     */
    public double getDouble(long i) {
        long at = Math.multiplyExact(i, (long) dtype.byteSize);
        return switch (dtype) {
            case FLOAT64 -> data.get(DOUBLE, at);
            case FLOAT32 -> data.get(FLOAT, at);
            case FLOAT16 -> Float.float16ToFloat(data.get(SHORT, at));
            case BFLOAT16 -> Float.intBitsToFloat(data.get(SHORT, at) << 16);
            case INT64 -> data.get(LONG, at);
            case INT32 -> data.get(INT, at);
            case INT16 -> data.get(SHORT, at);
            case INT8 -> data.get(ValueLayout.JAVA_BYTE, at);
            case UINT8, BOOL -> data.get(ValueLayout.JAVA_BYTE, at) & 0xff;
        };
    }

    /**
     * Element {@code i} (C order) of an integer or bool array as a long (labels, token ids).
     *
     * @param i the flat index, in [0, numel())
     * @return the element's value; uint8 is unsigned, bools are 0 or 1
     * @throws IllegalStateException if the array holds floating-point numbers (use {@link #getDouble})
     * @throws IndexOutOfBoundsException if {@code i} is outside [0, numel())
     */
    public long getLong(long i) {
        long at = Math.multiplyExact(i, (long) dtype.byteSize);
        return switch (dtype) {
            case INT64 -> data.get(LONG, at);
            case INT32 -> data.get(INT, at);
            case INT16 -> data.get(SHORT, at);
            case INT8 -> data.get(ValueLayout.JAVA_BYTE, at);
            case UINT8, BOOL -> data.get(ValueLayout.JAVA_BYTE, at) & 0xff;
            default -> throw new IllegalStateException("the array holds " + dtype + ", not integers; use getDouble");
        };
    }

    /**
     * Every element as a double, C order (see {@link #getDouble}).
     *
     * @return a new array of numel() values
     * @throws ArithmeticException if the array has more than 2³¹ − 1 elements
     */
    public double[] toDoubleArray() {
        double[] out = new double[Math.toIntExact(numel())];
        for (int i = 0; i < out.length; i++) out[i] = getDouble(i);
        return out;
    }

    /**
     * Every element of an integer or bool array as a long, C order.
     *
     * @return a new array of numel() values
     * @throws IllegalStateException if the array holds floating-point numbers
     * @throws ArithmeticException if the array has more than 2³¹ − 1 elements
     */
    public long[] toLongArray() {
        long[] out = new long[Math.toIntExact(numel())];
        for (int i = 0; i < out.length; i++) out[i] = getLong(i);
        return out;
    }

    @Override
    public String toString() {
        return "NpyArray(" + dtype + ", " + Arrays.toString(shape) + ")";
    }
}
