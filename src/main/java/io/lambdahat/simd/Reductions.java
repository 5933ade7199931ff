package io.lambdahat.simd;

import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Dot products, squared norms and squared distances over float32 segments (the sampler's [C, P] buffers, element
 * offsets, native byte order) and over double arrays (traces), plus sums of double arrays. Results are double.
 *
 * <p>{@link #vector()} sums float products in float lanes (four accumulators) over blocks of
 * {@link VectorReductions#BLOCK} elements and adds the blocks in double; {@link #scalar()} sums every product in
 * double and is the oracle. They differ only by summation order.
 */
public interface Reductions {

    static Reductions vector() {
        return new VectorReductions(Species.FLOAT);
    }

    /** At a given shape, for tests that force narrow shapes (a process using two shapes runs both slowly). */
    static Reductions vector(VectorSpecies<Float> species) {
        return new VectorReductions(species);
    }

    static Reductions scalar() {
        return ScalarReductions.INSTANCE;
    }

    /** Σ a[aOffset + i]·b[bOffset + i], i < n, float32 elements. */
    double dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n);

    /** Σ a[offset + i]², i < n, float32 elements. */
    double squaredNorm(MemorySegment a, long offset, long n);

    /** Σ (a[aOffset + i] − b[bOffset + i])², i < n, float32 elements, each difference rounded to float first. */
    double squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n);

    double sum(double[] a, int offset, int n);

    double dot(double[] a, int aOffset, double[] b, int bOffset, int n);

    double squaredNorm(double[] a, int offset, int n);

    double squaredDistance(double[] a, int aOffset, double[] b, int bOffset, int n);

    default double dot(float[] a, float[] b) {
        checkSameLength(a.length, b.length);
        return dot(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, a.length);
    }

    default double squaredNorm(float[] a) {
        return squaredNorm(MemorySegment.ofArray(a), 0, a.length);
    }

    default double squaredDistance(float[] a, float[] b) {
        checkSameLength(a.length, b.length);
        return squaredDistance(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, a.length);
    }

    default double sum(double[] a) {
        return sum(a, 0, a.length);
    }

    default double dot(double[] a, double[] b) {
        checkSameLength(a.length, b.length);
        return dot(a, 0, b, 0, a.length);
    }

    default double squaredNorm(double[] a) {
        return squaredNorm(a, 0, a.length);
    }

    default double squaredDistance(double[] a, double[] b) {
        checkSameLength(a.length, b.length);
        return squaredDistance(a, 0, b, 0, a.length);
    }

    private static void checkSameLength(int a, int b) {
        if (a != b) throw new IllegalArgumentException("arrays of different lengths " + a + " and " + b);
    }
}
