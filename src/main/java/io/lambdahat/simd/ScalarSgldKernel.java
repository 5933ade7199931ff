package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link SgldKernel} one coordinate at a time, in the order the formulas are written: the definition the vector
 * kernel is tested against. Its per-coordinate steps also finish the vector kernel's ranges, so the two cannot
 * drift apart. Norms are summed in double, coordinate by coordinate.
 */
public final class ScalarSgldKernel implements SgldKernel {
    static final ScalarSgldKernel INSTANCE = new ScalarSgldKernel();

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;

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
                if (rmsprop) rmsprop32(k, b, row + i, i, xi, sums);
                else sgld32(k, b, row + i, i, xi, sums);
            } else {
                if (rmsprop) rmsprop64(k, b, row + i, i, xi, sums);
                else sgld64(k, b, row + i, i, xi, sums);
            }
        }
        return StepNorms.of(sums);
    }

    /** Coordinate i (element e = row + i of params and grads) of a float32 SGLD step with noise ξ. */
    static void sgld32(Coefficients k, ChainBuffers b, long e, long i, float xi, double[] sums) {
        MemorySegment params = b.params();
        float w = params.getAtIndex(F32, e);
        float c = b.centre().getAtIndex(F32, i);
        if (b.mask() == null || b.mask().moves(i)) {
            float g = b.grads().getAtIndex(F32, e);
            float drift = Math.fma(k.aF, g, Math.fma(k.bF, w - c, k.kF * w));
            float noise = k.sF * xi;
            w = clamp(w - drift + noise, c - k.boundF, c + k.boundF);
            params.setAtIndex(F32, e, w);
            sums[GRADIENT] += (double) g * g;
            sums[DRIFT] += (double) drift * drift;
            sums[NOISE] += (double) noise * noise;
        }
        float d = w - c;
        sums[DISTANCE] += (double) d * d;
        sums[PARAM] += (double) w * w;
    }

    static void sgld64(Coefficients k, ChainBuffers b, long e, long i, float xi, double[] sums) {
        MemorySegment params = b.params();
        double w = params.getAtIndex(F64, e);
        double c = b.centre().getAtIndex(F64, i);
        if (b.mask() == null || b.mask().moves(i)) {
            double g = b.grads().getAtIndex(F64, e);
            double drift = Math.fma(k.a, g, Math.fma(k.b, w - c, k.k * w));
            double noise = k.s * xi;
            w = clamp(w - drift + noise, c - k.bound, c + k.bound);
            params.setAtIndex(F64, e, w);
            sums[GRADIENT] += g * g;
            sums[DRIFT] += drift * drift;
            sums[NOISE] += noise * noise;
        }
        double d = w - c;
        sums[DISTANCE] += d * d;
        sums[PARAM] += w * w;
    }

    static void rmsprop32(Coefficients k, ChainBuffers b, long e, long i, float xi, double[] sums) {
        MemorySegment params = b.params();
        float w = params.getAtIndex(F32, e);
        float c = b.centre().getAtIndex(F32, i);
        if (b.mask() == null || b.mask().moves(i)) {
            float g = b.grads().getAtIndex(F32, e);
            MemorySegment squares = b.squareAverage();
            float v = Math.fma(k.alphaF, squares.getAtIndex(F32, e), k.oneMinusAlphaF * (g * g));
            squares.setAtIndex(F32, e, v);
            float precondition = 1f / ((float) Math.sqrt(v) + k.epsF);
            float drift = (k.halfEpsF * precondition) * Math.fma(k.nBetaF, g, Math.fma(k.gammaF, w - c, k.decayF * w));
            float noise = (k.sF * (float) Math.sqrt(precondition)) * xi;
            w = clamp(w - drift + noise, c - k.boundF, c + k.boundF);
            params.setAtIndex(F32, e, w);
            sums[GRADIENT] += (double) g * g;
            sums[DRIFT] += (double) drift * drift;
            sums[NOISE] += (double) noise * noise;
        }
        float d = w - c;
        sums[DISTANCE] += (double) d * d;
        sums[PARAM] += (double) w * w;
    }

    static void rmsprop64(Coefficients k, ChainBuffers b, long e, long i, float xi, double[] sums) {
        MemorySegment params = b.params();
        double w = params.getAtIndex(F64, e);
        double c = b.centre().getAtIndex(F64, i);
        if (b.mask() == null || b.mask().moves(i)) {
            double g = b.grads().getAtIndex(F64, e);
            MemorySegment squares = b.squareAverage();
            double v = Math.fma(k.alpha, squares.getAtIndex(F64, e), k.oneMinusAlpha * (g * g));
            squares.setAtIndex(F64, e, v);
            double precondition = 1 / (Math.sqrt(v) + k.eps);
            double drift = (k.halfEps * precondition) * Math.fma(k.nBeta, g, Math.fma(k.gamma, w - c, k.decay * w));
            double noise = (k.s * Math.sqrt(precondition)) * xi;
            w = clamp(w - drift + noise, c - k.bound, c + k.bound);
            params.setAtIndex(F64, e, w);
            sums[GRADIENT] += g * g;
            sums[DRIFT] += drift * drift;
            sums[NOISE] += noise * noise;
        }
        double d = w - c;
        sums[DISTANCE] += d * d;
        sums[PARAM] += w * w;
    }

    /** Clips x to [low, high] by comparisons, so that NaN passes through as the vector kernel's blends do. */
    static float clamp(float x, float low, float high) {
        x = x > high ? high : x;
        return x < low ? low : x;
    }

    static double clamp(double x, double low, double high) {
        x = x > high ? high : x;
        return x < low ? low : x;
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
                    ? malaTerm32(k, b, previous, row + i, i)
                    : malaTerm64(k, b, previous, row + i, i);
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

    /** (w_prev − w + (ε/2)∇U(w))² at one coordinate, 0 where the mask holds it still. */
    static double malaTerm32(Coefficients k, ChainBuffers b, MemorySegment previous, long e, long i) {
        if (b.mask() != null && !b.mask().moves(i)) return 0;
        float w = b.params().getAtIndex(F32, e);
        float g = b.grads().getAtIndex(F32, e);
        float c = b.centre().getAtIndex(F32, i);
        float t = previous.getAtIndex(F32, e) - w + Math.fma(k.aF, g, Math.fma(k.bF, w - c, k.kF * w));
        return (double) t * t;
    }

    static double malaTerm64(Coefficients k, ChainBuffers b, MemorySegment previous, long e, long i) {
        if (b.mask() != null && !b.mask().moves(i)) return 0;
        double w = b.params().getAtIndex(F64, e);
        double g = b.grads().getAtIndex(F64, e);
        double c = b.centre().getAtIndex(F64, i);
        double t = previous.getAtIndex(F64, e) - w + Math.fma(k.a, g, Math.fma(k.b, w - c, k.k * w));
        return t * t;
    }
}
