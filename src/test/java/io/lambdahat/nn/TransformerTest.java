package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The transformer against a scalar twin (plain loops over positions and heads), finite-difference gradients in
 * float64, causality and chain independence.
 */
class TransformerTest {
    /** Every optional part on: biases, MLP, LayerNorm; 2 heads whose width differs from d_model / heads. */
    private static final TransformerConfig FULL = new TransformerConfig(2, 2, 4, 3, 5, 6, false, true, 8,
            TransformerConfig.Activation.GELU, true);

    /** Views [C, ...] into a flat [C, P] tensor, as ChainParameters makes them. */
    static Map<String, Tensor> views(ParameterLayout layout, Tensor flat) {
        long c = flat.size(0);
        Map<String, Tensor> m = new HashMap<>();
        for (ParameterLayout.Entry e : layout.entries()) {
            long[] shape = new long[e.shape().length + 1];
            shape[0] = c;
            System.arraycopy(e.shape(), 0, shape, 1, e.shape().length);
            m.put(e.name(), flat.narrow(1, e.offset(), e.size()).view(shape));
        }
        return m;
    }

    private static double[] randomWeights(ParameterLayout layout, int chains, long seed, double std) {
        try (Scope s = Scope.open(); Generator g = new Generator(seed)) {
            return Tensor.randn(g, DType.FLOAT64, Device.CPU, chains, layout.size()).mul(std).toDoubleArray();
        }
    }

    private static long[] randomTokens(long seed, long vocab, long... shape) {
        try (Scope s = Scope.open(); Generator g = new Generator(seed)) {
            return Tensor.randint(g, 0, vocab, Device.CPU, shape).toLongArray();
        }
    }

    @Test
    void inductionConfigurationHasTransformerLensNamesAndShapes() {
        Transformer model = new Transformer(TransformerConfig.induction());
        ParameterLayout l = model.layout();
        List<String> names = l.entries().stream().map(ParameterLayout.Entry::name).toList();
        assertEquals(List.of("embed.W_E", "pos_embed.W_pos",
                "blocks.0.ln1.w", "blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V", "blocks.0.attn.W_O",
                "blocks.1.ln1.w", "blocks.1.attn.W_Q", "blocks.1.attn.W_K", "blocks.1.attn.W_V", "blocks.1.attn.W_O",
                "ln_final.w", "unembed.W_U"), names);
        assertArrayEquals(new long[] {32, 32}, l.get("embed.W_E").shape());
        assertArrayEquals(new long[] {32, 32}, l.get("pos_embed.W_pos").shape());
        assertArrayEquals(new long[] {1, 32, 32}, l.get("blocks.1.attn.W_Q").shape());
        assertArrayEquals(new long[] {1, 32, 32}, l.get("blocks.1.attn.W_O").shape());
        assertArrayEquals(new long[] {32, 32}, l.get("unembed.W_U").shape());
        // W_E + W_pos + W_U, 2 × (ln1.w + 4 head matrices), ln_final.w
        assertEquals(3 * 32 * 32 + 2 * (32 + 4 * 32 * 32) + 32, l.size());
    }

    @Test
    void fullConfigurationHasEveryOptionalParameter() {
        ParameterLayout l = new Transformer(FULL).layout();
        assertArrayEquals(new long[] {2, 4, 3}, l.get(Transformer.block(1, "attn.W_K")).shape());
        assertArrayEquals(new long[] {2, 3, 4}, l.get(Transformer.block(1, "attn.W_O")).shape());
        assertArrayEquals(new long[] {2, 3}, l.get(Transformer.block(0, "attn.b_V")).shape());
        assertArrayEquals(new long[] {4}, l.get(Transformer.block(0, "attn.b_O")).shape());
        assertArrayEquals(new long[] {4, 8}, l.get(Transformer.block(1, "mlp.W_in")).shape());
        assertArrayEquals(new long[] {8, 4}, l.get(Transformer.block(1, "mlp.W_out")).shape());
        assertArrayEquals(new long[] {4}, l.get(Transformer.block(1, "ln2.b")).shape());
        assertArrayEquals(new long[] {6}, l.get("unembed.b_U").shape());
        long perLayer = 2 * 4 + 4 * 2 * 4 * 3 + 3 * 2 * 3 + 4 + 2 * 4 + 4 * 8 + 8 + 8 * 4 + 4;
        assertEquals(6 * 4 + 5 * 4 + 2 * perLayer + 2 * 4 + 4 * 6 + 6, l.size());
    }

