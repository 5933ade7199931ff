package io.lambdahat.simd;

import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class GaussianNoiseTest {
    private static final int DRAWS = 1 << 20;
    /**
     * The statistical tests draw through the scalar definition: its numbers are the vector ones (tested bit for bit
     * below), and it stays fast after the shape tests have left the vector call sites polymorphic in this JVM.
     */
    private static final GaussianNoise SOURCE = GaussianNoise.scalar();

    static Iterable<VectorSpecies<Float>> shapes() {
        return Shapes.all();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void vectorNumbersEqualTheScalarDefinitionBitForBit(VectorSpecies<Float> shape) {
        GaussianNoise vector = GaussianNoise.vector(shape), scalar = GaussianNoise.scalar();
        for (int n : Shapes.lengths(shape.length())) {
            for (long index : new long[] {0, 1, 7, 16, 31, 33, 1001}) {
                float[] v = new float[n + 4], s = new float[n + 4];
                Arrays.fill(v, Float.NaN);
                Arrays.fill(s, Float.NaN);
                vector.fill(MemorySegment.ofArray(v), 2, n, 42, 3, 17, index);
                scalar.fill(MemorySegment.ofArray(s), 2, n, 42, 3, 17, index);
                for (int i = 0; i < v.length; i++) {
                    assertEquals(Float.floatToRawIntBits(s[i]), Float.floatToRawIntBits(v[i]),
                            shape + " n=" + n + " index=" + index + " element " + i);
                }
                assertTrue(Float.isNaN(v[0]) && Float.isNaN(v[1]) && Float.isNaN(v[n + 2]) && Float.isNaN(v[n + 3]),
                        "fill wrote outside its range");
            }
        }
    }

    @Test
    void fillWritesTheDefiningFunction() {
        float[] s = new float[100];
        GaussianNoise.scalar().fill(MemorySegment.ofArray(s), 0, 100, 7, 2, 5, 40);
        for (int i = 0; i < s.length; i++) assertEquals(GaussianNoise.normal(7, 2, 5, 40 + i), s[i]);
    }

    @Test
    void momentsAndKolmogorovSmirnovAgainstStandardNormal() {
        float[] z = new float[DRAWS];
        SOURCE.fill(z, 2024, 0, 0);
        double mean = 0;
        for (float x : z) mean += x;
        mean /= DRAWS;
        double m2 = 0, m3 = 0, m4 = 0;
        for (float x : z) {
            double d = x - mean, d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }
        m2 /= DRAWS;
        m3 /= DRAWS;
        m4 /= DRAWS;
        double skew = m3 / Math.pow(m2, 1.5), excessKurtosis = m4 / (m2 * m2) - 3;
        // Five standard errors of each estimator under N(0, 1).
        assertEquals(0, mean, 5 / Math.sqrt(DRAWS), "mean");
        assertEquals(1, m2, 5 * Math.sqrt(2.0 / DRAWS), "variance");
        assertEquals(0, skew, 5 * Math.sqrt(6.0 / DRAWS), "skewness");
        assertEquals(0, excessKurtosis, 5 * Math.sqrt(24.0 / DRAWS), "excess kurtosis");

        double[] sorted = new double[DRAWS];
        for (int i = 0; i < DRAWS; i++) sorted[i] = z[i];
        Arrays.sort(sorted);
        double d = 0;
        for (int i = 0; i < DRAWS; i++) {
            double f = StandardNormal.cdf(sorted[i]);
            d = Math.max(d, Math.max((i + 1.0) / DRAWS - f, f - (double) i / DRAWS));
        }
        // Kolmogorov's distribution: P(√n·D > 1.95) ≈ 0.001.
        assertTrue(Math.sqrt(DRAWS) * d < 1.95, "Kolmogorov–Smirnov √n·D = " + Math.sqrt(DRAWS) * d);

        long beyond3 = Arrays.stream(sorted).filter(x -> Math.abs(x) > 3).count();
        double p3 = 2 * StandardNormal.cdf(-3);
        assertEquals(p3 * DRAWS, beyond3, 5 * Math.sqrt(p3 * DRAWS), "draws beyond 3σ");
        assertTrue(sorted[0] > -5.8 && sorted[DRAWS - 1] < 5.8, "the 24-bit radius caps |z| at 5.77");
    }

    @Test
    void theTwoNumbersOfABoxMullerSlotAreIndependent() {
        // Index 32g + t and 32g + 16 + t share a radius: uncorrelated, and E[x²y²] = 1 only if independent.
        float[] z = new float[DRAWS];
        SOURCE.fill(z, 99, 1, 3);
        double xy = 0, x2y2 = 0;
        int pairs = 0;
        for (int g = 0; g < DRAWS; g += 32) {
            for (int t = 0; t < 16; t++) {
                double x = z[g + t], y = z[g + 16 + t];
                xy += x * y;
                x2y2 += x * x * y * y;
                pairs++;
            }
        }
        assertEquals(0, xy / pairs, 5 / Math.sqrt(pairs));
        assertEquals(1, x2y2 / pairs, 5 * Math.sqrt(8.0 / pairs));
    }

    @Test
    void reproducibleFromTheSeedAndIndependentAcrossChainsStepsAndSeeds() {
        int n = 1 << 18;
        float[] a = draw(n, 5, 0, 0), again = draw(n, 5, 0, 0);
        assertArrayEquals(a, again);
        double bound = 5 / Math.sqrt(n);
        assertEquals(0, correlation(a, draw(n, 5, 1, 0)), bound, "chains 0 and 1");
        assertEquals(0, correlation(a, draw(n, 5, 0, 1)), bound, "steps 0 and 1");
        assertEquals(0, correlation(a, draw(n, 6, 0, 0)), bound, "seeds 5 and 6");
        assertEquals(0, correlation(Arrays.copyOfRange(a, 0, n - 1), Arrays.copyOfRange(a, 1, n)), bound, "lag 1");
        assertFalse(Arrays.equals(a, draw(n, 5, 1, 0)));
    }

    @Test
    void aBlockStartedMidwayContinuesTheSameNumbers() {
        float[] whole = draw(1000, 1, 2, 3);
        float[] tail = new float[700];
        GaussianNoise.vector().fill(MemorySegment.ofArray(tail), 0, 700, 1, 2, 3, 300);
        assertArrayEquals(Arrays.copyOfRange(whole, 300, 1000), tail);
    }

    @Test
    void rejectsCountersAndRangesOutsideTheStream() {
        float[] z = new float[4];
        var e = assertThrows(IllegalArgumentException.class, () -> GaussianNoise.vector().fill(z, 1, 0, -1));
        assertTrue(e.getMessage().contains("counter"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GaussianNoise.normal(1, 0, 1L << 32, 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> GaussianNoise.scalar().fill(MemorySegment.ofArray(z), 2, 3, 1, 0, 0));
    }

    private static float[] draw(int n, long seed, long stream, long counter) {
        float[] z = new float[n];
        SOURCE.fill(z, seed, stream, counter);
        return z;
    }

    private static double correlation(float[] a, float[] b) {
        double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sa += a[i];
            sb += b[i];
        }
        double ma = sa / a.length, mb = sb / b.length;
        for (int i = 0; i < a.length; i++) {
            double x = a[i] - ma, y = b[i] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
