package io.lambdahat.simd;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The Vector API kernels against their scalar twins, bit for bit, on lengths around multiples of the lane count. */
public class OptimizerKernelsTest {
    private static final OptimizerKernels VECTOR = new VectorOptimizerKernels(Species.FLOAT);
    private static final OptimizerKernels SCALAR = OptimizerKernels.scalar();

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    static List<Integer> lengths() {
        int l = Species.FLOAT.length();
        List<Integer> out = new ArrayList<>(List.of(0, 1, 2, 1000, 1027));
        for (int k = 1; k <= 3; k++) for (int d = -1; d <= 1; d++) out.add(k * l + d);
        out.add(4 * l + l / 2 + 1);
        return out;
    }

    static MemorySegment random(Arena arena, int n, SplittableRandom rng, double scale, boolean positive) {
        // One float of offset, so the vector loads run unaligned as they do on views of a flat buffer.
        MemorySegment s = arena.allocate((n + 1L) * Float.BYTES, 4).asSlice(Float.BYTES);
        for (int i = 0; i < n; i++) {
            double v = rng.nextGaussian() * scale * Math.pow(10, rng.nextInt(-3, 2));
            s.setAtIndex(F, i, (float) (positive ? Math.abs(v) : v));
        }
        return s;
    }

    /** A copy of {@code s} one float past an aligned address, so vector loads run unaligned as on views of a flat buffer. */
    public static MemorySegment copy(Arena arena, MemorySegment s) {
        MemorySegment c = arena.allocate(s.byteSize() + Float.BYTES, 4).asSlice(Float.BYTES);
        c.copyFrom(s);
        return c;
    }

    /** Fails naming the first float whose bits differ. */
    public static void assertBitwiseEqual(MemorySegment expected, MemorySegment actual, String what) {
        long n = expected.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            float e = expected.getAtIndex(F, i), a = actual.getAtIndex(F, i);
            if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(a)) fail(what + "[" + i + "] of " + n + ": scalar " + e + ", vector " + a);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "coupled decay (Adam): {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void adamwVectorEqualsScalarTwin(boolean coupled) {
        SplittableRandom rng = new SplittableRandom(11);
        try (Arena arena = Arena.ofConfined()) {
            for (int n : lengths()) {
                MemorySegment w = random(arena, n, rng, 1, false), m = random(arena, n, rng, 0.1, false), v = random(arena, n, rng, 0.01, true);
                MemorySegment w2 = copy(arena, w), m2 = copy(arena, m), v2 = copy(arena, v);
                for (long t = 1; t <= 3; t++) {
                    MemorySegment g = random(arena, n, rng, 1, false);
                    OptimizerKernels.AdamWCoefficients c = OptimizerKernels.AdamWCoefficients.of(t, 1e-3 * t, 0.9, 0.999, 1e-8, 0.05, coupled);
                    VECTOR.adamW(w, g, m, v, n, c);
                    SCALAR.adamW(w2, g, m2, v2, n, c);
                }
                assertBitwiseEqual(w2, w, "w (n = " + n + ")");
                assertBitwiseEqual(m2, m, "exp_avg (n = " + n + ")");
                assertBitwiseEqual(v2, v, "exp_avg_sq (n = " + n + ")");
            }
        }
    }

    @Test
    void sgdVectorEqualsScalarTwinInEveryVariant() {
        SplittableRandom rng = new SplittableRandom(12);
        double[][] variants = {{0, 0, 0, 0}, {0.9, 0, 0, 1e-2}, {0.9, 0, 1, 0}, {0.8, 0.1, 0, 5e-3}};
        try (Arena arena = Arena.ofConfined()) {
            for (double[] var : variants) {
                for (int n : lengths()) {
                    {
                        MemorySegment w = random(arena, n, rng, 1, false), b = random(arena, n, rng, 1, false);
                        MemorySegment w2 = copy(arena, w), b2 = copy(arena, b);
                        for (int t = 0; t < 3; t++) {
                            MemorySegment g = random(arena, n, rng, 1, false);
                            OptimizerKernels.SgdCoefficients c = OptimizerKernels.SgdCoefficients.of(0.05, var[0], var[1], var[2] == 1, var[3], t == 0);
                            VECTOR.sgd(w, g, b, n, c);
                            SCALAR.sgd(w2, g, b2, n, c);
                        }
                        String what = " (n = " + n + ", μ = " + var[0] + ", τ = " + var[1] + ", nesterov " + var[2] + ")";
                        assertBitwiseEqual(w2, w, "w" + what);
                        assertBitwiseEqual(b2, b, "momentum_buffer" + what);
                    }
                }
            }
        }
    }

    @Test
    void clippingKernelsEqualTheirScalarTwins() {
        SplittableRandom rng = new SplittableRandom(13);
        try (Arena arena = Arena.ofConfined()) {
            for (int n : lengths()) {
                MemorySegment g = random(arena, n, rng, 3, false);
                double scalar = SCALAR.sumOfSquares(g, n);
                double vector = VECTOR.sumOfSquares(g, n);
                // Lane-wise partial sums round differently from one running sum, each by at most n ulps of the total.
                assertEquals(scalar, vector, 1e-14 * Math.max(1, n) * scalar, "Σg² (n = " + n + ")");
                MemorySegment g2 = copy(arena, g);
                VECTOR.scale(g, n, 0.37f);
                SCALAR.scale(g2, n, 0.37f);
                assertBitwiseEqual(g2, g, "scaled g (n = " + n + ")");
            }
        }
    }
}
