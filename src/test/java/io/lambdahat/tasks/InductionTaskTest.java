package io.lambdahat.tasks;

import io.lambdahat.torch.Device;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;
import io.lambdahat.data.Dataset;

/** The bigram chain, the periodic sequences and the scores, against their definitions and closed forms. */
class InductionTaskTest {
    @Test
    void gammaDrawsHaveTheRightMoments() {
        SplittableRandom rng = new SplittableRandom(1);
        for (double shape : new double[] {0.5, 3.7}) {
            int n = 200_000;
            double sum = 0, sq = 0;
            for (int i = 0; i < n; i++) {
                double g = InductionTask.gamma(shape, rng);
                sum += g;
                sq += g * g;
            }
            double mean = sum / n, var = sq / n - mean * mean;
            // Gamma(k, 1): mean k, variance k; the sample mean's standard error is √(k / n)
            assertEquals(shape, mean, 5 * Math.sqrt(shape / n), "mean of Gamma(" + shape + ")");
            assertEquals(shape, var, 0.03 * shape, "variance of Gamma(" + shape + ")");
        }
    }

    @Test
    void rowEntropiesMatchTheDirichletExpectation() {
        // E[H] of a Dirichlet(α·1_V) draw is ψ(Vα + 1) − ψ(α + 1); for V = 32, α = 1/2: ψ(17) − ψ(3/2) = H_16 − 2 + 2 ln 2
        double harmonic16 = 0;
        for (int k = 1; k <= 16; k++) harmonic16 += 1.0 / k;
        double expected = harmonic16 - 2 + 2 * Math.log(2);
        double sum = 0;
        int rows = 0;
        for (long seed = 0; seed < 20; seed++) {
            InductionTask task = InductionTask.standard(seed);
            double[][] p = task.transitionMatrix();
            for (int i = 0; i < 32; i++) {
                double rowSum = 0;
                for (double v : p[i]) {
                    assertTrue(v >= 0);
                    rowSum += v;
                }
                assertEquals(1.0, rowSum, 1e-12, "row " + i + " is a distribution");
                sum += task.rowEntropy(i);
                rows++;
            }
        }
        assertEquals(expected, sum / rows, 0.03, "mean row entropy (nats) over " + rows + " rows");
        double rate = InductionTask.standard(0).entropyRate();
        assertEquals(expected, rate, 0.3, "the entropy rate is near the mean row entropy (≈ 2.75 nats)");
    }

    @Test
    void stationaryDistributionIsStationary() {
        InductionTask task = new InductionTask(7, 10, 0.5, 2, 5, 3);
        double[] pi = task.stationaryDistribution();
        double[][] p = task.transitionMatrix();
        double total = 0;
        for (int j = 0; j < 7; j++) {
            double next = 0;
            for (int i = 0; i < 7; i++) next += pi[i] * p[i][j];
            assertEquals(pi[j], next, 1e-12);
            total += pi[j];
        }
        assertEquals(1.0, total, 1e-12);
    }

    @Test
    void transitionFrequenciesMatchTheMatrix() {
        InductionTask task = InductionTask.standard(5);
        double[][] p = task.transitionMatrix();
        InductionTask.Sequences seqs = task.sample(6000, 99L);
        long[][] counts = new long[32][32];
        int len = seqs.length(), plain = 0;
        for (int s = 0; s < seqs.count(); s++) {
            if (seqs.periods()[s] != 0) continue;  // a periodic sequence's wrap-around is a copy, not a transition
            plain++;
            for (int t = 0; t + 1 < len; t++) counts[(int) seqs.tokens()[s * len + t]][(int) seqs.tokens()[s * len + t + 1]]++;
        }
        assertTrue(plain > 2500 && plain < 3500, "about half the sequences are plain bigram sequences: " + plain);
        int checkedRows = 0;
        for (int i = 0; i < 32; i++) {
            long n = 0;
            for (long c : counts[i]) n += c;
            if (n < 500) continue;
            checkedRows++;
            for (int j = 0; j < 32; j++) {
                double f = (double) counts[i][j] / n;
                double sd = Math.sqrt(p[i][j] * (1 - p[i][j]) / n);
                assertEquals(p[i][j], f, 5 * sd + 1e-3, "P[" + i + "][" + j + "] from " + n + " transitions");
            }
        }
        assertTrue(checkedRows >= 16, "enough rows visited: " + checkedRows);
    }

