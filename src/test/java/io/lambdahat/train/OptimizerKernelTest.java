package io.lambdahat.train;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The flat optimisers and clipping against torch's closed forms and hand-iterated recursions (their vector passes
 * against the scalar twins: io.lambdahat.simd.OptimizerKernelsTest).
 */
class OptimizerKernelTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Test
    void clippingMatchesTorchsClosedForm() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment g = arena.allocate(2 * Float.BYTES, 4);
            g.setAtIndex(F, 0, 3f);
            g.setAtIndex(F, 1, 4f);
            assertEquals(5.0, GradientClipping.clip(g, 1.0), 0);
            double coef = 1.0 / (5.0 + GradientClipping.TINY);
            assertEquals((float) (3 * (float) coef), g.getAtIndex(F, 0), 0);
            assertEquals((float) (4 * (float) coef), g.getAtIndex(F, 1), 0);
            // Below the threshold the gradient is left exactly as it is.
            assertEquals(5 * coef, GradientClipping.clip(g, 10.0), 1e-6);
            assertEquals((float) (3 * (float) coef), g.getAtIndex(F, 0), 0);
        }
    }

    @Test
    void adamwFirstStepIsSignedLrStepAfterDecay() {
        // With bias correction, update 1 has m̂ = g and v̂ = g², so w₁ = w₀(1 − lr·λ) − lr·g/(|g| + ε).
        double lr = 0.01, wd = 0.1, eps = 1e-8;
        float[] w0 = {1.5f, -0.25f, 3e-3f, 0f, -7f};
        float[] g = {2f, -1e-3f, 0.5f, -4f, 1e-6f};
        try (Arena arena = Arena.ofConfined(); AdamW opt = new AdamW(w0.length, 0.9, 0.999, eps, wd)) {
            MemorySegment w = arena.allocateFrom(ValueLayout.JAVA_FLOAT, w0), gs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, g);
            opt.step(w, gs, lr);
            for (int i = 0; i < w0.length; i++) {
                double expected = w0[i] * (1 - lr * wd) - lr * g[i] / (Math.abs(g[i]) + eps);
                assertEquals(expected, w.getAtIndex(F, i), 2e-7 * Math.max(1, Math.abs(expected)), "w[" + i + "]");
            }
            assertEquals(1, opt.steps());
        }
    }

    @Test
    void adamCouplesTheDecayIntoTheGradientAsTorchOptimAdam() {
        // torch.optim.Adam, iterated by hand in double: g' = g + λ·w, m = β₁m + (1 − β₁)g', v = β₂v + (1 − β₂)g'²,
        // w −= lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε); three updates with changing gradients.
        double lr = 0.01, wd = 0.3, eps = 1e-8, b1 = 0.9, b2 = 0.999;
        float[] w0 = {1.5f, -0.25f, 3e-3f, 0f, -7f};
        float[][] gs = {{2f, -1e-3f, 0.5f, -4f, 1e-6f}, {-1f, 0.2f, 0.5f, 1f, 0f}, {0f, 0f, 0f, 0f, 0f}};
        double[] w = new double[w0.length], m = new double[w0.length], v = new double[w0.length];
        for (int i = 0; i < w.length; i++) w[i] = w0[i];
        try (Arena arena = Arena.ofConfined(); AdamW opt = AdamW.adam(w0.length, b1, b2, eps, wd)) {
            assertEquals("adam", opt.name());
            MemorySegment ws = arena.allocateFrom(ValueLayout.JAVA_FLOAT, w0);
            for (int t = 1; t <= gs.length; t++) {
                opt.step(ws, arena.allocateFrom(ValueLayout.JAVA_FLOAT, gs[t - 1]), lr);
                for (int i = 0; i < w.length; i++) {
                    double g = gs[t - 1][i] + wd * w[i];
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    w[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps);
                    assertEquals(w[i], ws.getAtIndex(F, i), 1e-6 * Math.max(1, Math.abs(w[i])), "update " + t + ", w[" + i + "]");
                }
            }
        }
    }

    @Test
    void sgdMomentumFollowsTheHandIteratedRecursion() {
        // Three updates of torch's recursion in double: b₁ = d₁, b_t = μ b_{t−1} + d_t, w ← w − lr·b.
        double lr = 0.1, mu = 0.9, wd = 0.01;
        double[] w = {1.0, -2.0};
        double[] b = new double[2];
        float[][] grads = {{0.5f, 1f}, {-0.25f, 0.75f}, {1f, -2f}};
        try (Arena arena = Arena.ofConfined(); Sgd opt = new Sgd(2, mu, 0, false, wd)) {
            MemorySegment ws = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f, -2f);
            for (int t = 0; t < 3; t++) {
                for (int i = 0; i < 2; i++) {
                    double d = grads[t][i] + wd * w[i];
                    b[i] = t == 0 ? d : mu * b[i] + d;
                    w[i] -= lr * b[i];
                }
                opt.step(ws, arena.allocateFrom(ValueLayout.JAVA_FLOAT, grads[t]), lr);
            }
            assertEquals(w[0], ws.getAtIndex(F, 0), 1e-6);
            assertEquals(w[1], ws.getAtIndex(F, 1), 1e-6);
            assertEquals(b[0], opt.buffers().get("momentum_buffer").getAtIndex(F, 0), 1e-6);
        }
    }

    @Test
    void restorePutsStateBackAndRejectsForeignState() {
        try (Arena arena = Arena.ofConfined(); AdamW a = new AdamW(3, 0.9, 0.999, 1e-8, 0); AdamW b = new AdamW(3, 0.9, 0.999, 1e-8, 0)) {
            MemorySegment w = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f, 2f, 3f);
            MemorySegment g = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0.1f, -0.2f, 0.3f);
            a.step(w, g, 0.01);
            a.step(w, g, 0.01);
            b.restore(a.steps(), a.buffers());
            MemorySegment w2 = io.lambdahat.simd.OptimizerKernelsTest.copy(arena, w);
            a.step(w, g, 0.01);
            b.step(w2, g, 0.01);
            io.lambdahat.simd.OptimizerKernelsTest.assertBitwiseEqual(w, w2, "w after a restored step");
            try (Sgd sgd = new Sgd(3, 0.9, 0, false, 0)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.restore(2, a.buffers()));
                assertTrue(e.getMessage().contains("momentum_buffer"), e.getMessage());
            }
        }
    }

    @Test
    void badHyperParametersAreRejectedWithTheirName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AdamW(1, 1.0, 0.999, 1e-8, 0)).getMessage().contains("β₁"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AdamW(1, 0.9, 0.999, 0, 0)).getMessage().contains("ε"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Sgd(1, 0, 0, true, 0)).getMessage().contains("Nesterov"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Sgd(1, -0.1, 0, false, 0)).getMessage().contains("momentum"));
    }
}
