package io.lambdahat.trajectory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ParameterMask;
import io.lambdahat.nn.Transformer;
import io.lambdahat.nn.TransformerConfig;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.run.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Per-head λ̂ curves: each head's record is the mean of its own chains in one batched, per-chain-masked run. */
class HeadTrajectoryTest {
    @Test
    void eachHeadsRecordIsItsChainGroupOfOneBatchedRun(@TempDir Path run) throws Exception {
        Transformer model = new Transformer(TransformerConfig.attentionOnly(2, 2, 8, 6, 7));
        SamplerConfig perHead = SamplerConfig.builder().epsilon(1e-4).gamma(100).nbeta(20).chains(2).burnin(10).draws(20).batchSize(8).seed(3).build();
        try (Scope s = Scope.open(); Generator g = new Generator(5)) {
            Tensor tokens = Tensor.randint(g, 0, 7, Device.CPU, 64, 7);
            Dataset data = new Dataset(tokens.narrow(1, 0, 6).contiguous(), tokens.narrow(1, 1, 6).contiguous());
            Path ckDir = Files.createDirectories(run.resolve(Checkpoints.FOLDER));
            Tensor w = model.initialWeights(g, DType.FLOAT32);
            Checkpoints.write(ckDir.resolve(Checkpoints.fileName(50, 100)), model.layout(), w, Map.of());
            Checkpoints.write(ckDir.resolve(Checkpoints.fileName(100, 100)), model.layout(), w.mul(2), Map.of());

            HeadTrajectory heads = new HeadTrajectory(model, data, perHead, HeadTrajectory.folder(run));
            List<TrajectoryRunner.Outcome> outcomes = heads.run(Checkpoints.list(run));
            assertTrue(outcomes.stream().allMatch(o -> o.error() == null && !o.reused()));

            // the same batched run by hand: chains 2h, 2h+1 move only head h
            List<ParameterMask> masks = new ArrayList<>();
            for (ParameterMask m : ParameterMask.heads(model.layout()).values()) masks.addAll(List.of(m, m));
            LlcResult direct = new LangevinSampler(model, data, perHead.toBuilder().chains(8).build()).restrictPerChain(masks).run(w);
            JsonNode rec = new ObjectMapper().readTree(TrajectoryRunner.recordFile(HeadTrajectory.folder(run), 50).toFile());
            String[] labels = {"L0H0", "L0H1", "L1H0", "L1H1"};
            for (int h = 0; h < 4; h++) {
                double expected = Arrays.stream(direct.llcPerChain(), 2 * h, 2 * h + 2).average().orElseThrow();
                assertEquals(expected, rec.path("heads").path(labels[h]).path("llc/mean").asDouble(), 1e-12, labels[h]);
            }

            Map<String, HeadTrajectory.Series> series = HeadTrajectory.read(run);
            assertEquals(List.of(labels), List.copyOf(series.keySet()));
            assertArrayEquals(new long[] {50, 100}, series.get("L1H0").steps());

            List<TrajectoryRunner.Outcome> again = heads.run(Checkpoints.list(run));
            assertTrue(again.stream().allMatch(TrajectoryRunner.Outcome::reused), "finished checkpoints are not recomputed");
        }
    }
}
