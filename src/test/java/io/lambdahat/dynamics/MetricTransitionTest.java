package io.lambdahat.dynamics;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The fastest change of a task metric over log step, on synthetic logs with a known transition. */
class MetricTransitionTest {
    /** A metric logged every 6 steps up to 3000 that drops by {@code drop} around {@code centre} (width w in ln step), plus noise. */
    static double[][] sigmoidLog(double centre, double w, double drop, double noise, long seed) {
        Random r = new Random(seed);
        int n = 501;
        double[] steps = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = 6.0 * i;
            double z = (Math.log(steps[i] + 1) - Math.log(centre + 1)) / w;
            y[i] = -drop / (1 + Math.exp(-z)) - 0.02 * Math.log(steps[i] + 1) + noise * r.nextGaussian();
        }
        return new double[][] {steps, y};
    }

    static long[] asSteps(double[] s) {
        long[] out = new long[s.length];
        for (int i = 0; i < s.length; i++) out[i] = (long) s[i];
        return out;
    }

    @Test
    void findsTheDropOfAnInductionLikeScoreAtItsCentre() {
        for (long seed = 1; seed <= 5; seed++) {
            double[][] log = sigmoidLog(1200, 0.12, 0.4, 0.01, seed);
            MetricTransition t = MetricTransition.fastest("icl_score", asSteps(log[0]), log[1], 1.0, 2.5).orElseThrow();
            // the slope of −drop·σ(z) peaks at z = 0 (step 1200); its half maximum spans z = ±1.76, i.e. 1200·e^(±0.21)
            // (the GP smoothing widens it a little: the ends are held to 15 % of the centre)
            assertEquals(Direction.DOWN, t.direction());
            assertEquals(1200, t.step(), 0.08 * 1200, "seed " + seed);
            assertTrue(t.stepLow() < 1200 && 1200 < t.stepHigh());
            assertEquals(1200 * Math.exp(-1.763 * 0.12), t.stepLow(), 0.15 * 1200, "seed " + seed);
            assertEquals(1200 * Math.exp(1.763 * 0.12), t.stepHigh(), 0.15 * 1200, "seed " + seed);
            assertTrue(t.valueAfter() < t.valueBefore());
        }
    }

    @Test
    void aFlatNoisyMetricHasNoTransition() {
        Random r = new Random(3);
        long[] steps = new long[400];
        double[] y = new double[400];
        for (int i = 0; i < 400; i++) {
            steps[i] = 5L * i;
            y[i] = 0.7 + 0.02 * r.nextGaussian();
        }
        Optional<MetricTransition> t = MetricTransition.fastest("accuracy", steps, y, 1.0, 2.5);
        assertTrue(t.isEmpty(), () -> "found " + t);
    }

    @Test
    void skipsMissingValuesAndRejectsMismatchedInput() {
        double[][] log = sigmoidLog(800, 0.15, -0.5, 0.005, 9); // a rise
        log[1][10] = Double.NaN;
        MetricTransition t = MetricTransition.fastest("accuracy", asSteps(log[0]), log[1], 1.0, 2.5).orElseThrow();
        assertEquals(Direction.UP, t.direction());
        assertEquals(800, t.step(), 0.08 * 800);
        assertThrows(IllegalArgumentException.class, () -> MetricTransition.fastest("x", new long[3], new double[2], 1.0, 2.5));
        assertTrue(MetricTransition.fastest("x", new long[] {1, 2, 3}, new double[] {1, 2, 3}, 1.0, 2.5).isEmpty());
    }
}
