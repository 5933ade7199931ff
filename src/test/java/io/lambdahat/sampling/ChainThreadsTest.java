package io.lambdahat.sampling;

import io.lambdahat.torch.TorchException;
import io.lambdahat.data.Dataset;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.nn.Transformer;
import io.lambdahat.nn.TransformerConfig;
import io.lambdahat.tasks.InductionTask;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Supplier;

import static io.lambdahat.torchscript.TorchScriptFixtures.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chains evaluated in groups on several threads give each chain the numbers of the one-call path: the same draws' losses
 * to float32 rounding (the oracle is the one-thread run of the same seed), whatever the split, for the built-in transformer (autograd, no
 * state) and for TorchScript modules (one module copy per thread, buffers included), and a module that raises on a
 * worker thread fails the run as it does on one thread, leaving no tensor behind.
 */
class ChainThreadsTest {
    private static SamplerConfig config(int chains, int draws) {
        return SamplerConfig.builder().epsilon(1e-4).gamma(100).nbeta(100).chains(chains).burnin(5).draws(draws).batchSize(16)
                .seed(3).initLoss(InitLoss.MINIBATCH_MEAN).build();
    }

    private static void assertSameDraws(LlcResult one, LlcResult grouped, String what) {
        double[][] a = one.traces().loss(), b = grouped.traces().loss();
        assertEquals(a.length, b.length, what + ": chains");
        for (int c = 0; c < a.length; c++) {
            assertEquals(a[c].length, b[c].length, what + ": draws of chain " + c);
            for (int d = 0; d < a[c].length; d++) {
                // float32 rounding: a group of one chain may take other matrix kernels (a product instead of a batched one)
                assertEquals(a[c][d], b[c][d], 1e-6 * Math.max(1, Math.abs(a[c][d])), what + ": chain " + c + ", draw " + d);
            }
        }
        assertEquals(one.llcMean(), grouped.llcMean(), 1e-4 * Math.max(1, Math.abs(one.llcMean())), what + ": λ̂");
    }

    @Test
    void transformerChainsInGroupsGiveTheOneThreadDraws() {
        Transformer model = new Transformer(TransformerConfig.induction());
        try (Scope s = Scope.open(); Generator g = new Generator(7); Dataset data = InductionTask.standard(0).dataset(512, 11)) {
            Tensor wStar = model.initialWeights(g, DType.FLOAT32);
            LlcResult one = new LangevinSampler(model, data, config(5, 12)).chainThreads(1).run(wStar);
            // 5 chains in 2 groups (2 + 3) and in 3 groups (1 + 2 + 2): uneven splits
            for (int threads : new int[] {2, 3}) {
                assertSameDraws(one, new LangevinSampler(model, data, config(5, 12)).chainThreads(threads).run(wStar), threads + " threads");
            }
        }
    }

    @Test
    void torchScriptChainsInGroupsUseModuleCopiesWithTheCheckpointsBuffers() throws Exception {
        // BatchNorm's running statistics come from the checkpoint, not the file: the copies must carry them
        try (TorchScriptModel m = TorchScriptModel.load(file("normed.pt"), ScriptModule.Loss.CROSS_ENTROPY, Device.CPU);
             SafeTensorsFile f = SafeTensorsFile.open(file("normed_data.safetensors")); Scope s = Scope.open()) {
            Tensor w = m.loadWeights(file("normed_state.safetensors"));
            Dataset data = new Dataset(f.load("x"), f.load("y"));
            LlcResult one = new LangevinSampler(m, data, config(4, 10)).chainThreads(1).run(w);
            LlcResult two = new LangevinSampler(m, data, config(4, 10)).chainThreads(2).run(w);
            assertSameDraws(one, two, "2 threads");
        }
    }

