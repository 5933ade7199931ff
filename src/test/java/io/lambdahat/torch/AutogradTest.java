package io.lambdahat.torch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Gradients from libtorch's autograd against central finite differences, in float64. */
class AutogradTest {
    /** f(W) = mean(log_softmax(tanh(X W), dim 1)[i, target_i]) for fixed X and targets. */
    private static double f(double[] w) {
        try (Scope s = Scope.open()) {
            return composite(Tensor.of(w, 3, 4)).item();
        }
    }

    private static Tensor composite(Tensor w) {
        Tensor x = Tensor.of(new double[] {0.3, -1.2, 0.7, 2.0, 0.1, -0.4, -0.9, 0.5, 1.1, 0.2, 0.0, -0.3, 1.5, -0.8, 0.6}, 5, 3);
        Tensor logp = x.matmul(w).tanh().logSoftmax(1);
        Tensor target = Tensor.of(new long[] {0, 3, 1, 2, 3}, 5, 1);
        return logp.gather(1, target).mean();
    }

    @Test
    void compositeGradientMatchesFiniteDifferences() {
        double[] w0 = new double[12];
        for (int i = 0; i < w0.length; i++) w0[i] = Math.sin(1.7 * i + 0.3);
        double[] grad;
        try (Scope s = Scope.open()) {
            Tensor w = Tensor.of(w0, 3, 4).requiresGrad(true);
            composite(w).backward();
            grad = w.grad().toDoubleArray();
        }
        double h = 1e-6;
        for (int i = 0; i < w0.length; i++) {
            double[] plus = w0.clone(), minus = w0.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (f(plus) - f(minus)) / (2 * h);
            assertEquals(fd, grad[i], 1e-8, "d f / d w[" + i + "]");
        }
    }

    @Test
    void gradientsAccumulateAndZero() {
        try (Scope s = Scope.open()) {
            Tensor w = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
            assertNull(w.grad());
            w.square().sum().backward();
            w.square().sum().backward();
            assertArrayEquals(new double[] {4, 8}, w.grad().toDoubleArray(), 1e-12); // 2 * 2w
            w.zeroGrad();
            assertArrayEquals(new double[] {0, 0}, w.grad().toDoubleArray(), 0);
        }
    }

    @Test
    void noGradScopeRecordsNoGraph() {
        try (Scope s = Scope.open()) {
            Tensor w = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
            try (var ng = Torch.noGrad()) {
                assertFalse(Torch.gradEnabled());
                assertFalse(w.mul(3).requiresGrad());
            }
            assertTrue(Torch.gradEnabled());
            assertTrue(w.mul(3).requiresGrad());
        }
    }
}
