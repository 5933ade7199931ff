package io.lambdahat.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.lambdahat.simd.Normals.*;
import static jdk.incubator.vector.VectorOperators.*;

/**
 * {@link GaussianNoise} a float vector at a time, bit-identical to {@link ScalarGaussianNoise}. A vector of L float
 * lanes covers L Box–Muller slots of a group (see {@link Normals}): the radius and angle words of its lanes are the
 * 32-bit halves of two vectors of L/2 SplitMix64 words, and it writes L cosines and the L matching sines. Numbers
 * outside whole groups (the ends of a range) go through the scalar definition, and so does everything on shapes
 * wider than a group's 16 slots (scalable vectors beyond 512 bits).
 *
 * <p>The whole computation sits in one loop body on purpose: a vector handed from one compiled method to another
 * that C2 declined to inline becomes a heap object, which costs more than the arithmetic.
 */
public final class VectorGaussianNoise implements GaussianNoise {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final Lanes lanes;

    /**
     * A generator at the given float shape; {@link GaussianNoise#vector()} gives the production one.
     *
     * @param species the float species whose lanes it uses
     */
    public VectorGaussianNoise(VectorSpecies<Float> species) {
        this(Lanes.of(species));
    }

    VectorGaussianNoise(Lanes lanes) {
        this.lanes = lanes;
    }

    @Override
    public void fill(MemorySegment dst, long offset, long n, long seed, long stream, long counter, long index) {
        Ranges.checkFloats(dst, offset, n);
        Normals.checkBlock(counter, index, n);
        fillBlock(dst, offset * Float.BYTES, n, blockBase(streamKey(seed, stream), counter), index);
    }

    /** Writes the numbers at {@code index .. index + n − 1} of the block based at {@code base}, from a byte offset. */
    void fillBlock(MemorySegment dst, long byteOffset, long n, long base, long index) {
        VectorSpecies<Float> floats = lanes.floats();
        VectorSpecies<Long> longs = lanes.longs();
        int width = floats.length();
        LongVector laneOffsets = LongVector.zero(longs).addIndex(1).mul(GOLDEN);
        long j = 0;
        if (width <= SLOTS) {
            long head = Math.min(n, Math.floorMod(-index, GROUP));
            for (; j < head; j++) {
                dst.set(FLOAT, byteOffset + j * Float.BYTES, normal(base, index + j));
            }
            long groupEnd = j + (n - j) / GROUP * GROUP;
            long word = (index + j) / GROUP * SLOTS;
            for (; j < groupEnd; j += GROUP, word += SLOTS) {
                for (int slot = 0; slot < SLOTS; slot += width) {
                    // Normals.normal for slots [slot, slot + width) of the group whose first word is `word`
                    LongVector radiusWords = LongVector.broadcast(longs, base + (word + slot / 2 + 1) * GOLDEN)
                            .add(laneOffsets);
                    LongVector angleWords = radiusWords.add((SLOTS / 2) * GOLDEN);
                    radiusWords = radiusWords.lanewise(XOR, radiusWords.lanewise(LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
                    angleWords = angleWords.lanewise(XOR, angleWords.lanewise(LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
                    radiusWords = radiusWords.lanewise(XOR, radiusWords.lanewise(LSHR, 27)).mul(0x94D049BB133111EBL);
                    angleWords = angleWords.lanewise(XOR, angleWords.lanewise(LSHR, 27)).mul(0x94D049BB133111EBL);
                    radiusWords = radiusWords.lanewise(XOR, radiusWords.lanewise(LSHR, 31));
                    angleWords = angleWords.lanewise(XOR, angleWords.lanewise(LSHR, 31));
                    FloatVector u = ((FloatVector) radiusWords.reinterpretAsInts().lanewise(LSHR, 8).add(1)
                            .convert(I2F, 0)).mul(UNIT);
                    IntVector ix = u.reinterpretAsInts().sub(SQRT_HALF_BITS);
                    FloatVector kf = (FloatVector) ix.lanewise(ASHR, 23).convert(I2F, 0);
                    FloatVector f = ix.and(0x007FFFFF).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
                    FloatVector z = f.mul(f);
                    FloatVector z2 = z.mul(z);
                    FloatVector p = z2.fma(L8, 0f).add(f.fma(L7, L6).fma(z, f.fma(L5, L4)))
                            .fma(z2, f.fma(L3, L2).fma(z, f.fma(L1, L0)));
                    FloatVector y = p.mul(f.mul(z));
                    y = kf.fma(kf.broadcast(LN2_LO), y);
                    y = z.fma(z.broadcast(-0.5f), y);
                    FloatVector radius = kf.fma(kf.broadcast(LN2_HI), f.add(y)).mul(-2f).sqrt();
                    IntVector angle = angleWords.reinterpretAsInts();
                    FloatVector x = ((FloatVector) angle.lanewise(LSHR, 8).sub(HALF_SECTOR).convert(I2F, 0))
                            .mul(RADIANS_PER_STEP);
                    FloatVector x2 = x.mul(x);
                    FloatVector sin = x2.fma(S3, S2).fma(x2, x2.broadcast(S1)).mul(x2).fma(x, x);
                    FloatVector cos = x2.mul(x2).fma(x2.fma(C3, C2).fma(x2, x2.broadcast(C1)), x2.fma(-0.5f, 1f));
                    VectorMask<Float> keep = angle.and(1).compare(EQ, 0).cast(floats);
                    FloatVector sinTheta = cos.blend(sin, keep).reinterpretAsInts()
                            .lanewise(XOR, angle.lanewise(LSHL, 29).and(SIGN)).reinterpretAsFloats();
                    FloatVector cosTheta = sin.blend(cos, keep).reinterpretAsInts()
                            .lanewise(XOR, angle.lanewise(LSHL, 30).and(SIGN)).reinterpretAsFloats();
                    radius.mul(cosTheta).intoMemorySegment(dst, byteOffset + (j + slot) * Float.BYTES, ORDER);
                    radius.mul(sinTheta).intoMemorySegment(dst, byteOffset + (j + SLOTS + slot) * Float.BYTES, ORDER);
                }
            }
        }
        for (; j < n; j++) {
            dst.set(FLOAT, byteOffset + j * Float.BYTES, normal(base, index + j));
        }
    }
}
