package io.lambdahat.sampling;

import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.NormalCrossing;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.MemoryStats;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** Long runs keep native memory flat; estimates in parallel threads equal the same estimates run one after another. */
class LongRunAndThreadsTest {
    @Test
    void a100kStepRunKeepsLiveTensorsAndTheCHeapFlat() {
        NormalCrossing model = new NormalCrossing(1, 1);
        try (Tensor origin = Tensor.zeros(DType.FLOAT32, Device.CPU, 2)) {
            SamplerConfig warm = SamplerConfig.builder().epsilon(5e-4).gamma(1).chains(2).burnin(0).draws(5_000).seed(1).build();
            new LangevinSampler(model, null, warm).withN(1000).run(origin);
            long tensors = Torch.liveTensors();
            long heap = MemoryStats.nativeHeapInUse().orElse(-1L);
            long rss = MemoryStats.residentBytes();
            SamplerConfig cfg = warm.toBuilder().draws(100_000).build();
            LlcResult r = new LangevinSampler(model, null, cfg).withN(1000).run(origin);
            long heapEnd = MemoryStats.nativeHeapInUse().orElse(-1L);
            System.out.printf("100000 SGLD steps: live tensors %d -> %d; C heap %d -> %d bytes; RSS %d -> %d KiB; λ̂ %.3f%n",
                    tensors, Torch.liveTensors(), heap, heapEnd, rss / 1024, MemoryStats.residentBytes() / 1024, r.llcMean());
            assertEquals(tensors, Torch.liveTensors(), "no tensor outlives its step");
            // The traces are Java arrays; the C heap must not grow with the number of steps. One leaked tensor per step
            // would be > 20 MB here; the JVM's own mallocs (JIT arenas, GC tables) move it by up to a few MB.
            if (heap >= 0) assertTrue(heapEnd - heap < 8 << 20, "C heap grew by " + (heapEnd - heap) + " bytes");
        }
    }

    @Test
    void parallelEstimatesEqualSequentialOnes() throws Exception {
        DeepLinearNetwork model = new DeepLinearNetwork(4, 3, 4);
        SamplerConfig a = SamplerConfig.builder().epsilon(1e-6).chains(2).burnin(50).draws(100).seed(1).build();
        SamplerConfig b = a.toBuilder().seed(2).build();
        try (Teachers.Task t = Teachers.dln(model, 1, Teachers.Options.of(4000, 3))) {
            double[] sequentialA = new LangevinSampler(model, t.data(), a).run(t.teacherWeights()).llcPerChain();
            double[] sequentialB = new LangevinSampler(model, t.data(), b).run(t.teacherWeights()).llcPerChain();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<double[]> fa = pool.submit(() -> new LangevinSampler(model, t.data(), a).run(t.teacherWeights()).llcPerChain());
                Future<double[]> fb = pool.submit(() -> new LangevinSampler(model, t.data(), b).run(t.teacherWeights()).llcPerChain());
                assertArrayEquals(sequentialA, fa.get(), 0.0);
                assertArrayEquals(sequentialB, fb.get(), 0.0);
            } finally {
                pool.shutdown();
            }
        }
    }
}
