package io.lambdahat.simd;

import java.util.Arrays;

/**
 * Running mean and variance of a stream of d-dimensional observations, coordinate by coordinate (e.g. a posterior
 * mean and variance per parameter over draws, or one loss per chain), by Welford's update; two accumulators merge
 * by Chan's formula, so chains or threads can accumulate apart:
 * <pre>
 *   add x:      n ← n + 1,  δ = x − mean,  mean ← mean + δ/n,  M2 ← fma(δ, x − mean, M2)
 *   merge B:    n = n_A + n_B,  δ = mean_B − mean_A,  mean = mean_A + δ·(n_B/n),
 *               M2 = M2_A + M2_B + δ²·(n_A·n_B/n)
 *   variance = M2/(n − 1)
 * </pre>
 * The loops run on a {@link SimdProvider}'s kernel ({@link SimdProvider#runningMoments}); the vector and scalar
 * forms apply the same operations per coordinate and give bit-identical results.
 * Not thread-safe; use one per thread and merge.
 */
public final class RunningMoments {
    private final MomentsKernel kernel;
    private final double[] mean;
    private final double[] m2;
    private long count;

    RunningMoments(int dimension, MomentsKernel kernel) {
        if (dimension < 1) throw new IllegalArgumentException("dimension must be ≥ 1, got " + dimension);
        this.kernel = kernel;
        this.mean = new double[dimension];
        this.m2 = new double[dimension];
    }

    /**
     * Plain scalar updates, the oracle.
     *
     * @param dimension d, the coordinates per observation (&ge; 1)
     * @return an empty accumulator
     * @throws IllegalArgumentException if {@code dimension} is below 1
     */
    public static RunningMoments scalar(int dimension) {
        return new RunningMoments(dimension, ScalarMoments.INSTANCE);
    }

    /**
     * The coordinates per observation.
     *
     * @return d
     */
    public int dimension() {
        return mean.length;
    }

    /**
     * Observations added so far (merged ones included).
     *
     * @return n
     */
    public long count() {
        return count;
    }

    /**
     * Adds one observation of {@link #dimension()} coordinates.
     *
     * @param x the observation, read only
     * @throws IllegalArgumentException if {@code x} does not have d coordinates
     */
    public void add(double[] x) {
        if (x.length != mean.length) {
            throw new IllegalArgumentException("observation has " + x.length + " coordinates, expected " + mean.length);
        }
        count++;
        kernel.add(x, mean, m2, count);
    }

    /**
     * Adds a one-dimensional observation.
     *
     * @param x the observation
     * @throws IllegalArgumentException if the dimension is not 1
     */
    public void add(double x) {
        add(new double[] {x});
    }

    /**
     * Folds {@code other}'s observations into this accumulator (Chan et al.); {@code other} is unchanged.
     *
     * @param other an accumulator of the same dimension
     * @throws IllegalArgumentException if the dimensions differ
     */
    public void merge(RunningMoments other) {
        if (other.mean.length != mean.length) {
            throw new IllegalArgumentException("cannot merge dimension " + other.mean.length + " into " + mean.length);
        }
        if (other.count == 0) return;
        if (count == 0) {
            count = other.count;
            System.arraycopy(other.mean, 0, mean, 0, mean.length);
            System.arraycopy(other.m2, 0, m2, 0, m2.length);
            return;
        }
        double na = count, nb = other.count, n = na + nb;
        kernel.merge(mean, m2, other.mean, other.m2, nb / n, na * nb / n);
        count += other.count;
    }

    /**
     * The mean per coordinate.
     *
     * @return a copy of the d means (zeros before the first observation)
     */
    public double[] mean() {
        return mean.clone();
    }

    /**
     * The mean of one coordinate.
     *
     * @param coordinate in [0, d)
     * @return its mean
     */
    public double mean(int coordinate) {
        return mean[coordinate];
    }

    /**
     * Unbiased variance M2/(n − 1) per coordinate; NaN before two observations.
     *
     * @return a new array of d variances
     */
    public double[] variance() {
        double[] v = new double[m2.length];
        for (int j = 0; j < v.length; j++) v[j] = variance(j);
        return v;
    }

    /**
     * Unbiased variance M2/(n − 1) of one coordinate; NaN before two observations.
     *
     * @param coordinate in [0, d)
     * @return its variance
     */
    public double variance(int coordinate) {
        return count < 2 ? Double.NaN : m2[coordinate] / (count - 1);
    }

    /**
     * Σ (x − mean)² per coordinate (Welford's M2).
     *
     * @return a copy of the d sums
     */
    public double[] sumOfSquares() {
        return m2.clone();
    }

    @Override
    public String toString() {
        return "RunningMoments[n=" + count + ", mean=" + Arrays.toString(mean) + "]";
    }
}
