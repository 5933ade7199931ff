package io.lambdahat.nn;

import java.util.Map;

/**
 * The transformer's forward pass for one chain and one sequence in plain loops over positions, heads and
 * features: the oracle the tensor implementation is checked against. ReLU MLPs only (Java has no erf for GELU).
 */
final class ScalarTransformer {
    private ScalarTransformer() {}

    /** Logits [T][vocab] of one sequence; weights by name, flattened row-major in the layout's shapes. */
    static double[][] logits(TransformerConfig cfg, Map<String, double[]> w, long[] tokens) {
        return logits(cfg, w, tokens, null);
    }

    /** Every layer's attention pattern [layer][head][query][key] of one sequence (0 above the diagonal). */
    static double[][][][] patterns(TransformerConfig cfg, Map<String, double[]> w, long[] tokens) {
        double[][][][] patterns = new double[cfg.layers()][cfg.heads()][tokens.length][tokens.length];
        logits(cfg, w, tokens, patterns);
        return patterns;
    }

    private static double[][] logits(TransformerConfig cfg, Map<String, double[]> w, long[] tokens, double[][][][] patterns) {
        if (!cfg.attentionOnly() && cfg.activation() != TransformerConfig.Activation.RELU) {
            throw new IllegalArgumentException("the scalar twin has ReLU MLPs only");
        }
        int t = tokens.length, d = cfg.dModel(), v = cfg.vocab();
        double[][] resid = new double[t][d];
        double[] wE = w.get("embed.W_E"), wPos = w.get("pos_embed.W_pos");
        for (int i = 0; i < t; i++) for (int k = 0; k < d; k++) resid[i][k] = wE[(int) tokens[i] * d + k] + wPos[i * d + k];
        for (int l = 0; l < cfg.layers(); l++) {
            String pre = "blocks." + l + ".";
            double[][] attn = attention(cfg, w, pre, norm(cfg, w, pre + "ln1", resid), patterns == null ? null : patterns[l]);
            add(resid, attn);
            if (!cfg.attentionOnly()) add(resid, mlp(cfg, w, pre, norm(cfg, w, pre + "ln2", resid)));
        }
        double[][] fin = norm(cfg, w, "ln_final", resid);
        double[] wU = w.get("unembed.W_U"), bU = w.get("unembed.b_U");
        double[][] out = new double[t][v];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < v; j++) {
                double s = bU == null ? 0 : bU[j];
                for (int k = 0; k < d; k++) s += fin[i][k] * wU[k * v + j];
                out[i][j] = s;
            }
        }
        return out;
    }

    private static void add(double[][] a, double[][] b) {
        for (int i = 0; i < a.length; i++) for (int k = 0; k < a[i].length; k++) a[i][k] += b[i][k];
    }

    private static double[][] norm(TransformerConfig cfg, Map<String, double[]> w, String prefix, double[][] x) {
        if (!cfg.layerNorm()) return x;
        double[] g = w.get(prefix + ".w"), b = w.get(prefix + ".b");
        int d = cfg.dModel();
        double[][] out = new double[x.length][d];
        for (int i = 0; i < x.length; i++) {
            double mean = 0, var = 0;
            for (double v : x[i]) mean += v / d;
            for (double v : x[i]) var += (v - mean) * (v - mean) / d;
            for (int k = 0; k < d; k++) out[i][k] = (x[i][k] - mean) / Math.sqrt(var + 1e-5) * g[k] + (b == null ? 0 : b[k]);
        }
        return out;
    }

    private static double[][] attention(TransformerConfig cfg, Map<String, double[]> w, String pre, double[][] x, double[][][] pattern) {
        int t = x.length, d = cfg.dModel(), dh = cfg.dHead();
        double[] wQ = w.get(pre + "attn.W_Q"), wK = w.get(pre + "attn.W_K"), wV = w.get(pre + "attn.W_V"), wO = w.get(pre + "attn.W_O");
        double[] bQ = w.get(pre + "attn.b_Q"), bK = w.get(pre + "attn.b_K"), bV = w.get(pre + "attn.b_V"), bO = w.get(pre + "attn.b_O");
        double[][] out = new double[t][d];
        for (int h = 0; h < cfg.heads(); h++) {
            double[][] q = project(x, wQ, bQ, h, d, dh), k = project(x, wK, bK, h, d, dh), v = project(x, wV, bV, h, d, dh);
            for (int i = 0; i < t; i++) {
                double[] score = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int e = 0; e < dh; e++) s += q[i][e] * k[j][e];
                    score[j] = s / Math.sqrt(dh);
                    max = Math.max(max, score[j]);
                }
                double z = 0;
                for (int j = 0; j <= i; j++) z += score[j] = Math.exp(score[j] - max);
                if (pattern != null) for (int j = 0; j <= i; j++) pattern[h][i][j] = score[j] / z;
                double[] mixed = new double[dh];
                for (int j = 0; j <= i; j++) for (int e = 0; e < dh; e++) mixed[e] += score[j] / z * v[j][e];
                for (int m = 0; m < d; m++) {
                    double s = 0;
                    for (int e = 0; e < dh; e++) s += mixed[e] * wO[(h * dh + e) * d + m];
                    out[i][m] += s;
                }
            }
        }
        if (bO != null) for (double[] row : out) for (int m = 0; m < d; m++) row[m] += bO[m];
        return out;
    }

    /** Head h's projection x W[h] + b[h]: W [H, d, dh], b [H, dh]. */
    private static double[][] project(double[][] x, double[] wt, double[] b, int h, int d, int dh) {
        double[][] out = new double[x.length][dh];
        for (int i = 0; i < x.length; i++) {
            for (int e = 0; e < dh; e++) {
                double s = b == null ? 0 : b[h * dh + e];
                for (int k = 0; k < d; k++) s += x[i][k] * wt[(h * d + k) * dh + e];
                out[i][e] = s;
            }
        }
        return out;
    }

    private static double[][] mlp(TransformerConfig cfg, Map<String, double[]> w, String pre, double[][] x) {
        int d = cfg.dModel(), m = cfg.mlpWidth();
        double[] wIn = w.get(pre + "mlp.W_in"), bIn = w.get(pre + "mlp.b_in"), wOut = w.get(pre + "mlp.W_out"), bOut = w.get(pre + "mlp.b_out");
        double[][] out = new double[x.length][d];
        for (int i = 0; i < x.length; i++) {
            double[] hidden = new double[m];
            for (int j = 0; j < m; j++) {
                double s = bIn == null ? 0 : bIn[j];
                for (int k = 0; k < d; k++) s += x[i][k] * wIn[k * m + j];
                hidden[j] = Math.max(0, s);
            }
            for (int k = 0; k < d; k++) {
                double s = bOut == null ? 0 : bOut[k];
                for (int j = 0; j < m; j++) s += hidden[j] * wOut[j * d + k];
                out[i][k] = s;
            }
        }
        return out;
    }
}
