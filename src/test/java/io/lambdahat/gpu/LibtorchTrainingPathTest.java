package io.lambdahat.gpu;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import io.lambdahat.train.AdamW;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.MetricsFile;
import io.lambdahat.run.MetricsRow;
import io.lambdahat.train.Optimizer;
import io.lambdahat.train.Sgd;
import io.lambdahat.tasks.TaskRegistry;
import io.lambdahat.train.TorchOpsOptimizer;
import io.lambdahat.train.TrainConfig;
import io.lambdahat.train.Trainer;
import io.lambdahat.tasks.TrainingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training path CUDA runs (optimiser and clipping as libtorch ops on the flat tensor, losses read back in blocks)
 * forced on the CPU, against the Vector API kernels it stands in for.
 */
class LibtorchTrainingPathTest {
    private static final int P = 1031; // not a multiple of any vector width: the kernels' scalar tails run too

    /** Twenty updates of both versions from the same weights and gradients; float32 rounding apart, they agree. */
    private static void assertSameUpdates(Optimizer vector, Optimizer settings) {
        try (Scope s = Scope.open(); Generator g = new Generator(11); TorchOpsOptimizer ops = new TorchOpsOptimizer(settings, P, Device.CPU)) {
            Tensor w0 = Tensor.randn(g, DType.FLOAT32, Device.CPU, P);
            Tensor wVector = w0.copy(), wOps = w0.copy();
            for (int t = 0; t < 20; t++) {
                Tensor grad = Tensor.randn(g, DType.FLOAT32, Device.CPU, P).mul(t % 3 == 0 ? 10.0 : 0.1);
                double lr = 1e-2 * (1 + t % 4);
                vector.step(wVector.data(), grad.data(), lr);
                ops.step(wOps, grad, lr);
            }
            float[] a = wVector.toFloatArray(), b = wOps.toFloatArray(), start = w0.toFloatArray();
            double moved = 0;
            for (int i = 0; i < P; i++) {
                assertEquals(a[i], b[i], 2e-6 * (1 + Math.abs(a[i])), "weight " + i);
                moved = Math.max(moved, Math.abs(a[i] - start[i]));
            }
            assertTrue(moved > 1e-2, "the updates moved the weights by " + moved);
            assertEquals(vector.steps(), ops.steps());
            for (var e : vector.buffers().entrySet()) {
                float[] want = Tensor.fromSegment(e.getValue(), DType.FLOAT32, P).toFloatArray();
                float[] got = ops.buffers().get(e.getKey()).toFloatArray();
                for (int i = 0; i < P; i++) assertEquals(want[i], got[i], 2e-6 * (1 + Math.abs(want[i])), e.getKey() + " " + i);
            }
        }
    }

    @Test
    void adamWAsLibtorchOpsMatchesTheVectorKernel() {
        try (AdamW vector = new AdamW(P, 0.9, 0.999, 1e-8, 0.01); AdamW settings = new AdamW(0, 0.9, 0.999, 1e-8, 0.01)) {
            assertSameUpdates(vector, settings);
        }
    }

    @Test
    void sgdWithNesterovMomentumAsLibtorchOpsMatchesTheVectorKernel() {
        try (Sgd vector = new Sgd(P, 0.9, 0, true, 1e-3); Sgd settings = new Sgd(0, 0.9, 0, true, 1e-3)) {
            assertSameUpdates(vector, settings);
        }
        try (Sgd vector = new Sgd(P, 0.5, 0.25, false, 0); Sgd settings = new Sgd(0, 0.5, 0.25, false, 0)) {
            assertSameUpdates(vector, settings);
        }
    }

    private static TrainConfig config(String optimizer, double lr) {
        return TrainConfig.builder().steps(60).batch(16).seed(3).optimizer(optimizer).lr(lr).momentum(optimizer.equals("sgd") ? 0.9 : 0)
                .clip(0.5).numCheckpoints(4).logEvery(7).build();
    }

    private static void train(TrainConfig config, Path dir, boolean libtorch, Long stopAfter) throws IOException {
        try (TrainingTask t = TaskRegistry.get("dln").create(config.taskOptions(Map.of()))) {
            Trainer trainer = new Trainer("dln", t, config, dir).libtorchUpdates(libtorch);
            if (stopAfter != null) trainer.stopAfter(stopAfter);
            trainer.run();
        }
    }

    private static float[] finalWeights(Path dir) throws IOException {
        List<Checkpoints.Checkpoint> all = Checkpoints.list(dir);
        try (TrainingTask t = TaskRegistry.get("dln").create(config("sgd", 0.05).taskOptions(Map.of()));
             Tensor w = Checkpoints.loadFlat(all.getLast().file(), t.model().layout())) {
            return w.toFloatArray();
        }
    }

