package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link OptimizerKernels} one element at a time, the same float operations in the same order as the vector passes,
 * whose tails it finishes.
 */
final class ScalarOptimizerKernels implements OptimizerKernels {
    static final ScalarOptimizerKernels INSTANCE = new ScalarOptimizerKernels();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ScalarOptimizerKernels() {}

    @Override
    public void adamW(MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v, long n,
                      AdamWCoefficients c) {
        adamW(w, g, m, v, 0, n, c);
    }

    /** AdamW over elements [from, to). */
    static void adamW(MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v, long from, long to,
                      AdamWCoefficients c) {
        float minusStep = -c.stepSize();
        for (long i = from; i < to; i++) {
            long at = i * Float.BYTES;
            float w0 = w.get(FLOAT, at);
            float gi = g.get(FLOAT, at);
            if (c.l2() != 0) gi = gi + w0 * c.l2();
            float mi = Math.fma(c.beta1(), m.get(FLOAT, at), c.oneMinusBeta1() * gi);
            float vi = Math.fma(c.beta2(), v.get(FLOAT, at), c.oneMinusBeta2() * gi * gi);
            float denom = (float) Math.sqrt(vi) / c.bc2Sqrt() + c.eps();
            float wi = w0 * c.decay();
            w.set(FLOAT, at, Math.fma(minusStep, mi / denom, wi));
            m.set(FLOAT, at, mi);
            v.set(FLOAT, at, vi);
        }
    }

    @Override
    public void sgd(MemorySegment w, MemorySegment g, MemorySegment buf, long n, SgdCoefficients c) {
        sgd(w, g, buf, 0, n, c);
    }

    /** SGD over elements [from, to). */
    static void sgd(MemorySegment w, MemorySegment g, MemorySegment buf, long from, long to, SgdCoefficients c) {
        for (long i = from; i < to; i++) {
            long at = i * Float.BYTES;
            float wi = w.get(FLOAT, at);
            float d = Math.fma(c.weightDecay(), wi, g.get(FLOAT, at));
            if (c.useMomentum()) {
                float b = c.first() ? d : Math.fma(c.momentum(), buf.get(FLOAT, at), c.oneMinusDampening() * d);
                buf.set(FLOAT, at, b);
                d = c.nesterov() ? Math.fma(c.momentum(), b, d) : b;
            }
            w.set(FLOAT, at, Math.fma(c.minusLr(), d, wi));
        }
    }

    @Override
    public double sumOfSquares(MemorySegment x, long n) {
        return sumOfSquares(x, 0, n);
    }

    /** Σ x² over [from, to), in double. */
    static double sumOfSquares(MemorySegment x, long from, long to) {
        double sum = 0;
        for (long i = from; i < to; i++) {
            double v = x.get(FLOAT, i * Float.BYTES);
            sum = Math.fma(v, v, sum);
        }
        return sum;
    }

    @Override
    public void scale(MemorySegment x, long n, float factor) {
        scale(x, 0, n, factor);
    }

    static void scale(MemorySegment x, long from, long to, float factor) {
        for (long i = from; i < to; i++) x.set(FLOAT, i * Float.BYTES, x.get(FLOAT, i * Float.BYTES) * factor);
    }
}
