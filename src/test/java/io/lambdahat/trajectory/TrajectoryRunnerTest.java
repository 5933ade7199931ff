package io.lambdahat.trajectory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.tasks.Teachers;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** λ̂ over a run's checkpoints: records equal single estimates, reruns reuse them, a bad checkpoint is skipped. */
class TrajectoryRunnerTest {
    @Test
    void recordsResumeAndBadCheckpointsAreReportedWhileOthersComplete(@TempDir Path run) throws Exception {
        DeepLinearNetwork model = new DeepLinearNetwork(3, 2, 3);
        SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-6).chains(2).burnin(20).draws(30).batchSize(64).build();
        try (Teachers.Task task = Teachers.dln(model, 1, Teachers.Options.of(2000, 4))) {
            Path ckDir = Files.createDirectories(run.resolve(Checkpoints.FOLDER));
            for (long step : new long[] {10, 100, 1000}) {
                try (Tensor w = task.teacherWeights().mul(step / 1000.0)) {
                    Checkpoints.write(ckDir.resolve(Checkpoints.fileName(step, 1000)), model.layout(), w, Map.of());
                }
            }
            Files.writeString(ckDir.resolve(Checkpoints.fileName(100, 1000)), "not a safetensors file");
            Path records = run.resolve("llc");
            TrajectoryRunner runner = new TrajectoryRunner(model, task.data(), cfg, records);

            List<TrajectoryRunner.Outcome> first = runner.run(Checkpoints.list(run));
            assertEquals(List.of(10L, 100L, 1000L), first.stream().map(TrajectoryRunner.Outcome::step).toList());
            assertNull(first.get(0).error());
            assertNotNull(first.get(1).error());
            assertTrue(first.get(1).error().contains("step-000100"), first.get(1).error());
            assertNull(first.get(2).error());

            // the record at step 1000 (w* = the teacher) is exactly the single estimate with the same settings
            LlcResult direct = new LangevinSampler(model, task.data(), cfg).run(task.teacherWeights());
            var rec = new ObjectMapper().readTree(Files.readString(TrajectoryRunner.recordFile(records, 1000)));
            assertEquals(direct.llcMean(), rec.get("llc/mean").asDouble(), 0.0);
            assertEquals(1000, rec.get("step").asLong());

            long stamp = Files.getLastModifiedTime(TrajectoryRunner.recordFile(records, 10)).toMillis();
            List<TrajectoryRunner.Outcome> second = runner.run(Checkpoints.list(run));
            assertTrue(second.get(0).reused() && second.get(2).reused(), "finished checkpoints are not recomputed");
            assertEquals(stamp, Files.getLastModifiedTime(TrajectoryRunner.recordFile(records, 10)).toMillis());
            assertNotNull(second.get(1).error(), "the bad checkpoint is retried and reported again");
            try (var files = Files.list(records)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no partial files");
            }
        }
    }
}
