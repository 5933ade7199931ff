package io.lambdahat.tasks;

import io.lambdahat.torch.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import io.lambdahat.data.Dataset;

/** Sparse TMS inputs against the distribution that defines them. */
class TmsTaskTest {
    @Test
    void featuresArePresentWithTheirProbabilityAndUniform() {
        TmsTask task = new TmsTask(6, 0.1, TmsTask.geometricImportances(6, 0.9));
        int n = 20_000;
        try (Dataset d = task.dataset(n, 4, DType.FLOAT64)) {
            assertArrayEquals(new long[] {n, 6}, d.x().shape());
            double[] x = d.x().toDoubleArray();
            assertArrayEquals(x, d.y().toDoubleArray(), 0.0, "targets are the inputs");
            long present = 0;
            double sum = 0, sq = 0;
            for (double v : x) {
                assertTrue(v >= 0 && v < 1);
                if (v != 0) {
                    present++;
                    sum += v;
                    sq += v * v;
                }
            }
            double total = 6.0 * n;
            assertEquals(0.1, present / total, 5 * Math.sqrt(0.1 * 0.9 / total), "fraction of present features");
            // a present feature is U[0, 1]: mean 1/2, second moment 1/3
            assertEquals(0.5, sum / present, 5 * Math.sqrt(1.0 / 12 / present));
            assertEquals(1.0 / 3, sq / present, 0.02);
        }
        assertEquals(0.9 * 0.9 * 0.9, TmsTask.geometricImportances(5, 0.9)[3], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new TmsTask(3, 0, new double[] {1, 1, 1}));
    }
}
