package io.lambdahat.simd;

import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static io.lambdahat.simd.Normals.*;

/**
 * {@link SgldKernel} with the Vector API. A float32 row is processed in chunks of {@link #CHUNK} coordinates made
 * of whole noise groups (see {@code Normals}): {@link VectorGaussianNoise#groups} writes the chunk's noise into a
 * 4 KiB buffer that stays in L1 cache, then a second loop reads w, g, w* (and V), writes w (and V) and accumulates
 * the norms in float lanes, which are added to double sums at the end of the chunk. The coordinates before the
 * first and after the last whole group go through the scalar twin's per-coordinate steps. Float64 rows
 * take the same noise chunk by chunk and run the same update in double lanes. The update loops of both precisions
 * ({@link VectorSteps32}, {@link VectorSteps64}) are generated from one template.
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
final class VectorSgldKernel implements SgldKernel {
    /** Coordinates per chunk (a multiple of the noise group): float partial sums add at most CHUNK/lanes terms. */
    static final int CHUNK = VectorGaussianNoise.CHUNK;

    private final Lanes lanes;
    private final VectorGaussianNoise noise;
    /**
     * The sum of the bytes the noise loop read ahead of the update (see {@link VectorGaussianNoise}), kept so that the
     * reads stay; shared between threads without care, since its value means nothing.
     */
    private long touchedBytes;

    /** A kernel at the given float shape; {@link SimdProvider#get()} gives the production one. */
    VectorSgldKernel(VectorSpecies<Float> species) {
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
                    if (rmsprop) VectorSteps64.rmsprop(lanes, k, b, row, i, n, xi, wideXi, sums);
                    else VectorSteps64.sgld(lanes, k, b, row, i, n, xi, wideXi, sums);
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
    static int vectorBound(int n, int width, Mask mask, long start, int maskLanes) {
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
            if (rmsprop) VectorSteps32.rmsprop(lanes, k, b, row, i, n, xi, sums);
            else VectorSteps32.sgld(lanes, k, b, row, i, n, xi, sums);
        }
        for (; i < to; i++) step32(k, rmsprop, b, row, i, Normals.normal(a, m, (int) i), sums);
        return touched;
    }

    private static void step32(Coefficients k, boolean rmsprop, ChainBuffers b, long row, long i, float xi,
                               double[] sums) {
        if (rmsprop) ScalarSteps32.rmsprop(k, b, row + i, i, xi, sums);
        else ScalarSteps32.sgld(k, b, row + i, i, xi, sums);
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
                    ? VectorSteps32.mala(lanes, k, b, previous, row, start, n)
                    : VectorSteps64.mala(lanes, k, b, previous, row, start, n);
            start = end;
        }
        return sum;
    }
}
