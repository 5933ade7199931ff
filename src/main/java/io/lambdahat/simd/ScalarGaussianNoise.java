package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@link GaussianNoise} one number at a time: the definition the vector implementation is tested against. */
final class ScalarGaussianNoise implements GaussianNoise {
    static final ScalarGaussianNoise INSTANCE = new ScalarGaussianNoise();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ScalarGaussianNoise() {}

    @Override
    public void fill(MemorySegment dst, long offset, long n, long seed, long stream, long counter, long index) {
        Ranges.checkFloats(dst, offset, n);
        Normals.checkBlock(counter, index, n);
        long streamKey = Normals.streamKey(seed, stream);
        long page = -1;
        int a = 0, m = 0;
        for (long j = 0; j < n; j++) {
            long i = index + j;
            if (i >>> 32 != page) {
                page = i >>> 32;
                long key = Normals.pageKey(streamKey, counter, page);
                a = Normals.offset(key);
                m = Normals.multiplier(key);
            }
            dst.setAtIndex(FLOAT, offset + j, Normals.normal(a, m, (int) i));
        }
    }
}
