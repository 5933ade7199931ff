package io.lambdahat.io;

import io.lambdahat.torch.DType;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a safetensors header: the tensor's name, element type, shape, and where its bytes lie, as
 * {@code [begin, end)} relative to the first byte after the header. Shape {@code []} is a scalar (one element).
 *
 * @param name the tensor's key in the header
 * @param dtype its element type
 * @param shape its dimensions, C order (copied in and out)
 * @param begin offset of its first byte after the header
 * @param end offset just past its last byte
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    /**
     * Copies the shape so that the record stays immutable.
     *
     * @throws NullPointerException if {@code name}, {@code dtype} or {@code shape} is null
     */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    /**
     * The tensor's dimensions.
     *
     * @return a copy of the shape
     */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Number of dimensions.
     *
     * @return the rank, 0 for a scalar
     */
    public int rank() {
        return shape.length;
    }

    /**
     * Number of elements: the product of the shape (1 for a scalar). Validated headers never overflow it.
     *
     * @return the element count
     * @throws ArithmeticException if the product overflows a long (only for hand-made infos)
     */
    public long numel() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /**
     * Bytes of the tensor's data.
     *
     * @return end − begin
     */
    public long byteSize() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + ": " + SafeTensors.code(dtype) + Arrays.toString(shape) + " @ [" + begin + ", " + end + ")";
    }
}