    @Test
    void forwardShapes() {
        Transformer model = new Transformer(TransformerConfig.induction());
        int c = 2, b = 3, t = 7;
        try (Scope s = Scope.open()) {
            Tensor flat = Tensor.of(randomWeights(model.layout(), c, 1, 0.1), c, model.layout().size()).to(DType.FLOAT32);
            Map<String, Tensor> p = views(model.layout(), flat);
            Tensor x = Tensor.of(randomTokens(2, 32, c, b, t), c, b, t);
            Tensor y = Tensor.of(randomTokens(3, 32, c, b, t), c, b, t);
            assertArrayEquals(new long[] {c, b, t, 32}, model.logits(p, x).shape());
            assertArrayEquals(new long[] {c, b, t}, model.lossPerPosition(p, x, y).shape());
            Tensor loss = model.loss(p, x, y);
            assertArrayEquals(new long[] {c}, loss.shape());
            double[] perPosition = model.lossPerPosition(p, x, y).to(DType.FLOAT64).toDoubleArray();
            double[] perChain = loss.to(DType.FLOAT64).toDoubleArray();
            for (int ch = 0; ch < c; ch++) {
                double mean = 0;
                for (int i = 0; i < b * t; i++) mean += perPosition[ch * b * t + i] / (b * t);
                assertEquals(mean, perChain[ch], 1e-5, "the loss is the mean of the per-position losses");
            }
        }
    }

