package io.lambdahat.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link MomentsKernel} in double lanes, the coordinates past the last whole vector by {@link ScalarMoments}. */
final class VectorMoments implements MomentsKernel {
    private final Lanes lanes;

    VectorMoments(Lanes lanes) {
        this.lanes = lanes;
    }

    @Override
    public void add(double[] x, double[] mean, double[] m2, double n) {
        VectorSpecies<Double> doubles = lanes.doubles();
        int j = 0;
        for (int upper = doubles.loopBound(x.length); j < upper; j += doubles.length()) {
            DoubleVector xv = DoubleVector.fromArray(doubles, x, j);
            DoubleVector mv = DoubleVector.fromArray(doubles, mean, j);
            DoubleVector delta = xv.sub(mv);
            mv = mv.add(delta.div(n));
            mv.intoArray(mean, j);
            delta.fma(xv.sub(mv), DoubleVector.fromArray(doubles, m2, j)).intoArray(m2, j);
        }
        ScalarMoments.add(x, mean, m2, n, j);
    }

    @Override
    public void merge(double[] mean, double[] m2, double[] otherMean, double[] otherM2, double weight, double cross) {
        VectorSpecies<Double> doubles = lanes.doubles();
        int j = 0;
        for (int upper = doubles.loopBound(mean.length); j < upper; j += doubles.length()) {
            DoubleVector ma = DoubleVector.fromArray(doubles, mean, j);
            DoubleVector delta = DoubleVector.fromArray(doubles, otherMean, j).sub(ma);
            ma.add(delta.mul(weight)).intoArray(mean, j);
            DoubleVector.fromArray(doubles, m2, j).add(DoubleVector.fromArray(doubles, otherM2, j))
                    .add(delta.mul(delta).mul(cross)).intoArray(m2, j);
        }
        ScalarMoments.merge(mean, m2, otherMean, otherM2, weight, cross, j);
    }
}
