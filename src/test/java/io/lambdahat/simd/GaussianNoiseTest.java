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
        GaussianNoise vector = new VectorGaussianNoise(shape), scalar = GaussianNoise.scalar();
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
        double cap = Math.sqrt(2 * 31 * Math.log(2));
        assertTrue(sorted[0] >= -cap && sorted[DRAWS - 1] <= cap, "the 31-bit radius caps |z| at 6.56");
    }

    @Test
    void tailFrequenciesBeyondFourSigmaMatchTheNormal() {
        // 2²⁴ draws: about 1060 beyond 4σ and 114 beyond 4.5σ, so five standard errors are 15 % and 47 %.
        int n = 1 << 24;
        float[] z = new float[n];
        new VectorGaussianNoise(Species.FLOAT).fill(z, 31, 2, 9);
        long beyond4 = 0, beyond45 = 0, positive4 = 0;
        for (float x : z) {
            double a = Math.abs(x);
            if (a > 4) {
                beyond4++;
                if (x > 0) positive4++;
            }
            if (a > 4.5) beyond45++;
        }
        double p4 = 2 * StandardNormal.cdf(-4), p45 = 2 * StandardNormal.cdf(-4.5);
        assertEquals(p4 * n, beyond4, 5 * Math.sqrt(p4 * n), "draws beyond 4σ (normal: 6.3e-5)");
        assertEquals(p45 * n, beyond45, 5 * Math.sqrt(p45 * n), "draws beyond 4.5σ (normal: 6.8e-6)");
        assertEquals(beyond4 / 2.0, positive4, 5 * Math.sqrt(beyond4 / 4.0), "the 4σ tail is symmetric");
    }

    @Test
    void neighbouringIndicesAreUncorrelatedInValueAndSquare() {
        float[] z = draw(DRAWS, 17, 4, 2);
        double bound = 5 / Math.sqrt(DRAWS);
        // Every lag up to two groups, the Box–Muller partner (16) among them: a 32-bit hash of a Weyl sequence could
        // leave structure between nearby positions, which value and squared-value correlations would show.
        for (int lag = 1; lag <= 64; lag++) {
            float[] a = Arrays.copyOfRange(z, 0, DRAWS - lag), b = Arrays.copyOfRange(z, lag, DRAWS);
            assertEquals(0, correlation(a, b), bound, "lag " + lag);
            assertEquals(0, correlation(squares(a), squares(b)), bound, "squares at lag " + lag);
        }
    }

    @Test
    void successivePairsFillTheGridEvenly() {
        // Serial test: (z_i, z_i+1) in an 8×8 grid of equiprobable bins, χ² with 63 degrees of freedom.
        float[] z = draw(DRAWS, 23, 0, 11);
        double[] edges = new double[7];
        for (int k = 0; k < 7; k++) edges[k] = StandardNormal.quantile((k + 1) / 8.0);
        long[] cells = new long[64];
        int pairs = DRAWS / 2;
        for (int i = 0; i < DRAWS; i += 2) cells[8 * bin(z[i], edges) + bin(z[i + 1], edges)]++;
        double expected = pairs / 64.0, chi2 = 0;
        for (long c : cells) chi2 += (c - expected) * (c - expected) / expected;
        // P(χ²₆₃ > 103.44) = 0.001.
        assertTrue(chi2 < 103.44, "χ² = " + chi2);
    }

    @Test
    void neighbouringStreamsAndCountersAreUncorrelated() {
        int n = 1 << 16;
        double bound = 5 / Math.sqrt(n);
        for (long k = 0; k < 8; k++) {
            float[] a = draw(n, 77, k, 5), b = draw(n, 77, k + 1, 5), c = draw(n, 77, k, 6);
            assertEquals(0, correlation(a, b), bound, "streams " + k + " and " + (k + 1));
            assertEquals(0, correlation(squares(a), squares(b)), bound, "squares of streams " + k + " and " + (k + 1));
            assertEquals(0, correlation(a, c), bound, "counters 5 and 6 of stream " + k);
            assertEquals(0, correlation(squares(a), squares(c)), bound, "squares of counters 5, 6 of stream " + k);
        }
    }

    @Test
    void theSecondPageContinuesBitIdenticallyAndIndependently() {
        long edge = 1L << 32;
        float[] v = new float[300], s = new float[300];
        new VectorGaussianNoise(Species.FLOAT).fill(MemorySegment.ofArray(v), 0, 300, 8, 1, 4, edge - 133);
        GaussianNoise.scalar().fill(MemorySegment.ofArray(s), 0, 300, 8, 1, 4, edge - 133);
        for (int i = 0; i < 300; i++) {
            assertEquals(Float.floatToRawIntBits(s[i]), Float.floatToRawIntBits(v[i]), "element " + i);
            assertEquals(GaussianNoise.normal(8, 1, 4, edge - 133 + i), s[i]);
        }
        int n = 1 << 16;
        float[] first = new float[n], second = new float[n];
        GaussianNoise.scalar().fill(MemorySegment.ofArray(first), 0, n, 8, 1, 4, 0);
        GaussianNoise.scalar().fill(MemorySegment.ofArray(second), 0, n, 8, 1, 4, edge);
        assertEquals(0, correlation(first, second), 5 / Math.sqrt(n), "pages 0 and 1");
    }

    @Test
    void logarithmPolynomialIsWithinItsBoundAndNeverNegative() {
        // Every v at the top of the last octave, where −log₂ u approaches 0 and a negative value would make √ NaN;
        // a stride through the rest.
        double worst = 0;
        for (int e = 0; e <= 31; e++) {
            int mantissas = e == 31 ? 1 : 1 << 23;
            for (int mantissa = 0; mantissa < mantissas;
                 mantissa += e == 30 && mantissa >= mantissas - (1 << 16) ? 1 : 61) {
                float v = Float.intBitsToFloat(((127 + e) << 23) | mantissa);
                float q = Normals.minusLog2(v);
                assertTrue(q >= 0, "−log₂ u < 0 at v = " + v);
                worst = Math.max(worst, Math.abs(q - (31 - Math.log(v) / Math.log(2))));
            }
        }
        assertEquals(0, Normals.minusLog2(0x1p31f), "u = 1");
        assertTrue(worst < 3.2e-6, "max |error| of −log₂ u: " + worst);
    }

    @Test
    void quadrantFactorsMatchCosineAndSineAtEveryAngle() {
        // (C − S, C + S) must be √(2 ln 2)·(cos θ, sin θ) with θ = x + π/4, for all 2²⁴ angle words.
        double scale = Math.sqrt(2 * Math.log(2)), worst = 0;
        for (int k = 0; k < 1 << 24; k++) {
            float x = Math.fma((float) k, Normals.RADIANS_PER_STEP, Normals.FIRST_ANGLE);
            float x2 = x * x;
            float sin = Math.fma(Math.fma(Normals.S2, x2, Normals.S1), x2, Normals.S0) * x;
            float cos = Math.fma(Math.fma(Math.fma(Normals.C3, x2, Normals.C2), x2, Normals.C1), x2, Normals.C0);
            double theta = (k + 0.5) * Math.PI / (1 << 25);
            worst = Math.max(worst, Math.abs((cos - sin) - scale * Math.cos(theta)));
            worst = Math.max(worst, Math.abs((cos + sin) - scale * Math.sin(theta)));
        }
        assertTrue(worst < 1e-6, "max |error| of the angle factors: " + worst);
    }

    @Test
    void weylMultipliersAreOddWithEnoughBitTransitions() {
        for (long key : new long[] {0, -1, 1L << 32, 0x0000000100000000L, 0x5555555500000000L, 0xFFFF0000_12345678L}) {
            int m = Normals.multiplier(key);
            assertEquals(1, m & 1, "odd: " + Integer.toHexString(m));
            assertTrue(Integer.bitCount(m ^ (m >>> 1)) >= 12, "transitions of " + Integer.toHexString(m));
        }
        assertEquals(0x9E3779B9 | 1, Normals.multiplier(0x9E3779B9_00000000L), "a good multiplier is kept");
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
        new VectorGaussianNoise(Species.FLOAT).fill(MemorySegment.ofArray(tail), 0, 700, 1, 2, 3, 300);
        assertArrayEquals(Arrays.copyOfRange(whole, 300, 1000), tail);
    }

    @Test
    void rejectsCountersAndRangesOutsideTheStream() {
        float[] z = new float[4];
        var e = assertThrows(IllegalArgumentException.class, () -> new VectorGaussianNoise(Species.FLOAT).fill(z, 1, 0, -1));
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

    private static int bin(float x, double[] edges) {
        int k = 0;
        while (k < edges.length && x > edges[k]) k++;
        return k;
    }

    private static float[] squares(float[] a) {
        float[] s = new float[a.length];
        for (int i = 0; i < a.length; i++) s[i] = a[i] * a[i];
        return s;
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
