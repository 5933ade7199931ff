package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The toy model of superposition against a scalar twin and finite differences, chain by chain. */
class ToyModelOfSuperpositionTest {
    private static final int N = 5, M = 2, C = 2, B = 6;
    private static final double[] IMPORTANCE = {1.0, 0.7, 0.49, 0.343, 0.2401};

    private static double[] random(long seed, double std, long... shape) {
        try (Scope s = Scope.open(); Generator g = new Generator(seed)) {
            return Tensor.randn(g, DType.FLOAT64, Device.CPU, shape).mul(std).toDoubleArray();
        }
    }

    /** mean over samples and features of I_i (x_i − ReLU(Σ_j (WᵀW)_ij x_j + b_i))², for chain c. */
    private static double scalarLoss(double[] w, double[] x, int c, long p) {
        double total = 0;
        for (int s = 0; s < B; s++) {
            double[] xs = new double[N];
            System.arraycopy(x, (c * B + s) * N, xs, 0, N);
            double[] h = new double[M];
            for (int k = 0; k < M; k++) for (int j = 0; j < N; j++) h[k] += w[(int) (c * p + k * N + j)] * xs[j];
            for (int i = 0; i < N; i++) {
                double pre = w[(int) (c * p + M * N + i)];
                for (int k = 0; k < M; k++) pre += w[(int) (c * p + k * N + i)] * h[k];
                double err = xs[i] - Math.max(0, pre);
                total += IMPORTANCE[i] * err * err;
            }
        }
        return total / (B * N);
    }

    @Test
    void lossMatchesScalarTwinAndFiniteDifferences() {
        ToyModelOfSuperposition model = new ToyModelOfSuperposition(N, M, IMPORTANCE);
        long p = model.layout().size();
        assertEquals(M * N + N, p);
        assertArrayEquals(new long[] {M, N}, model.layout().get("W").shape());
        assertArrayEquals(new long[] {N}, model.layout().get("b").shape());
        double[] w0 = random(1, 0.7, C, p);
        double[] x = random(2, 1.0, C, B, N);
        for (int i = 0; i < x.length; i++) x[i] = Math.abs(x[i]);  // TMS features are non-negative
        double[] grad, losses;
        try (Scope s = Scope.open()) {
            Tensor flat = Tensor.of(w0, C, p).requiresGrad(true);
            Tensor loss = model.loss(TransformerTest.views(model.layout(), flat), Tensor.of(x, C, B, N), null);
            assertArrayEquals(new long[] {C}, loss.shape());
            losses = loss.toDoubleArray();
            loss.sum().backward();
            grad = flat.grad().toDoubleArray();
        }
        for (int c = 0; c < C; c++) assertEquals(scalarLoss(w0, x, c, p), losses[c], 1e-12, "chain " + c);
        assertNotEquals(losses[0], losses[1], 1e-6);

        double h = 1e-6;
        double[] w = w0.clone();
        try (var ng = Torch.noGrad()) {
            for (int i = 0; i < w.length; i++) {
                int c = (int) (i / p);
                w[i] = w0[i] + h;
                double plus = scalarLoss(w, x, c, p);
                w[i] = w0[i] - h;
                double minus = scalarLoss(w, x, c, p);
                w[i] = w0[i];
                double fd = (plus - minus) / (2 * h);
                assertEquals(fd, grad[i], 1e-7 + 1e-6 * Math.abs(fd), "d loss_" + c + " / d w[" + (i % p) + "]");
            }
        }
    }

    @Test
    void explicitTargetsAndUniformImportance() {
        ToyModelOfSuperposition model = new ToyModelOfSuperposition(2, 1);
        try (Scope s = Scope.open()) {
            // W = [1, 2], b = [0, −1]: WᵀW = [[1, 2], [2, 4]]; x = (1, 0) → ReLU((1, 2) + (0, −1)) = (1, 1)
            Tensor flat = Tensor.of(new double[] {1, 2, 0, -1}, 1, 4);
            Map<String, Tensor> p = TransformerTest.views(model.layout(), flat);
            Tensor x = Tensor.of(new double[] {1, 0}, 1, 1, 2);
            assertArrayEquals(new double[] {1, 1}, model.forward(p, x).toDoubleArray(), 1e-15);
            assertEquals(0.5, model.loss(p, x, null).item(), 1e-15);                       // ((1−1)² + (0−1)²) / 2
            Tensor y = Tensor.of(new double[] {3, 1}, 1, 1, 2);
            assertEquals(2.0, model.loss(p, x, y).item(), 1e-15);                          // ((3−1)² + 0) / 2
        }
    }

    @Test
    void initialWeightsHaveZeroBias() {
        ToyModelOfSuperposition model = new ToyModelOfSuperposition(6, 2);
        try (Scope s = Scope.open(); Generator g = new Generator(3)) {
            double[] w = model.initialWeights(g, DType.FLOAT64).toDoubleArray();
            assertEquals(18, w.length);
            for (int i = 12; i < 18; i++) assertEquals(0.0, w[i], 0.0);
            double ss = 0;
            for (int i = 0; i < 12; i++) ss += w[i] * w[i];
            assertTrue(ss > 0);
        }
        assertThrows(IllegalArgumentException.class, () -> new ToyModelOfSuperposition(3, 2, new double[] {1, 1}));
    }
}
