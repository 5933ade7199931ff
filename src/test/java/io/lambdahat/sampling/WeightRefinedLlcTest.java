package io.lambdahat.sampling;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.Losses;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.nn.ParameterMask;
import io.lambdahat.nn.Transformer;
import io.lambdahat.nn.TransformerConfig;
import io.lambdahat.tasks.Teachers;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Weight-refined λ̂: sampling only selected weights, the rest fixed at w*. */
class WeightRefinedLlcTest {
    /** Two linear regressions side by side with separate weights: y_a = a·x_a (d_a inputs), y_b = b·x_b (d_b inputs). */
    static final class TwoRegressions implements ChainModel {
        final int da, db;
        final ParameterLayout layout;

        TwoRegressions(int da, int db) {
            this.da = da;
            this.db = db;
            this.layout = ParameterLayout.builder().add("a.weight", 1, da).add("b.weight", 1, db).build();
        }

        public ParameterLayout layout() { return layout; }

        public Tensor loss(Map<String, Tensor> p, Tensor x, Tensor y) {
            Tensor xa = x.narrow(2, 0, da), xb = x.narrow(2, da, db);
            Tensor pa = xa.bmm(p.get("a.weight").transpose(1, 2)), pb = xb.bmm(p.get("b.weight").transpose(1, 2));
            return Losses.mse(Tensor.cat(2, pa, pb), y);
        }

        public String describe() { return "two regressions"; }

        /** n inputs U[−10, 10]^(da+db) and the noiseless outputs of w* (owned by the caller's scope). */
        Dataset teacherData(Generator g, Tensor wStar, int n) {
            Tensor x = Tensor.rand(g, DType.FLOAT32, Device.CPU, n, da + db).mul(20).sub(10);
            Map<String, Tensor> named = layout.unflatten(wStar);
            Tensor ya = x.narrow(1, 0, da).matmul(named.get("a.weight").transpose(0, 1));
            Tensor yb = x.narrow(1, da, db).matmul(named.get("b.weight").transpose(0, 1));
            return new Dataset(x, Tensor.cat(1, ya, yb));
        }
    }

