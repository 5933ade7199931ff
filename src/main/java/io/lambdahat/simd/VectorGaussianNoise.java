package io.lambdahat.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.lambdahat.simd.Normals.*;
import static jdk.incubator.vector.VectorOperators.*;

/**
 * {@link GaussianNoise} a float vector at a time, bit-identical to {@link ScalarGaussianNoise}. A vector of L float
 * lanes covers L Box–Muller pairs of a group of 32 indices (see {@link Normals}): its radius words are the hashes of
 * L consecutive Weyl positions, its angle words those 16 positions further, and it writes L cosines and the L
 * matching sines. Numbers outside whole groups (the ends of a range) go through the scalar definition, and so does
 * everything on shapes wider than a group's 16 pairs (scalable vectors beyond 512 bits).
 *
 * <p>{@link #groups} writes into a small Java array that stays in L1 cache: the SGLD kernel streams its update over
 * that buffer, and {@link #fill} copies it out. The whole computation sits in one loop body on purpose: a vector
 * handed from one compiled method to another that C2 declined to inline becomes a heap object, which costs more than
 * the arithmetic.
 *
 * <p>While it computes, {@link #groups} also reads one byte of every 64-byte cache line of the memory its caller
 * streams next (the chunk's parameters, gradients and centre in the SGLD kernel, the destination in {@link #fill}).
 * The noise is arithmetic and the update is memory traffic; without these reads the memory bus idles while the noise
 * is computed and the arithmetic units idle while the update waits for memory. With them, the lines arrive during the
 * arithmetic (the hardware prefetcher follows the sequential reads), and the update finds them in cache: faster when
 * memory-bound, the same in cache (JMH SgldUpdateBench; measured: bench/README.md, "Design measurements"). Java has no prefetch
 * instruction, so the reads are ordinary loads whose sum is kept, lest the compiler drop them.
 */
final class VectorGaussianNoise implements GaussianNoise {
    /**
     * Numbers per buffer: whole groups, 4 KiB, well inside L1. Each chunk pays a fixed set-up in the SGLD kernel
     * (broadcasts, five lane reductions into double), so larger chunks are cheaper per value up to L1's size
     * (measured: bench/README.md, "Design measurements").
     */
    static final int CHUNK = 1024;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final Lanes lanes;
    /**
     * The sum of the bytes read to warm the cache (see the class comment), kept so that the reads stay; shared
     * between threads without care, since its value means nothing.
     */
    private long touchedBytes;

    /** A generator at the given float shape; {@link SimdProvider#get()} gives the production one. */
    VectorGaussianNoise(VectorSpecies<Float> species) {
        this(Lanes.of(species));
    }

    VectorGaussianNoise(Lanes lanes) {
        this.lanes = lanes;
    }

    /** Whether {@link #groups} can run at this shape (at most one group's 16 pairs per vector). */
    boolean vectorised() {
        return lanes.floats().length() <= SLOTS;
    }

    @Override
    public void fill(MemorySegment dst, long offset, long n, long seed, long stream, long counter, long index) {
        Ranges.checkFloats(dst, offset, n);
        Normals.checkBlock(counter, index, n);
        long streamKey = streamKey(seed, stream);
        long touched = 0;
        float[] buffer = new float[(int) Math.min(CHUNK, n)];
        for (long j = 0; j < n; ) {
            long i = index + j;
            long pageEnd = Math.min(index + n, ((i >>> 32) + 1) << 32);
            long key = pageKey(streamKey, counter, i >>> 32);
            for (; i < pageEnd; ) {
                int length = (int) Math.min(buffer.length, pageEnd - i);
                long dstByte = (offset + j) * Float.BYTES;
                // One stream to warm, given for all three of groups' streams: the repeated reads hit L1.
                touched += fillPage(buffer, 0, length, offset(key), multiplier(key), (int) i, dst, dst, dstByte, dst,
                        dstByte);
                MemorySegment.copy(buffer, 0, dst, FLOAT, dstByte, length);
                i += length;
                j += length;
            }
        }
        touchedBytes += touched;
    }

