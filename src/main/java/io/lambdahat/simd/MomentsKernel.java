package io.lambdahat.simd;

/**
 * The per-coordinate loops of {@link RunningMoments}: Welford's update and Chan's merge. The vector and the scalar
 * implementation apply the same operations to each coordinate and give bit-identical results.
 */
interface MomentsKernel {
    /** Adds observation x as the n-th: δ = x − mean, mean ← mean + δ/n, M2 ← fma(δ, x − mean, M2). */
    void add(double[] x, double[] mean, double[] m2, double n);

    /** Folds (mean_B, M2_B) into (mean, M2): δ = mean_B − mean, mean += δ·weight, M2 += M2_B + δ²·cross. */
    void merge(double[] mean, double[] m2, double[] otherMean, double[] otherM2, double weight, double cross);
}