    @Test
    void periodicSequencesArePeriodic() {
        InductionTask task = InductionTask.standard(8);
        InductionTask.Sequences seqs = task.sample(2000, 7L);
        int len = seqs.length(), periodic = 0;
        assertEquals(33, len);
        int[] seen = new int[17];
        for (int s = 0; s < seqs.count(); s++) {
            int period = seqs.periods()[s];
            if (period == 0) continue;
            periodic++;
            assertTrue(period >= 8 && period <= 16, "period " + period);
            seen[period]++;
            for (int t = period; t < len; t++) {
                assertEquals(seqs.tokens()[s * len + t % period], seqs.tokens()[s * len + t], "sequence " + s + " position " + t);
            }
        }
        // Binomial(2000, 0.5): standard deviation ≈ 22
        assertEquals(1000, periodic, 5 * Math.sqrt(2000 * 0.25));
        for (int period = 8; period <= 16; period++) assertTrue(seen[period] > 60, "period " + period + " drawn " + seen[period] + " times");
    }

    @Test
    void splitsShapesAndDeterminism() {
        InductionTask task = InductionTask.standard(2);
        InductionTask.Sequences a = task.sample(4, 11L), b = task.sample(4, 11L);
        assertArrayEquals(a.tokens(), b.tokens());
        assertArrayEquals(task.heldOut(5).tokens(), new InductionTask(32, 32, 2).heldOut(5).tokens(), "held-out set depends on the task seed only");
        try (Scope s = Scope.open()) {
            Dataset d = a.toDataset(Device.CPU);
            assertArrayEquals(new long[] {4, 32}, d.x().shape());
            long[] x = d.x().toLongArray(), y = d.y().toLongArray();
            for (int seq = 0; seq < 4; seq++) {
                for (int t = 0; t < 32; t++) {
                    assertEquals(a.tokens()[seq * 33 + t], x[seq * 32 + t]);
                    assertEquals(a.tokens()[seq * 33 + t + 1], y[seq * 32 + t], "targets are the inputs shifted by one");
                }
            }
            Tensor[] xy = task.batch(new SplittableRandom(3), 3, 5, Device.CPU);
            assertArrayEquals(new long[] {3, 5, 32}, xy[0].shape());
            assertArrayEquals(new long[] {3, 5, 32}, xy[1].shape());
            long[] bx = xy[0].contiguous().toLongArray(), by = xy[1].contiguous().toLongArray();
            for (int i = 0; i < 3 * 5; i++) assertEquals(bx[i * 32 + 5], by[i * 32 + 4]);
            d.close();
        }
    }

    @Test
    void repeatMaskMarksCopyablePositions() {
        InductionTask.Sequences seqs = new InductionTask.Sequences(new long[2 * 11], new int[] {4, 0}, 2, 11);
        try (Scope s = Scope.open()) {
            float[] m = seqs.repeatMask(Device.CPU).toFloatArray();
            // period 4: position t predicts token t + 1, a copy when t + 1 ≥ 4
            assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, m);
        }
    }

    @Test
    void iclScoreAndInductionAccuracy() {
        try (Scope s = Scope.open()) {
            // 1 chain, 2 sequences, 10 positions: loss[b][t] = 3 − 0.2 t + b
            double[] loss = new double[20];
            for (int b = 0; b < 2; b++) for (int t = 0; t < 10; t++) loss[b * 10 + t] = 3 - 0.2 * t + b;
            Tensor l = Tensor.of(loss, 1, 2, 10);
            // late: t = 6..9 (mean 7.5), early: t = 0..3 (mean 1.5): −0.2 × 6
            assertEquals(-1.2, InductionTask.iclScore(l).item(), 1e-12);
            assertEquals(-0.2 * 9, InductionTask.iclScore(l, 0, 1, 9, 10).item(), 1e-12);
            assertThrows(IllegalArgumentException.class, () -> InductionTask.iclScore(l, 0, 0, 9, 10));

            // vocab 3, 1 chain, 1 sequence, 4 positions; arg-max picks 0, 1, 2, 0; targets 0, 2, 2, 1
            Tensor logits = Tensor.of(new double[] {5, 0, 0, 0, 5, 0, 0, 0, 5, 5, 0, 0}, 1, 1, 4, 3);
            Tensor y = Tensor.of(new long[] {0, 2, 2, 1}, 1, 1, 4);
            Tensor mask = Tensor.of(new float[] {0, 1, 1, 1}, 1, 4);
            assertEquals(1.0 / 3, InductionTask.inductionAccuracy(logits, y, mask).item(), 1e-6);
        }
    }
}
