package io.lambdahat.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.lambdahat.simd.Normals.*;
import static jdk.incubator.vector.VectorOperators.*;

/**
 * {@link SgldKernel} with the Vector API. A float32 row is processed in chunks of {@link #CHUNK} coordinates made
 * of whole noise groups (see {@code Normals}): a first loop writes the chunk's noise into a 1 KiB buffer that stays
 * in L1 cache, a second reads w, g, w* (and V), writes w (and V) and accumulates the norms in float lanes, which are
 * added to double sums at the end of the chunk. The coordinates before the first and after the last whole group go
 * through {@link ScalarSgldKernel}'s per-coordinate steps. Float64 rows take their noise from
 * {@link VectorGaussianNoise} chunk by chunk and run the same update in double lanes.
 *
 * <p>Every vector lives inside one method body, which is why the noise arithmetic is written out here as in
 * {@link VectorGaussianNoise} (the tests hold all three to the scalar definition bit for bit): a vector handed to a
 * compiled method that C2 declined to inline becomes a heap object, which costs more than the arithmetic.
 * Loads of w, g, w* that miss the cache overlap with the noise arithmetic of the next chunk only as far as the
 * hardware prefetchers run ahead; the step is bound by that arithmetic (about 100 instructions per 16 numbers)
 * rather than by memory on 256-bit machines.
 */
public final class VectorSgldKernel implements SgldKernel {
    /** Coordinates per chunk (a multiple of the noise group): float partial sums add at most CHUNK/lanes terms. */
    public static final int CHUNK = 256;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final Lanes lanes;
    private final VectorGaussianNoise noise;

    /**
     * A kernel at the given float shape; {@link SgldKernel#vector()} gives the production one.
     *
     * @param species the float species whose lanes the kernel uses
     */
    public VectorSgldKernel(VectorSpecies<Float> species) {
        this.lanes = Lanes.of(species);
        this.noise = new VectorGaussianNoise(lanes);
    }

    @Override
    public String toString() {
        return "VectorSgldKernel[" + lanes + "]";
    }

    @Override
    public StepNorms sgld(SgldParameters h, ChainBuffers b, int chain, long step, long seed, long from, long to) {
        return run(new Coefficients(h, null), false, b, chain, step, seed, from, to);
    }

    @Override
    public StepNorms rmspropSgld(SgldParameters h, RmspropParameters r, ChainBuffers b, int chain, long step,
                                 long seed, long from, long to) {
        b.requireSquareAverage();
        return run(new Coefficients(h, r), true, b, chain, step, seed, from, to);
    }

    private StepNorms run(Coefficients k, boolean rmsprop, ChainBuffers b, int chain, long step, long seed,
                          long from, long to) {
        b.checkRange(chain, from, to);
        Normals.checkBlock(step, from, to - from);
        long base = Normals.blockBase(Normals.streamKey(seed, chain), step);
        long row = b.rowOffset(chain);
        boolean single = b.precision() == ChainBuffers.Precision.FLOAT32;
        double[] sums = new double[5];
        if (single) {
            // The fused loops take a noise group's 16 slots a vector at a time.
            if (lanes.floats().length() > SLOTS) return ScalarSgldKernel.run(k, rmsprop, b, chain, step, seed, from, to);
            if (rmsprop) rmsprop32(k, b, row, base, from, to, sums);
            else sgld32(k, b, row, base, from, to, sums);
            return StepNorms.of(sums);
        }
        float[] xi = new float[(int) Math.min(CHUNK, to - from)];
        double[] wideXi = new double[xi.length];
        MemorySegment xiSegment = MemorySegment.ofArray(xi);
        for (long start = from; start < to; ) {
            long end = Math.min(to, (start / CHUNK + 1) * CHUNK);
            int n = (int) (end - start);
            noise.fillBlock(xiSegment, 0, n, base, start);
            for (int t = 0; t < n; t++) wideXi[t] = xi[t];
            if (rmsprop) rmsprop64(k, b, row, start, n, xi, wideXi, sums);
            else sgld64(k, b, row, start, n, xi, wideXi, sums);
            start = end;
        }
        return StepNorms.of(sums);
    }

