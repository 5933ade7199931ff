package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@link Reductions} element by element, summed in double: the oracle of {@link VectorReductions}. */
final class ScalarReductions implements Reductions {
    static final ScalarReductions INSTANCE = new ScalarReductions();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ScalarReductions() {}

    @Override
    public double dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n) {
        Ranges.checkFloats(a, aOffset, n);
        Ranges.checkFloats(b, bOffset, n);
        double s = 0;
        for (long i = 0; i < n; i++) s += (double) a.getAtIndex(F32, aOffset + i) * b.getAtIndex(F32, bOffset + i);
        return s;
    }

    @Override
    public double squaredNorm(MemorySegment a, long offset, long n) {
        Ranges.checkFloats(a, offset, n);
        double s = 0;
        for (long i = 0; i < n; i++) {
            double x = a.getAtIndex(F32, offset + i);
            s += x * x;
        }
        return s;
    }

    @Override
    public double squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n) {
        Ranges.checkFloats(a, aOffset, n);
        Ranges.checkFloats(b, bOffset, n);
        double s = 0;
        for (long i = 0; i < n; i++) {
            double d = a.getAtIndex(F32, aOffset + i) - b.getAtIndex(F32, bOffset + i);
            s += d * d;
        }
        return s;
    }

    @Override
    public double sum(double[] a, int offset, int n) {
        Ranges.checkDoubles(a, offset, n);
        double s = 0;
        for (int i = 0; i < n; i++) s += a[offset + i];
        return s;
    }

    @Override
    public double dot(double[] a, int aOffset, double[] b, int bOffset, int n) {
        Ranges.checkDoubles(a, aOffset, n);
        Ranges.checkDoubles(b, bOffset, n);
        double s = 0;
        for (int i = 0; i < n; i++) s += a[aOffset + i] * b[bOffset + i];
        return s;
    }

    @Override
    public double squaredNorm(double[] a, int offset, int n) {
        return dot(a, offset, a, offset, n);
    }

    @Override
    public double squaredDistance(double[] a, int aOffset, double[] b, int bOffset, int n) {
        Ranges.checkDoubles(a, aOffset, n);
        Ranges.checkDoubles(b, bOffset, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            double d = a[aOffset + i] - b[bOffset + i];
            s += d * d;
        }
        return s;
    }
}
