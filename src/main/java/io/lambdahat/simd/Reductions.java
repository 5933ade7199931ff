package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;

/**
 * Dot products, squared norms and squared distances over float32 segments (the sampler's [C, P] buffers, element
 * offsets, native byte order) and over double arrays (traces), plus sums of double arrays. Results are double.
 *
 * <p>The Vector API implementation ({@link SimdProvider#reductions()}) sums float products in float lanes (four
 * accumulators) over blocks of 4096 elements and adds the blocks in double; {@link #scalar()} sums every product in
 * double and is the oracle. They differ only by summation order.
 */
public interface Reductions {

    /**
     * The scalar twin: every product summed in double; the oracle.
     *
     * @return the stateless scalar instance
     */
    static Reductions scalar() {
        return ScalarReductions.INSTANCE;
    }

    /**
     * Σ a[aOffset + i]·b[bOffset + i] over i &lt; n, float32 elements.
     *
     * @param a float32 elements, native byte order
     * @param aOffset first element of {@code a} (in elements)
     * @param b float32 elements, native byte order
     * @param bOffset first element of {@code b} (in elements)
     * @param n number of products
     * @return the dot product
     */
    double dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n);

    /**
     * Σ a[offset + i]² over i &lt; n, float32 elements.
     *
     * @param a float32 elements, native byte order
     * @param offset first element (in elements)
     * @param n number of elements
     * @return the squared Euclidean norm
     */
    double squaredNorm(MemorySegment a, long offset, long n);

    /**
     * Σ (a[aOffset + i] − b[bOffset + i])² over i &lt; n, float32 elements, each difference rounded to float first
     * (as ‖w − w*‖² in the SGLD kernels).
     *
     * @param a float32 elements, native byte order
     * @param aOffset first element of {@code a} (in elements)
     * @param b float32 elements, native byte order
     * @param bOffset first element of {@code b} (in elements)
     * @param n number of elements
     * @return the squared Euclidean distance
     */
    double squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n);

    /**
     * Σ a[offset + i] over i &lt; n.
     *
     * @param a the values
     * @param offset first index
     * @param n number of values
     * @return the sum
     */
    double sum(double[] a, int offset, int n);

    /**
     * Σ a[aOffset + i]·b[bOffset + i] over i &lt; n (e.g. a trace with itself at a lag).
     *
     * @param a the left values
     * @param aOffset first index into {@code a}
     * @param b the right values
     * @param bOffset first index into {@code b}
     * @param n number of products
     * @return the dot product
     */
    double dot(double[] a, int aOffset, double[] b, int bOffset, int n);

    /**
     * Σ a[offset + i]² over i &lt; n.
     *
     * @param a the values
     * @param offset first index
     * @param n number of values
     * @return the squared Euclidean norm
     */
    double squaredNorm(double[] a, int offset, int n);

    /**
     * Σ (a[aOffset + i] − b[bOffset + i])² over i &lt; n.
     *
     * @param a the left values
     * @param aOffset first index into {@code a}
     * @param b the right values
     * @param bOffset first index into {@code b}
     * @param n number of values
     * @return the squared Euclidean distance
     */
    double squaredDistance(double[] a, int aOffset, double[] b, int bOffset, int n);

    /**
     * Σ a[i]·b[i] over whole float arrays.
     *
     * @param a the left values
     * @param b the right values, as many
     * @return the dot product
     * @throws IllegalArgumentException if the lengths differ
     */
    default double dot(float[] a, float[] b) {
        checkSameLength(a.length, b.length);
        return dot(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, a.length);
    }

    /**
     * Σ a[i]² over a whole float array.
     *
     * @param a the values
     * @return the squared Euclidean norm
     */
    default double squaredNorm(float[] a) {
        return squaredNorm(MemorySegment.ofArray(a), 0, a.length);
    }

    /**
     * Σ (a[i] − b[i])² over whole float arrays, each difference rounded to float first.
     *
     * @param a the left values
     * @param b the right values, as many
     * @return the squared Euclidean distance
     * @throws IllegalArgumentException if the lengths differ
     */
    default double squaredDistance(float[] a, float[] b) {
        checkSameLength(a.length, b.length);
        return squaredDistance(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, a.length);
    }

    /**
     * Σ a[i] over a whole array.
     *
     * @param a the values
     * @return the sum
     */
    default double sum(double[] a) {
        return sum(a, 0, a.length);
    }

    /**
     * Σ a[i]·b[i] over whole arrays.
     *
     * @param a the left values
     * @param b the right values, as many
     * @return the dot product
     * @throws IllegalArgumentException if the lengths differ
     */
    default double dot(double[] a, double[] b) {
        checkSameLength(a.length, b.length);
        return dot(a, 0, b, 0, a.length);
    }

    /**
     * Σ a[i]² over a whole array.
     *
     * @param a the values
     * @return the squared Euclidean norm
     */
    default double squaredNorm(double[] a) {
        return squaredNorm(a, 0, a.length);
    }

    /**
     * Σ (a[i] − b[i])² over whole arrays.
     *
     * @param a the left values
     * @param b the right values, as many
     * @return the squared Euclidean distance
     * @throws IllegalArgumentException if the lengths differ
     */
    default double squaredDistance(double[] a, double[] b) {
        checkSameLength(a.length, b.length);
        return squaredDistance(a, 0, b, 0, a.length);
    }

    private static void checkSameLength(int a, int b) {
        if (a != b) throw new IllegalArgumentException("arrays of different lengths " + a + " and " + b);
    }
}