    /**
     * Writes positions {@code j .. j + n − 1} of the page with Weyl offset a and multiplier m (see {@link Normals})
     * into {@code xi[offset .. offset + n)}; the positions must not wrap past 2³². The whole groups among them warm
     * the cache lines that {@link #groups} describes, from the given segments and byte offsets (which belong to
     * position j); the sum of the bytes read is returned.
     */
    long fillPage(float[] xi, int offset, int n, int a, int m, int j, MemorySegment first, MemorySegment second,
                  long pairByte, MemorySegment third, long thirdByte) {
        int done = 0;
        long touched = 0;
        if (vectorised()) {
            int head = Math.min(n, Math.floorMod(-j, GROUP));
            for (; done < head; done++) xi[offset + done] = normal(a, m, j + done);
            int body = (n - done) / GROUP * GROUP;
            long skip = (long) done * Float.BYTES;
            touched = groups(xi, offset + done, body, a, m, j + done, first, second, pairByte + skip, third,
                    thirdByte + skip);
            done += body;
        }
        for (; done < n; done++) xi[offset + done] = normal(a, m, j + done);
        return touched;
    }

    /**
     * Writes positions {@code j .. j + n − 1} of the page with Weyl offset a and multiplier m into
     * {@code xi[offset .. offset + n)}: whole groups ({@code j} and {@code n} multiples of 32), at most 16 lanes.
     * Meanwhile it reads one byte of each 64-byte line of the 4n bytes from {@code pairByte} in {@code first} and in
     * {@code second}, and from {@code thirdByte} in {@code third}, and returns the sum of those bytes (see the class
     * comment: the caller streams that memory next, and the sum only keeps the compiler from dropping the reads).
     */
    long groups(float[] xi, int offset, int n, int a, int m, int j, MemorySegment first, MemorySegment second,
                long pairByte, MemorySegment third, long thirdByte) {
        long touched = 0;
        VectorSpecies<Float> floats = lanes.floats();
        VectorSpecies<Integer> ints = lanes.ints();
        int width = floats.length();
        IntVector laneSteps = IntVector.zero(ints).addIndex(1).mul(m);
        int angleStep = SLOTS * m;
        // At 256 bits a group's 16 pairs are two vectors, A and B, and the loop computes both with their steps side
        // by side: one vector's chain of dependent steps (hash, logarithm, square root) is longer than the stretch
        // of code the core looks ahead over, and it waits on latencies unless an independent chain runs beside it.
        // Other shapes take the group a vector at a time.
        boolean paired = 2 * width == SLOTS;
        for (int t = 0; t < n; t += GROUP) {
            long line = (long) t * Float.BYTES;
            touched += first.get(BYTE, pairByte + line) + first.get(BYTE, pairByte + line + 64)
                    + second.get(BYTE, pairByte + line) + second.get(BYTE, pairByte + line + 64)
                    + third.get(BYTE, thirdByte + line) + third.get(BYTE, thirdByte + line + 64);
            int start = a + (j + t) * m;
            if (paired) {
                // Normals.normal for the group's two slots, A (pairs 0 .. 7) and B (8 .. 15), step by step side by side
                IntVector radiusA = IntVector.broadcast(ints, start).add(laneSteps);
                IntVector radiusB = IntVector.broadcast(ints, start + width * m).add(laneSteps);
                IntVector angleA = radiusA.add(angleStep), angleB = radiusB.add(angleStep);
                radiusA = radiusA.lanewise(XOR, radiusA.lanewise(LSHR, 16)).mul(HASH_1);
                radiusB = radiusB.lanewise(XOR, radiusB.lanewise(LSHR, 16)).mul(HASH_1);
                angleA = angleA.lanewise(XOR, angleA.lanewise(LSHR, 16)).mul(HASH_1);
                angleB = angleB.lanewise(XOR, angleB.lanewise(LSHR, 16)).mul(HASH_1);
                radiusA = radiusA.lanewise(XOR, radiusA.lanewise(LSHR, 15)).mul(HASH_2);
                radiusB = radiusB.lanewise(XOR, radiusB.lanewise(LSHR, 15)).mul(HASH_2);
                angleA = angleA.lanewise(XOR, angleA.lanewise(LSHR, 15)).mul(HASH_2);
                angleB = angleB.lanewise(XOR, angleB.lanewise(LSHR, 15)).mul(HASH_2);
                radiusA = radiusA.lanewise(XOR, radiusA.lanewise(LSHR, 16));
                radiusB = radiusB.lanewise(XOR, radiusB.lanewise(LSHR, 16));
                angleA = angleA.lanewise(XOR, angleA.lanewise(LSHR, 16));
                angleB = angleB.lanewise(XOR, angleB.lanewise(LSHR, 16));
                IntVector bitsA = ((FloatVector) radiusA.lanewise(LSHR, 1).or(1).convert(I2F, 0)).reinterpretAsInts();
                IntVector bitsB = ((FloatVector) radiusB.lanewise(LSHR, 1).or(1).convert(I2F, 0)).reinterpretAsInts();
                FloatVector xA = ((FloatVector) angleA.lanewise(LSHR, 8).convert(I2F, 0))
                        .fma(RADIANS_PER_STEP, FIRST_ANGLE);
                FloatVector xB = ((FloatVector) angleB.lanewise(LSHR, 8).convert(I2F, 0))
                        .fma(RADIANS_PER_STEP, FIRST_ANGLE);
                FloatVector tA = bitsA.and(MANTISSA).or(ONE_BITS).reinterpretAsFloats().sub(1f);
                FloatVector tB = bitsB.and(MANTISSA).or(ONE_BITS).reinterpretAsFloats().sub(1f);
                FloatVector x2A = xA.mul(xA), x2B = xB.mul(xB);
                FloatVector logA = tA.fma(Q5, Q4), logB = tB.fma(Q5, Q4);
                FloatVector sinA = x2A.fma(S2, S1), sinB = x2B.fma(S2, S1);
                FloatVector cosA = x2A.fma(C3, C2), cosB = x2B.fma(C3, C2);
                logA = logA.fma(tA, tA.broadcast(Q3));
                logB = logB.fma(tB, tB.broadcast(Q3));
                sinA = sinA.fma(x2A, x2A.broadcast(S0));
                sinB = sinB.fma(x2B, x2B.broadcast(S0));
                cosA = cosA.fma(x2A, x2A.broadcast(C1));
                cosB = cosB.fma(x2B, x2B.broadcast(C1));
                logA = logA.fma(tA, tA.broadcast(Q2));
                logB = logB.fma(tB, tB.broadcast(Q2));
                sinA = sinA.mul(xA);
                sinB = sinB.mul(xB);
                cosA = cosA.fma(x2A, x2A.broadcast(C0));
                cosB = cosB.fma(x2B, x2B.broadcast(C0));
                FloatVector kA = (FloatVector) IntVector.broadcast(ints, EXPONENT_TOP).sub(bitsA.lanewise(LSHR, 23))
                        .convert(I2F, 0);
                FloatVector kB = (FloatVector) IntVector.broadcast(ints, EXPONENT_TOP).sub(bitsB.lanewise(LSHR, 23))
                        .convert(I2F, 0);
                logA = logA.fma(tA, tA.broadcast(Q1));
                logB = logB.fma(tB, tB.broadcast(Q1));
                FloatVector cosineA = cosA.sub(sinA), cosineB = cosB.sub(sinB);
                FloatVector sineA = cosA.add(sinA), sineB = cosB.add(sinB);
                logA = logA.fma(tA, tA.broadcast(Q0));
                logB = logB.fma(tB, tB.broadcast(Q0));
                FloatVector rA = logA.fma(tA, kA).sqrt(), rB = logB.fma(tB, kB).sqrt();
                rA.reinterpretAsInts().lanewise(XOR, radiusA.lanewise(LSHL, 31)).reinterpretAsFloats().mul(cosineA)
                        .intoArray(xi, offset + t);
                rB.reinterpretAsInts().lanewise(XOR, radiusB.lanewise(LSHL, 31)).reinterpretAsFloats().mul(cosineB)
                        .intoArray(xi, offset + t + width);
                rA.reinterpretAsInts().lanewise(XOR, angleA.lanewise(LSHL, 31)).reinterpretAsFloats().mul(sineA)
                        .intoArray(xi, offset + t + SLOTS);
                rB.reinterpretAsInts().lanewise(XOR, angleB.lanewise(LSHL, 31)).reinterpretAsFloats().mul(sineB)
                        .intoArray(xi, offset + t + SLOTS + width);
                continue;
            }
            for (int slot = 0; slot < SLOTS; slot += width) {
                // Normals.normal for pairs [slot, slot + width) of the group at position j + t
                IntVector radiusWord = IntVector.broadcast(ints, start + slot * m).add(laneSteps);
                IntVector angleWord = radiusWord.add(angleStep);
                radiusWord = radiusWord.lanewise(XOR, radiusWord.lanewise(LSHR, 16)).mul(HASH_1);
                angleWord = angleWord.lanewise(XOR, angleWord.lanewise(LSHR, 16)).mul(HASH_1);
                radiusWord = radiusWord.lanewise(XOR, radiusWord.lanewise(LSHR, 15)).mul(HASH_2);
                angleWord = angleWord.lanewise(XOR, angleWord.lanewise(LSHR, 15)).mul(HASH_2);
                radiusWord = radiusWord.lanewise(XOR, radiusWord.lanewise(LSHR, 16));
                angleWord = angleWord.lanewise(XOR, angleWord.lanewise(LSHR, 16));
                IntVector bits = ((FloatVector) radiusWord.lanewise(LSHR, 1).or(1).convert(I2F, 0)).reinterpretAsInts();
                FloatVector k = (FloatVector) IntVector.broadcast(ints, EXPONENT_TOP).sub(bits.lanewise(LSHR, 23))
                        .convert(I2F, 0);
                FloatVector t1 = bits.and(MANTISSA).or(ONE_BITS).reinterpretAsFloats().sub(1f);
                FloatVector p = t1.fma(Q5, Q4).fma(t1, t1.broadcast(Q3)).fma(t1, t1.broadcast(Q2))
                        .fma(t1, t1.broadcast(Q1)).fma(t1, t1.broadcast(Q0));
                FloatVector radius = p.fma(t1, k).sqrt();
                FloatVector x = ((FloatVector) angleWord.lanewise(LSHR, 8).convert(I2F, 0))
                        .fma(RADIANS_PER_STEP, FIRST_ANGLE);
                FloatVector x2 = x.mul(x);
                FloatVector sin = x2.fma(S2, S1).fma(x2, x2.broadcast(S0)).mul(x);
                FloatVector cos = x2.fma(C3, C2).fma(x2, x2.broadcast(C1)).fma(x2, x2.broadcast(C0));
                radius.reinterpretAsInts().lanewise(XOR, radiusWord.lanewise(LSHL, 31)).reinterpretAsFloats()
                        .mul(cos.sub(sin)).intoArray(xi, offset + t + slot);
                radius.reinterpretAsInts().lanewise(XOR, angleWord.lanewise(LSHL, 31)).reinterpretAsFloats()
                        .mul(cos.add(sin)).intoArray(xi, offset + t + SLOTS + slot);
            }
        }
        return touched;
    }
}
