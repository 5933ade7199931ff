package io.lambdahat.simd;

import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ReductionsTest {
    static Iterable<VectorSpecies<Float>> shapes() {
        return Shapes.all();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void floatReductionsMatchADoubleOracle(VectorSpecies<Float> shape) {
        SplittableRandom r = new SplittableRandom(shape.length());
        for (Reductions k : new Reductions[] {new VectorReductions(shape), Reductions.scalar()}) {
            for (int n : Shapes.lengths(shape.length())) {
                float[] a = new float[n + 5], b = new float[n + 9];
                for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() + 0.3);
                for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
                double dot = 0, norm = 0, distance = 0, absDot = 0;
                for (int i = 0; i < n; i++) {
                    double x = a[3 + i], y = b[7 + i], d = (float) (a[3 + i] - b[7 + i]);
                    dot += x * y;
                    absDot += Math.abs(x * y);
                    norm += x * x;
                    distance += d * d;
                }
                MemorySegment sa = MemorySegment.ofArray(a), sb = MemorySegment.ofArray(b);
                // Float lanes add at most BLOCK/(4·lanes) terms before the double total takes over.
                double rel = 2e-7 * (Math.min(n, VectorReductions.BLOCK) / (4.0 * shape.length()) + shape.length());
                String what = k.getClass().getSimpleName() + " " + shape + " n=" + n;
                assertEquals(dot, k.dot(sa, 3, sb, 7, n), rel * absDot + 1e-12, what + " dot");
                assertEquals(norm, k.squaredNorm(sa, 3, n), rel * norm + 1e-12, what + " norm");
                assertEquals(distance, k.squaredDistance(sa, 3, sb, 7, n), rel * distance + 1e-12, what + " distance");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void doubleReductionsMatchADoubleOracle(VectorSpecies<Float> shape) {
        SplittableRandom r = new SplittableRandom(7);
        for (Reductions k : new Reductions[] {new VectorReductions(shape), Reductions.scalar()}) {
            for (int n : Shapes.lengths(shape.length())) {
                double[] a = r.doubles(n + 2).map(x -> x - 0.4).toArray(), b = r.doubles(n + 5).toArray();
                double sum = 0, dot = 0, norm = 0, distance = 0, abs = 0;
                for (int i = 0; i < n; i++) {
                    sum += a[2 + i];
                    abs += Math.abs(a[2 + i]);
                    dot += a[2 + i] * b[5 + i];
                    norm += a[2 + i] * a[2 + i];
                    distance += (a[2 + i] - b[5 + i]) * (a[2 + i] - b[5 + i]);
                }
                double rel = 1e-15 * (n + 1);
                String what = k.getClass().getSimpleName() + " " + shape + " n=" + n;
                assertEquals(sum, k.sum(a, 2, n), rel * abs + 1e-300, what + " sum");
                assertEquals(dot, k.dot(a, 2, b, 5, n), rel * (norm + n) + 1e-300, what + " dot");
                assertEquals(norm, k.squaredNorm(a, 2, n), rel * norm + 1e-300, what + " norm");
                assertEquals(distance, k.squaredDistance(a, 2, b, 5, n), rel * distance + 1e-300, what + " distance");
            }
        }
    }

    @Test
    void longRowsStayAccurateAcrossBlocks() {
        // 10⁶ squares of 0.1: a single float accumulator would drift by ~1e-3 relative; blocks keep it ~1e-7.
        int n = 1_000_000;
        float[] a = new float[n];
        java.util.Arrays.fill(a, 0.1f);
        double exact = n * (double) 0.1f * 0.1f;
        assertEquals(exact, new VectorReductions(Species.FLOAT).squaredNorm(a), 1e-6 * exact);
    }

    @Test
    void rangesOutsideTheDataAreRejected() {
        float[] a = new float[10];
        assertThrows(IndexOutOfBoundsException.class,
                () -> new VectorReductions(Species.FLOAT).squaredNorm(MemorySegment.ofArray(a), 5, 6));
        assertThrows(IllegalArgumentException.class, () -> new VectorReductions(Species.FLOAT).dot(new double[3], new double[4]));
    }
}