    @Test
    void selectingEveryWeightGivesThePlainEstimateExactly() {
        DeepLinearNetwork model = new DeepLinearNetwork(4, 3, 4);
        SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-6).chains(2).burnin(50).draws(100).seed(2).build();
        try (Teachers.Task t = Teachers.dln(model, 1, Teachers.Options.of(5000, 1))) {
            LlcResult plain = new LangevinSampler(model, t.data(), cfg).run(t.teacherWeights());
            LlcResult all = new LangevinSampler(model, t.data(), cfg).restrictTo(ParameterMask.select(model.layout(), List.of("layers.*")))
                    .run(t.teacherWeights());
            assertArrayEquals(plain.llcPerChain(), all.llcPerChain(), 0.0);
        }
    }

    @Test
    void eachIndependentRegularPartHasHalfItsDimensionAndTheyAddUp() {
        int da = 3, db = 5;
        TwoRegressions model = new TwoRegressions(da, db);
        try (Scope s = Scope.open(); Generator g = new Generator(11)) {
            Tensor wStar = Tensor.randn(g, DType.FLOAT32, Device.CPU, da + db);
            Dataset data = model.teacherData(g, wStar, 10_000);
            SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-6).gamma(100).chains(4).burnin(1000).draws(2000).seed(5).build();
            double whole = new LangevinSampler(model, data, cfg).run(wStar).llcMean();
            double a = new LangevinSampler(model, data, cfg).restrictTo(ParameterMask.select(model.layout(), List.of("a.*"))).run(wStar).llcMean();
            double b = new LangevinSampler(model, data, cfg).restrictTo(ParameterMask.select(model.layout(), List.of("b.weight"))).run(wStar).llcMean();
            System.out.printf("two regressions: λ̂(a) = %.3f (1.5), λ̂(b) = %.3f (2.5), λ̂(whole) = %.3f (4.0)%n", a, b, whole);
            assertEquals(da / 2.0, a, 0.15 * da / 2.0);
            assertEquals(db / 2.0, b, 0.15 * db / 2.0);
            assertEquals(whole, a + b, 0.15 * whole);
        }
    }

    @Test
    void perChainMasksThatAreAllTheSameGiveTheSingleMaskEstimateExactly() {
        DeepLinearNetwork model = new DeepLinearNetwork(4, 3, 4);
        SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-6).chains(3).burnin(30).draws(60).seed(4).build();
        try (Teachers.Task t = Teachers.dln(model, 1, Teachers.Options.of(3000, 1))) {
            ParameterMask second = ParameterMask.select(model.layout(), List.of("layers.1.*"));
            LlcResult single = new LangevinSampler(model, t.data(), cfg).restrictTo(second).run(t.teacherWeights());
            LlcResult perChain = new LangevinSampler(model, t.data(), cfg).restrictPerChain(List.of(second, second, second)).run(t.teacherWeights());
            assertArrayEquals(single.llcPerChain(), perChain.llcPerChain(), 0.0);
            assertThrows(IllegalArgumentException.class, () -> new LangevinSampler(model, t.data(), cfg).restrictPerChain(List.of(second)));
        }
    }

    @Test
    void chainGroupsWithTheirOwnMasksEachEstimateTheirOwnPart() {
        // one batched run: chains 0–3 move only a (3 weights), chains 4–7 only b (5 weights)
        int da = 3, db = 5;
        TwoRegressions model = new TwoRegressions(da, db);
        try (Scope s = Scope.open(); Generator g = new Generator(11)) {
            Tensor wStar = Tensor.randn(g, DType.FLOAT32, Device.CPU, da + db);
            Dataset data = model.teacherData(g, wStar, 10_000);
            ParameterMask a = ParameterMask.select(model.layout(), List.of("a.*")), b = ParameterMask.select(model.layout(), List.of("b.*"));
            SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-6).gamma(100).chains(8).burnin(1000).draws(2000).seed(5).build();
            LlcResult r = new LangevinSampler(model, data, cfg).restrictPerChain(List.of(a, a, a, a, b, b, b, b)).run(wStar);
            double la = Arrays.stream(r.llcPerChain(), 0, 4).average().orElseThrow();
            double lb = Arrays.stream(r.llcPerChain(), 4, 8).average().orElseThrow();
            System.out.printf("per-chain masks: λ̂(a) = %.3f (1.5), λ̂(b) = %.3f (2.5)%n", la, lb);
            assertEquals(da / 2.0, la, 0.15 * da / 2.0);
            assertEquals(db / 2.0, lb, 0.15 * db / 2.0);
        }
    }

    @Test
    void everyAttentionHeadGetsItsOwnDisjointSlices() {
        Transformer model = new Transformer(TransformerConfig.attentionOnly(2, 2, 8, 6, 5).withBiases(true));
        Map<String, ParameterMask> heads = ParameterMask.heads(model.layout());
        assertEquals(List.of("L0H0", "L0H1", "L1H0", "L1H1"), List.copyOf(heads.keySet()));
        int dModel = 8, dHead = 4;
        long perHead = 4L * dModel * dHead + 3L * dHead; // W_Q, W_K, W_V [d, dh], W_O [dh, d]; b_Q, b_K, b_V [dh]
        float[] union = new float[Math.toIntExact(model.layout().size())];
        for (ParameterMask m : heads.values()) {
            assertEquals(perHead, m.count());
            float[] f = m.asFloats();
            for (int i = 0; i < f.length; i++) {
                union[i] += f[i];
                assertTrue(union[i] <= 1f, "heads overlap at coordinate " + i);
            }
        }
        long attention = model.layout().entries().stream().filter(e -> e.name().matches("blocks\\.\\d\\.attn\\.(W_.|b_[QKV])"))
                .mapToLong(ParameterLayout.Entry::size).sum();
        assertEquals(attention, 4 * perHead, "the heads cover every per-head attention weight");
        DeepLinearNetwork dln = new DeepLinearNetwork(2, 2);
        assertThrows(IllegalArgumentException.class, () -> ParameterMask.heads(dln.layout()));
    }

    @Test
    void selectorsNameWhatTheyMatch() {
        ParameterLayout l = ParameterLayout.builder().add("blocks.0.attn.W_Q", 4, 8, 2).add("blocks.0.attn.W_K", 4, 8, 2).add("embed.W_E", 10, 8).build();
        ParameterMask head = ParameterMask.select(l, List.of("blocks.0.attn.W_*[1]"));
        assertEquals(2 * 16, head.count());
        float[] f = head.asFloats();
        assertEquals(0f, f[15]);
        assertEquals(1f, f[16]);
        assertEquals(1f, f[31]);
        assertEquals(0f, f[32]);
        assertEquals(1f, f[64 + 16]);
        var e = assertThrows(IllegalArgumentException.class, () -> ParameterMask.select(l, List.of("mlp.*")));
        assertTrue(e.getMessage().contains("embed.W_E"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParameterMask.select(l, List.of("blocks.0.attn.W_Q[4]")));
    }
}
