package io.lambdahat.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.ADD;

/**
 * {@link Reductions} with the Vector API: a body of four vectors per step into four accumulators (the additions
 * of one accumulator wait on each other; four keep the adders busy), a vector tail, a scalar tail. Float sums are
 * flushed to a double total every {@link #BLOCK} elements, so each float lane adds at most BLOCK/(4·lanes) terms.
 */
final class VectorReductions implements Reductions {
    /** Elements per float partial sum. */
    static final int BLOCK = 4096;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final Lanes lanes;

    /** Reductions at the given float shape; {@link SimdProvider#get()} gives the production one. */
    VectorReductions(VectorSpecies<Float> species) {
        this.lanes = Lanes.of(species);
    }

    @Override
    public double dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n) {
        Ranges.checkFloats(a, aOffset, n);
        Ranges.checkFloats(b, bOffset, n);
        VectorSpecies<Float> floats = lanes.floats();
        int width = floats.length();
        double total = 0;
        for (long start = 0; start < n; start += BLOCK) {
            int len = (int) Math.min(BLOCK, n - start);
            long ab = (aOffset + start) * Float.BYTES, bb = (bOffset + start) * Float.BYTES;
            FloatVector s0 = FloatVector.zero(floats), s1 = s0, s2 = s0, s3 = s0;
            int j = 0;
            for (int upper = len - len % (4 * width); j < upper; j += 4 * width) {
                long x = ab + (long) j * Float.BYTES, y = bb + (long) j * Float.BYTES, step = (long) width * Float.BYTES;
                s0 = FloatVector.fromMemorySegment(floats, a, x, ORDER)
                        .fma(FloatVector.fromMemorySegment(floats, b, y, ORDER), s0);
                s1 = FloatVector.fromMemorySegment(floats, a, x + step, ORDER)
                        .fma(FloatVector.fromMemorySegment(floats, b, y + step, ORDER), s1);
                s2 = FloatVector.fromMemorySegment(floats, a, x + 2 * step, ORDER)
                        .fma(FloatVector.fromMemorySegment(floats, b, y + 2 * step, ORDER), s2);
                s3 = FloatVector.fromMemorySegment(floats, a, x + 3 * step, ORDER)
                        .fma(FloatVector.fromMemorySegment(floats, b, y + 3 * step, ORDER), s3);
            }
            for (int upper = len - len % width; j < upper; j += width) {
                s0 = FloatVector.fromMemorySegment(floats, a, ab + (long) j * Float.BYTES, ORDER)
                        .fma(FloatVector.fromMemorySegment(floats, b, bb + (long) j * Float.BYTES, ORDER), s0);
            }
            total += s0.add(s1).add(s2.add(s3)).reduceLanes(ADD);
            for (; j < len; j++) {
                total += (double) a.get(F32, ab + (long) j * Float.BYTES) * b.get(F32, bb + (long) j * Float.BYTES);
            }
        }
        return total;
    }

    @Override
    public double squaredNorm(MemorySegment a, long offset, long n) {
        return dot(a, offset, a, offset, n);
    }

    @Override
    public double squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n) {
        Ranges.checkFloats(a, aOffset, n);
        Ranges.checkFloats(b, bOffset, n);
        VectorSpecies<Float> floats = lanes.floats();
        int width = floats.length();
        double total = 0;
        for (long start = 0; start < n; start += BLOCK) {
            int len = (int) Math.min(BLOCK, n - start);
            long ab = (aOffset + start) * Float.BYTES, bb = (bOffset + start) * Float.BYTES;
            FloatVector s0 = FloatVector.zero(floats), s1 = s0, s2 = s0, s3 = s0;
            int j = 0;
            for (int upper = len - len % (4 * width); j < upper; j += 4 * width) {
                long x = ab + (long) j * Float.BYTES, y = bb + (long) j * Float.BYTES, step = (long) width * Float.BYTES;
                FloatVector d0 = FloatVector.fromMemorySegment(floats, a, x, ORDER)
                        .sub(FloatVector.fromMemorySegment(floats, b, y, ORDER));
                FloatVector d1 = FloatVector.fromMemorySegment(floats, a, x + step, ORDER)
                        .sub(FloatVector.fromMemorySegment(floats, b, y + step, ORDER));
                FloatVector d2 = FloatVector.fromMemorySegment(floats, a, x + 2 * step, ORDER)
                        .sub(FloatVector.fromMemorySegment(floats, b, y + 2 * step, ORDER));
                FloatVector d3 = FloatVector.fromMemorySegment(floats, a, x + 3 * step, ORDER)
                        .sub(FloatVector.fromMemorySegment(floats, b, y + 3 * step, ORDER));
                s0 = d0.fma(d0, s0);
                s1 = d1.fma(d1, s1);
                s2 = d2.fma(d2, s2);
                s3 = d3.fma(d3, s3);
            }
            for (int upper = len - len % width; j < upper; j += width) {
                FloatVector d = FloatVector.fromMemorySegment(floats, a, ab + (long) j * Float.BYTES, ORDER)
                        .sub(FloatVector.fromMemorySegment(floats, b, bb + (long) j * Float.BYTES, ORDER));
                s0 = d.fma(d, s0);
            }
            total += s0.add(s1).add(s2.add(s3)).reduceLanes(ADD);
            for (; j < len; j++) {
                double d = a.get(F32, ab + (long) j * Float.BYTES) - b.get(F32, bb + (long) j * Float.BYTES);
                total += d * d;
            }
        }
        return total;
    }

    @Override
    public double sum(double[] a, int offset, int n) {
        Ranges.checkDoubles(a, offset, n);
        VectorSpecies<Double> doubles = lanes.doubles();
        int width = doubles.length();
        DoubleVector s0 = DoubleVector.zero(doubles), s1 = s0, s2 = s0, s3 = s0;
        int j = 0;
        for (int upper = n - n % (4 * width); j < upper; j += 4 * width) {
            s0 = s0.add(DoubleVector.fromArray(doubles, a, offset + j));
            s1 = s1.add(DoubleVector.fromArray(doubles, a, offset + j + width));
            s2 = s2.add(DoubleVector.fromArray(doubles, a, offset + j + 2 * width));
            s3 = s3.add(DoubleVector.fromArray(doubles, a, offset + j + 3 * width));
        }
        for (int upper = n - n % width; j < upper; j += width) s0 = s0.add(DoubleVector.fromArray(doubles, a, offset + j));
        double total = s0.add(s1).add(s2.add(s3)).reduceLanes(ADD);
        for (; j < n; j++) total += a[offset + j];
        return total;
    }

    @Override
    public double dot(double[] a, int aOffset, double[] b, int bOffset, int n) {
        Ranges.checkDoubles(a, aOffset, n);
        Ranges.checkDoubles(b, bOffset, n);
        VectorSpecies<Double> doubles = lanes.doubles();
        int width = doubles.length();
        DoubleVector s0 = DoubleVector.zero(doubles), s1 = s0, s2 = s0, s3 = s0;
        int j = 0;
        for (int upper = n - n % (4 * width); j < upper; j += 4 * width) {
            s0 = DoubleVector.fromArray(doubles, a, aOffset + j).fma(DoubleVector.fromArray(doubles, b, bOffset + j), s0);
            s1 = DoubleVector.fromArray(doubles, a, aOffset + j + width)
                    .fma(DoubleVector.fromArray(doubles, b, bOffset + j + width), s1);
            s2 = DoubleVector.fromArray(doubles, a, aOffset + j + 2 * width)
                    .fma(DoubleVector.fromArray(doubles, b, bOffset + j + 2 * width), s2);
            s3 = DoubleVector.fromArray(doubles, a, aOffset + j + 3 * width)
                    .fma(DoubleVector.fromArray(doubles, b, bOffset + j + 3 * width), s3);
        }
        for (int upper = n - n % width; j < upper; j += width) {
            s0 = DoubleVector.fromArray(doubles, a, aOffset + j).fma(DoubleVector.fromArray(doubles, b, bOffset + j), s0);
        }
        double total = s0.add(s1).add(s2.add(s3)).reduceLanes(ADD);
        for (; j < n; j++) total += a[aOffset + j] * b[bOffset + j];
        return total;
    }

    @Override
    public double squaredNorm(double[] a, int offset, int n) {
        return dot(a, offset, a, offset, n);
    }

    @Override
    public double squaredDistance(double[] a, int aOffset, double[] b, int bOffset, int n) {
        Ranges.checkDoubles(a, aOffset, n);
        Ranges.checkDoubles(b, bOffset, n);
        VectorSpecies<Double> doubles = lanes.doubles();
        int width = doubles.length();
        DoubleVector s0 = DoubleVector.zero(doubles), s1 = s0;
        int j = 0;
        for (int upper = n - n % (2 * width); j < upper; j += 2 * width) {
            DoubleVector d0 = DoubleVector.fromArray(doubles, a, aOffset + j)
                    .sub(DoubleVector.fromArray(doubles, b, bOffset + j));
            DoubleVector d1 = DoubleVector.fromArray(doubles, a, aOffset + j + width)
                    .sub(DoubleVector.fromArray(doubles, b, bOffset + j + width));
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        for (int upper = n - n % width; j < upper; j += width) {
            DoubleVector d = DoubleVector.fromArray(doubles, a, aOffset + j).sub(DoubleVector.fromArray(doubles, b, bOffset + j));
            s0 = d.fma(d, s0);
        }
        double total = s0.add(s1).reduceLanes(ADD);
        for (; j < n; j++) {
            double d = a[aOffset + j] - b[bOffset + j];
            total += d * d;
        }
        return total;
    }
}
