package io.lambdahat.simd;

/** {@link MomentsKernel} one coordinate at a time: the oracle, and the tail of the vector loops. */
final class ScalarMoments implements MomentsKernel {
    static final ScalarMoments INSTANCE = new ScalarMoments();

    private ScalarMoments() {}

    @Override
    public void add(double[] x, double[] mean, double[] m2, double n) {
        add(x, mean, m2, n, 0);
    }

    static void add(double[] x, double[] mean, double[] m2, double n, int from) {
        for (int j = from; j < x.length; j++) {
            double delta = x[j] - mean[j];
            mean[j] += delta / n;
            m2[j] = Math.fma(delta, x[j] - mean[j], m2[j]);
        }
    }

    @Override
    public void merge(double[] mean, double[] m2, double[] otherMean, double[] otherM2, double weight, double cross) {
        merge(mean, m2, otherMean, otherM2, weight, cross, 0);
    }

    static void merge(double[] mean, double[] m2, double[] otherMean, double[] otherM2, double weight, double cross,
                      int from) {
        for (int j = from; j < mean.length; j++) {
            double delta = otherMean[j] - mean[j];
            mean[j] = mean[j] + delta * weight;
            m2[j] = m2[j] + otherM2[j] + delta * delta * cross;
        }
    }
}
