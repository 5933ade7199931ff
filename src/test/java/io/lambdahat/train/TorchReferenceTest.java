package io.lambdahat.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

/**
 * AdamW, SGD and one-cycle against torch 1.13's own torch.optim on the same float32 inputs; the numbers were
 * printed by src/test/resources/train/optim_fixture.py (rerun it with Debian's /usr/bin/python3 to regenerate the fixture).
 */
class TorchReferenceTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    static JsonNode fixture() throws Exception {
        try (InputStream in = TorchReferenceTest.class.getResourceAsStream("/train/torch_optim.json")) {
            assertNotNull(in, "fixture src/test/resources/train/torch_optim.json is missing");
            return new ObjectMapper().readTree(in);
        }
    }

    static MemorySegment floats(Arena arena, JsonNode values) {
        MemorySegment s = arena.allocate((long) values.size() * Float.BYTES, 4);
        for (int i = 0; i < values.size(); i++) s.setAtIndex(F, i, (float) values.get(i).asDouble());
        return s;
    }

    /**
     * Equal up to a few float32 ulps of {@code scale[i]}, the size of the terms that were summed into element i:
     * torch fuses and orders some multiply-adds differently, and a sum that cancels keeps the error of its terms.
     */
    static void assertClose(JsonNode expected, MemorySegment actual, double[] scale, String what) {
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i).asDouble(), a = actual.getAtIndex(F, i);
            assertEquals(e, a, 4 * Math.ulp((float) Math.max(Math.abs(e), scale[i])), what + "[" + i + "]");
        }
    }

    /** The largest |g_t[i]|^power over the updates, per element. */
    static double[] gradientScale(JsonNode gradients, int power) {
        double[] s = new double[gradients.get(0).size()];
        for (JsonNode g : gradients) for (int i = 0; i < s.length; i++) s[i] = Math.max(s[i], Math.pow(Math.abs(g.get(i).asDouble()), power));
        return s;
    }

    @Test
    void optimizersMatchTorchOptimStepByStep() throws Exception {
        JsonNode cases = fixture().get("optimizers");
        assertEquals(6, cases.size());
        for (JsonNode c : cases) {
            String name = c.get("optimizer").asText();
            int p = c.get("initial").size();
            try (Arena arena = Arena.ofConfined();
                 Optimizer opt = name.equals("adamw")
                         ? new AdamW(p, c.get("beta1").asDouble(), c.get("beta2").asDouble(), c.get("eps").asDouble(), c.get("weight_decay").asDouble())
                         : new Sgd(p, c.get("momentum").asDouble(), c.get("dampening").asDouble(), c.get("nesterov").asBoolean(), c.get("weight_decay").asDouble())) {
                MemorySegment w = floats(arena, c.get("initial"));
                double[] lrScale = new double[p];
                java.util.Arrays.fill(lrScale, c.get("lr").asDouble());
                for (int t = 0; t < c.get("gradients").size(); t++) {
                    opt.step(w, floats(arena, c.get("gradients").get(t)), c.get("lr").asDouble());
                    assertClose(c.get("params").get(t), w, lrScale, name + " " + opt.settings() + " w after update " + (t + 1));
                }
                var state = c.get("state").fields();
                int buffers = 0;
                while (state.hasNext()) {
                    var e = state.next();
                    double[] scale = gradientScale(c.get("gradients"), e.getKey().equals("exp_avg_sq") ? 2 : 1);
                    assertClose(e.getValue(), opt.buffers().get(e.getKey()), scale, name + " " + e.getKey());
                    buffers++;
                }
                assertEquals(buffers, opt.buffers().size(), name + " keeps the buffers torch keeps");
            }
        }
    }

    @Test
    void oneCycleMatchesTorchsOneCycleLR() throws Exception {
        for (JsonNode s : fixture().get("schedules")) {
            LearningRateSchedule schedule = LearningRateSchedule.oneCycle(s.get("max_lr").asDouble(), s.get("total_steps").asLong(),
                    s.get("pct_start").asDouble(), s.get("div_factor").asDouble(), s.get("final_div_factor").asDouble());
            JsonNode lrs = s.get("lrs");
            for (int t = 0; t < lrs.size(); t++) {
                assertEquals(lrs.get(t).asDouble(), schedule.lr(t), 1e-12 * s.get("max_lr").asDouble(), "lr(" + t + ") of " + s);
            }
        }
    }
}
