package io.lambdahat.gpu;

import io.lambdahat.torch.Device;
import io.lambdahat.torch.Torch;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.MetricsFile;
import io.lambdahat.run.MetricsRow;
import io.lambdahat.tasks.TaskRegistry;
import io.lambdahat.train.TrainConfig;
import io.lambdahat.train.Trainer;
import io.lambdahat.tasks.TrainingTask;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Training on CUDA follows training on the CPU, and a run paused on CUDA resumes to the same weights. */
class CudaTrainingTest {
    @BeforeAll
    static void needsCuda() {
        assumeTrue(Torch.cudaAvailable(), "no CUDA device: libtorch " + Torch.version() + " sees none");
    }

    private static final TrainConfig CONFIG = TrainConfig.builder().steps(200).batch(64).seed(3).optimizer("adamw").lr(1e-2)
            .clip(1.0).numCheckpoints(4).logEvery(50).build();

    private static void train(Path dir, Device device, Long stopAfter) throws IOException {
        try (TrainingTask t = TaskRegistry.get("dln").create(CONFIG.taskOptions(Map.of()))) {
            Trainer trainer = new Trainer("dln", t, CONFIG, dir).device(device);
            if (stopAfter != null) trainer.stopAfter(stopAfter);
            trainer.run();
        }
    }

    private static float[] finalWeights(Path dir) throws IOException {
        try (TrainingTask t = TaskRegistry.get("dln").create(CONFIG.taskOptions(Map.of()));
             Tensor w = Checkpoints.loadFlat(Checkpoints.list(dir).getLast().file(), t.model().layout())) {
            return w.toFloatArray();
        }
    }

    @Test
    void cudaTrainingFollowsTheCpu(@TempDir Path tmp) throws IOException {
        train(tmp.resolve("cpu"), Device.CPU, null);
        train(tmp.resolve("cuda"), Device.cuda(0), null);
        List<MetricsRow> cpu = MetricsFile.read(tmp.resolve("cpu").resolve(MetricsFile.NAME));
        List<MetricsRow> gpu = MetricsFile.read(tmp.resolve("cuda").resolve(MetricsFile.NAME));
        assertEquals(cpu.size(), gpu.size());
        for (int i = 0; i < cpu.size(); i++) {
            System.out.printf("step %d: held-out loss cpu %.6g cuda %.6g%n", cpu.get(i).step(), cpu.get(i).heldOutLoss(), gpu.get(i).heldOutLoss());
            assertEquals(cpu.get(i).heldOutLoss(), gpu.get(i).heldOutLoss(), 1e-3 * Math.abs(cpu.get(i).heldOutLoss()) + 1e-6);
        }
        assertTrue(gpu.getLast().heldOutLoss() < 0.9 * gpu.getFirst().heldOutLoss(), "no learning on CUDA: " + gpu);
    }

    @Test
    void aRunPausedOnCudaResumesToTheSameWeights(@TempDir Path tmp) throws IOException {
        train(tmp.resolve("whole"), Device.cuda(0), null);
        train(tmp.resolve("paused"), Device.cuda(0), 77L);
        train(tmp.resolve("paused"), Device.cuda(0), null);
        assertArrayEquals(finalWeights(tmp.resolve("whole")), finalWeights(tmp.resolve("paused")), 0f);
    }
}