    @Test
    void aModuleThatRaisesOnAWorkerThreadFailsTheRunAsOnOneThread() {
        try (TorchScriptModel m = TorchScriptModel.load(file("checked.pt"), ScriptModule.Loss.MSE, Device.CPU); Scope s = Scope.open();
             Generator g = new Generator(5)) {
            Tensor w = m.weights();
            // five input features where the module checks for four: forward raises in every group
            Dataset data = new Dataset(Tensor.randn(g, DType.FLOAT32, Device.CPU, 64, 5), Tensor.randn(g, DType.FLOAT32, Device.CPU, 64, 4));
            String oneThread = assertThrows(TorchException.class,
                    () -> new LangevinSampler(m, data, config(4, 3)).chainThreads(1).run(w)).getMessage();
            long before = Torch.liveTensors();
            String grouped = assertThrows(TorchException.class,
                    () -> new LangevinSampler(m, data, config(4, 3)).chainThreads(2).run(w)).getMessage();
            assertEquals(oneThread, grouped);
            assertTrue(grouped.contains("expected 4 input features"), grouped);
            assertEquals(before, Torch.liveTensors(), "the failed run left tensors behind");
        }
    }

    @Test
    void theDefaultUsesTheCoresLibtorchLeavesIdle() {
        assertEquals(2, StepGradient.groupsFor(Device.CPU, 8, 2, 1));
        assertEquals(1, StepGradient.groupsFor(Device.CPU, 8, 2, 2), "libtorch's own pool already uses both cores");
        assertEquals(3, StepGradient.groupsFor(Device.CPU, 3, 16, 1), "no more groups than chains");
        assertEquals(1, StepGradient.groupsFor(Device.CPU, 1, 16, 1));
        assertEquals(1, StepGradient.groupsFor(Device.CPU, 8, 16, 8), "an SMT host: the pool has the physical cores");
        assertEquals(1, StepGradient.groupsFor(Device.cuda(0), 8, 16, 1), "one group on CUDA");
    }

    @Test
    void aBuiltInModelIsItsOwnModelForAnotherThreadAndAModelThatSaysNothingStaysOnOne() {
        ChainModel model = new Transformer(TransformerConfig.induction());
        assertTrue(model.forAnotherThread() == model);
        assertEquals(null, new Delegate(model, null).forAnotherThread(), "the interface's default");
    }

    /**
     * A failure on a worker thread only (group 0, on the calling thread, succeeds) fails the run with that failure as
     * it was thrown, an exception or an error, after every group has finished, and leaves no tensor behind.
     */
    @Test
    void aFailureOnAWorkerThreadOnlyFailsTheRunAndLeavesNoTensorBehind() {
        Transformer model = new Transformer(TransformerConfig.induction());
        try (Scope s = Scope.open(); Generator g = new Generator(7); Dataset data = InductionTask.standard(0).dataset(256, 11)) {
            Tensor wStar = model.initialWeights(g, DType.FLOAT32);
            long before = Torch.liveTensors();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LangevinSampler(
                    new Delegate(model, () -> new IllegalArgumentException("copy refuses")), data, config(4, 3)).chainThreads(2).run(wStar));
            assertEquals("copy refuses", e.getMessage());
            assertEquals(before, Torch.liveTensors(), "the failed run left tensors behind");
            AssertionError err = assertThrows(AssertionError.class, () -> new LangevinSampler(
                    new Delegate(model, () -> new AssertionError("copy breaks")), data, config(4, 3)).chainThreads(2).run(wStar));
            assertEquals("copy breaks", err.getMessage());
            assertEquals(before, Torch.liveTensors(), "the failed run left tensors behind");
        }
    }

    /** A model that evaluates like another; its copies for other threads throw what {@code copiesThrow} makes. */
    private record Delegate(ChainModel inner, Supplier<Throwable> copiesThrow) implements ChainModel {
        @Override
        public ParameterLayout layout() {
            return inner.layout();
        }

        @Override
        public Tensor loss(Map<String, Tensor> params, Tensor x, Tensor y) {
            return inner.loss(params, x, y);
        }

        @Override
        public ChainModel forAnotherThread() {
            return copiesThrow == null ? null : new Throwing(inner.layout(), copiesThrow);
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    /** A model whose every loss throws. */
    private record Throwing(ParameterLayout layout, Supplier<Throwable> failure) implements ChainModel {
        @Override
        public Tensor loss(Map<String, Tensor> params, Tensor x, Tensor y) {
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) throw r;
            throw (Error) t;
        }

        @Override
        public String describe() {
            return "a model that throws";
        }
    }
}
