package io.lambdahat.simd;

import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Standard normal noise from a seed, in independent streams (one per chain), reproducible at any SIMD width.
 *
 * <p>The number at (seed, stream, counter, index) is a pure function of those four values (defined in full by
 * {@link #normal}): SplitMix64 keyed by (seed, stream) and positioned by (counter, index), then Box–Muller with
 * polynomial ln/sin/cos evaluated identically by the scalar and the vector implementation. The sampler uses
 * stream = chain, counter = step and index = coordinate, so a chain's noise does not depend on how many chains
 * run, on the SIMD width, or on how a row is split between threads.
 *
 * <p>{@link #vector()} and {@link #scalar()} return bit-identical numbers; the scalar one is the test oracle.
 */
public interface GaussianNoise {

    /**
     * The Vector API implementation at {@link Species#FLOAT}.
     *
     * @return a stateless, thread-safe generator
     */
    static GaussianNoise vector() {
        return new VectorGaussianNoise(Species.FLOAT);
    }

    /**
     * The Vector API implementation at a given float species, for tests that force narrow shapes. A process that
     * uses two shapes runs both slowly (see {@code Lanes}): production code uses {@link #vector()}.
     *
     * @param species the float species whose lanes it uses
     * @return a stateless, thread-safe generator
     */
    static GaussianNoise vector(VectorSpecies<Float> species) {
        return new VectorGaussianNoise(species);
    }

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
     * {@code stream} under {@code seed}.
     *
     * @param seed the run's seed
     * @param stream the stream (the sampler: the chain)
     * @param counter the block, in [0, 2³²) (the sampler: the step)
     * @param index the position in the block, in [0, 2³³ − 32) (the sampler: the coordinate)
     * @return a N(0, 1) draw
     * @throws IllegalArgumentException if {@code counter} or {@code index} is out of range
     */
    static float normal(long seed, long stream, long counter, long index) {
        Normals.checkBlock(counter, index, 1);
        return Normals.normal(Normals.blockBase(Normals.streamKey(seed, stream), counter), index);
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
     * @param index the first position in the block; index + n at most 2³³ − 32
     * @throws IllegalArgumentException if the counter or indices are out of range
     */
    void fill(MemorySegment dst, long offset, long n, long seed, long stream, long counter, long index);

    /**
     * {@link #fill(MemorySegment, long, long, long, long, long, long)} from index 0 of the block.
     *
     * @param dst float32 elements, native byte order
     * @param offset first element written (in elements, not bytes)
     * @param n how many numbers, below 2³³ − 32
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
