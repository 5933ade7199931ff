package io.lambdahat.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.lambdahat.simd.Normals.*;
import static jdk.incubator.vector.VectorOperators.*;

/**
 * {@link SgldKernel} with the Vector API. A float32 row is processed in chunks of {@link #CHUNK} coordinates made
 * of whole noise groups (see {@code Normals}): {@link VectorGaussianNoise#groups} writes the chunk's noise into a
 * 4 KiB buffer that stays in L1 cache, then a second loop reads w, g, w* (and V), writes w (and V) and accumulates
 * the norms in float lanes, which are added to double sums at the end of the chunk. The coordinates before the
 * first and after the last whole group go through {@link ScalarSgldKernel}'s per-coordinate steps. Float64 rows
 * take the same noise chunk by chunk and run the same update in double lanes.
 *
 * <p>The noise loop also reads ahead the cache lines of the chunk's w, g and w*, so that they arrive from memory while
 * it computes rather than after it (see {@link VectorGaussianNoise}); at large P that is what lets the update run at
 * cache speed.
 *
 * <p>The noise loop and the update loop are separate methods on purpose: each keeps its constants in registers
 * and C2 hoists the segment checks of the update loop, which a single method mixing both loops lost to register
 * pressure. No vector crosses a method boundary (a vector handed to a compiled method that C2 declined to inline
 * becomes a heap object, which costs more than the arithmetic).
 */
public final class VectorSgldKernel implements SgldKernel {
    /** Coordinates per chunk (a multiple of the noise group): float partial sums add at most CHUNK/lanes terms. */
    public static final int CHUNK = VectorGaussianNoise.CHUNK;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final Lanes lanes;
    private final VectorGaussianNoise noise;
    /**
     * The sum of the bytes the noise loop read ahead of the update (see {@link VectorGaussianNoise}), kept so that the
     * reads stay; shared between threads without care, since its value means nothing.
     */
    private long touchedBytes;

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
        boolean single = b.precision() == ChainBuffers.Precision.FLOAT32;
        // The fused loops take a noise group's 16 pairs a vector at a time.
        if (single && !noise.vectorised()) return ScalarSgldKernel.run(k, rmsprop, b, chain, step, seed, from, to);
        long streamKey = Normals.streamKey(seed, chain);
        long row = b.rowOffset(chain);
        double[] sums = new double[5];
        float[] xi = new float[(int) Math.min(CHUNK, to - from)];
        double[] wideXi = single ? null : new double[xi.length];
        long touched = 0;
        // Pages of 2³² coordinates have keys of their own (see Normals); both boundaries are multiples of CHUNK.
        for (long start = from; start < to; ) {
            long pageEnd = Math.min(to, ((start >>> 32) + 1) << 32);
            long key = Normals.pageKey(streamKey, step, start >>> 32);
            int a = Normals.offset(key), m = Normals.multiplier(key);
            if (single) {
                touched += run32(k, rmsprop, b, row, a, m, start, pageEnd, xi, sums);
            } else {
                for (long i = start; i < pageEnd; ) {
                    long end = Math.min(pageEnd, (i / CHUNK + 1) * CHUNK);
                    int n = (int) (end - i);
                    // The warmed lines cover the first half of each float64 chunk (the noise group spans 4n bytes).
                    touched += noise.fillPage(xi, 0, n, a, m, (int) i, b.params(), b.grads(),
                            (row + i) * Double.BYTES, b.centre(), i * Double.BYTES);
                    for (int t = 0; t < n; t++) wideXi[t] = xi[t];
                    if (rmsprop) rmsprop64(k, b, row, i, n, xi, wideXi, sums);
                    else sgld64(k, b, row, i, n, xi, wideXi, sums);
                    i = end;
                }
            }
            start = pageEnd;
        }
        touchedBytes += touched;
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

    /**
     * A float32 step over [from, to) of one noise page (Weyl offset a, multiplier m); returns the sum of the bytes
     * the noise loop read to warm the cache (see {@link VectorGaussianNoise}).
     */
    private long run32(Coefficients k, boolean rmsprop, ChainBuffers b, long row, int a, int m, long from, long to,
                       float[] xi, double[] sums) {
        Mask mask = b.mask();
        boolean byteMask = mask != null && mask.kind() == Mask.Kind.BYTE;
        int width = lanes.floats().length();
        long i = from;
        long bodyStart = Math.min(to, Math.ceilDiv(from, GROUP) * GROUP);
        for (; i < bodyStart; i++) step32(k, rmsprop, b, row, i, Normals.normal(a, m, (int) i), sums);
        long touched = 0;
        long bodyEnd = groupBound(bodyStart, to, width, mask, byteMask ? lanes.bytes().length() : width);
        for (int n; i < bodyEnd; i += n) {
            n = (int) Math.min(CHUNK, bodyEnd - i);
            touched += noise.groups(xi, 0, n, a, m, (int) i, b.params(), b.grads(), (row + i) * Float.BYTES,
                    b.centre(), i * Float.BYTES);
            if (rmsprop) rmsprop32(k, b, row, i, n, xi, sums);
            else sgld32(k, b, row, i, n, xi, sums);
        }
        for (; i < to; i++) step32(k, rmsprop, b, row, i, Normals.normal(a, m, (int) i), sums);
        return touched;
    }

    private static void step32(Coefficients k, boolean rmsprop, ChainBuffers b, long row, long i, float xi,
                               double[] sums) {
        if (rmsprop) ScalarSgldKernel.rmsprop32(k, b, row + i, i, xi, sums);
        else ScalarSgldKernel.sgld32(k, b, row + i, i, xi, sums);
    }

    /** The SGLD update of coordinates [i, i + n) (whole vectors) with the noise in xi[0 .. n). */
    private void sgld32(Coefficients k, ChainBuffers b, long row, long i, int n, float[] xi, double[] sums) {
        VectorSpecies<Float> floats = lanes.floats();
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

    /** The RMSProp-SGLD update of coordinates [i, i + n) (whole vectors) with the noise in xi[0 .. n). */
    private void rmsprop32(Coefficients k, ChainBuffers b, long row, long i, int n, float[] xi, double[] sums) {
        VectorSpecies<Float> floats = lanes.floats();
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
