package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;

/** Range checks shared by the kernels, with messages that name the range and the data it should fit. */
final class Ranges {
    private Ranges() {}

    static void checkFloats(MemorySegment s, long offset, long n) {
        if (offset < 0 || n < 0 || offset > s.byteSize() / Float.BYTES - n) {
            throw new IndexOutOfBoundsException("float elements [" + offset + ", " + offset + " + " + n
                    + ") do not fit a segment of " + s.byteSize() / Float.BYTES + " floats");
        }
    }

    static void checkDoubles(double[] a, int offset, int n) {
        if (offset < 0 || n < 0 || offset > a.length - n) {
            throw new IndexOutOfBoundsException("elements [" + offset + ", " + offset + " + " + n
                    + ") do not fit an array of " + a.length);
        }
    }
}
