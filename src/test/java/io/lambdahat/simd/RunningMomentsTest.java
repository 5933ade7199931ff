package io.lambdahat.simd;

import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class RunningMomentsTest {
    static Iterable<VectorSpecies<Float>> shapes() {
        return Shapes.all();
    }

    private static double[][] data(int draws, int dimension, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[draws][dimension];
        // An offset of 1e8 over a spread of ~1: Σx² − n·x̄² would lose every digit (errors ~1 in the variance);
        // Welford keeps about 1e-8 relative, the rounding of x − mean itself.
        for (double[] row : x) for (int j = 0; j < dimension; j++) row[j] = 1e8 + j + (j + 1) * r.nextGaussian();
        return x;
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void welfordMatchesTwoPassAndVectorEqualsScalar(VectorSpecies<Float> shape) {
        for (int dimension : new int[] {1, 3, shape.length() + 1, 37}) {
            double[][] x = data(500, dimension, dimension);
            RunningMoments v = new RunningMoments(dimension, new VectorMoments(Lanes.of(shape))), s = RunningMoments.scalar(dimension);
            for (double[] row : x) {
                v.add(row);
                s.add(row);
            }
            assertArrayEquals(s.mean(), v.mean(), 0, "vector and scalar apply the same operations");
            assertArrayEquals(s.sumOfSquares(), v.sumOfSquares(), 0);
            for (int j = 0; j < dimension; j++) {
                double mean = 0, ss = 0;
                for (double[] row : x) mean += row[j];
                mean /= x.length;
                for (double[] row : x) ss += (row[j] - mean) * (row[j] - mean);
                assertEquals(mean, v.mean(j), 1e-14 * Math.abs(mean));
                assertEquals(ss / (x.length - 1), v.variance(j), 1e-7 * ss / x.length, "variance " + j);
            }
            assertEquals(500, v.count());
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void chanMergeEqualsOneLongRun(VectorSpecies<Float> shape) {
        int dimension = 11;
        double[][] x = data(900, dimension, 3);
        RunningMoments all = new RunningMoments(dimension, new VectorMoments(Lanes.of(shape)));
        RunningMoments[] parts = {new RunningMoments(dimension, new VectorMoments(Lanes.of(shape))), new RunningMoments(dimension, new VectorMoments(Lanes.of(shape))),
                new RunningMoments(dimension, new VectorMoments(Lanes.of(shape)))};
        for (int i = 0; i < x.length; i++) {
            all.add(x[i]);
            parts[i < 100 ? 0 : i < 650 ? 1 : 2].add(x[i]);
        }
        RunningMoments merged = new RunningMoments(dimension, new VectorMoments(Lanes.of(shape)));
        for (RunningMoments p : parts) merged.merge(p);
        RunningMoments scalarMerged = RunningMoments.scalar(dimension);
        for (RunningMoments p : parts) scalarMerged.merge(p);
        assertEquals(all.count(), merged.count());
        assertArrayEquals(scalarMerged.mean(), merged.mean(), 0);
        assertArrayEquals(scalarMerged.sumOfSquares(), merged.sumOfSquares(), 0);
        for (int j = 0; j < dimension; j++) {
            assertEquals(all.mean(j), merged.mean(j), 1e-14 * Math.abs(all.mean(j)));
            assertEquals(all.variance(j), merged.variance(j), 1e-7 * all.variance(j));
        }
    }

    @Test
    void varianceNeedsTwoObservationsAndDimensionsMustAgree() {
        RunningMoments m = new RunningMoments(1, new VectorMoments(Lanes.DEFAULT));
        m.add(3.0);
        assertEquals(3.0, m.mean(0));
        assertTrue(Double.isNaN(m.variance(0)));
        m.add(5.0);
        assertEquals(2.0, m.variance(0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> m.add(new double[2]));
        assertThrows(IllegalArgumentException.class, () -> m.merge(RunningMoments.scalar(2)));
    }
}
