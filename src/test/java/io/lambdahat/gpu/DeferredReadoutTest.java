package io.lambdahat.gpu;

import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.sampling.TorchOpsSgldUpdate;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sampler loop CUDA runs (losses and norms kept in device buffers, read back once per block of steps) forced on
 * the CPU against the per-step loop: the healthy chains' results must not depend on the block length at all, and
 * a chain that breaks in the middle of a block is marked at the very step the per-step loop marks it.
 */
class DeferredReadoutTest {
    private static final DeepLinearNetwork DLN = new DeepLinearNetwork(4, 3, 4);

    private static SamplerConfig settings() {
        return SamplerConfig.builder().epsilon(1e-6).gamma(100).chains(3).burnin(40).draws(60).stepsBetweenDraws(2)
                .batchSize(64).seed(7).build();
    }

    private static LlcResult dln(int readout, boolean libtorchOps, List<double[]> observed) {
        try (Teachers.Task t = Teachers.dln(DLN, 1, Teachers.Options.of(2_000, 1))) {
            LangevinSampler s = new LangevinSampler(DLN, t.data(), settings()).lossReadout(readout)
                    .observer((step, total, losses) -> observed.add(concat(step, losses)));
            if (libtorchOps) s.update(new TorchOpsSgldUpdate());
            return s.run(t.teacherWeights());
        }
    }

    private static double[] concat(long step, double[] losses) {
        double[] out = new double[losses.length + 1];
        out[0] = step;
        System.arraycopy(losses, 0, out, 1, losses.length);
        return out;
    }

    private static void assertSameRun(LlcResult a, LlcResult b) {
        assertArrayEquals(a.llcPerChain(), b.llcPerChain(), 0.0);
        assertEquals(a.initLoss(), b.initLoss(), 0.0);
        for (int k = 0; k < a.llcPerChain().length; k++) {
            assertArrayEquals(a.lossTrace()[k], b.lossTrace()[k], 0.0, "loss trace of chain " + k);
            // a diverged chain's norms after its divergence mean nothing (the block loop records them as NaN)
            if (Double.isNaN(a.llcPerChain()[k])) continue;
            assertArrayEquals(a.distanceTrace()[k], b.distanceTrace()[k], 0.0, "distance trace of chain " + k);
            assertArrayEquals(a.weightNormTrace()[k], b.weightNormTrace()[k], 0.0);
            assertArrayEquals(a.driftNormTrace()[k], b.driftNormTrace()[k], 0.0);
            assertArrayEquals(a.noiseNormTrace()[k], b.noiseNormTrace()[k], 0.0);
        }
        assertArrayEquals(a.malaAcceptance(), b.malaAcceptance(), 0.0);
        assertEquals(a.diverged(), b.diverged());
    }

    @Test
    void libtorchOpsUpdateGivesTheSameRunWhateverTheBlockLength() {
        List<double[]> perStep = new ArrayList<>(), blocked = new ArrayList<>();
        LlcResult a = dln(1, true, perStep);
        LlcResult b = dln(16, true, blocked); // 160 steps: 10 blocks, the draws' norms read from the device buffer
        LlcResult c = dln(7, true, new ArrayList<>()); // blocks that straddle draws and the burn-in's end, a short last block
        assertTrue(a.llcMean() > 0, "λ̂ = " + a.llcMean());
        assertSameRun(a, b);
        assertSameRun(a, c);
        // the observer hears every step, in order, with the same losses
        assertEquals(settings().totalSteps(), blocked.size());
        for (int i = 0; i < perStep.size(); i++) assertArrayEquals(perStep.get(i), blocked.get(i), 0.0, "observer call " + i);
    }

    @Test
    void vectorKernelGivesTheSameRunInBlocksToo() {
        // other kernels return their norms on the host: the block loop keeps them until the read-back
        assertSameRun(dln(1, false, new ArrayList<>()), dln(16, false, new ArrayList<>()));
    }

    /** K(w) = w² per chain; chain 1's loss turns NaN from its {@code breakAt}-th step on (mid-block). */
    static final class BreaksAtStep implements ChainModel {
        final ParameterLayout layout = ParameterLayout.builder().add("w", 2).build();
        final int breakAt;
        int steps;

        BreaksAtStep(int breakAt) {
            this.breakAt = breakAt;
        }

        public ParameterLayout layout() { return layout; }

        public Tensor loss(Map<String, Tensor> p, Tensor x, Tensor y) {
            Tensor w = p.get("w");                       // [C, 2]
            long c = w.size(0);
            double[] factor = new double[(int) c];
            Arrays.fill(factor, 1.0);
            if (c > 1 && steps++ >= breakAt) factor[1] = Double.NaN; // C = 1 is the full-data loss at w*
            return w.square().sum(false, 1).mul(Tensor.of(factor, w.device(), c).to(w.dtype()));
        }

        public String describe() { return "w² whose chain 1 breaks at step " + breakAt; }
    }

    @Test
    void aChainBreakingMidBlockIsMarkedAtItsStep() {
        SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-3).gamma(0).chains(3).burnin(20).draws(200).seed(2).build();
        Supplier<LlcResult> perStep = () -> run(cfg, 1), blocked = () -> run(cfg, 16);
        LlcResult a = perStep.get(), b = blocked.get();
        assertEquals(1, b.diverged().size());
        assertEquals(1, b.diverged().get(0).chain());
        assertEquals(37, b.diverged().get(0).step());
        assertTrue(Double.isNaN(b.llcPerChain()[1]));
        assertSameRun(a, b);
        // draw 17 is step 37: from there chain 1 has neither losses nor norms; before it, the same as the per-step run
        assertTrue(Double.isNaN(b.lossTrace()[1][17]) && Double.isNaN(b.distanceTrace()[1][17]));
        assertArrayEquals(Arrays.copyOf(a.distanceTrace()[1], 17), Arrays.copyOf(b.distanceTrace()[1], 17), 0.0);
        // the healthy chains sample a regular 2-d potential: λ = 1
        assertEquals(1.0, b.llcMean(), 0.35);
    }

    private static LlcResult run(SamplerConfig cfg, int readout) {
        try (Tensor origin = Tensor.zeros(DType.FLOAT32, Device.CPU, 2)) {
            return new LangevinSampler(new BreaksAtStep(37), null, cfg).withN(1000).lossReadout(readout).update(new TorchOpsSgldUpdate()).run(origin);
        }
    }
}