    @Test
    void trainingOnTheLibtorchPathFollowsTheVectorPath(@TempDir Path tmp) throws IOException {
        for (String optimizer : List.of("sgd", "adamw")) {
            TrainConfig config = config(optimizer, optimizer.equals("sgd") ? 0.05 : 1e-2);
            Path vector = tmp.resolve(optimizer + "-vector"), ops = tmp.resolve(optimizer + "-ops");
            train(config, vector, false, null);
            train(config, ops, true, null);
            List<MetricsRow> a = MetricsFile.read(vector.resolve(MetricsFile.NAME)), b = MetricsFile.read(ops.resolve(MetricsFile.NAME));
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).step(), b.get(i).step());
                if (i > 0) assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), 1e-4 * Math.abs(a.get(i).trainLoss()), optimizer + " row " + i);
                assertEquals(a.get(i).heldOutLoss(), b.get(i).heldOutLoss(), 1e-4 * Math.abs(a.get(i).heldOutLoss()), optimizer + " row " + i);
            }
            assertTrue(a.getLast().heldOutLoss() < 0.9 * a.getFirst().heldOutLoss(), optimizer + " did not learn: " + a);
            float[] wa = finalWeights(vector), wb = finalWeights(ops);
            for (int i = 0; i < wa.length; i++) assertEquals(wa[i], wb[i], 1e-4 * (1 + Math.abs(wa[i])), optimizer + " weight " + i);
        }
    }

    @Test
    void aPausedLibtorchRunResumesBitForBit(@TempDir Path tmp) throws IOException {
        TrainConfig config = config("adamw", 1e-2);
        train(config, tmp.resolve("whole"), true, null);
        train(config, tmp.resolve("paused"), true, 23L);   // mid-block and off the log grid
        train(config, tmp.resolve("paused"), true, null);
        assertArrayEquals(finalWeights(tmp.resolve("whole")), finalWeights(tmp.resolve("paused")), 0f);
        assertEquals(Files.readString(tmp.resolve("whole").resolve(MetricsFile.NAME)), Files.readString(tmp.resolve("paused").resolve(MetricsFile.NAME)));
        // a state saved by the Vector API path resumes on the libtorch path: same names, same values
        train(config, tmp.resolve("crossed"), false, 23L);
        train(config, tmp.resolve("crossed"), true, null);
        float[] whole = finalWeights(tmp.resolve("whole")), crossed = finalWeights(tmp.resolve("crossed"));
        for (int i = 0; i < whole.length; i++) assertEquals(whole[i], crossed[i], 1e-4 * (1 + Math.abs(whole[i])));
    }

    @Test
    void divergenceIsReportedAtTheSameUpdateOnBothPaths(@TempDir Path tmp) {
        TrainConfig config = TrainConfig.builder().steps(60).batch(16).seed(3).optimizer("sgd").lr(40).numCheckpoints(2).logEvery(60).build();
        String vector = assertThrows(IllegalStateException.class, () -> train(config, tmp.resolve("v"), false, null)).getMessage();
        String ops = assertThrows(IllegalStateException.class, () -> train(config, tmp.resolve("o"), true, null)).getMessage();
        assertTrue(vector.startsWith("training diverged at update "), vector);
        assertEquals(vector, ops);
    }

    @Test
    void clippingATensorMatchesClippingHostMemory() {
        try (Scope s = Scope.open(); Generator g = new Generator(5); var ng = Torch.noGrad()) {
            Tensor grad = Tensor.randn(g, DType.FLOAT32, Device.CPU, P).mul(3.0);
            double norm = io.lambdahat.train.GradientClipping.norm(grad.data());
            Tensor clipped = grad.copy();
            io.lambdahat.train.GradientClipping.clip(clipped.data(), 0.5 * norm);
            float[] want = clipped.toFloatArray();
            assertEquals(0.5 * norm, io.lambdahat.train.GradientClipping.norm(clipped.data()), 1e-5 * norm);
            Tensor onDevice = grad.copy();
            io.lambdahat.train.GradientClipping.clip(onDevice, 0.5 * norm);
            assertArrayEquals(want, onDevice.toFloatArray(), 1e-6f * (float) norm);
            // below the norm nothing changes
            Tensor untouched = grad.copy();
            io.lambdahat.train.GradientClipping.clip(untouched, 2 * norm);
            assertArrayEquals(grad.toFloatArray(), untouched.toFloatArray(), 0f);
        }
    }
}
