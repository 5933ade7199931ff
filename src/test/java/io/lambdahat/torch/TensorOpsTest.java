package io.lambdahat.torch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Each typed operation against values computed by hand. */
class TensorOpsTest {
    private static final double TOL = 1e-12;

    private static Tensor t(double[] v, long... shape) {
        return Tensor.of(v, shape);
    }

    @Test
    void arithmeticMatchesHandComputedValues() {
        try (Scope s = Scope.open()) {
            Tensor a = t(new double[] {1, 2, 3, 4}, 2, 2);
            Tensor b = t(new double[] {5, 6, 7, 8}, 2, 2);
            assertArrayEquals(new double[] {6, 8, 10, 12}, a.add(b).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {11, 14, 17, 20}, a.add(b, 2).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {-4, -4, -4, -4}, a.sub(b).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {5, 12, 21, 32}, a.mul(b).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {0.2, 2.0 / 6, 3.0 / 7, 0.5}, a.div(b).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {3.5, 4.5, 5.5, 6.5}, a.add(2.5).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {-2, -4, -6, -8}, a.mul(-2).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {1, 4, 9, 16}, a.pow(2).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {1, 4, 9, 16}, a.square().toDoubleArray(), TOL);
            assertArrayEquals(new double[] {1, Math.sqrt(2), Math.sqrt(3), 2}, a.sqrt().toDoubleArray(), TOL);
            assertArrayEquals(new double[] {Math.exp(1), Math.exp(2), Math.exp(3), Math.exp(4)}, a.exp().toDoubleArray(), 1e-9);
            assertArrayEquals(new double[] {0, Math.log(2), Math.log(3), Math.log(4)}, a.log().toDoubleArray(), TOL);
            assertArrayEquals(new double[] {-1, -2, -3, -4}, a.neg().toDoubleArray(), TOL);
            // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]]
            assertArrayEquals(new double[] {19, 22, 43, 50}, a.matmul(b).toDoubleArray(), TOL);
            assertEquals(10, a.sum().item(), TOL);
            assertEquals(2.5, a.mean().item(), TOL);
            assertArrayEquals(new double[] {4, 6}, a.sum(false, 0).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {1.5, 3.5}, a.mean(false, 1).toDoubleArray(), TOL);
            assertArrayEquals(new long[] {2, 1}, a.mean(true, 1).shape());
        }
    }

