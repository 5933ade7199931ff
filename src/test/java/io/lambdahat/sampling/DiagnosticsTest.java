package io.lambdahat.sampling;

import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every estimate says when it cannot be trusted: at a minimum with sane settings it is trusted; at a point that is not
 * a minimum the chains run downhill and it says "not a local minimum"; with ε far too small the chains are stuck, which
 * R̂ cannot see (all chains start at w* and move equally little) but the diffusion test and the rising trace do.
 */
class DiagnosticsTest {
    static LlcResult estimate(double teacherScale, double epsilon, double range, double noise) {
        DeepLinearNetwork model = new DeepLinearNetwork(4, 3, 4);
        try (Teachers.Task t = Teachers.dln(model, 1, new Teachers.Options(1000, 1, range, noise, DType.FLOAT32));
             Tensor w = t.teacherWeights().mul(teacherScale)) {
            SamplerConfig cfg = SamplerConfig.builder().epsilon(epsilon).gamma(DefaultSettings.gamma(1000 / Math.log(1000)))
                    .chains(4).burnin(1000).draws(1000).seed(3).build();
            return new LangevinSampler(model, t.data(), cfg).run(w);
        }
    }

    @Test
    void aMinimumWithTheRulesSettingsIsTrusted() {
        LlcResult r = estimate(1, DefaultSettings.epsilon(1000 / Math.log(1000)), 10, 0);
        System.out.printf("minimum: λ̂ = %.3f, %s%n", r.llcMean(), r.diagnostics().issues());
        Diagnostics d = r.diagnostics();
        assertTrue(d.trusted(), d.issues().toString());
        assertFalse(d.notLocalMinimum());
        assertEquals(0, d.stuckChains());
        assertEquals(0, d.negativeChains());
        assertTrue(java.util.Arrays.stream(d.diffusionRatio()).average().orElseThrow() < Diagnostics.STUCK_RATIO);
        @SuppressWarnings("unchecked") Map<String, Object> json = (Map<String, Object>) r.toJson().get("diagnostics");
        assertEquals(Boolean.TRUE, json.get("trusted"));
    }

    @Test
    void aPointThatIsNotAMinimumIsNamedSo() {
        // w* = teacher × 0.3: the same function shrunk, far from the minimum; the chains run downhill
        LlcResult r = estimate(0.3, DefaultSettings.epsilon(1000 / Math.log(1000)), 10, 0);
        System.out.printf("not a minimum: λ̂ = %.1f, %s%n", r.llcMean(), r.diagnostics().issues());
        Diagnostics d = r.diagnostics();
        assertTrue(r.llcMean() < 0);
        assertTrue(d.notLocalMinimum());
        assertFalse(d.trusted());
        assertEquals(Diagnostics.Kind.NOT_LOCAL_MINIMUM, d.issues().get(0).kind());
        assertEquals(Diagnostics.Severity.ERROR, d.issues().get(0).severity());
        assertFalse(r.warnings().stream().anyMatch(w -> w.contains("--")), "API warnings name no CLI flags: " + r.warnings());
    }

    @Test
    void stuckChainsAreAnErrorWhereRhatIsSilent() {
        // inputs U[−1, 1] make the loss 100 times flatter than the anchor's U[−10, 10]: at ε = 1e-6 the chains barely feel it
        LlcResult r = estimate(1, 1e-6, 1, 0.1);
        System.out.printf("stuck: λ̂ = %.3f, R̂ %.3f, ratios %s, %s%n", r.llcMean(), r.rhat(),
                java.util.Arrays.toString(r.diagnostics().diffusionRatio()), r.diagnostics().issues());
        Diagnostics d = r.diagnostics();
        assertTrue(d.stuckChains() > 0);
        assertFalse(d.trusted());
        assertTrue(d.issues().stream().anyMatch(i -> i.kind() == Diagnostics.Kind.STUCK_CHAINS && i.severity() == Diagnostics.Severity.ERROR));
        assertTrue(r.llcMean() < 0.6 * 6, "the stuck estimate is far below λ = 6: " + r.llcMean());
    }
}
