package io.lambdahat.data;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.lambdahat.tasks.InductionTask;

/**
 * The previous-token and induction scores of attention patterns built by hand, against their values in closed form:
 * a head that always attends to t − 1 scores 1 on the first, a head that attends to the position after the
 * token's first occurrence scores 1 on the second, and uniform causal attention (weight 1/(t + 1) on each of the
 * t + 1 keys of query t) scores the mean of 1/(t + 1) over the marked queries.
 */
class AttentionScoresTest {
    private static final int T = 32;

    @Test
    void previousTokenScoreOfHandBuiltPatterns() {
        InductionTask.Sequences seqs = new InductionTask(8, T, 11).sample(6, 3L);
        int b = seqs.count();
        // head 0 attends to t − 1 (query 0 to itself), head 1 uniformly; chain 1 has the heads the other way round
        double[] w = new double[2 * b * 2 * T * T];
        for (int c = 0; c < 2; c++) {
            for (int s = 0; s < b; s++) {
                for (int h = 0; h < 2; h++) {
                    boolean previous = (h == 0) == (c == 0);
                    for (int q = 0; q < T; q++) {
                        int at = (((c * b + s) * 2 + h) * T + q) * T;
                        if (previous) w[at + Math.max(0, q - 1)] = 1;
                        else for (int k = 0; k <= q; k++) w[at + k] = 1.0 / (q + 1);
                    }
                }
            }
        }
        double uniformPrevious = 0;
        for (int q = 1; q < T; q++) uniformPrevious += 1.0 / (q + 1) / (T - 1);
        try (Scope sc = Scope.open()) {
            Tensor pattern = Tensor.of(w, 2, b, 2, T, T);
            double[] score = InductionTask.attentionScore(pattern, InductionTask.previousTokenMask(T, Device.CPU)).toDoubleArray();
            assertEquals(1.0, score[0], 1e-12, "chain 0 head 0 attends to t − 1");
            assertEquals(uniformPrevious, score[1], 1e-12, "chain 0 head 1 is uniform");
            assertEquals(uniformPrevious, score[2], 1e-12, "chain 1 head 0 is uniform");
            assertEquals(1.0, score[3], 1e-12, "chain 1 head 1 attends to t − 1");
            // summed over the batch: the score times the B·(T − 1) marked pairs
            double[] sums = InductionTask.attentionOnMask(pattern, InductionTask.previousTokenMask(T, Device.CPU)).toDoubleArray();
            assertEquals(b * (T - 1.0), sums[0], 1e-9);
            assertEquals(uniformPrevious * b * (T - 1), sums[1], 1e-9);
        }
    }

    @Test
    void inductionScoreOfHandBuiltPatterns() {
        InductionTask task = new InductionTask(8, T, 12);
        InductionTask.Sequences seqs = task.sample(40, 5L);
        int b = seqs.count();
        // head 0 attends from the second occurrence of a token to the position after its first (t − p + 1) and to
        // t − 1 elsewhere; head 1 is uniform
        double[] w = new double[b * 2 * T * T];
        double uniformSum = 0;
        int marked = 0;
        for (int s = 0; s < b; s++) {
            int p = seqs.periods()[s];
            for (int q = 0; q < T; q++) {
                boolean secondOccurrence = p > 0 && q >= p && q < 2 * p;
                w[((s * 2) * T + q) * T + (secondOccurrence ? q - p + 1 : Math.max(0, q - 1))] = 1;
                for (int k = 0; k <= q; k++) w[((s * 2 + 1) * T + q) * T + k] = 1.0 / (q + 1);
                if (secondOccurrence) {
                    uniformSum += 1.0 / (q + 1);
                    marked++;
                }
            }
        }
        assertTrue(marked > 0, "some sequences are periodic");
        try (Scope sc = Scope.open()) {
            Tensor pattern = Tensor.of(w, 1, b, 2, T, T);
            Tensor mask = seqs.inductionMask(Device.CPU);
            assertEquals(marked, mask.sum().item(), 0, "one marked pair per second occurrence");
            double[] score = InductionTask.attentionScore(pattern, mask).toDoubleArray();
            assertEquals(1.0, score[0], 1e-12, "head 0 attends exactly to the induction key");
            assertEquals(uniformSum / marked, score[1], 1e-12, "head 1 is uniform");
            // the induction head's previous-token score: 1 except at the marked queries (periods ≥ 8, so t − p + 1 ≠ t − 1)
            double previous = InductionTask.attentionScore(pattern, InductionTask.previousTokenMask(T, Device.CPU)).toDoubleArray()[0];
            assertEquals(1.0 - (double) marked / (b * (T - 1)), previous, 1e-12);
        }
    }

    @Test
    void theInductionKeyHoldsTheTokenToPredict() {
        InductionTask.Sequences seqs = new InductionTask(16, T, 13).sample(200, 9L);
        int len = seqs.length();
        try (Scope sc = Scope.open()) {
            float[] mask = seqs.inductionMask(Device.CPU).toFloatArray();
            int marked = 0;
            for (int s = 0; s < seqs.count(); s++) {
                for (int q = 0; q < T; q++) {
                    for (int k = 0; k < T; k++) {
                        if (mask[(s * T + q) * T + k] == 0) continue;
                        marked++;
                        long[] tok = seqs.tokens();
                        // the query's token occurred at k − 1 before, and the key's token is the query's target
                        assertEquals(tok[s * len + q], tok[s * len + k - 1], "query " + q + " repeats the token before key " + k);
                        assertEquals(tok[s * len + q + 1], tok[s * len + k], "key " + k + " holds query " + q + "'s target");
                        assertTrue(k <= q, "causal");
                    }
                }
            }
            int expected = 0;
            for (int p : seqs.periods()) expected += p == 0 ? 0 : Math.min(2 * p, T) - p;
            assertEquals(expected, marked);
        }
    }

    @Test
    void aMaskThatMarksNothingGivesNaNAndMisfitsAreRefused() {
        try (Scope sc = Scope.open()) {
            Tensor pattern = Tensor.ones(DType.FLOAT64, Device.CPU, 1, 2, 1, 4, 4);
            assertTrue(Double.isNaN(InductionTask.attentionScore(pattern, Tensor.zeros(DType.FLOAT32, Device.CPU, 2, 4, 4)).item()));
            assertThrows(IllegalArgumentException.class, () -> InductionTask.attentionScore(pattern, Tensor.zeros(DType.FLOAT32, Device.CPU, 3, 4, 4)));
            assertThrows(IllegalArgumentException.class, () -> InductionTask.attentionScore(pattern.view(2, 1, 4, 4), Tensor.zeros(DType.FLOAT32, Device.CPU, 4, 4)));
            assertThrows(IllegalArgumentException.class, () -> InductionTask.previousTokenMask(1, Device.CPU));
        }
    }
}
