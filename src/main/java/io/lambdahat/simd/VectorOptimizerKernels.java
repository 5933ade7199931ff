package io.lambdahat.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * {@link OptimizerKernels} with the Vector API: whole vectors, then {@link ScalarOptimizerKernels} for the tail. The
 * species is read through {@link Lanes}, so that C2 sees it as a constant.
 */
final class VectorOptimizerKernels implements OptimizerKernels {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final Lanes lanes;

    VectorOptimizerKernels(VectorSpecies<Float> species) {
        this.lanes = Lanes.of(species);
    }

    @Override
    public void adamW(MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v, long n,
                      AdamWCoefficients c) {
        VectorSpecies<Float> s = lanes.floats();
        FloatVector decay = FloatVector.broadcast(s, c.decay());
        FloatVector l2 = FloatVector.broadcast(s, c.l2());
        boolean coupled = c.l2() != 0;
        FloatVector b1 = FloatVector.broadcast(s, c.beta1()), ob1 = FloatVector.broadcast(s, c.oneMinusBeta1());
        FloatVector b2 = FloatVector.broadcast(s, c.beta2()), ob2 = FloatVector.broadcast(s, c.oneMinusBeta2());
        FloatVector minusStep = FloatVector.broadcast(s, -c.stepSize());
        FloatVector bc2Sqrt = FloatVector.broadcast(s, c.bc2Sqrt()), eps = FloatVector.broadcast(s, c.eps());
        long bound = s.loopBound(n);
        long stride = (long) s.length() * Float.BYTES;
        for (long at = 0, end = bound * Float.BYTES; at < end; at += stride) {
            FloatVector w0 = FloatVector.fromMemorySegment(s, w, at, ORDER);
            FloatVector gv = FloatVector.fromMemorySegment(s, g, at, ORDER);
            if (coupled) gv = gv.add(w0.mul(l2));
            FloatVector mv = b1.fma(FloatVector.fromMemorySegment(s, m, at, ORDER), ob1.mul(gv));
            FloatVector vv = b2.fma(FloatVector.fromMemorySegment(s, v, at, ORDER), ob2.mul(gv).mul(gv));
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
            FloatVector wv = w0.mul(decay);
            minusStep.fma(mv.div(denom), wv).intoMemorySegment(w, at, ORDER);
            mv.intoMemorySegment(m, at, ORDER);
            vv.intoMemorySegment(v, at, ORDER);
        }
        ScalarOptimizerKernels.adamW(w, g, m, v, bound, n, c);
    }

    @Override
    public void sgd(MemorySegment w, MemorySegment g, MemorySegment buf, long n, SgdCoefficients c) {
        VectorSpecies<Float> s = lanes.floats();
        FloatVector minusLr = FloatVector.broadcast(s, c.minusLr()), wd = FloatVector.broadcast(s, c.weightDecay());
        FloatVector mu = FloatVector.broadcast(s, c.momentum()), keep = FloatVector.broadcast(s, c.oneMinusDampening());
        long bound = s.loopBound(n);
        long stride = (long) s.length() * Float.BYTES;
        for (long at = 0, end = bound * Float.BYTES; at < end; at += stride) {
            FloatVector wv = FloatVector.fromMemorySegment(s, w, at, ORDER);
            FloatVector d = wd.fma(wv, FloatVector.fromMemorySegment(s, g, at, ORDER));
            if (c.useMomentum()) {
                FloatVector b = c.first() ? d : mu.fma(FloatVector.fromMemorySegment(s, buf, at, ORDER), keep.mul(d));
                b.intoMemorySegment(buf, at, ORDER);
                d = c.nesterov() ? mu.fma(b, d) : b;
            }
            minusLr.fma(d, wv).intoMemorySegment(w, at, ORDER);
        }
        ScalarOptimizerKernels.sgd(w, g, buf, bound, n, c);
    }

    @Override
    public double sumOfSquares(MemorySegment x, long n) {
        VectorSpecies<Float> s = lanes.floats();
        // Each float vector widens into two double vectors of half its length: lanes 0..L/2−1 and L/2..L−1.
        VectorSpecies<Double> d = lanes.doubles();
        if (d.length() * 2 != s.length()) return ScalarOptimizerKernels.sumOfSquares(x, 0, n);
        DoubleVector low = DoubleVector.zero(d), high = DoubleVector.zero(d);
        long bound = s.loopBound(n);
        long stride = (long) s.length() * Float.BYTES;
        for (long at = 0, end = bound * Float.BYTES; at < end; at += stride) {
            FloatVector v = FloatVector.fromMemorySegment(s, x, at, ORDER);
            DoubleVector a = (DoubleVector) v.convertShape(VectorOperators.F2D, d, 0);
            DoubleVector b = (DoubleVector) v.convertShape(VectorOperators.F2D, d, 1);
            low = a.fma(a, low);
            high = b.fma(b, high);
        }
        return low.add(high).reduceLanes(VectorOperators.ADD) + ScalarOptimizerKernels.sumOfSquares(x, bound, n);
    }

    @Override
    public void scale(MemorySegment x, long n, float factor) {
        VectorSpecies<Float> s = lanes.floats();
        long bound = s.loopBound(n);
        long stride = (long) s.length() * Float.BYTES;
        for (long at = 0, end = bound * Float.BYTES; at < end; at += stride) {
            FloatVector.fromMemorySegment(s, x, at, ORDER).mul(factor).intoMemorySegment(x, at, ORDER);
        }
        ScalarOptimizerKernels.scale(x, bound, n, factor);
    }
}
