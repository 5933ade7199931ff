package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * The network of devinterp's grokking example, for C chains at once: (a, b) ↦ logits over a + b mod p. Both inputs
 * share one embedding table; each embedding goes through its own linear map, the two are summed, passed through
 * GELU and unembedded without bias. Parameters (devinterp's names, torch's [out, in] shapes, no chain axis):
 * <pre>
 * embedding.weight  [p, d]
 * linear1l.weight   [h, d]     linear1l.bias [h]     (the left input a)
 * linear1r.weight   [h, d]     linear1r.bias [h]     (the right input b)
 * linear2.weight    [p, h]
 * </pre>
 * Inputs are int64 pairs [C, B, 2], targets int64 classes [C, B]; the loss is cross-entropy in nats.
 */
public final class ModularAdditionMlp implements ChainModel {
    private final int modulus;
    private final int embedding;
    private final int hidden;
    private final ParameterLayout layout;

    /**
     * The network for one modulus.
     *
     * @param modulus   p, the number of residues (the vocabulary and the number of classes)
     * @param embedding d, the embedding width
     * @param hidden    h, the width of the hidden layer
     * @throws IllegalArgumentException if a size is below 1 (p below 2)
     */
    public ModularAdditionMlp(int modulus, int embedding, int hidden) {
        if (modulus < 2 || embedding < 1 || hidden < 1) {
            throw new IllegalArgumentException("modular addition needs p ≥ 2 and positive widths, got p = " + modulus
                    + ", embedding " + embedding + ", hidden " + hidden);
        }
        this.modulus = modulus;
        this.embedding = embedding;
        this.hidden = hidden;
        this.layout = ParameterLayout.builder()
                .add("embedding.weight", modulus, embedding)
                .add("linear1l.weight", hidden, embedding)
                .add("linear1l.bias", hidden)
                .add("linear1r.weight", hidden, embedding)
                .add("linear1r.bias", hidden)
                .add("linear2.weight", modulus, hidden)
                .build();
    }

    /** {@return p, the modulus} */
    public int modulus() {
        return modulus;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    /**
     * torch's default initialisation of these modules: the embedding N(0, 1), each linear weight and bias
     * U(−1/√fan-in, 1/√fan-in).
     *
     * @param g     the generator to draw from
     * @param dtype a floating type
     * @return the flat weights [P] on the CPU; the caller owns them
     */
    public Tensor initialWeights(Generator g, DType dtype) {
        try (Scope s = Scope.open()) {
            Tensor[] parts = new Tensor[layout.entries().size()];
            int i = 0;
            for (ParameterLayout.Entry e : layout.entries()) {
                if (e.name().equals("embedding.weight")) {
                    parts[i++] = Tensor.randn(g, dtype, Device.CPU, e.size());
                } else {
                    double bound = 1 / Math.sqrt(e.name().equals("linear2.weight") ? hidden : embedding);
                    parts[i++] = Tensor.rand(g, dtype, Device.CPU, e.size()).mul(2 * bound).sub(bound);
                }
            }
            return s.release(Tensor.cat(0, parts));
        }
    }

    /**
     * The logits of a + b mod p for each chain's pairs.
     *
     * @param p views [C, ...] of every parameter, by name
     * @param x int64 pairs (a, b) [C, B, 2] with entries in [0, p)
     * @return logits [C, B, p]; they and the intermediates belong to the caller's scope
     * @throws IllegalArgumentException if x is not int64 [C, B, 2] with the parameters' C
     */
    public Tensor logits(Map<String, Tensor> p, Tensor x) {
        Tensor table = p.get("embedding.weight");
        checkPairs(x, table.size(0));
        long c = x.size(0), b = x.size(1);
        // gather picks each chain's rows from its own table (a one-hot matmul would cost p times more)
        Tensor rows = x.reshape(c, b * 2).unsqueeze(2).expand(c, b * 2, embedding);
        Tensor e = table.gather(1, rows).view(c, b, 2, embedding);
        Tensor left = e.select(2, 0), right = e.select(2, 1);
        Tensor h = left.bmm(p.get("linear1l.weight").transpose(1, 2)).add(p.get("linear1l.bias").unsqueeze(1))
                .add(right.bmm(p.get("linear1r.weight").transpose(1, 2))).add(p.get("linear1r.bias").unsqueeze(1));
        return h.gelu().bmm(p.get("linear2.weight").transpose(1, 2));
    }

    @Override
    public Tensor outputs(Map<String, Tensor> p, Tensor x) {
        return logits(p, x);
    }

    @Override
    public Tensor loss(Map<String, Tensor> p, Tensor x, Tensor y) {
        return Losses.crossEntropy(logits(p, x), y);
    }

    /**
     * The fraction of each chain's pairs whose arg-max logit is the target.
     *
     * @param logits [C, B, p]
     * @param y      int64 targets [C, B]
     * @return accuracy per chain [C] (float32), owned by the caller's scope
     */
    public static Tensor accuracy(Tensor logits, Tensor y) {
        return logits.argmax(-1, false).eq(y).to(DType.FLOAT32).mean(false, 1);
    }

    private static void checkPairs(Tensor x, long chains) {
        if (x == null) throw new IllegalArgumentException("modular addition needs input pairs x [C, B, 2]");
        if (x.dim() != 3 || x.size(2) != 2) {
            throw new IllegalArgumentException("inputs must be pairs [C, B, 2] (chains, batch, (a, b)), got " + Arrays.toString(x.shape()));
        }
        if (x.dtype() != DType.INT64) throw new IllegalArgumentException("input residues must be int64, got " + x.dtype());
        if (x.size(0) != chains) {
            throw new IllegalArgumentException("inputs have " + x.size(0) + " chains but the parameters have " + chains
                    + "; give each chain its own batch (expand a shared one to [C, B, 2])");
        }
    }

    /** Itself: it keeps no state between calls, and each chain's loss depends on that chain's weights and data only. */
    @Override
    public ChainModel forAnotherThread() {
        return this;
    }

    @Override
    public String describe() {
        return "modular-addition MLP p=" + modulus + " d=" + embedding + " h=" + hidden;
    }
}
