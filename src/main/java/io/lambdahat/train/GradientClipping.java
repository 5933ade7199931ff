package io.lambdahat.train;

import io.lambdahat.simd.OptimizerKernels;
import io.lambdahat.simd.SimdProvider;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * Clipping by global norm as torch.nn.utils.clip_grad_norm_: with ‖g‖ the 2-norm of the whole flat gradient,
 * g ← g·min(1, max_norm / (‖g‖ + 10⁻⁶)). The squares are summed in double so the norm of millions of float32
 * values keeps its digits ({@link OptimizerKernels#sumOfSquares}, {@link OptimizerKernels#scale}).
 */
public final class GradientClipping {
    /** torch's guard against dividing by a zero norm. */
    public static final double TINY = 1e-6;
    private static final OptimizerKernels KERNELS = SimdProvider.get().optimizerKernels();

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
        double norm = Math.sqrt(KERNELS.sumOfSquares(grad, n));
        double coefficient = Math.min(1.0, maxNorm / (norm + TINY));
        if (coefficient < 1.0) KERNELS.scale(grad, n, (float) coefficient);
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
        return Math.sqrt(KERNELS.sumOfSquares(grad, grad.byteSize() / Float.BYTES));
    }
}
