package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;

/**
 * {@link SgldKernel} one coordinate at a time, in the order the formulas are written: the definition the vector
 * kernel is tested against. Its per-coordinate steps ({@link ScalarSteps32}, {@link ScalarSteps64}, generated from
 * one template) also finish the vector kernel's ranges, so the two cannot drift apart. Norms are summed in double,
 * coordinate by coordinate.
 */
final class ScalarSgldKernel implements SgldKernel {
    static final ScalarSgldKernel INSTANCE = new ScalarSgldKernel();

    static final int DISTANCE = 0, PARAM = 1, GRADIENT = 2, DRIFT = 3, NOISE = 4;

    private ScalarSgldKernel() {}

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

    static StepNorms run(Coefficients k, boolean rmsprop, ChainBuffers b, int chain, long step, long seed,
                                 long from, long to) {
        b.checkRange(chain, from, to);
        Normals.checkBlock(step, from, to - from);
        long streamKey = Normals.streamKey(seed, chain);
        long row = b.rowOffset(chain);
        double[] sums = new double[5];
        boolean single = b.precision() == ChainBuffers.Precision.FLOAT32;
        long page = -1;
        int a = 0, m = 0;
        for (long i = from; i < to; i++) {
            if (i >>> 32 != page) {
                page = i >>> 32;
                long key = Normals.pageKey(streamKey, step, page);
                a = Normals.offset(key);
                m = Normals.multiplier(key);
            }
            float xi = Normals.normal(a, m, (int) i);
            if (single) {
                if (rmsprop) ScalarSteps32.rmsprop(k, b, row + i, i, xi, sums);
                else ScalarSteps32.sgld(k, b, row + i, i, xi, sums);
            } else {
                if (rmsprop) ScalarSteps64.rmsprop(k, b, row + i, i, xi, sums);
                else ScalarSteps64.sgld(k, b, row + i, i, xi, sums);
            }
        }
        return StepNorms.of(sums);
    }

    @Override
    public double malaReverseSq(SgldParameters h, ChainBuffers b, MemorySegment previous, int chain, long from,
                                long to) {
        b.checkRange(chain, from, to);
        checkPrevious(b, previous);
        Coefficients k = new Coefficients(h, null);
        long row = b.rowOffset(chain);
        double sum = 0;
        for (long i = from; i < to; i++) {
            sum += b.precision() == ChainBuffers.Precision.FLOAT32
                    ? ScalarSteps32.malaTerm(k, b, previous, row + i, i)
                    : ScalarSteps64.malaTerm(k, b, previous, row + i, i);
        }
        return sum;
    }

    static void checkPrevious(ChainBuffers b, MemorySegment previous) {
        long bytes = b.chains() * b.size() * b.precision().bytes;
        if (previous.byteSize() < bytes) {
            throw new IllegalArgumentException("previous parameters hold " + previous.byteSize() + " bytes, fewer than "
                    + "the " + bytes + " of [" + b.chains() + ", " + b.size() + "] " + b.precision());
        }
    }
}
