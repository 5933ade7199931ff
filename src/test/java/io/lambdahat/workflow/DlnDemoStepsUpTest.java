package io.lambdahat.workflow;

import io.lambdahat.run.MetricsFile;
import io.lambdahat.run.MetricsRow;
import io.lambdahat.run.RunFolder;
import io.lambdahat.sampling.Aoyagi;
import io.lambdahat.torch.Device;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.trajectory.Targets;
import io.lambdahat.trajectory.TrajectoryRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The DLN demo's λ̂ steps up: its run (widths 6,6,6, teacher rank 3, s = 5, 2.5, 1.25, 1500 SGD steps from a small
 * initialisation) estimated as the demo estimates it (λ̂ of the learned function, one setting chosen at the last
 * checkpoint) at one checkpoint on each plateau — k singular values learned — lands within 20 % of Aoyagi's λ for
 * rank k (13.5, 15, 16, 17), rises from plateau to plateau, and no checkpoint is flagged.
 */
class DlnDemoStepsUpTest {
    /** A checkpoint on each plateau of the demo's run: none, one, two and all three singular values learned. */
    static final long[] PLATEAUS = {58, 158, 316, 1500};
    static final double[] S = {5, 2.5, 1.25};

    @Test
    void lambdaHatOfTheLearnedFunctionStepsUpToAoyagisValueForEachRank(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("demo-dln");
        RunPipeline demo = DemoRuns.of("dln", run, Device.CPU).pipeline();
        assertEquals(Targets.MODEL, demo.estimation().targets());
        RunTraining.train("dln", demo.training(), demo.taskOptions(), run);
        RunFolder folder = RunFolder.of(run);
        List<MetricsRow> metrics = MetricsFile.read(folder.metricsFile());
        for (int k = 0; k < PLATEAUS.length; k++) {
            long step = PLATEAUS[k];
            MetricsRow row = metrics.stream().filter(r -> r.step() == step).findFirst().orElseThrow();
            for (int i = 0; i < S.length; i++) {
                double m = row.metrics().get("mode_" + (i + 1));
                if (i < k) assertTrue(m >= 0.9 * S[i], "step " + step + ": mode_" + (i + 1) + " learned, " + m);
                else assertTrue(m <= 0.01 * S[i], "step " + step + ": mode_" + (i + 1) + " not begun, " + m);
            }
        }
        CheckpointLlc.Result r = CheckpointLlc.estimate(folder, CheckpointSelection.atSteps(folder, java.util.Arrays.stream(PLATEAUS).boxed().toList()),
                demo.estimation(), note -> { }, TrajectoryRunner.Listener.NONE);
        assertEquals(0, r.failed());
        List<RunRecords.Entry> entries = RunRecords.read(run);
        assertEquals(PLATEAUS.length, entries.size());
        double previous = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < entries.size(); k++) {
            RunRecords.Entry e = entries.get(k);
            double lambda = Aoyagi.learningCoefficient(new int[] {6, 6, 6}, k);
            System.out.printf("rank %d (step %d): λ̂ = %.3f ± %.3f, Aoyagi %.1f; loss on the data %.4g%n", k, e.step(), e.llcMean(), e.llcStderr(),
                    lambda, e.loss());
            assertEquals(lambda, e.llcMean(), 0.2 * lambda, "step " + e.step());
            assertTrue(e.llcMean() > previous, "λ̂ rises from plateau to plateau");
            assertTrue(e.findings().isEmpty(), "step " + e.step() + ": " + e.findings());
            previous = e.llcMean();
        }
    }
}
