package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Functional;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.List;
import java.util.Map;

/**
 * The residual stream of a decoder-only transformer between its embedding and its unembedding, shared by the
 * token model and the in-context regression model. Every tensor carries the chain axis first: the stream is
 * [C, B, T, d_model] and every weight [C, ...]. Matrix products fold the batch into the rows ([C, B·T, d] @ [C, d, ·])
 * so each chain multiplies by its own weights in one bmm.
 */
final class TransformerBlocks {
    /** Attention in libtorch's fused kernel where the patterns are not wanted; LAMBDAHAT_FUSED_ATTENTION=0 turns it off. */
    static final boolean FUSED_ATTENTION = !"0".equals(System.getenv("LAMBDAHAT_FUSED_ATTENTION"));

    /** TransformerLens's LayerNorm epsilon. */
    static final double LN_EPS = 1e-5;
    /** Standard deviation of the Gaussian initialisation of every weight matrix. */
    static final double INIT_STD = 0.02;

    private final TransformerConfig cfg;

    TransformerBlocks(TransformerConfig cfg) {
        this.cfg = cfg;
    }

    static String block(int layer, String suffix) {
        return "blocks." + layer + "." + suffix;
    }

    /** Adds the parameters of every block and of the final LayerNorm, in TransformerLens's names and order. */
    void addParameters(ParameterLayout.Builder b) {
        int d = cfg.dModel(), h = cfg.heads(), dh = cfg.dHead();
        for (int l = 0; l < cfg.layers(); l++) {
            addNorm(b, block(l, "ln1"));
            b.add(block(l, "attn.W_Q"), h, d, dh);
            b.add(block(l, "attn.W_K"), h, d, dh);
            b.add(block(l, "attn.W_V"), h, d, dh);
            b.add(block(l, "attn.W_O"), h, dh, d);
            if (cfg.biases()) {
                b.add(block(l, "attn.b_Q"), h, dh);
                b.add(block(l, "attn.b_K"), h, dh);
                b.add(block(l, "attn.b_V"), h, dh);
                b.add(block(l, "attn.b_O"), d);
            }
            if (!cfg.attentionOnly()) {
                addNorm(b, block(l, "ln2"));
                b.add(block(l, "mlp.W_in"), d, cfg.mlpWidth());
                if (cfg.biases()) b.add(block(l, "mlp.b_in"), cfg.mlpWidth());
                b.add(block(l, "mlp.W_out"), cfg.mlpWidth(), d);
                if (cfg.biases()) b.add(block(l, "mlp.b_out"), d);
            }
        }
        addNorm(b, "ln_final");
    }

    private void addNorm(ParameterLayout.Builder b, String prefix) {
        if (!cfg.layerNorm()) return;
        b.add(prefix + ".w", cfg.dModel());
        if (cfg.biases()) b.add(prefix + ".b", cfg.dModel());
    }

    /**
     * Runs the blocks and the final LayerNorm over the embedded stream {@code resid} [C, B, T, d_model]; returns the
     * normalised stream of the same shape. Intermediates belong to the caller's scope.
     */
    Tensor run(Map<String, Tensor> p, Tensor resid) {
        return run(p, resid, null);
    }

    /**
     * {@link #run(Map, Tensor)} that also adds each layer's attention pattern [C, B, H, T, T] to {@code patterns}
     * (layer order; row i holds query i's weights over the keys), when it is not null.
     */
    Tensor run(Map<String, Tensor> p, Tensor resid, List<Tensor> patterns) {
        long t = resid.size(2);
        Tensor futureBias = causalBias(t, resid.dtype(), resid.device());
        for (int l = 0; l < cfg.layers(); l++) {
            resid = resid.add(attention(p, l, norm(p, block(l, "ln1"), resid), futureBias, patterns));
            if (!cfg.attentionOnly()) resid = resid.add(mlp(p, l, norm(p, block(l, "ln2"), resid)));
        }
        return norm(p, "ln_final", resid);
    }

    /** [T, T]: 0 where query i may attend to key j (j ≤ i), −∞ above the diagonal, to be added to the scores. */
    static Tensor causalBias(long t, DType dtype, Device device) {
        Tensor pos = Tensor.arange(t, device);
        Tensor future = pos.unsqueeze(0).gt(pos.unsqueeze(1));
        return Tensor.zeros(dtype, device, t, t).maskedFill(future, Double.NEGATIVE_INFINITY);
    }

    Tensor norm(Map<String, Tensor> p, String prefix, Tensor x) {
        if (!cfg.layerNorm()) return x;
        long c = x.size(0), d = cfg.dModel();
        if (c == 1) {
            // one chain (training): layer norm applies the gain and shift itself, one op forward and backward
            Tensor bias = cfg.biases() ? p.get(prefix + ".b").view(d) : null;
            return Functional.layerNorm(x, new long[] {d}, p.get(prefix + ".w").view(d), bias, LN_EPS);
        }
        Tensor normalised = Functional.layerNorm(x, new long[] {d}, null, null, LN_EPS);
        Tensor out = normalised.mul(p.get(prefix + ".w").view(c, 1, 1, d));
        if (cfg.biases()) out = out.add(p.get(prefix + ".b").view(c, 1, 1, d));
        return out;
    }

    private Tensor headsAsColumns(Tensor w) {
        long c = w.size(0);
        return w.permute(0, 2, 1, 3).reshape(c, cfg.dModel(), (long) cfg.heads() * cfg.dHead());
    }

