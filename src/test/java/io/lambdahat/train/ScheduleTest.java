package io.lambdahat.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Learning-rate and checkpoint schedules against their closed forms. */
class ScheduleTest {
    @Test
    void constantWithWarmupRisesLinearlyThenHolds() {
        LearningRateSchedule s = LearningRateSchedule.constant(0.2, 4);
        double[] expected = {0, 0.05, 0.1, 0.15, 0.2, 0.2, 0.2};
        for (int t = 0; t < expected.length; t++) assertEquals(expected[t], s.lr(t), 1e-15, "lr(" + t + ")");
        assertEquals(0.2, LearningRateSchedule.constant(0.2, 0).lr(0), 0);
    }

    @Test
    void warmupCosineHitsItsLandmarks() {
        double peak = 1e-3, min = 1e-5;
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(peak, 10, 110, min);
        assertEquals(0, s.lr(0), 0);
        assertEquals(peak / 2, s.lr(5), 1e-18);
        assertEquals(peak, s.lr(10), 1e-18, "the peak right after warm-up");
        assertEquals(min + (peak - min) / 2, s.lr(60), 1e-15, "half-way down the cosine is the mid-point");
        assertEquals(min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.lr(35), 1e-15);
        assertEquals(min, s.lr(110), 1e-18, "the floor at the end");
        assertEquals(min, s.lr(500), 1e-18, "and past it");
        for (int t = 11; t < 110; t++) assertTrue(s.lr(t) < s.lr(t - 1), "decreasing after warm-up at " + t);
    }

    @Test
    void oneCycleStartsPeaksAndEndsWhereTorchDoes() {
        LearningRateSchedule s = LearningRateSchedule.oneCycle(0.1, 100, 0.3, 25, 1e4);
        assertEquals(0.1 / 25, s.lr(0), 1e-15);
        assertEquals(0.1, s.lr(29), 1e-15, "the peak at step pct·N − 1");
        assertEquals(0.1 / 25 / 1e4, s.lr(99), 1e-15);
        LearningRateSchedule viaKind = LearningRateSchedule.of(LearningRateSchedule.Kind.ONECYCLE, 0.1, 0, 100);
        for (int t = 0; t < 100; t++) assertEquals(s.lr(t), viaKind.lr(t), 0);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.oneCycle(0.1, 3, 0.3, 25, 1e4));
    }

    @Test
    void checkpointStepsAreLinearLogOrBoth() {
        assertArrayEquals(new long[] {0, 25, 50, 75, 100}, CheckpointSchedule.steps(CheckpointSchedule.Kind.LINEAR, 100, 5));
        // round(1000^(i/4)) for i = 0..4 = 1, 6, 32, 178, 1000, plus step 0.
        assertArrayEquals(new long[] {0, 1, 6, 32, 178, 1000}, CheckpointSchedule.steps(CheckpointSchedule.Kind.LOG, 1000, 6));
        long[] both = CheckpointSchedule.steps(CheckpointSchedule.Kind.BOTH, 1000, 6);
        assertArrayEquals(new long[] {0, 1, 6, 32, 178, 200, 400, 600, 800, 1000}, both);
        long[] dense = CheckpointSchedule.steps(CheckpointSchedule.Kind.BOTH, 10, 100);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, dense, "duplicates merge when K exceeds N");
        long[] sorted = both.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, both);
        assertThrows(IllegalArgumentException.class, () -> CheckpointSchedule.steps(CheckpointSchedule.Kind.BOTH, 100, 1));
    }

    @Test
    void parsingNamesTheChoices() {
        assertEquals(LearningRateSchedule.Kind.ONECYCLE, LearningRateSchedule.Kind.parse("one-cycle"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.Kind.parse("step")).getMessage().contains("cosine"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CheckpointSchedule.Kind.parse("exp")).getMessage().contains("log, linear or both"));
    }
}