    @Test
    void logitsMatchScalarTwin() {
        for (TransformerConfig cfg : List.of(
                FULL.withMlp(8, TransformerConfig.Activation.RELU),
                TransformerConfig.attentionOnly(2, 2, 6, 5, 7),
                TransformerConfig.attentionOnly(1, 1, 4, 5, 7).withLayerNorm(false))) {
            // C = 1 (training) takes another layer-norm path than C > 1 (sampling)
            for (int c : new int[] {1, 2}) {
                Transformer model = new Transformer(cfg);
                int b = 2, t = 5;
                long p = model.layout().size();
                double[] w = randomWeights(model.layout(), c, 11, 0.5);
                long[] tokens = randomTokens(12, cfg.vocab(), c, b, t);
                try (Scope s = Scope.open()) {
                    Tensor flat = Tensor.of(w, c, p);
                    double[] logits = model.logits(views(model.layout(), flat), Tensor.of(tokens, c, b, t)).toDoubleArray();
                    for (int ch = 0; ch < c; ch++) {
                        Map<String, double[]> single = new HashMap<>();
                        for (ParameterLayout.Entry e : model.layout().entries()) {
                            double[] v = new double[(int) e.size()];
                            System.arraycopy(w, (int) (ch * p + e.offset()), v, 0, v.length);
                            single.put(e.name(), v);
                        }
                        for (int bi = 0; bi < b; bi++) {
                            long[] seq = new long[t];
                            System.arraycopy(tokens, (ch * b + bi) * t, seq, 0, t);
                            double[][] twin = ScalarTransformer.logits(cfg, single, seq);
                            for (int pos = 0; pos < t; pos++) {
                                for (int v = 0; v < cfg.vocab(); v++) {
                                    double got = logits[((ch * b + bi) * t + pos) * cfg.vocab() + v];
                                    assertEquals(twin[pos][v], got, 1e-10, cfg.describe() + " C = " + c + " chain " + ch + " seq " + bi + " pos " + pos + " logit " + v);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesWithEveryPart() {
        checkGradients(new Transformer(FULL), 2, 3, 5, 21);
        checkGradients(new Transformer(FULL), 1, 3, 5, 22); // one chain: layer norm applies its own gain and bias
    }

    @Test
    void gradientsMatchFiniteDifferencesAttentionOnly() {
        checkGradients(new Transformer(TransformerConfig.attentionOnly(2, 1, 4, 4, 5)), 2, 2, 4, 31);
    }

    /** Gradient of each chain's loss against central differences of that chain's loss, parameter by parameter. */
    private static void checkGradients(Transformer model, int c, int b, int t, long seed) {
        ParameterLayout layout = model.layout();
        long p = layout.size();
        int vocab = model.config().vocab();
        double[] w0 = randomWeights(layout, c, seed, 0.4);
        long[] xs = randomTokens(seed + 1, vocab, c, b, t);
        long[] ys = randomTokens(seed + 2, vocab, c, b, t);
        double[] grad;
        try (Scope s = Scope.open()) {
            Tensor flat = Tensor.of(w0, c, p).requiresGrad(true);
            model.loss(views(layout, flat), Tensor.of(xs, c, b, t), Tensor.of(ys, c, b, t)).sum().backward();
            grad = flat.grad().toDoubleArray();
        }
        try (var ng = Torch.noGrad()) {
            FiniteDifferences.checkPerParameter(layout, c, w0, grad, w -> lossOf(model, w, c, xs, ys, b, t), seed + 3);
        }
    }

    private static double[] lossOf(Transformer model, double[] w, int c, long[] xs, long[] ys, int b, int t) {
        try (Scope s = Scope.open()) {
            Tensor flat = Tensor.of(w, c, model.layout().size());
            return model.loss(views(model.layout(), flat), Tensor.of(xs, c, b, t), Tensor.of(ys, c, b, t)).toDoubleArray();
        }
    }

    @Test
    void changingALaterTokenLeavesEarlierLogitsUnchanged() {
        for (TransformerConfig cfg : List.of(TransformerConfig.induction().withContext(12), FULL.withContext(12))) {
            Transformer model = new Transformer(cfg);
            int c = 1, b = 1, t = 12, changed = 7;
            double[] w = randomWeights(model.layout(), c, 41, 0.5);
            long[] a = randomTokens(42, cfg.vocab(), c, b, t);
            long[] a2 = a.clone();
            a2[changed] = (a[changed] + 1) % cfg.vocab();
            try (Scope s = Scope.open()) {
                Map<String, Tensor> p = views(model.layout(), Tensor.of(w, c, model.layout().size()));
                double[] before = model.logits(p, Tensor.of(a, c, b, t)).toDoubleArray();
                double[] after = model.logits(p, Tensor.of(a2, c, b, t)).toDoubleArray();
                int v = cfg.vocab();
                for (int pos = 0; pos < t; pos++) {
                    double maxDiff = 0;
                    for (int k = 0; k < v; k++) maxDiff = Math.max(maxDiff, Math.abs(before[pos * v + k] - after[pos * v + k]));
                    if (pos < changed) assertEquals(0.0, maxDiff, 0.0, "position " + pos + " must not see token " + changed);
                    else assertTrue(maxDiff > 1e-6, "position " + pos + " must see token " + changed + " (max change " + maxDiff + ")");
                }
            }
        }
    }

    @Test
    void chainsAreIndependent() {
        Transformer model = new Transformer(FULL);
        int c = 3, b = 4, t = 5;
        long p = model.layout().size();
        double[] w = randomWeights(model.layout(), c, 51, 0.3);
        long[] xs = randomTokens(52, FULL.vocab(), c, b, t);
        long[] ys = randomTokens(53, FULL.vocab(), c, b, t);
        try (Scope s = Scope.open()) {
            Tensor flat = Tensor.of(w, c, p).requiresGrad(true);
            Tensor together = model.loss(views(model.layout(), flat), Tensor.of(xs, c, b, t), Tensor.of(ys, c, b, t));
            together.sum().backward();
            double[] losses = together.toDoubleArray();
            double[] grads = flat.grad().toDoubleArray();
            assertNotEquals(losses[0], losses[1], 1e-6, "different weights must give different losses");
            for (int ch = 0; ch < c; ch++) {
                double[] wc = new double[(int) p];
                System.arraycopy(w, (int) (ch * p), wc, 0, wc.length);
                long[] xc = new long[b * t], yc = new long[b * t];
                System.arraycopy(xs, ch * b * t, xc, 0, xc.length);
                System.arraycopy(ys, ch * b * t, yc, 0, yc.length);
                Tensor single = Tensor.of(wc, 1, p).requiresGrad(true);
                Tensor alone = model.loss(views(model.layout(), single), Tensor.of(xc, 1, b, t), Tensor.of(yc, 1, b, t));
                alone.sum().backward();
                assertEquals(alone.item(), losses[ch], 1e-12, "chain " + ch);
                double[] g = single.grad().toDoubleArray();
                for (int i = 0; i < p; i++) assertEquals(g[i], grads[(int) (ch * p + i)], 1e-12, "chain " + ch + " gradient " + i);
            }
        }
    }

    @Test
    void initialWeightsFollowTheInitialisation() {
        Transformer model = new Transformer(FULL.withMlp(64, TransformerConfig.Activation.GELU));
        try (Scope s = Scope.open(); Generator g = new Generator(7)) {
            Tensor w = model.initialWeights(g, DType.FLOAT64);
            assertArrayEquals(new long[] {model.layout().size()}, w.shape());
            Map<String, Tensor> p = views(model.layout(), w.unsqueeze(0));
            for (String ln : List.of("blocks.0.ln1.w", "blocks.1.ln2.w", "ln_final.w")) {
                for (double v : p.get(ln).contiguous().toDoubleArray()) assertEquals(1.0, v, 0.0, ln);
            }
            for (String bias : List.of("blocks.0.ln1.b", "blocks.0.attn.b_Q", "blocks.1.mlp.b_out", "unembed.b_U")) {
                for (double v : p.get(bias).contiguous().toDoubleArray()) assertEquals(0.0, v, 0.0, bias);
            }
            double[] wIn = p.get("blocks.0.mlp.W_in").contiguous().toDoubleArray(); // 256 draws
            double ss = 0;
            for (double v : wIn) ss += v * v;
            double std = Math.sqrt(ss / wIn.length);
            assertEquals(0.02, std, 0.02 * 5 / Math.sqrt(2 * wIn.length), "sample std of N(0, 0.02²)");
        }
    }

    @Test
    void badInputsAreExplained() {
        Transformer model = new Transformer(TransformerConfig.induction());
        try (Scope s = Scope.open()) {
            Map<String, Tensor> p = views(model.layout(), Tensor.zeros(DType.FLOAT32, Device.CPU, 2, model.layout().size()));
            Tensor floats = Tensor.zeros(DType.FLOAT32, Device.CPU, 2, 1, 4);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> model.logits(p, floats)).getMessage().contains("int64"));
            Tensor tooLong = Tensor.zeros(DType.INT64, Device.CPU, 2, 1, 33);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> model.logits(p, tooLong)).getMessage().contains("context"));
            Tensor oneChain = Tensor.zeros(DType.INT64, Device.CPU, 1, 1, 4);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> model.logits(p, oneChain)).getMessage().contains("chains"));
        }
        assertThrows(IllegalArgumentException.class, () -> TransformerConfig.attentionOnly(2, 3, 32, 32, 32));
        assertThrows(IllegalArgumentException.class, () -> TransformerConfig.induction().withMlp(0, TransformerConfig.Activation.GELU));
    }
}
