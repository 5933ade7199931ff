package io.lambdahat.sampling;

import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A diverging chain is reported and the others finish; the libtorch-ops update (the CUDA path) gives the same answers. */
class DivergenceAndKernelsTest {
    /** K(w) = w² for every chain but chain 1, whose loss is NaN: a regular 1-D potential, λ = 1/2. */
    static final class OneBadChain implements ChainModel {
        final ParameterLayout layout = ParameterLayout.builder().add("w", 1).build();

        public ParameterLayout layout() { return layout; }

        public Tensor loss(Map<String, Tensor> p, Tensor x, Tensor y) {
            Tensor w = p.get("w").select(1, 0);                       // [C]
            long c = w.size(0);
            double[] factor = new double[(int) c];
            java.util.Arrays.fill(factor, 1.0);
            if (c > 1) factor[1] = Double.NaN;   // (C = 1 is the full-data loss at w*)
            return w.square().mul(Tensor.of(factor, c).to(w.dtype()));
        }

        public String describe() { return "w² with a NaN chain"; }
    }

    @Test
    void aNanChainIsMarkedWithItsStepAndTheOthersFinish() {
        SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-3).gamma(0).chains(3).burnin(200).draws(2000).seed(2).build();
        try (Tensor origin = Tensor.zeros(DType.FLOAT32, Device.CPU, 1)) {
            LlcResult r = new LangevinSampler(new OneBadChain(), null, cfg).withN(1000).run(origin);
            assertEquals(1, r.diverged().size());
            assertEquals(1, r.diverged().get(0).chain());
            assertEquals(0, r.diverged().get(0).step());
            assertTrue(r.diverged().get(0).reason().contains("NaN"), r.diverged().get(0).reason());
            assertTrue(Double.isNaN(r.llcPerChain()[1]));
            assertTrue(r.warnings().stream().anyMatch(w -> w.contains("chain 1 diverged at step 0")), r.warnings().toString());
            // the healthy chains sample a regular 1-D potential: λ = 1/2
            assertEquals(0.5, r.llcMean(), 0.1);
        }
    }

    @Test
    void theLibtorchOpsUpdateRecoversTheRegularValueToo() {
        DeepLinearNetwork model = new DeepLinearNetwork(6, 1);
        SamplerConfig cfg = KnownLearningCoefficientTest.dlnSettings();
        try (Teachers.Task t = Teachers.dln(model, 1, Teachers.Options.of(10_000, 1))) {
            LlcResult r = new LangevinSampler(model, t.data(), cfg).update(new TorchOpsSgldUpdate()).run(t.teacherWeights());
            System.out.printf("linreg d=6 with the libtorch-ops update: λ̂ = %.3f (3.0)%n", r.llcMean());
            assertEquals(3.0, r.llcMean(), 0.3);
        }
    }

    /**
     * A run this small takes the scalar twin of the SGLD kernel (the Vector API kernel's JIT warm-up would cost more
     * than the run); forcing the vector kernel must give the same chains, draw for draw.
     */
    @Test
    void theVectorKernelAndItsScalarTwinGiveTheSameRun() {
        DeepLinearNetwork model = new DeepLinearNetwork(4, 3, 4);
        SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-4).gamma(100).chains(3).burnin(100).draws(300).batchSize(50).seed(4).build();
        assertTrue((long) cfg.chains() * model.layout().size() * cfg.totalSteps() < VectorSgldUpdate.SCALAR_BELOW);
        try (Teachers.Task t = Teachers.dln(model, 1, Teachers.Options.of(1_000, 3))) {
            LlcResult twin = new LangevinSampler(model, t.data(), cfg).run(t.teacherWeights());
            LlcResult vector = new LangevinSampler(model, t.data(), cfg)
                    .update(new VectorSgldUpdate(io.lambdahat.simd.SimdProvider.get().sgldKernel(), io.lambdahat.simd.SimdProvider.get().sgldKernel(), cfg.seed()))
                    .run(t.teacherWeights());
            for (int k = 0; k < cfg.chains(); k++) {
                assertEquals(twin.llcPerChain()[k], vector.llcPerChain()[k], 1e-4 * Math.abs(twin.llcPerChain()[k]), "chain " + k);
            }
            assertTrue(twin.llcMean() > 1, "a DLN [4,3,4] near its teacher has λ̂ well above 1: " + twin.llcMean());
        }
    }
}
