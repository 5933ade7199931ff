package io.lambdahat.nn;

import io.lambdahat.tasks.InductionTask;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.tasks.InductionTrainingTask;
import io.lambdahat.tasks.TaskOptions;
import io.lambdahat.tasks.TaskRegistry;
import io.lambdahat.tasks.TrainingTask;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attention patterns the transformer exposes, and the per-head previous-token and induction scores the induction
 * task logs from them, against the scalar twin: every layer's softmax recomputed in plain loops, and the scores
 * summed from those patterns and the sequences' periods.
 */
class InductionHeadScoresTest {
    private static final double STD = 0.6;  // well above the 0.02 initialisation, so that the patterns are far from uniform

    @Test
    void patternsMatchTheScalarTwinAndLeaveTheLogitsAlone() {
        for (TransformerConfig cfg : List.of(TransformerConfig.attentionOnly(2, 2, 6, 6, 7),
                TransformerConfig.attentionOnly(2, 1, 4, 6, 7).withLayerNorm(false))) {
            for (int c : new int[] {1, 2}) {
                Transformer model = new Transformer(cfg);
                int b = 3, t = 6;
                long p = model.layout().size();
                try (Scope s = Scope.open(); Generator g = new Generator(31)) {
                    Tensor flat = Tensor.randn(g, DType.FLOAT64, Device.CPU, c, p).mul(STD);
                    double[] w = flat.toDoubleArray();
                    long[] tokens = Tensor.randint(g, 0, cfg.vocab(), Device.CPU, c, b, t).toLongArray();
                    Map<String, Tensor> views = TransformerTest.views(model.layout(), flat);
                    Tensor x = Tensor.of(tokens, c, b, t);
                    Transformer.Forward forward = model.forwardWithPatterns(views, x);
                    assertEquals(cfg.layers(), forward.patterns().size());
                    double[] logits = model.logits(views, x).toDoubleArray(), withPatterns = forward.logits().toDoubleArray();
                    // without patterns the attention runs in libtorch's fused kernel, which sums in another order:
                    // the same logits to float64 rounding
                    for (int i = 0; i < logits.length; i++) assertEquals(logits[i], withPatterns[i], 1e-12 * (1 + Math.abs(logits[i])), "the same logits");
                    for (int ch = 0; ch < c; ch++) {
                        Map<String, double[]> single = chainWeights(model.layout(), w, ch);
                        for (int bi = 0; bi < b; bi++) {
                            long[] seq = new long[t];
                            System.arraycopy(tokens, (ch * b + bi) * t, seq, 0, t);
                            double[][][][] twin = ScalarTransformer.patterns(cfg, single, seq);
                            for (int l = 0; l < cfg.layers(); l++) {
                                double[] got = forward.patterns().get(l).toDoubleArray();   // [C, B, H, T, T]
                                for (int h = 0; h < cfg.heads(); h++) {
                                    for (int q = 0; q < t; q++) {
                                        for (int k = 0; k < t; k++) {
                                            assertEquals(twin[l][h][q][k], got[(((ch * b + bi) * cfg.heads() + h) * t + q) * t + k], 1e-12,
                                                    cfg.describe() + " C " + c + " layer " + l + " head " + h + " query " + q + " key " + k);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void loggedHeadScoresMatchTheScalarTwin() throws Exception {
        int layers = 2, heads = 2, vocab = 8, context = 16, heldOut = 300;   // 300: a full chunk of 256 and a partial one
        Map<String, String> options = Map.of("n", "16", "held-out", Integer.toString(heldOut), "layers", "2", "heads", "2",
                "d-model", "8", "vocab", Integer.toString(vocab), "context", Integer.toString(context));
        try (TrainingTask task = TaskRegistry.get("induction").create(new TaskOptions(5, 8, options));
             Scope s = Scope.open(); Generator g = new Generator(32)) {
            Transformer model = (Transformer) task.model();
            TransformerConfig cfg = model.config();
            long p = model.layout().size();
            Tensor flat = Tensor.randn(g, DType.FLOAT32, Device.CPU, 1, p).mul(STD);
            Map<String, Double> metrics = task.evaluate(TransformerTest.views(model.layout(), flat)).metrics();

            Map<String, double[]> single = chainWeights(model.layout(), flat.to(DType.FLOAT64).toDoubleArray(), 0);
            InductionTask.Sequences seqs = ((InductionTrainingTask) task).heldOutSequences();
            double[][] previous = new double[layers][heads], induction = new double[layers][heads];
            int inductionPairs = 0;
            for (int sq = 0; sq < heldOut; sq++) {
                long[] x = new long[context];
                System.arraycopy(seqs.tokens(), sq * (context + 1), x, 0, context);
                double[][][][] pattern = ScalarTransformer.patterns(cfg, single, x);
                int period = seqs.periods()[sq];
                for (int l = 0; l < layers; l++) {
                    for (int h = 0; h < heads; h++) {
                        for (int q = 1; q < context; q++) previous[l][h] += pattern[l][h][q][q - 1];
                        if (period > 0) for (int q = period; q < Math.min(2 * period, context); q++) induction[l][h] += pattern[l][h][q][q - period + 1];
                    }
                }
                if (period > 0) inductionPairs += Math.min(2 * period, context) - period;   // second occurrences inside the context
            }
            double uniformPrevious = 0, farthest = 0;
            for (int q = 1; q < context; q++) uniformPrevious += 1.0 / (q + 1) / (context - 1);
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    double prev = previous[l][h] / (heldOut * (context - 1.0)), ind = induction[l][h] / inductionPairs;
                    assertEquals(prev, metrics.get("prev_token_l" + l + "h" + h), 1e-5, "previous-token score of layer " + l + " head " + h);
                    assertEquals(ind, metrics.get("induction_score_l" + l + "h" + h), 1e-5, "induction score of layer " + l + " head " + h);
                    farthest = Math.max(farthest, Math.abs(prev - uniformPrevious));
                }
            }
            // the weights make some head far from uniform attention, so the comparison tells patterns apart
            assertTrue(farthest > 0.05, "largest distance from uniform attention " + farthest);
            assertEquals(List.of("icl_score", "induction_accuracy", "prev_token_l0h0", "prev_token_l0h1", "prev_token_l1h0", "prev_token_l1h1",
                    "induction_score_l0h0", "induction_score_l0h1", "induction_score_l1h0", "induction_score_l1h1"), task.metricNames());
        }
    }

    private static Map<String, double[]> chainWeights(ParameterLayout layout, double[] w, int chain) {
        long p = layout.size();
        Map<String, double[]> single = new HashMap<>();
        for (ParameterLayout.Entry e : layout.entries()) {
            double[] v = new double[(int) e.size()];
            System.arraycopy(w, (int) (chain * p + e.offset()), v, 0, v.length);
            single.put(e.name(), v);
        }
        return single;
    }
}
