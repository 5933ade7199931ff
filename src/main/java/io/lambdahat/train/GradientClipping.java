package io.lambdahat.train;

import io.lambdahat.simd.Species;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Clipping by global norm as torch.nn.utils.clip_grad_norm_: with ‖g‖ the 2-norm of the whole flat gradient,
 * g ← g·min(1, max_norm / (‖g‖ + 10⁻⁶)). The squares are summed in double so the norm of millions of float32
 * values keeps its digits.
 */
public final class GradientClipping {
    /** torch's guard against dividing by a zero norm. */
    public static final double TINY = 1e-6;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private GradientClipping() {}

    /**
     * Scales a gradient in place so that its norm is at most {@code maxNorm}.
     *
     * @param grad    P float32 values
     * @param maxNorm the largest norm allowed, positive and finite
     * @return the norm before clipping (torch's total_norm)
     * @throws IllegalArgumentException if {@code maxNorm} is not positive and finite
     */
    public static double clip(MemorySegment grad, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) throw new io.lambdahat.InvalidInputException("the clipping norm must be positive and finite, got " + maxNorm);
        long n = grad.byteSize() / Float.BYTES;
        double norm = Math.sqrt(sumOfSquaresVector(grad, n));
        double coefficient = Math.min(1.0, maxNorm / (norm + TINY));
        if (coefficient < 1.0) scaleVector(grad, n, (float) coefficient);
        return norm;
    }

    /**
     * {@link #clip(MemorySegment, double)} for a gradient tensor on any device, without reading the norm back to the
     * host (so a CUDA step does not wait for the device): the norm is summed in float64 there and the gradient
     * multiplied by min(1, max_norm / (‖g‖ + 10⁻⁶)), which is 1 when no clipping is needed.
     *
     * @param grad    the gradient, scaled in place
     * @param maxNorm the largest norm allowed, positive and finite
     * @throws IllegalArgumentException if {@code maxNorm} is not positive and finite
     */
    public static void clip(Tensor grad, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) throw new io.lambdahat.InvalidInputException("the clipping norm must be positive and finite, got " + maxNorm);
        try (Scope s = Scope.open()) {
            Tensor norm = grad.to(DType.FLOAT64).square().sum().sqrt();
            grad.mulInPlace(norm.add(TINY).pow(-1.0).mul(maxNorm).clamp(null, 1.0).to(grad.dtype()));
        }
    }

    /**
     * The global norm, summed in double.
     *
     * @param grad P float32 values
     * @return ‖grad‖₂
     */
    public static double norm(MemorySegment grad) {
        return Math.sqrt(sumOfSquaresVector(grad, grad.byteSize() / Float.BYTES));
    }

    static double sumOfSquaresVector(MemorySegment x, long n) {
        VectorSpecies<Float> s = Species.FLOAT;
        ByteOrder order = ByteOrder.nativeOrder();
        // Each float vector widens into two double vectors of half its length: lanes 0..L/2−1 and L/2..L−1.
        VectorSpecies<Double> d = VectorSpecies.of(double.class, s.vectorShape());
        if (d.length() * 2 != s.length()) return sumOfSquaresScalar(x, 0, n);
        DoubleVector low = DoubleVector.zero(d), high = DoubleVector.zero(d);
        long bound = s.loopBound(n);
        long stride = (long) s.length() * Float.BYTES;
        for (long at = 0, end = bound * Float.BYTES; at < end; at += stride) {
            FloatVector v = FloatVector.fromMemorySegment(s, x, at, order);
            DoubleVector a = (DoubleVector) v.convertShape(VectorOperators.F2D, d, 0);
            DoubleVector b = (DoubleVector) v.convertShape(VectorOperators.F2D, d, 1);
            low = a.fma(a, low);
            high = b.fma(b, high);
        }
        return low.add(high).reduceLanes(VectorOperators.ADD) + sumOfSquaresScalar(x, bound, n);
    }

    /** The scalar twin of {@link #sumOfSquaresVector} over [from, to), in double. */
    static double sumOfSquaresScalar(MemorySegment x, long from, long to) {
        double sum = 0;
        for (long i = from; i < to; i++) {
            double v = x.get(FLOAT, i * Float.BYTES);
            sum = Math.fma(v, v, sum);
        }
        return sum;
    }

    static void scaleVector(MemorySegment x, long n, float factor) {
        VectorSpecies<Float> s = Species.FLOAT;
        ByteOrder order = ByteOrder.nativeOrder();
        long bound = s.loopBound(n);
        long stride = (long) s.length() * Float.BYTES;
        for (long at = 0, end = bound * Float.BYTES; at < end; at += stride) {
            FloatVector.fromMemorySegment(s, x, at, order).mul(factor).intoMemorySegment(x, at, order);
        }
        scaleScalar(x, bound, n, factor);
    }

    static void scaleScalar(MemorySegment x, long from, long to, float factor) {
        for (long i = from; i < to; i++) x.set(FLOAT, i * Float.BYTES, x.get(FLOAT, i * Float.BYTES) * factor);
    }
}
