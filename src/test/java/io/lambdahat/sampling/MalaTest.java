package io.lambdahat.sampling;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The MALA acceptance of one transition w → w', computed on the heap (the CPU path) and with libtorch ops (the CUDA
 * path, here on CPU tensors), against its definition written out coordinate by coordinate in double.
 */
class MalaTest {
    private static final int C = 3, P = 11;
    private static final double NBETA = 37, EPS = 2e-3, GAMMA = 5, DECAY = 0.1;

    @Test
    void bothPathsMatchTheDefinition() {
        for (boolean perChainMask : new boolean[] {false, true}) {
            try (Scope s = Scope.open(); Generator g = new Generator(5)) {
                Tensor centre = Tensor.randn(g, DType.FLOAT32, Device.CPU, P);
                Tensor w0 = centre.unsqueeze(0).add(Tensor.randn(g, DType.FLOAT32, Device.CPU, C, P).mul(0.05)).contiguous();
                Tensor g0 = Tensor.randn(g, DType.FLOAT32, Device.CPU, C, P);
                Tensor w1 = w0.add(Tensor.randn(g, DType.FLOAT32, Device.CPU, C, P).mul(Math.sqrt(EPS))).contiguous();
                Tensor g1 = Tensor.randn(g, DType.FLOAT32, Device.CPU, C, P);
                double[] mask = new double[perChainMask ? C * P : P];
                for (int i = 0; i < mask.length; i++) mask[i] = i % 4 == 1 ? 0 : 1;
                Tensor maskTensor = perChainMask ? Tensor.of(mask, C, P) : Tensor.of(mask, P);
                double[] l0 = {0.31, 0.52, 0.47}, l1 = {0.30, 0.55, 0.44};
                boolean[] frozen = {false, true, false};
                double[] expected = definition(centre.toFloatArray(), w0.toFloatArray(), g0.toFloatArray(), l0,
                        w1.toFloatArray(), g1.toFloatArray(), l1, mask);

                SamplerConfig config = SamplerConfig.builder().epsilon(EPS).gamma(GAMMA).weightDecay(DECAY).build();
                for (boolean ops : new boolean[] {false, true}) {
                    double[] sum = new double[C];
                    long[] count = new long[C];
                    try (Mala mala = new Mala(StepCoefficients.of(config, NBETA), maskTensor, ops)) {
                        mala.accumulate(w0, g0, l0, centre, frozen, sum, count); // nothing remembered yet: no-op
                        assertArrayEquals(new long[C], count);
                        mala.remember(w0, g0, l0, centre);
                        mala.accumulate(w1, g1, l1, centre, frozen, sum, count);
                        mala.accumulate(w1, g1, l1, centre, frozen, sum, count); // the state is used once
                    }
                    assertArrayEquals(new long[] {1, 0, 1}, count, "frozen chain 1 is skipped");
                    for (int k : new int[] {0, 2}) {
                        assertEquals(expected[k], sum[k], 1e-9 * expected[k], (ops ? "libtorch ops" : "heap") + ", chain " + k + ", per-chain mask " + perChainMask);
                    }
                    assertTrue(expected[0] > 0.01 && expected[0] < 0.999, "a transition that is neither certain nor impossible: " + expected[0]);
                }
            }
        }
    }

    /** min(1, exp(U(w) − U(w') + (‖w' − w + ε/2 ∇U(w)‖² − ‖w − w' + ε/2 ∇U(w')‖²) / 2ε)) per chain. */
    private static double[] definition(float[] c, float[] w0, float[] g0, double[] l0, float[] w1, float[] g1, double[] l1, double[] mask) {
        double[] alpha = new double[C];
        for (int k = 0; k < C; k++) {
            double u0 = NBETA * l0[k], u1 = NBETA * l1[k], fw = 0, bw = 0;
            for (int i = 0; i < P; i++) {
                int e = k * P + i;
                double m = mask[mask.length == P ? i : e];
                u0 += GAMMA / 2 * sq(w0[e] - c[i]) + DECAY / 2 * sq(w0[e]);
                u1 += GAMMA / 2 * sq(w1[e] - c[i]) + DECAY / 2 * sq(w1[e]);
                double grad0 = m * (NBETA * g0[e] + GAMMA * (w0[e] - c[i]) + DECAY * w0[e]);
                double grad1 = m * (NBETA * g1[e] + GAMMA * (w1[e] - c[i]) + DECAY * w1[e]);
                fw += sq((double) w1[e] - w0[e] + EPS / 2 * grad0);
                bw += sq((double) w0[e] - w1[e] + EPS / 2 * grad1);
            }
            alpha[k] = Math.exp(Math.min(0, u0 - u1 + (fw - bw) / (2 * EPS)));
        }
        return alpha;
    }

    private static double sq(double v) {
        return v * v;
    }
}
