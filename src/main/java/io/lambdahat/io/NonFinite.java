package io.lambdahat.io;

import io.lambdahat.InvalidInputException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * Finds NaN and ±∞ in float32 data before it is used: one such value in the weights or the data makes every chain's
 * loss NaN, and λ̂ with it, long after the cause is out of sight. The message names the tensor and the first bad index.
 */
public final class NonFinite {
    private NonFinite() {}

    /**
     * Refuses float32 values that are not finite.
     *
     * @param floats the values, row-major, native byte order
     * @param shape  their shape, for the index in the message
     * @param what   the tensor, as the user knows it (e.g. "tensor x of data.safetensors")
     * @throws InvalidInputException naming {@code what}, the first bad value and its index, and how many there are
     */
    public static void require(MemorySegment floats, long[] shape, String what) {
        long n = floats.byteSize() / Float.BYTES, first = -1, count = 0;
        for (long i = 0; i < n; i++) {
            if (!Float.isFinite(floats.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i))) {
                if (first < 0) first = i;
                count++;
            }
        }
        if (first < 0) return;
        float bad = floats.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, first);
        throw new InvalidInputException(String.format(Locale.ROOT, "%s holds %s at index %s (%d non-finite value%s in all); "
                + "λ̂ needs finite weights and data", what, Float.isNaN(bad) ? "NaN" : bad > 0 ? "+Inf" : "-Inf", index(first, shape),
                count, count == 1 ? "" : "s"));
    }

    /**
     * The multi-index of a row-major flat index.
     *
     * @param flat  the flat index
     * @param shape the shape
     * @return e.g. {@code [2, 1]}; {@code [flat]} for a vector or a scalar
     */
    static String index(long flat, long[] shape) {
        if (shape.length <= 1) return "[" + flat + "]";
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return java.util.Arrays.toString(idx);
    }
}