    /**
     * How far a vector loop over n coordinates from {@code start}, reading {@code maskLanes} mask elements per
     * step of {@code width}, may go without a mask load running past the mask's end.
     */
    private static int vectorBound(int n, int width, Mask mask, long start, int maskLanes) {
        int upper = n - n % width;
        if (mask == null) return upper;
        long room = mask.length() - maskLanes - start;
        if (room < 0) return 0;
        return (int) Math.min(upper, (room + 1) - (room + 1) % width);
    }

    /**
     * End of the whole groups in [bodyStart, to) that a vector loop may cover: mask loads of {@code maskLanes}
     * elements at coordinates up to {@code end − width} must stay inside the mask.
     */
    private static long groupBound(long bodyStart, long to, int width, Mask mask, int maskLanes) {
        long end = bodyStart + (to - bodyStart) / GROUP * GROUP;
        if (mask != null) end = Math.min(end, Math.floorDiv(mask.length() - maskLanes + width, GROUP) * GROUP);
        return Math.max(end, bodyStart);
    }

    private void sgld32(Coefficients k, ChainBuffers b, long row, long base, long from, long to, double[] sums) {
        VectorSpecies<Float> floats = lanes.floats();
        VectorSpecies<Long> longs = lanes.longs();
        VectorSpecies<Byte> bytes = lanes.bytes();
        int width = floats.length();
        MemorySegment params = b.params(), grads = b.grads(), centre = b.centre();
        Mask mask = b.mask();
        boolean byteMask = mask != null && mask.kind() == Mask.Kind.BYTE;
        MemorySegment maskSegment = mask == null ? null : mask.segment();
        boolean bounded = k.boundF != Float.POSITIVE_INFINITY;
        FloatVector a = FloatVector.broadcast(floats, k.aF), bb = FloatVector.broadcast(floats, k.bF),
                kk = FloatVector.broadcast(floats, k.kF), s = FloatVector.broadcast(floats, k.sF),
                bound = FloatVector.broadcast(floats, k.boundF), zero = FloatVector.zero(floats);
        LongVector laneOffsets = LongVector.zero(longs).addIndex(1).mul(GOLDEN);
        float[] xi = new float[CHUNK];
        long i = from;
        long bodyStart = Math.min(to, Math.ceilDiv(from, GROUP) * GROUP);
        for (; i < bodyStart; i++) ScalarSgldKernel.sgld32(k, b, row + i, i, Normals.normal(base, i), sums);
        long bodyEnd = groupBound(bodyStart, to, width, mask, byteMask ? bytes.length() : width);
        for (int n; i < bodyEnd; i += n) {
            n = (int) Math.min(CHUNK, bodyEnd - i);
            long firstWord = i / GROUP * SLOTS;
            for (int t = 0; t < n; t += GROUP) {
                long word = firstWord + t / 2;
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
                        FloatVector p = z2.mul(L8).add(f.fma(L7, L6).fma(z, f.fma(L5, L4)))
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
                    radius.mul(cosTheta).intoArray(xi, t + slot);
                    radius.mul(sinTheta).intoArray(xi, t + SLOTS + slot);
                }
            }
            long wBase = (row + i) * Float.BYTES, cBase = i * Float.BYTES;
            FloatVector distance = zero, param = zero, gradient = zero, drifts = zero, noises = zero;
            for (int j = 0; j < n; j += width) {
                long wo = wBase + (long) j * Float.BYTES, co = cBase + (long) j * Float.BYTES;
                FloatVector w = FloatVector.fromMemorySegment(floats, params, wo, ORDER);
                FloatVector g = FloatVector.fromMemorySegment(floats, grads, wo, ORDER);
                FloatVector c = FloatVector.fromMemorySegment(floats, centre, co, ORDER);
                FloatVector drift = g.fma(a, w.sub(c).fma(bb, w.mul(kk)));
                FloatVector noise = FloatVector.fromArray(floats, xi, j).mul(s);
                FloatVector next = w.sub(drift).add(noise);
                if (bounded) {
                    FloatVector high = c.add(bound), low = c.sub(bound);
                    next = next.blend(high, next.compare(GT, high));
                    next = next.blend(low, next.compare(LT, low));
                }
                if (mask != null) {
                    VectorMask<Float> moves = byteMask
                            ? ((FloatVector) ByteVector.fromMemorySegment(bytes, maskSegment, i + j, ORDER)
                                    .convertShape(B2F, floats, 0)).compare(NE, 0)
                            : FloatVector.fromMemorySegment(floats, maskSegment, co, ORDER).compare(NE, 0);
                    next = w.blend(next, moves);
                    g = zero.blend(g, moves);
                    drift = zero.blend(drift, moves);
                    noise = zero.blend(noise, moves);
                }
                next.intoMemorySegment(params, wo, ORDER);
                FloatVector d = next.sub(c);
                distance = d.fma(d, distance);
                param = next.fma(next, param);
                gradient = g.fma(g, gradient);
                drifts = drift.fma(drift, drifts);
                noises = noise.fma(noise, noises);
            }
            addSums(sums, distance.reduceLanes(ADD), param.reduceLanes(ADD), gradient.reduceLanes(ADD),
                    drifts.reduceLanes(ADD), noises.reduceLanes(ADD));
        }
        for (; i < to; i++) ScalarSgldKernel.sgld32(k, b, row + i, i, Normals.normal(base, i), sums);
    }

    private void rmsprop32(Coefficients k, ChainBuffers b, long row, long base, long from, long to, double[] sums) {
        VectorSpecies<Float> floats = lanes.floats();
        VectorSpecies<Long> longs = lanes.longs();
        VectorSpecies<Byte> bytes = lanes.bytes();
        int width = floats.length();
        MemorySegment params = b.params(), grads = b.grads(), centre = b.centre(), squares = b.squareAverage();
        Mask mask = b.mask();
        boolean byteMask = mask != null && mask.kind() == Mask.Kind.BYTE;
        MemorySegment maskSegment = mask == null ? null : mask.segment();
        boolean bounded = k.boundF != Float.POSITIVE_INFINITY;
        FloatVector halfEps = FloatVector.broadcast(floats, k.halfEpsF), nBeta = FloatVector.broadcast(floats, k.nBetaF),
                gamma = FloatVector.broadcast(floats, k.gammaF), decay = FloatVector.broadcast(floats, k.decayF),
                alpha = FloatVector.broadcast(floats, k.alphaF),
                oneMinusAlpha = FloatVector.broadcast(floats, k.oneMinusAlphaF),
                eps = FloatVector.broadcast(floats, k.epsF), one = FloatVector.broadcast(floats, 1f),
                s = FloatVector.broadcast(floats, k.sF), bound = FloatVector.broadcast(floats, k.boundF),
                zero = FloatVector.zero(floats);
        LongVector laneOffsets = LongVector.zero(longs).addIndex(1).mul(GOLDEN);
        float[] xi = new float[CHUNK];
        long i = from;
        long bodyStart = Math.min(to, Math.ceilDiv(from, GROUP) * GROUP);
        for (; i < bodyStart; i++) ScalarSgldKernel.rmsprop32(k, b, row + i, i, Normals.normal(base, i), sums);
        long bodyEnd = groupBound(bodyStart, to, width, mask, byteMask ? bytes.length() : width);
        for (int n; i < bodyEnd; i += n) {
            n = (int) Math.min(CHUNK, bodyEnd - i);
            long firstWord = i / GROUP * SLOTS;
            for (int t = 0; t < n; t += GROUP) {
                long word = firstWord + t / 2;
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
                        FloatVector p = z2.mul(L8).add(f.fma(L7, L6).fma(z, f.fma(L5, L4)))
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
                    radius.mul(cosTheta).intoArray(xi, t + slot);
                    radius.mul(sinTheta).intoArray(xi, t + SLOTS + slot);
                }
            }
            long wBase = (row + i) * Float.BYTES, cBase = i * Float.BYTES;
            FloatVector distance = zero, param = zero, gradient = zero, drifts = zero, noises = zero;
            for (int j = 0; j < n; j += width) {
                long wo = wBase + (long) j * Float.BYTES, co = cBase + (long) j * Float.BYTES;
                FloatVector w = FloatVector.fromMemorySegment(floats, params, wo, ORDER);
                FloatVector g = FloatVector.fromMemorySegment(floats, grads, wo, ORDER);
                FloatVector c = FloatVector.fromMemorySegment(floats, centre, co, ORDER);
                FloatVector v = FloatVector.fromMemorySegment(floats, squares, wo, ORDER);
                FloatVector nextV = v.fma(alpha, g.mul(g).mul(oneMinusAlpha));
                FloatVector precondition = one.div(nextV.sqrt().add(eps));
                FloatVector drift = precondition.mul(halfEps).mul(g.fma(nBeta, w.sub(c).fma(gamma, w.mul(decay))));
                FloatVector noise = precondition.sqrt().mul(s).mul(FloatVector.fromArray(floats, xi, j));
                FloatVector next = w.sub(drift).add(noise);
                if (bounded) {
                    FloatVector high = c.add(bound), low = c.sub(bound);
                    next = next.blend(high, next.compare(GT, high));
                    next = next.blend(low, next.compare(LT, low));
                }
                if (mask != null) {
                    VectorMask<Float> moves = byteMask
                            ? ((FloatVector) ByteVector.fromMemorySegment(bytes, maskSegment, i + j, ORDER)
                                    .convertShape(B2F, floats, 0)).compare(NE, 0)
                            : FloatVector.fromMemorySegment(floats, maskSegment, co, ORDER).compare(NE, 0);
                    next = w.blend(next, moves);
                    nextV = v.blend(nextV, moves);
                    g = zero.blend(g, moves);
                    drift = zero.blend(drift, moves);
                    noise = zero.blend(noise, moves);
                }
                nextV.intoMemorySegment(squares, wo, ORDER);
                next.intoMemorySegment(params, wo, ORDER);
                FloatVector d = next.sub(c);
                distance = d.fma(d, distance);
                param = next.fma(next, param);
                gradient = g.fma(g, gradient);
                drifts = drift.fma(drift, drifts);
                noises = noise.fma(noise, noises);
            }
            addSums(sums, distance.reduceLanes(ADD), param.reduceLanes(ADD), gradient.reduceLanes(ADD),
                    drifts.reduceLanes(ADD), noises.reduceLanes(ADD));
        }
        for (; i < to; i++) ScalarSgldKernel.rmsprop32(k, b, row + i, i, Normals.normal(base, i), sums);
    }

    private void sgld64(Coefficients k, ChainBuffers b, long row, long start, int n, float[] xi, double[] wideXi,
                        double[] sums) {
        VectorSpecies<Double> doubles = lanes.doubles();
        VectorSpecies<Float> floats = lanes.floats();
        VectorSpecies<Byte> bytes = lanes.bytes();
        MemorySegment params = b.params(), grads = b.grads(), centre = b.centre();
        Mask mask = b.mask();
        boolean byteMask = mask != null && mask.kind() == Mask.Kind.BYTE;
        MemorySegment maskSegment = mask == null ? null : mask.segment();
        long wBase = (row + start) * Double.BYTES, cBase = start * Double.BYTES;
        DoubleVector a = DoubleVector.broadcast(doubles, k.a), bb = DoubleVector.broadcast(doubles, k.b),
                kk = DoubleVector.broadcast(doubles, k.k), s = DoubleVector.broadcast(doubles, k.s),
                bound = DoubleVector.broadcast(doubles, k.bound), zero = DoubleVector.zero(doubles);
        DoubleVector distance = zero, param = zero, gradient = zero, drifts = zero, noises = zero;
        int width = doubles.length();
        int upper = vectorBound(n, width, mask, start, byteMask ? bytes.length() : floats.length());
        int j = 0;
        for (; j < upper; j += width) {
            long wo = wBase + (long) j * Double.BYTES, co = cBase + (long) j * Double.BYTES;
            DoubleVector w = DoubleVector.fromMemorySegment(doubles, params, wo, ORDER);
            DoubleVector g = DoubleVector.fromMemorySegment(doubles, grads, wo, ORDER);
            DoubleVector c = DoubleVector.fromMemorySegment(doubles, centre, co, ORDER);
            DoubleVector drift = g.fma(a, w.sub(c).fma(bb, w.mul(kk)));
            DoubleVector noise = DoubleVector.fromArray(doubles, wideXi, j).mul(s);
            DoubleVector next = w.sub(drift).add(noise);
            DoubleVector high = c.add(bound), low = c.sub(bound);
            next = next.blend(high, next.compare(GT, high));
            next = next.blend(low, next.compare(LT, low));
            if (mask != null) {
                VectorMask<Double> moves = (byteMask
                        ? (DoubleVector) ByteVector.fromMemorySegment(bytes, maskSegment, start + j, ORDER)
                                .convertShape(B2D, doubles, 0)
                        : (DoubleVector) FloatVector.fromMemorySegment(floats, maskSegment, (start + j) * Float.BYTES,
                                ORDER).convertShape(F2D, doubles, 0)).compare(NE, 0);
                next = w.blend(next, moves);
                g = zero.blend(g, moves);
                drift = zero.blend(drift, moves);
                noise = zero.blend(noise, moves);
            }
            next.intoMemorySegment(params, wo, ORDER);
            DoubleVector d = next.sub(c);
            distance = d.fma(d, distance);
            param = next.fma(next, param);
            gradient = g.fma(g, gradient);
            drifts = drift.fma(drift, drifts);
            noises = noise.fma(noise, noises);
        }
        addSums(sums, distance.reduceLanes(ADD), param.reduceLanes(ADD), gradient.reduceLanes(ADD),
                drifts.reduceLanes(ADD), noises.reduceLanes(ADD));
        for (; j < n; j++) ScalarSgldKernel.sgld64(k, b, row + start + j, start + j, xi[j], sums);
    }

    private void rmsprop64(Coefficients k, ChainBuffers b, long row, long start, int n, float[] xi, double[] wideXi,
                           double[] sums) {
        VectorSpecies<Double> doubles = lanes.doubles();
        VectorSpecies<Float> floats = lanes.floats();
        VectorSpecies<Byte> bytes = lanes.bytes();
        MemorySegment params = b.params(), grads = b.grads(), centre = b.centre(), squares = b.squareAverage();
        Mask mask = b.mask();
        boolean byteMask = mask != null && mask.kind() == Mask.Kind.BYTE;
        MemorySegment maskSegment = mask == null ? null : mask.segment();
        long wBase = (row + start) * Double.BYTES, cBase = start * Double.BYTES;
        DoubleVector halfEps = DoubleVector.broadcast(doubles, k.halfEps),
                nBeta = DoubleVector.broadcast(doubles, k.nBeta), gamma = DoubleVector.broadcast(doubles, k.gamma),
                decay = DoubleVector.broadcast(doubles, k.decay), alpha = DoubleVector.broadcast(doubles, k.alpha),
                oneMinusAlpha = DoubleVector.broadcast(doubles, k.oneMinusAlpha),
                eps = DoubleVector.broadcast(doubles, k.eps), one = DoubleVector.broadcast(doubles, 1),
                s = DoubleVector.broadcast(doubles, k.s), bound = DoubleVector.broadcast(doubles, k.bound),
                zero = DoubleVector.zero(doubles);
        DoubleVector distance = zero, param = zero, gradient = zero, drifts = zero, noises = zero;
        int width = doubles.length();
        int upper = vectorBound(n, width, mask, start, byteMask ? bytes.length() : floats.length());
        int j = 0;
        for (; j < upper; j += width) {
            long wo = wBase + (long) j * Double.BYTES, co = cBase + (long) j * Double.BYTES;
            DoubleVector w = DoubleVector.fromMemorySegment(doubles, params, wo, ORDER);
            DoubleVector g = DoubleVector.fromMemorySegment(doubles, grads, wo, ORDER);
            DoubleVector c = DoubleVector.fromMemorySegment(doubles, centre, co, ORDER);
            DoubleVector v = DoubleVector.fromMemorySegment(doubles, squares, wo, ORDER);
            DoubleVector nextV = v.fma(alpha, g.mul(g).mul(oneMinusAlpha));
            DoubleVector precondition = one.div(nextV.sqrt().add(eps));
            DoubleVector drift = precondition.mul(halfEps).mul(g.fma(nBeta, w.sub(c).fma(gamma, w.mul(decay))));
            DoubleVector noise = precondition.sqrt().mul(s).mul(DoubleVector.fromArray(doubles, wideXi, j));
            DoubleVector next = w.sub(drift).add(noise);
            DoubleVector high = c.add(bound), low = c.sub(bound);
            next = next.blend(high, next.compare(GT, high));
            next = next.blend(low, next.compare(LT, low));
            if (mask != null) {
                VectorMask<Double> moves = (byteMask
                        ? (DoubleVector) ByteVector.fromMemorySegment(bytes, maskSegment, start + j, ORDER)
                                .convertShape(B2D, doubles, 0)
                        : (DoubleVector) FloatVector.fromMemorySegment(floats, maskSegment, (start + j) * Float.BYTES,
                                ORDER).convertShape(F2D, doubles, 0)).compare(NE, 0);
                next = w.blend(next, moves);
                nextV = v.blend(nextV, moves);
                g = zero.blend(g, moves);
                drift = zero.blend(drift, moves);
                noise = zero.blend(noise, moves);
            }
            nextV.intoMemorySegment(squares, wo, ORDER);
            next.intoMemorySegment(params, wo, ORDER);
            DoubleVector d = next.sub(c);
            distance = d.fma(d, distance);
            param = next.fma(next, param);
            gradient = g.fma(g, gradient);
            drifts = drift.fma(drift, drifts);
            noises = noise.fma(noise, noises);
        }
        addSums(sums, distance.reduceLanes(ADD), param.reduceLanes(ADD), gradient.reduceLanes(ADD),
                drifts.reduceLanes(ADD), noises.reduceLanes(ADD));
        for (; j < n; j++) ScalarSgldKernel.rmsprop64(k, b, row + start + j, start + j, xi[j], sums);
    }

    private static void addSums(double[] sums, double distance, double param, double gradient, double drift,
                                double noise) {
        sums[ScalarSgldKernel.DISTANCE] += distance;
        sums[ScalarSgldKernel.PARAM] += param;
        sums[ScalarSgldKernel.GRADIENT] += gradient;
        sums[ScalarSgldKernel.DRIFT] += drift;
        sums[ScalarSgldKernel.NOISE] += noise;
    }

    @Override
    public double malaReverseSq(SgldParameters h, ChainBuffers b, MemorySegment previous, int chain, long from,
                                long to) {
        b.checkRange(chain, from, to);
        ScalarSgldKernel.checkPrevious(b, previous);
        Coefficients k = new Coefficients(h, null);
        long row = b.rowOffset(chain);
        double sum = 0;
        for (long start = from; start < to; ) {
            long end = Math.min(to, (start / CHUNK + 1) * CHUNK);
            int n = (int) (end - start);
            sum += b.precision() == ChainBuffers.Precision.FLOAT32
                    ? mala32(k, b, previous, row, start, n)
                    : mala64(k, b, previous, row, start, n);
            start = end;
        }
        return sum;
    }

    private double mala32(Coefficients k, ChainBuffers b, MemorySegment previous, long row, long start, int n) {
        VectorSpecies<Float> floats = lanes.floats();
        VectorSpecies<Byte> bytes = lanes.bytes();
        MemorySegment params = b.params(), grads = b.grads(), centre = b.centre();
        Mask mask = b.mask();
        boolean byteMask = mask != null && mask.kind() == Mask.Kind.BYTE;
        MemorySegment maskSegment = mask == null ? null : mask.segment();
        long wBase = (row + start) * Float.BYTES, cBase = start * Float.BYTES;
        FloatVector a = FloatVector.broadcast(floats, k.aF), bb = FloatVector.broadcast(floats, k.bF),
                kk = FloatVector.broadcast(floats, k.kF), zero = FloatVector.zero(floats);
        FloatVector sum = zero;
        int width = floats.length();
        int upper = vectorBound(n, width, mask, start, byteMask ? bytes.length() : width);
        int j = 0;
        for (; j < upper; j += width) {
            long wo = wBase + (long) j * Float.BYTES, co = cBase + (long) j * Float.BYTES;
            FloatVector w = FloatVector.fromMemorySegment(floats, params, wo, ORDER);
            FloatVector g = FloatVector.fromMemorySegment(floats, grads, wo, ORDER);
            FloatVector c = FloatVector.fromMemorySegment(floats, centre, co, ORDER);
            FloatVector t = FloatVector.fromMemorySegment(floats, previous, wo, ORDER).sub(w)
                    .add(g.fma(a, w.sub(c).fma(bb, w.mul(kk))));
            if (mask != null) {
                VectorMask<Float> moves = byteMask
                        ? ((FloatVector) ByteVector.fromMemorySegment(bytes, maskSegment, start + j, ORDER)
                                .convertShape(B2F, floats, 0)).compare(NE, 0)
                        : FloatVector.fromMemorySegment(floats, maskSegment, co, ORDER).compare(NE, 0);
                t = zero.blend(t, moves);
            }
            sum = t.fma(t, sum);
        }
        double total = sum.reduceLanes(ADD);
        for (; j < n; j++) total += ScalarSgldKernel.malaTerm32(k, b, previous, row + start + j, start + j);
        return total;
    }

    private double mala64(Coefficients k, ChainBuffers b, MemorySegment previous, long row, long start, int n) {
        VectorSpecies<Double> doubles = lanes.doubles();
        VectorSpecies<Float> floats = lanes.floats();
        VectorSpecies<Byte> bytes = lanes.bytes();
        MemorySegment params = b.params(), grads = b.grads(), centre = b.centre();
        Mask mask = b.mask();
        boolean byteMask = mask != null && mask.kind() == Mask.Kind.BYTE;
        MemorySegment maskSegment = mask == null ? null : mask.segment();
        long wBase = (row + start) * Double.BYTES, cBase = start * Double.BYTES;
        DoubleVector a = DoubleVector.broadcast(doubles, k.a), bb = DoubleVector.broadcast(doubles, k.b),
                kk = DoubleVector.broadcast(doubles, k.k), zero = DoubleVector.zero(doubles);
        DoubleVector sum = zero;
        int width = doubles.length();
        int upper = vectorBound(n, width, mask, start, byteMask ? bytes.length() : floats.length());
        int j = 0;
        for (; j < upper; j += width) {
            long wo = wBase + (long) j * Double.BYTES, co = cBase + (long) j * Double.BYTES;
            DoubleVector w = DoubleVector.fromMemorySegment(doubles, params, wo, ORDER);
            DoubleVector g = DoubleVector.fromMemorySegment(doubles, grads, wo, ORDER);
            DoubleVector c = DoubleVector.fromMemorySegment(doubles, centre, co, ORDER);
            DoubleVector t = DoubleVector.fromMemorySegment(doubles, previous, wo, ORDER).sub(w)
                    .add(g.fma(a, w.sub(c).fma(bb, w.mul(kk))));
            if (mask != null) {
                VectorMask<Double> moves = (byteMask
                        ? (DoubleVector) ByteVector.fromMemorySegment(bytes, maskSegment, start + j, ORDER)
                                .convertShape(B2D, doubles, 0)
                        : (DoubleVector) FloatVector.fromMemorySegment(floats, maskSegment, (start + j) * Float.BYTES,
                                ORDER).convertShape(F2D, doubles, 0)).compare(NE, 0);
                t = zero.blend(t, moves);
            }
            sum = t.fma(t, sum);
        }
        double total = sum.reduceLanes(ADD);
        for (; j < n; j++) total += ScalarSgldKernel.malaTerm64(k, b, previous, row + start + j, start + j);
        return total;
    }
}
