package io.lambdahat.tasks;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import io.lambdahat.data.Dataset;

/** The in-context regression layout and its noise, against the definition y_k = t·x_k + ε_k. */
class IclLinearRegressionTaskTest {
    @Test
    void tokensInterleaveXAndYAndTheNoiseHasItsVariance() {
        IclLinearRegressionTask task = IclLinearRegressionTask.standard();
        assertEquals(32, task.sequenceLength());
        assertEquals(5, task.tokenWidth());
        int n = 2000, k = 16, d = 4, w = 5;
        try (Scope s = Scope.open(); Generator g = new Generator(3)) {
            IclLinearRegressionTask.Sample sample = task.sample(g, n, DType.FLOAT64, Device.CPU);
            assertArrayEquals(new long[] {n, 2 * k, w}, sample.tokens().shape());
            assertArrayEquals(new long[] {n, k}, sample.targets().shape());
            double[] tok = sample.tokens().toDoubleArray(), y = sample.targets().toDoubleArray(), t = sample.taskVectors().toDoubleArray();
            double residualSq = 0, xSq = 0;
            for (int s0 = 0; s0 < n; s0++) {
                for (int pair = 0; pair < k; pair++) {
                    int xAt = (s0 * 2 * k + 2 * pair) * w, yAt = xAt + w;
                    assertEquals(0.0, tok[xAt], 0.0, "an x-token starts with 0");
                    assertEquals(y[s0 * k + pair], tok[yAt], 0.0, "a y-token starts with y_k");
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        assertEquals(0.0, tok[yAt + 1 + i], 0.0, "a y-token is 0 after y_k");
                        dot += t[s0 * d + i] * tok[xAt + 1 + i];
                        xSq += tok[xAt + 1 + i] * tok[xAt + 1 + i];
                    }
                    residualSq += (y[s0 * k + pair] - dot) * (y[s0 * k + pair] - dot);
                }
            }
            double m = (double) n * k;
            // ε ~ N(0, 0.125): the mean of m squares has standard error 0.125·√(2/m)
            assertEquals(0.125, residualSq / m, 5 * 0.125 * Math.sqrt(2 / m), "noise variance");
            assertEquals(1.0, xSq / (m * d), 5 * Math.sqrt(2 / (m * d)), "x ~ N(0, I)");
        }
        try (Dataset data = task.dataset(10, 1, DType.FLOAT32); Dataset again = task.dataset(10, 1, DType.FLOAT32)) {
            assertArrayEquals(data.x().toFloatArray(), again.x().toFloatArray(), 0f, "seeded");
            assertArrayEquals(new long[] {10, 16}, data.y().shape());
        }
    }
}
