package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;

/**
 * Standard normal noise from a seed, in independent streams (one per chain), reproducible at any SIMD width.
 *
 * <p>The number at (seed, stream, counter, index) is a pure function of those four values (defined in full by
 * {@link #normal}): SplitMix64 keyed by (seed, stream) and positioned by the counter gives each block a Weyl
 * sequence, whose 32-bit positions the lowbias32 hash turns into words; Box–Muller turns pairs of words into pairs
 * of numbers, with polynomial log₂/sin/cos evaluated identically by the scalar and the vector implementation. The
 * sampler uses
 * stream = chain, counter = step and index = coordinate, so a chain's noise does not depend on how many chains
 * run, on the SIMD width, or on how a row is split between threads.
 *
 * <p>The Vector API implementation ({@link SimdProvider#gaussianNoise()}) and {@link #scalar()} return bit-identical
 * numbers; the scalar one is the test oracle.
 */
public interface GaussianNoise {

    /**
     * The plain scalar twin, the test oracle.
     *
     * @return the stateless scalar generator
     */
    static GaussianNoise scalar() {
        return ScalarGaussianNoise.INSTANCE;
    }

    /**
     * The defining function: the standard normal number at {@code index} of block {@code counter} of stream
     * {@code stream} under {@code seed}. Step by step:
     * <ol>
     *   <li>stream key K = mix64(mix64(seed) + stream·φ), with SplitMix64's finaliser mix64 and increment φ;</li>
     *   <li>page key B = mix64(K + (2·counter + ⌊index/2³²⌋ + 1)·φ); offset a = low half of B, multiplier m = high
     *       half of B made odd (xored with 0xAAAAAAAA if it has fewer than 12 bit transitions);</li>
     *   <li>word h_j = lowbias32(a + j·m mod 2³²) at page position j;</li>
     *   <li>with j = index mod 2³², R = h_{j with bit 4 clear}, A = h_{j with bit 4 set}: q ≈ −log₂ u for
     *       u = float((R &gt;&gt;&gt; 1) | 1)/2³¹, x = float(A &gt;&gt;&gt; 8)·π/2²⁵ + π/2²⁶ − π/4; the number is
     *       √(−2 ln u)·cos(x + π/4), negated if R is odd, when bit 4 of j is clear, and √(−2 ln u)·sin(x + π/4),
     *       negated if A is odd, when it is set.</li>
     * </ol>
     * The polynomials for log₂, sin and cos and their error bounds are given in the package-private class
     * {@code Normals}, which holds the scalar code; GaussianNoiseTest tests the distribution.
     *
     * @param seed the run's seed
     * @param stream the stream (the sampler: the chain)
     * @param counter the block, in [0, 2³²) (the sampler: the step)
     * @param index the position in the block, in [0, 2³³) (the sampler: the coordinate)
     * @return a N(0, 1) draw
     * @throws IllegalArgumentException if {@code counter} or {@code index} is out of range
     */
    static float normal(long seed, long stream, long counter, long index) {
        Normals.checkBlock(counter, index, 1);
        return Normals.normal(Normals.streamKey(seed, stream), counter, index);
    }

    /**
     * Writes the numbers at indices {@code index .. index + n − 1} of block {@code counter} of stream {@code stream}
     * into float32 elements {@code offset .. offset + n − 1} of {@code dst}.
     *
     * @param dst float32 elements, native byte order
     * @param offset first element written (in elements, not bytes)
     * @param n how many numbers
     * @param seed the run's seed
     * @param stream the stream (the sampler: the chain)
     * @param counter the block, in [0, 2³²)
     * @param index the first position in the block; index + n at most 2³³
     * @throws IllegalArgumentException if the counter or indices are out of range
     */
    void fill(MemorySegment dst, long offset, long n, long seed, long stream, long counter, long index);

    /**
     * {@link #fill(MemorySegment, long, long, long, long, long, long)} from index 0 of the block.
     *
     * @param dst float32 elements, native byte order
     * @param offset first element written (in elements, not bytes)
     * @param n how many numbers, at most 2³³
     * @param seed the run's seed
     * @param stream the stream (the sampler: the chain)
     * @param counter the block, in [0, 2³²)
     * @throws IllegalArgumentException if the counter or {@code n} is out of range
     */
    default void fill(MemorySegment dst, long offset, long n, long seed, long stream, long counter) {
        fill(dst, offset, n, seed, stream, counter, 0);
    }

    /**
     * Fills a Java array with indices 0 .. dst.length − 1 of a block.
     *
     * @param dst the array filled
     * @param seed the run's seed
     * @param stream the stream (the sampler: the chain)
     * @param counter the block, in [0, 2³²)
     * @throws IllegalArgumentException if the counter is out of range
     */
    default void fill(float[] dst, long seed, long stream, long counter) {
        fill(MemorySegment.ofArray(dst), 0, dst.length, seed, stream, counter, 0);
    }
}
