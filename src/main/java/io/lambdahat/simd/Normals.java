package io.lambdahat.simd;

/**
 * The definition of lambdahat's standard normal noise, as plain scalar code. {@link VectorGaussianNoise} evaluates
 * the very same integer and float operations lane-wise, so both give bit-identical numbers at every SIMD width.
 *
 * <p>The number at (seed, stream, counter, index) is a pure function of those four values:
 * <ol>
 *   <li>stream key {@code K = mix64(mix64(seed) + stream·φ)}, with φ the 64-bit golden-ratio increment of SplitMix64
 *       and {@code mix64} its finaliser (Stafford's variant 13);</li>
 *   <li>a block's indices fall into two pages of 2³² ({@code page = index >>> 32}); page key
 *       {@code B = mix64(K + (2·counter + page + 1)·φ)}, output 2·counter + page + 1 of SplitMix64 from the stream
 *       key. Its low half is an offset {@code a}, its high half, made odd, a multiplier {@code m} (as SplitMix
 *       chooses its gammas, m is xored with 0xAAAAAAAA when it has fewer than 12 bit transitions);</li>
 *   <li>32-bit word {@code h_j = lowbias32(a + j·m)} at position {@code j = index mod 2³²} of the page (arithmetic
 *       mod 2³²), with Wellons' lowbias32 integer hash {@code x ^= x>>>16; x *= 0x7feb352d; x ^= x>>>15;
 *       x *= 0x846ca68b; x ^= x>>>16}. A page's words are distinct (a + j·m runs through 2³² values once);</li>
 *   <li>Box–Muller on pairs of indices that differ in bit 4: index i with bit 4 clear takes its radius from word
 *       R = h_i and its angle from word A = h_{i + 16}, and index i + 16 shares both. With
 *       {@code v = float((R >>> 1) | 1)} (round to nearest, so u = v/2³¹ lies in (0, 1] with resolution 2⁻³¹ near
 *       0) and {@code q ≈ −log₂ u}, {@code x = float(A >>> 8)·π/2²⁵ + π/2²⁶ − π/4} uniform in (−π/4, π/4):
 *       index i is {@code ±√q·√ln2·(cos x − sin x) = ±√(−2 ln u)·cos(x + π/4)}, its sign flipped by bit 0 of R,
 *       and index i + 16 is {@code ±√(−2 ln u)·sin(x + π/4)}, its sign flipped by bit 0 of A. The two sign bits
 *       spread the quarter turn x + π/4 ∈ (0, π/2) over the four quadrants.</li>
 * </ol>
 * The layout lets a vector of up to 16 float lanes take its radius and angle words from two runs of consecutive
 * positions, with no lane shuffles, and share one logarithm and one sine/cosine evaluation between the two numbers
 * of each pair. The words are 32-bit so that the hash needs only 32-bit lane multiplies (64-bit ones have no AVX2
 * instruction and cost about ten).
 *
 * <p>Why it is good enough: log₂ and √ln2·sin, √ln2·cos are minimax polynomials (6, 3 and 4 coefficients, fitted
 * for this use) evaluated with explicit fused multiply-adds, because the library routines of the scalar and vector
 * paths differ in their last bits. Their absolute errors, 3.2·10⁻⁶ in −log₂ u and 7·10⁻⁷ in the trigonometric
 * factors, move the distribution of r² = −2 ln u by at most 3·10⁻⁶ in Kolmogorov distance (its density is at most
 * ½), which no sample of fewer than about 10¹¹ draws can resolve; u itself is only uniform to 2⁻²⁴ relative
 * spacing. The tails stop at √(2·31·ln 2) ≈ 6.56σ (probability 5·10⁻¹¹). GaussianNoiseTest checks the moments,
 * Kolmogorov–Smirnov on 2²⁰ draws, the counts beyond 3σ and 4σ, the independence of the two numbers of a pair, and
 * the correlations between neighbouring indices, neighbouring streams, counters and seeds.
 */
final class Normals {
    static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** Blocks (counters) per stream, and numbers per block (two pages of 2³²). */
    static final long COUNTER_LIMIT = 1L << 32;
    static final long INDEX_LIMIT = 1L << 33;

    /** Box–Muller pairs per group; a group holds twice as many numbers (cosines, then sines). */
    static final int SLOTS = 16;
    static final int GROUP = 2 * SLOTS;

    static final int HASH_1 = 0x7feb352d, HASH_2 = 0x846ca68b;