    /**
     * Causal multi-head attention. Queries, keys and values come from three matrix products, each laid out as
     * [C·B·H, T, d_head] (a view when H = 1) so that the score and mixing products are plain batched products; the
     * 1/√d_head scale and the causal mask ride on the score product (baddbmm onto the −∞ bias) instead of being two
     * more passes over the [C·B·H, T, T] scores forward and backward. One fused [d, 3·H·d_head] product split into
     * q, k, v costs more than it saves: the backward of each of the three slices is a zero-filled gradient of the
     * whole [3, C·B·H, T, d_head] tensor, and the three are then summed, which at C = 8 chains was two thirds of the
     * backward pass on the induction model. Where the patterns are not asked for, the scores never exist: libtorch's
     * fused kernel ({@code scaled_dot_product_attention}, on the CPU the flash-attention kernel with a fused backward)
     * takes q, k, v as [C·B, H, T, d_head]; the same function within float rounding, 1.74× faster at the mid size
     * (bench/README.md, "On libtorch 2.x").
     */
    Tensor attention(Map<String, Tensor> p, int layer, Tensor x, Tensor futureBias, List<Tensor> patterns) {
        long c = x.size(0), b = x.size(1), t = x.size(2);
        long d = cfg.dModel(), h = cfg.heads(), dh = cfg.dHead();
        Tensor rows = x.reshape(c, b * t, d);
        Tensor q = heads(rows, p, layer, "Q", b, t);                           // [C·B, H, T, dh], views
        Tensor k = heads(rows, p, layer, "K", b, t);
        Tensor v = heads(rows, p, layer, "V", b, t);
        Tensor z;                                                              // [C·B, H, T, dh]
        if (patterns == null && FUSED_ATTENTION) {
            z = Functional.causalAttention(q, k, v);
        } else {
            long n = c * b * h;
            Tensor scores = futureBias.baddbmm(q.reshape(n, t, dh), k.reshape(n, t, dh).transpose(1, 2), 1.0,
                    1.0 / Math.sqrt(dh));                                      // [C·B·H, T, T]
            Tensor pattern = scores.softmax(-1);
            if (patterns != null) patterns.add(pattern.view(c, b, h, t, t));
            z = pattern.bmm(v.reshape(n, t, dh)).view(c * b, h, t, dh);
        }
        Tensor zRows = z.view(c, b, h, t, dh).permute(0, 1, 3, 2, 4).reshape(c, b * t, h * dh);
        Tensor out = zRows.bmm(p.get(block(layer, "attn.W_O")).reshape(c, h * dh, d));
        if (cfg.biases()) out = out.add(p.get(block(layer, "attn.b_O")).unsqueeze(1));
        return out.view(c, b, t, d);
    }

    /**
     * The queries (keys, values) of every head: rows [C, B·T, d] @ W_{Q|K|V}, laid out [C·B, H, T, d_head] (a view of
     * the product: the chains and the batch share the fused kernel's batch axis; for the explicit scores it is
     * reshaped to [C·B·H, T, d_head], a view when H = 1).
     */
    private Tensor heads(Tensor rows, Map<String, Tensor> p, int layer, String which, long b, long t) {
        long c = rows.size(0), h = cfg.heads(), dh = cfg.dHead();
        Tensor out = rows.bmm(headsAsColumns(p.get(block(layer, "attn.W_" + which))));   // [C, B·T, H·dh]
        if (cfg.biases()) out = out.add(p.get(block(layer, "attn.b_" + which)).reshape(c, h * dh).unsqueeze(1));
        return out.view(c * b, t, h, dh).permute(0, 2, 1, 3);
    }

    Tensor mlp(Map<String, Tensor> p, int layer, Tensor x) {
        long c = x.size(0), b = x.size(1), t = x.size(2), d = cfg.dModel();
        Tensor hidden = x.reshape(c, b * t, d).bmm(p.get(block(layer, "mlp.W_in")));
        if (cfg.biases()) hidden = hidden.add(p.get(block(layer, "mlp.b_in")).unsqueeze(1));
        hidden = cfg.activation() == TransformerConfig.Activation.GELU ? hidden.gelu() : hidden.relu();
        Tensor out = hidden.bmm(p.get(block(layer, "mlp.W_out")));
        if (cfg.biases()) out = out.add(p.get(block(layer, "mlp.b_out")).unsqueeze(1));
        return out.view(c, b, t, d);
    }

    /**
     * A flat [P] initialisation: LayerNorm gains 1, every bias 0, every other weight N(0, 0.02²), drawn in layout
     * order from {@code g}.
     */
    static Tensor initialWeights(ParameterLayout layout, Generator g, DType dtype) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException("weights need a floating-point dtype, got " + dtype);
        Tensor[] parts = new Tensor[layout.entries().size()];
        try (Scope s = Scope.open()) {
            int i = 0;
            for (ParameterLayout.Entry e : layout.entries()) {
                String leaf = e.name().substring(e.name().lastIndexOf('.') + 1);
                boolean isNorm = e.name().startsWith("ln_final.") || e.name().matches("blocks\\.\\d+\\.ln\\d\\..*");
                if (isNorm && leaf.equals("w")) parts[i++] = Tensor.ones(dtype, Device.CPU, e.size());
                else if (leaf.equals("b") || leaf.startsWith("b_")) parts[i++] = Tensor.zeros(dtype, Device.CPU, e.size());
                else parts[i++] = Tensor.randn(g, dtype, Device.CPU, e.size()).mul(INIT_STD);
            }
            return s.keep(Tensor.cat(0, parts));
        }
    }
}
