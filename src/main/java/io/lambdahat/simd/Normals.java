package io.lambdahat.simd;

/**
 * The definition of lambdahat's standard normal noise, as plain scalar code. {@link VectorGaussianNoise} evaluates
 * the very same float operations lane-wise, so both give bit-identical numbers at every SIMD width.
 *
 * <p>The number at (seed, stream, counter, index) is a pure function of those four values:
 * <ol>
 *   <li>stream key {@code K = mix64(mix64(seed) + stream·φ)}, with φ the 64-bit golden-ratio increment of SplitMix64
 *       and {@code mix64} its finaliser (Stafford's variant 13);</li>
 *   <li>word {@code h_k = mix64(K + (counter·2³² + k + 1)·φ)}: SplitMix64 run from the stream key, its position split
 *       into a counter (the sampler's step) and a word index inside the block. Distinct (counter, k) of one stream
 *       never share a word, so a stream does not repeat within 2³² blocks of 2³³ − 32 numbers;</li>
 *   <li>the indices come in groups of 32 made of 16 Box–Muller slots: slot {@code t} of group {@code g} takes its
 *       radius word from half {@code t mod 2} of {@code h_{16g + t/2}} and its angle word from the same half of
 *       {@code h_{16g + 8 + t/2}}; with {@code u = (top 24 bits of the radius word + 1)·2⁻²⁴ ∈ (0, 1]} and θ the
 *       uniform angle of {@link #trig} built from the angle word, index {@code 32g + t} is {@code √(−2 ln u)·cos θ}
 *       and index {@code 32g + 16 + t} is {@code √(−2 ln u)·sin θ}.</li>
 * </ol>
 * The slot layout lets a vector of up to 16 float lanes take the radius and angle words of its lanes straight from
 * two vectors of 64-bit words, with no lane shuffles, and share one logarithm and one sine/cosine evaluation
 * between the two numbers of each slot. ln, sin and cos are short minimax polynomials (Cephes' logf, sinf and cosf
 * kernels) evaluated with explicit fused multiply-adds, because the library routines of the scalar and vector paths
 * differ in their last bits. No range reduction is needed: the angle is built inside [−π/4, π/4). The tails stop
 * at √(2·24·ln 2) ≈ 5.77σ (probability 8·10⁻⁹), far beyond anything a Langevin step can notice.
 */
final class Normals {
    static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /**
     * Blocks (counters) per stream and numbers per block, bounded so that the word positions k + 1 ≤ 2³² − 1 of one
     * block never reach the next block's.
     */
    static final long COUNTER_LIMIT = 1L << 32;
    static final long INDEX_LIMIT = (1L << 33) - 32;

    /** Box–Muller slots per group; a group holds twice as many numbers (cosines, then sines). */
    static final int SLOTS = 16;
    static final int GROUP = 2 * SLOTS;

    /** The angle's 24 bits span a quarter turn centred on 0: x = (k − 2²³)·π/2²⁵. */
    static final int HALF_SECTOR = 1 << 23;
    static final float RADIANS_PER_STEP = (float) (Math.PI / (1 << 25));
    static final int SIGN = 0x80000000;
    static final float UNIT = 0x1p-24f;

    // ln(m) for m in [√½, √2): Cephes logf.
    static final int SQRT_HALF_BITS = 0x3F3504F3;
    static final float L0 = 3.3333331174E-1f, L1 = -2.4999993993E-1f, L2 = 2.0000714765E-1f, L3 = -1.6668057665E-1f,
            L4 = 1.4249322787E-1f, L5 = -1.2420140846E-1f, L6 = 1.1676998740E-1f, L7 = -1.1514610310E-1f,
            L8 = 7.0376836292E-2f;
    static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    // sin and cos on [−π/4, π/4]: Cephes sinf and cosf.
    static final float S1 = -1.6666654611E-1f, S2 = 8.3321608736E-3f, S3 = -1.9515295891E-4f;
    static final float C1 = 4.166664568298827E-2f, C2 = -1.388731625493765E-3f, C3 = 2.443315711809948E-5f;

    private Normals() {}

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long streamKey(long seed, long stream) {
        return mix64(mix64(seed) + stream * GOLDEN);
    }

    /** The SplitMix64 state just before pair 0 of block {@code counter}. */
    static long blockBase(long streamKey, long counter) {
        return streamKey + (counter << 32) * GOLDEN;
    }

    static void checkBlock(long counter, long index, long n) {
        if (counter < 0 || counter >= COUNTER_LIMIT) {
            throw new IllegalArgumentException("noise counter " + counter + " is outside [0, 2^32): use the step number "
                    + "of the run, which stays far below that");
        }
        if (index < 0 || n < 0 || index > INDEX_LIMIT - n) {
            throw new IllegalArgumentException("noise indices [" + index + ", " + index + " + " + n
                    + ") are outside [0, 2^33 - 32): one block holds fewer than 2^33 numbers; split larger draws over "
                    + "counters");
        }
    }

    /** The standard normal number at {@code index} of the block whose base is {@code base}. */
    static float normal(long base, long index) {
        long group = index / GROUP;
        int slot = (int) (index % SLOTS);
        long word = group * SLOTS + slot / 2;
        int half = (slot & 1) * Integer.SIZE;
        int radiusWord = (int) (mix64(base + (word + 1) * GOLDEN) >>> half);
        int angleWord = (int) (mix64(base + (word + 1 + SLOTS / 2) * GOLDEN) >>> half);
        float radius = (float) Math.sqrt(-2f * log(((radiusWord >>> 8) + 1) * UNIT));
        return radius * trig(angleWord, index % GROUP >= SLOTS);
    }

    /** ln u for a positive normal float u. */
    static float log(float u) {
        int ix = Float.floatToRawIntBits(u) - SQRT_HALF_BITS;
        int k = ix >> 23;
        float f = Float.intBitsToFloat((ix & 0x007FFFFF) + SQRT_HALF_BITS) - 1f;
        float z = f * f;
        // Estrin's scheme: a short dependency chain keeps the vector loop from stalling on latency.
        float z2 = z * z;
        float p = Math.fma(L8 * z2 + Math.fma(Math.fma(L7, f, L6), z, Math.fma(L5, f, L4)), z2,
                Math.fma(Math.fma(L3, f, L2), z, Math.fma(L1, f, L0)));
        float y = p * (f * z);
        float kf = k;
        y = Math.fma(kf, LN2_LO, y);
        y = Math.fma(z, -0.5f, y);
        float r = f + y;
        return Math.fma(kf, LN2_HI, r);
    }

    /**
     * sin θ (or cos θ) of a uniform angle θ drawn from a 32-bit word: its top 24 bits place x uniformly in
     * [−π/4, π/4), and its three low bits pick one of the eight signed permutations of (cos x, sin x) (the symmetries
     * of the square), which spread x's sector evenly over the circle.
     */
    static float trig(int word, boolean sine) {
        float x = ((word >>> 8) - HALF_SECTOR) * RADIANS_PER_STEP;
        float z = x * x;
        float sin = Math.fma(Math.fma(Math.fma(S3, z, S2), z, S1) * z, x, x);
        float cos = Math.fma(z * z, Math.fma(Math.fma(C3, z, C2), z, C1), Math.fma(-0.5f, z, 1f));
        boolean keep = (word & 1) == 0;
        float v = sine == keep ? sin : cos;
        int sign = (word << (sine ? 29 : 30)) & SIGN;
        return Float.intBitsToFloat(Float.floatToRawIntBits(v) ^ sign);
    }
}