    /** v's biased exponent E gives 31 − e = 158 − E. */
    static final int EXPONENT_TOP = 158;
    static final int MANTISSA = 0x007FFFFF, ONE_BITS = 0x3F800000;
    /** −log₂(1 + t) ≈ t·(Q0 + t·(Q1 + …)) on [0, 1). */
    static final float Q0 = -1.442553163e+00f, Q1 = 7.182819247e-01f, Q2 = -4.582708180e-01f, Q3 = 2.795381248e-01f,
            Q4 = -1.234514862e-01f, Q5 = 2.645744942e-02f;
    /** The angle's 24 bits span (−π/4, π/4): x = k·π/2²⁵ + π/2²⁶ − π/4. */
    static final float RADIANS_PER_STEP = (float) (Math.PI / (1 << 25));
    static final float FIRST_ANGLE = (float) (Math.PI / (1 << 26) - Math.PI / 4);
    /** √ln2·sin x ≈ x·(S0 + x²·(S1 + x²·S2)) and √ln2·cos x ≈ C0 + x²·(C1 + x²·(C2 + x²·C3)) on [−π/4, π/4]. */
    static final float S0 = 8.325504661e-01f, S1 = -1.387049407e-01f, S2 = 6.761640310e-03f;
    static final float C0 = 8.325545788e-01f, C1 = -4.162761271e-01f, C2 = 3.468008339e-02f, C3 = -1.131101162e-03f;

    private Normals() {}

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long streamKey(long seed, long stream) {
        return mix64(mix64(seed) + stream * GOLDEN);
    }

    /** The key of page {@code page} (0 or 1) of block {@code counter}. */
    static long pageKey(long streamKey, long counter, long page) {
        return mix64(streamKey + (2 * counter + page + 1) * GOLDEN);
    }

    /** The page's Weyl multiplier m: odd, with at least 12 bit transitions. */
    static int multiplier(long pageKey) {
        int m = (int) (pageKey >>> 32) | 1;
        return Integer.bitCount(m ^ (m >>> 1)) < 12 ? m ^ 0xAAAAAAAA : m;
    }

    /** The page's Weyl offset a. */
    static int offset(long pageKey) {
        return (int) pageKey;
    }

    static int lowbias32(int x) {
        x = (x ^ (x >>> 16)) * HASH_1;
        x = (x ^ (x >>> 15)) * HASH_2;
        return x ^ (x >>> 16);
    }

    static void checkBlock(long counter, long index, long n) {
        if (counter < 0 || counter >= COUNTER_LIMIT) {
            throw new IllegalArgumentException("noise counter " + counter + " is outside [0, 2^32): use the step number "
                    + "of the run, which stays far below that");
        }
        if (index < 0 || n < 0 || index > INDEX_LIMIT - n) {
            throw new IllegalArgumentException("noise indices [" + index + ", " + index + " + " + n
                    + ") are outside [0, 2^33): one block holds at most 2^33 numbers; split larger draws over counters");
        }
    }

    /** The standard normal number at {@code index} of the block {@code counter} of the stream keyed {@code streamKey}. */
    static float normal(long streamKey, long counter, long index) {
        long key = pageKey(streamKey, counter, index >>> 32);
        return normal(offset(key), multiplier(key), (int) index);
    }

    /** The number at position {@code j} (index mod 2³²) of the page with Weyl offset a and multiplier m. */
    static float normal(int a, int m, int j) {
        int radiusWord = lowbias32(a + (j & ~SLOTS) * m);
        int angleWord = lowbias32(a + (j | SLOTS) * m);
        float q = minusLog2((float) ((radiusWord >>> 1) | 1));
        float x = Math.fma((float) (angleWord >>> 8), RADIANS_PER_STEP, FIRST_ANGLE);
        float x2 = x * x;
        float sin = Math.fma(Math.fma(S2, x2, S1), x2, S0) * x;
        float cos = Math.fma(Math.fma(Math.fma(C3, x2, C2), x2, C1), x2, C0);
        boolean sine = (j & SLOTS) != 0;
        float radius = (float) Math.sqrt(q);
        int sign = (sine ? angleWord : radiusWord) << 31;
        return Float.intBitsToFloat(Float.floatToRawIntBits(radius) ^ sign) * (sine ? cos + sin : cos - sin);
    }

    /**
     * −log₂(v/2³¹) for v in [1, 2³¹], within 3.2·10⁻⁶; never negative (0 at v = 2³¹, above 2·10⁻⁶ below it), so
     * its square root needs no clamp. GaussianNoiseTest checks both over every v of the top octave.
     */
    static float minusLog2(float v) {
        int bits = Float.floatToRawIntBits(v);
        float k = EXPONENT_TOP - (bits >>> 23);
        float t = Float.intBitsToFloat((bits & MANTISSA) | ONE_BITS) - 1f;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Q5, t, Q4), t, Q3), t, Q2), t, Q1), t, Q0);
        return Math.fma(p, t, k);
    }
}
