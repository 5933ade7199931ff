package io.lambdahat.simd;

import io.lambdahat.simd.ChainBuffers.Precision;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SgldKernelTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final long SEED = 11, STEP = 7;
    private static final int CHAIN = 1;

    static Iterable<VectorSpecies<Float>> shapes() {
        return Shapes.all();
    }

    /** Two chains of P parameters with random contents; copies share nothing. */
    static final class State {
        final Precision precision;
        final int size;
        final MemorySegment params, grads, centre, squares;
        final Mask mask;

        State(Precision precision, int size, MemorySegment params, MemorySegment grads, MemorySegment centre,
              MemorySegment squares, Mask mask) {
            this.precision = precision;
            this.size = size;
            this.params = params;
            this.grads = grads;
            this.centre = centre;
            this.squares = squares;
            this.mask = mask;
        }

        static State random(Precision precision, int size, Mask.Kind maskKind, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            MemorySegment mask = null;
            if (maskKind == Mask.Kind.BYTE) {
                mask = MemorySegment.ofArray(new byte[size]);
                for (int i = 0; i < size; i++) mask.set(ValueLayout.JAVA_BYTE, i, (byte) (r.nextInt(3) == 0 ? 0 : 1));
            } else if (maskKind == Mask.Kind.FLOAT32) {
                mask = MemorySegment.ofArray(new float[size]);
                float[] values = {0f, -0f, 1f, 2.5f, Float.NaN};
                for (int i = 0; i < size; i++) mask.setAtIndex(F32, i, values[r.nextInt(values.length)]);
            }
            return new State(precision, size, segment(precision, 2L * size, r, 0.5, false),
                    segment(precision, 2L * size, r, 3, false), segment(precision, size, r, 0.5, false),
                    segment(precision, 2L * size, r, 2, true), mask == null ? null : new Mask(mask, maskKind));
        }

        private static MemorySegment segment(Precision p, long n, SplittableRandom r, double scale, boolean positive) {
            MemorySegment s = p == Precision.FLOAT32 ? MemorySegment.ofArray(new float[(int) n])
                    : MemorySegment.ofArray(new double[(int) n]);
            for (long i = 0; i < n; i++) {
                double x = scale * r.nextGaussian();
                if (positive) x = Math.abs(x);
                if (p == Precision.FLOAT32) s.setAtIndex(F32, i, (float) x);
                else s.setAtIndex(F64, i, x);
            }
            return s;
        }

        State copy() {
            return new State(precision, size, clone(params), clone(grads), clone(centre), clone(squares),
                    mask == null ? null : new Mask(clone(mask.segment()), mask.kind()));
        }

        private static MemorySegment clone(MemorySegment s) {
            MemorySegment c = MemorySegment.ofArray(new byte[(int) s.byteSize()]);
            c.copyFrom(s);
            return c;
        }

        ChainBuffers buffers() {
            return new ChainBuffers(precision, 2, size, params, grads, centre, mask, squares);
        }

        double get(MemorySegment s, long i) {
            return precision == Precision.FLOAT32 ? s.getAtIndex(F32, i) : s.getAtIndex(F64, i);
        }

        boolean moves(long i) {
            return mask == null || mask.moves(i);
        }
    }

    private static StepNorms step(SgldKernel kernel, boolean rmsprop, SgldParameters h, State s) {
        return rmsprop ? kernel.rmspropSgld(h, RmspropParameters.DEFAULT, s.buffers(), CHAIN, STEP, SEED)
                : kernel.sgld(h, s.buffers(), CHAIN, STEP, SEED);
    }

    private static void assertSameBytes(MemorySegment expected, MemorySegment actual, String what) {
        long mismatch = expected.mismatch(actual);
        assertEquals(-1, mismatch, what + ": first differing byte " + mismatch);
    }

    private static void assertNormsClose(StepNorms expected, StepNorms actual, double relative, String what) {
        double[] e = {expected.distanceSq(), expected.paramSq(), expected.gradientSq(), expected.driftSq(),
                expected.noiseSq()};
        double[] a = {actual.distanceSq(), actual.paramSq(), actual.gradientSq(), actual.driftSq(), actual.noiseSq()};
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], relative * Math.abs(e[i]) + 1e-30, what + " norm " + i + ": " + expected + " vs " + actual);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void vectorKernelEqualsScalarTwin(VectorSpecies<Float> shape) {
        SgldKernel vector = new VectorSgldKernel(shape), scalar = SgldKernel.scalar();
        Mask.Kind[] masks = {null, Mask.Kind.BYTE, Mask.Kind.FLOAT32};
        int variant = 0;
        for (int n : Shapes.lengths(shape.length())) {
            for (Precision precision : Precision.values()) {
                for (boolean rmsprop : new boolean[] {false, true}) {
                    Mask.Kind mask = masks[variant % 3];
                    boolean bounded = variant % 2 == 1;
                    variant++;
                    SgldParameters h = new SgldParameters(1e-3, 50, 1.5, 0.01, bounded ? 0.05 : Double.POSITIVE_INFINITY);
                    State start = State.random(precision, n, mask, n * 31L + variant);
                    State s = start.copy(), v = start.copy();
                    StepNorms expected = step(scalar, rmsprop, h, s);
                    StepNorms actual = step(vector, rmsprop, h, v);
                    String what = shape + " n=" + n + " " + precision + (rmsprop ? " rmsprop" : " sgld") + " mask="
                            + mask + " bounded=" + bounded;
                    assertSameBytes(s.params, v.params, what + " params");
                    assertSameBytes(s.squares, v.squares, what + " V");
                    assertSameBytes(start.params.asSlice(0, n * (long) precision.bytes),
                            v.params.asSlice(0, n * (long) precision.bytes), what + " other chain's row");
                    // Float partial sums run over at most a chunk: error grows with min(n, chunk), not n.
                    double tolerance = precision == Precision.FLOAT32
                            ? 4e-7 * (Math.min(n, VectorSgldKernel.CHUNK) / (double) shape.length() + shape.length())
                            : 1e-13 * (Math.min(n, VectorSgldKernel.CHUNK) + 1);
                    assertNormsClose(expected, actual, tolerance, what);
                }
            }
        }
    }

    @Test
    void nativeMemoryGivesTheSameStepAsHeapMemory() {
        // The sampler hands over libtorch's memory: off-heap segments, possibly unaligned for vectors.
        int n = 1003;
        try (Arena arena = Arena.ofConfined()) {
            for (boolean rmsprop : new boolean[] {false, true}) {
                State start = State.random(Precision.FLOAT32, n, Mask.Kind.BYTE, 77), onHeap = start.copy();
                State offHeap = new State(Precision.FLOAT32, n, offHeap(arena, start.params), offHeap(arena, start.grads),
                        offHeap(arena, start.centre), offHeap(arena, start.squares),
                        new Mask(offHeap(arena, start.mask.segment()), Mask.Kind.BYTE));
                SgldParameters h = SgldParameters.of(1e-3, 20, 1).withBound(0.5);
                StepNorms expected = step(SgldKernel.scalar(), rmsprop, h, onHeap);
                StepNorms actual = step(new VectorSgldKernel(Species.FLOAT), rmsprop, h, offHeap);
                assertSameBytes(onHeap.params, offHeap.params, "params");
                assertSameBytes(onHeap.squares, offHeap.squares, "V");
                assertNormsClose(expected, actual, 1e-5, "off-heap");
            }
        }
    }

    private static MemorySegment offHeap(Arena arena, MemorySegment heap) {
        // Offset by 4 bytes so that rows start off a vector boundary.
        return arena.allocate(heap.byteSize() + 4, 64).asSlice(4, heap.byteSize()).copyFrom(heap);
    }

    @Test
    void updateFollowsTheWrittenFormulaInDoublePrecision() {
        for (boolean rmsprop : new boolean[] {false, true}) {
            for (Mask.Kind maskKind : new Mask.Kind[] {null, Mask.Kind.BYTE}) {
                int n = 777;
                State start = State.random(Precision.FLOAT32, n, maskKind, 5), s = start.copy();
                SgldParameters h = new SgldParameters(2e-3, 80, 3, 0.05, 0.06);
                RmspropParameters r = RmspropParameters.DEFAULT;
                StepNorms norms = step(new VectorSgldKernel(Species.FLOAT), rmsprop, h, s);
                double[] expected = new double[5];
                for (int i = 0; i < n; i++) {
                    long e = (long) CHAIN * n + i;
                    double w = start.get(start.params, e), g = start.get(start.grads, e), c = start.get(start.centre, i);
                    double next = w;
                    if (start.moves(i)) {
                        double xi = GaussianNoise.normal(SEED, CHAIN, STEP, i);
                        double precondition = 1, v = 0;
                        if (rmsprop) {
                            v = r.alpha() * start.get(start.squares, e) + (1 - r.alpha()) * g * g;
                            precondition = 1 / (Math.sqrt(v) + r.stabilizer());
                            assertEquals(v, s.get(s.squares, e), 1e-6 * v, "V at " + i);
                        }
                        double drift = 0.5 * h.epsilon() * precondition
                                * (h.nBeta() * g + h.gamma() * (w - c) + h.weightDecay() * w);
                        double noise = Math.sqrt(h.epsilon() * precondition) * xi;
                        next = Math.min(Math.max(w - drift + noise, c - h.bound()), c + h.bound());
                        expected[2] += g * g;
                        expected[3] += drift * drift;
                        expected[4] += noise * noise;
                        assertEquals(next, s.get(s.params, e), 2e-6 * (Math.abs(w) + Math.abs(c) + Math.abs(drift)
                                + Math.abs(noise)), "w at " + i + (rmsprop ? " rmsprop" : ""));
                    } else {
                        assertEquals(w, s.get(s.params, e), "held coordinate " + i);
                        if (rmsprop) assertEquals(start.get(start.squares, e), s.get(s.squares, e), "held V " + i);
                    }
                    expected[0] += (next - c) * (next - c);
                    expected[1] += next * next;
                }
                assertNormsClose(StepNorms.of(expected), norms, 1e-4, rmsprop ? "rmsprop" : "sgld");
            }
        }
    }

    @Test
    void withoutForcesTheStepAddsExactlyTheScaledNoise() {
        int n = 1000;
        State start = State.random(Precision.FLOAT32, n, null, 3), s = start.copy();
        double epsilon = 1e-2;
        StepNorms norms = new VectorSgldKernel(Species.FLOAT).sgld(SgldParameters.of(epsilon, 0, 0), s.buffers(), CHAIN, STEP, SEED);
        float[] xi = new float[n];
        GaussianNoise.scalar().fill(MemorySegment.ofArray(xi), 0, n, SEED, CHAIN, STEP);
        float scale = (float) Math.sqrt(epsilon);
        double noiseSq = 0;
        for (int i = 0; i < n; i++) {
            float w = start.params.getAtIndex(F32, (long) CHAIN * n + i);
            assertEquals(w + scale * xi[i], s.params.getAtIndex(F32, (long) CHAIN * n + i), "coordinate " + i);
            noiseSq += (double) (scale * xi[i]) * (scale * xi[i]);
        }
        assertEquals(noiseSq, norms.noiseSq(), 1e-5 * noiseSq);
        assertEquals(0, norms.driftSq());
    }

    @Test
    void rangesOfARowComposeToTheWholeRow() {
        int n = 1000;
        SgldParameters h = SgldParameters.of(1e-3, 10, 1);
        State start = State.random(Precision.FLOAT32, n, Mask.Kind.BYTE, 8);
        State whole = start.copy();
        StepNorms all = new VectorSgldKernel(Species.FLOAT).sgld(h, whole.buffers(), CHAIN, STEP, SEED);
        for (int cut : new int[] {1, 13, 32, 100, 999}) {
            State parts = start.copy();
            StepNorms sum = new VectorSgldKernel(Species.FLOAT).sgld(h, parts.buffers(), CHAIN, STEP, SEED, 0, cut)
                    .plus(new VectorSgldKernel(Species.FLOAT).sgld(h, parts.buffers(), CHAIN, STEP, SEED, cut, n));
            assertSameBytes(whole.params, parts.params, "cut at " + cut);
            assertNormsClose(all, sum, 1e-5, "cut at " + cut);
        }
    }

    @Test
    void reproducibleFromTheSeedAndFreshNoiseEachStep() {
        int n = 300;
        SgldParameters h = SgldParameters.of(1e-3, 10, 1);
        State start = State.random(Precision.FLOAT32, n, null, 9);
        State a = start.copy(), b = start.copy(), c = start.copy();
        new VectorSgldKernel(Species.FLOAT).sgld(h, a.buffers(), CHAIN, 4, SEED);
        new VectorSgldKernel(Species.FLOAT).sgld(h, b.buffers(), CHAIN, 4, SEED);
        new VectorSgldKernel(Species.FLOAT).sgld(h, c.buffers(), CHAIN, 5, SEED);
        assertSameBytes(a.params, b.params, "same seed and step");
        assertNotEquals(-1, a.params.mismatch(c.params), "another step draws other noise");
    }

    @Test
    void boundingBoxAndMaskConstrainTheMove() {
        int n = 2000;
        SgldParameters h = SgldParameters.of(1e-1, 100, 1).withBound(0.01);
        for (boolean rmsprop : new boolean[] {false, true}) {
            State start = State.random(Precision.FLOAT32, n, Mask.Kind.FLOAT32, 12), s = start.copy();
            step(new VectorSgldKernel(Species.FLOAT), rmsprop, h, s);
            for (int i = 0; i < n; i++) {
                long e = (long) CHAIN * n + i;
                float w = s.params.getAtIndex(F32, e), c = s.centre.getAtIndex(F32, i);
                if (start.moves(i)) {
                    assertTrue(w >= c - 0.01f && w <= c + 0.01f, "coordinate " + i + " left the box: " + w + " vs " + c);
                } else {
                    assertEquals(start.params.getAtIndex(F32, e), w, "masked coordinate " + i + " moved");
                    assertEquals(start.squares.getAtIndex(F32, e), s.squares.getAtIndex(F32, e), "masked V " + i);
                }
            }
        }
    }

    @Test
    void malaAcceptanceMatchesItsDefinition() {
        int n = 500;
        double epsilon = 1e-3, gamma = 2;
        SgldParameters h = SgldParameters.of(epsilon, 0, gamma);
        State s = State.random(Precision.FLOAT64, n, null, 21);
        long row = (long) CHAIN * n;
        double[] before = new double[n];
        MemorySegment previous = MemorySegment.ofArray(new double[2 * n]);
        previous.copyFrom(s.params);
        double distanceBefore = 0, paramBefore = 0;
        for (int i = 0; i < n; i++) {
            before[i] = s.get(s.params, row + i);
            double d = before[i] - s.get(s.centre, i);
            distanceBefore += d * d;
            paramBefore += before[i] * before[i];
        }
        StepNorms norms = new VectorSgldKernel(Species.FLOAT).sgld(h, s.buffers(), CHAIN, STEP, SEED);
        double reverse = new VectorSgldKernel(Species.FLOAT).malaReverseSq(h, s.buffers(), previous, CHAIN, 0, n);
        assertEquals(SgldKernel.scalar().malaReverseSq(h, s.buffers(), previous, CHAIN, 0, n), reverse, 1e-12 * reverse);
        double logAlpha = SgldKernel.malaLogAcceptance(SgldKernel.potential(h, 0, distanceBefore, paramBefore),
                SgldKernel.potential(h, 0, norms.distanceSq(), norms.paramSq()), norms.noiseSq(), reverse, epsilon);

        double uBefore = 0, uAfter = 0, forward = 0, backward = 0;
        for (int i = 0; i < n; i++) {
            double w = before[i], next = s.get(s.params, row + i), c = s.get(s.centre, i);
            uBefore += 0.5 * gamma * (w - c) * (w - c);
            uAfter += 0.5 * gamma * (next - c) * (next - c);
            double f = next - w + 0.5 * epsilon * gamma * (w - c);
            double b = w - next + 0.5 * epsilon * gamma * (next - c);
            forward += f * f;
            backward += b * b;
        }
        double expected = Math.min(0, uBefore - uAfter + (forward - backward) / (2 * epsilon));
        assertEquals(expected, logAlpha, 1e-9);
        // A small Langevin step on a Gaussian target is almost always accepted.
        assertTrue(logAlpha > -0.05, "log acceptance " + logAlpha);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void malaReverseTermVectorEqualsScalar(VectorSpecies<Float> shape) {
        for (int n : Shapes.lengths(shape.length())) {
            for (Precision precision : Precision.values()) {
                State s = State.random(precision, n, n % 2 == 0 ? Mask.Kind.BYTE : Mask.Kind.FLOAT32, n);
                MemorySegment previous = State.random(precision, n, null, n + 1).params;
                SgldParameters h = new SgldParameters(1e-2, 30, 1, 0.1, Double.POSITIVE_INFINITY);
                double expected = SgldKernel.scalar().malaReverseSq(h, s.buffers(), previous, CHAIN, 0, n);
                double actual = new VectorSgldKernel(shape).malaReverseSq(h, s.buffers(), previous, CHAIN, 0, n);
                double tolerance = precision == Precision.FLOAT32 ? 4e-7 * (Math.min(n, 256) + 8) : 1e-13 * (n + 1);
                assertEquals(expected, actual, tolerance * expected + 1e-30, shape + " n=" + n + " " + precision);
            }
        }
    }

    @Test
    void badInputIsRejectedWithTheFix() {
        var e = assertThrows(IllegalArgumentException.class, () -> SgldParameters.of(0, 1, 1));
        assertTrue(e.getMessage().contains("step size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SgldParameters.of(1e-3, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> SgldParameters.of(1e-3, 1, 1).withBound(0));
        assertThrows(IllegalArgumentException.class, () -> new RmspropParameters(1, 0.1));
        State s = State.random(Precision.FLOAT32, 10, null, 1);
        ChainBuffers noSquares = ChainBuffers.float32(2, 10, s.params, s.grads, s.centre);
        var missing = assertThrows(IllegalStateException.class, () -> new VectorSgldKernel(Species.FLOAT)
                .rmspropSgld(SgldParameters.of(1e-3, 1, 1), RmspropParameters.DEFAULT, noSquares, 0, 0, 0));
        assertTrue(missing.getMessage().contains("withSquareAverage"), missing.getMessage());
        var small = assertThrows(IllegalArgumentException.class,
                () -> ChainBuffers.float32(3, 10, s.params, s.grads, s.centre));
        assertTrue(small.getMessage().contains("params"), small.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> s.buffers().withMask(Mask.ofBytes(MemorySegment.ofArray(new byte[9]))));
        assertThrows(IndexOutOfBoundsException.class,
                () -> new VectorSgldKernel(Species.FLOAT).sgld(SgldParameters.of(1e-3, 1, 1), s.buffers(), 2, 0, 0));
    }
}