    @Test
    void integerArithmetic() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.of(new long[] {1, 2, 3}, 3);
            assertArrayEquals(new long[] {2, 4, 6}, a.add(a).toLongArray());
            assertArrayEquals(new long[] {0, 0, 0}, a.sub(a).toLongArray());
            a.addInPlace(a, 1.0);
            assertArrayEquals(new long[] {2, 4, 6}, a.toLongArray());
        }
    }

    @Test
    void batchedMatrixProducts() {
        try (Scope s = Scope.open()) {
            Tensor a = t(new double[] {1, 2, 3, 4, 1, 0, 0, 1}, 2, 2, 2);
            Tensor b = t(new double[] {1, 1, 1, 1, 2, 3, 4, 5}, 2, 2, 2);
            assertArrayEquals(new double[] {3, 3, 7, 7, 2, 3, 4, 5}, a.bmm(b).toDoubleArray(), TOL);
            Tensor c = Tensor.ones(DType.FLOAT64, Device.CPU, 2, 2, 2);
            // 0.5 * 1 + 2 * (a @ b)
            assertArrayEquals(new double[] {6.5, 6.5, 14.5, 14.5, 4.5, 6.5, 8.5, 10.5}, c.baddbmm(a, b, 0.5, 2).toDoubleArray(), TOL);
        }
    }

    @Test
    void activationsAndNormalisations() {
        try (Scope s = Scope.open()) {
            Tensor x = t(new double[] {-1, 0, 2}, 3);
            assertArrayEquals(new double[] {0, 0, 2}, x.relu().toDoubleArray(), TOL);
            assertArrayEquals(new double[] {Math.tanh(-1), 0, Math.tanh(2)}, x.tanh().toDoubleArray(), TOL);
            double z = Math.exp(-1) + 1 + Math.exp(2);
            assertArrayEquals(new double[] {Math.exp(-1) / z, 1 / z, Math.exp(2) / z}, x.softmax(0).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {-1 - Math.log(z), -Math.log(z), 2 - Math.log(z)}, x.logSoftmax(0).toDoubleArray(), TOL);
            // exact GELU: x Φ(x); Φ(2) = 0.9772498680518208, Φ(-1) = 0.15865525393145707
            assertArrayEquals(new double[] {-0.15865525393145707, 0, 2 * 0.9772498680518208}, x.gelu().toDoubleArray(), 1e-9);
            assertArrayEquals(new double[] {0, 0, 1}, x.clamp(0.0, 1.0).toDoubleArray(), TOL);
            // layer norm of [1,2,3]: mean 2, biased var 2/3
            Tensor y = t(new double[] {1, 2, 3}, 1, 3);
            double sd = Math.sqrt(2.0 / 3 + 1e-5);
            assertArrayEquals(new double[] {-1 / sd, 0, 1 / sd}, Functional.layerNorm(y, new long[] {3}, null, null, 1e-5).toDoubleArray(), 1e-9);
        }
    }

    @Test
    void lossesMatchClosedForms() {
        try (Scope s = Scope.open()) {
            Tensor logits = t(new double[] {1, 2, 3, 1, 1, 1}, 2, 3);
            Tensor target = Tensor.of(new long[] {2, 0}, 2);
            double l0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
            double l1 = Math.log(3);
            assertEquals((l0 + l1) / 2, Functional.crossEntropy(logits, target).item(), 1e-12);
            assertEquals((l0 + l1) / 2, Functional.nllLoss(logits.logSoftmax(1), target).item(), 1e-12);
            Tensor p = t(new double[] {1, 2, 3}, 3);
            Tensor q = t(new double[] {1, 0, 5}, 3);
            assertEquals((0 + 4 + 4) / 3.0, Functional.mseLoss(p, q).item(), TOL);
        }
    }

    @Test
    void indexingAndShapes() {
        try (Scope s = Scope.open()) {
            Tensor a = t(new double[] {0, 1, 2, 3, 4, 5}, 2, 3);
            assertArrayEquals(new long[] {3, 2}, a.transpose(0, 1).shape());
            assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, a.transpose(0, 1).contiguous().toDoubleArray(), TOL);
            assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, a.permute(1, 0).contiguous().toDoubleArray(), TOL);
            assertArrayEquals(new long[] {3, 2}, a.reshape(3, 2).shape());
            assertArrayEquals(new long[] {6}, a.view(6).shape());
            assertArrayEquals(new double[] {1, 2, 4, 5}, a.narrow(1, 1, 2).contiguous().toDoubleArray(), TOL);
            assertArrayEquals(new double[] {3, 4, 5}, a.select(0, 1).toDoubleArray(), TOL);
            Tensor idx = Tensor.of(new long[] {2, 0}, 2);
            assertArrayEquals(new double[] {2, 0, 5, 3}, a.indexSelect(1, idx).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {3, 4, 5, 0, 1, 2}, Functional.embedding(a, Tensor.of(new long[] {1, 0}, 2)).toDoubleArray(), TOL);
            Tensor g = Tensor.of(new long[] {2, 1}, 2, 1);
            assertArrayEquals(new double[] {2, 4}, a.gather(1, g).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5}, Tensor.cat(0, a, a).toDoubleArray(), TOL);
            assertArrayEquals(new long[] {2, 2, 3}, Tensor.stack(0, a, a).shape());
            assertArrayEquals(new long[] {1, 2, 3}, a.unsqueeze(0).shape());
            assertArrayEquals(new long[] {2, 3}, a.unsqueeze(0).squeeze(0).shape());
            assertArrayEquals(new long[] {4, 2, 3}, a.unsqueeze(0).expand(4, 2, 3).shape());
            assertArrayEquals(new long[] {0, 1, 2, 3}, Tensor.arange(4, Device.CPU).toLongArray());
            assertArrayEquals(new long[] {2, 2}, a.argmax(1, false).toLongArray());
            assertArrayEquals(new double[] {2, 5}, a.amax(1, false).toDoubleArray(), TOL);
        }
    }

    @Test
    void comparisonsMasksAndTriangles() {
        try (Scope s = Scope.open()) {
            Tensor a = t(new double[] {1, 5, 3}, 3);
            Tensor b = t(new double[] {2, 2, 3}, 3);
            assertArrayEquals(new double[] {0, 1, 0}, a.gt(b).to(DType.FLOAT64).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {1, 0, 0}, a.lt(b).to(DType.FLOAT64).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {0, 1, 1}, a.ge(b).to(DType.FLOAT64).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {1, 0, 1}, a.le(b).to(DType.FLOAT64).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {0, 0, 1}, a.eq(b).to(DType.FLOAT64).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {2, 5, 3}, Tensor.where(a.gt(b), a, b).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {1, -9, 3}, a.maskedFill(a.gt(4), -9).toDoubleArray(), TOL);
            Tensor m = Tensor.ones(DType.FLOAT64, Device.CPU, 3, 3);
            assertArrayEquals(new double[] {1, 1, 1, 0, 1, 1, 0, 0, 1}, m.triu(0).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0, 1, 1, 0}, m.tril(-1).toDoubleArray(), TOL);
        }
    }

    @Test
    void inPlaceOperationsAndZeroCopyViews() {
        try (Scope s = Scope.open()) {
            Tensor a = t(new double[] {1, 2, 3}, 3);
            Tensor b = t(new double[] {10, 20, 30}, 3);
            a.addInPlace(b, 0.5);
            assertArrayEquals(new double[] {6, 12, 18}, a.toDoubleArray(), TOL);
            a.mulInPlace(2);
            assertArrayEquals(new double[] {12, 24, 36}, a.toDoubleArray(), TOL);
            a.mulInPlace(b);
            assertArrayEquals(new double[] {120, 480, 1080}, a.toDoubleArray(), TOL);
            a.copyFrom(b);
            assertArrayEquals(new double[] {10, 20, 30}, a.toDoubleArray(), TOL);
            // data() is the tensor's own memory: writing through it changes the tensor
            a.data().setAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE, 1, 7.0);
            assertArrayEquals(new double[] {10, 7, 30}, a.toDoubleArray(), TOL);
            a.zeroInPlace();
            assertArrayEquals(new double[] {0, 0, 0}, a.toDoubleArray(), TOL);
            // fromSegment views caller memory without copying
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                var seg = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_FLOAT, 1f, 2f, 3f, 4f);
                try (Tensor v = Tensor.fromSegment(seg, DType.FLOAT32, 2, 2)) {
                    v.mulInPlace(3);
                    assertEquals(12f, seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 3));
                }
            }
        }
    }

    @Test
    void seededGeneratorsReproduce() {
        try (Scope s = Scope.open(); Generator g1 = new Generator(42); Generator g2 = new Generator(42)) {
            double[] x = Tensor.randn(g1, DType.FLOAT64, Device.CPU, 1000).toDoubleArray();
            double[] y = Tensor.randn(g2, DType.FLOAT64, Device.CPU, 1000).toDoubleArray();
            assertArrayEquals(x, y, 0.0);
            double mean = java.util.Arrays.stream(x).average().orElseThrow();
            assertEquals(0, mean, 4 / Math.sqrt(1000)); // four standard errors
            long[] r = Tensor.randint(g1, 3, 7, Device.CPU, 500).toLongArray();
            for (long v : r) assertTrue(v >= 3 && v < 7);
            double[] u = Tensor.rand(g1, DType.FLOAT64, Device.CPU, 500).toDoubleArray();
            for (double v : u) assertTrue(v >= 0 && v < 1);
        }
    }

    @Test
    void metadata() {
        try (Tensor a = Tensor.zeros(DType.FLOAT32, Device.CPU, 2, 3, 4)) {
            assertEquals(3, a.dim());
            assertEquals(24, a.numel());
            assertEquals(DType.FLOAT32, a.dtype());
            assertEquals(Device.CPU, a.device());
            assertArrayEquals(new long[] {12, 4, 1}, a.strides());
            assertTrue(a.isContiguous());
        }
    }
}
