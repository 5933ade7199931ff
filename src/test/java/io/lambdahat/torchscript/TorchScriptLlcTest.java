package io.lambdahat.torchscript;

import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.ScriptModule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * λ̂ of the scripted twin of the built-in deep linear network, on the same data, w*, seed and settings as
 * KnownLearningCoefficientTest: equal to the built-in path's within the chains' standard error, and at the known
 * learning coefficient (linreg d/2, Aoyagi's DLN values) within that test's tolerance.
 */
class TorchScriptLlcTest {
    static SamplerConfig settings() {
        return SamplerConfig.builder().epsilon(1e-6).gamma(100).chains(4).burnin(2000).draws(2000).batchSize(256).seed(7).build();
    }

    @ParameterizedTest(name = "DLN {0} rank {1}: λ = {2}")
    @CsvSource(delimiter = ';', value = {"6,1;1;3.0;0.10", "4,3,4;1;6.0;0.15", "10,5,10;2;29.0;0.15", "6,6,6;3;17.0;0.15"})
    void theScriptedDlnGivesTheBuiltInEstimateAndAoyagisValue(String widths, int rank, double lambda, double tolerance) {
        int[] w = Arrays.stream(widths.split(",")).mapToInt(Integer::parseInt).toArray();
        DeepLinearNetwork builtIn = new DeepLinearNetwork(w);
        String file = "dln_" + widths.replace(',', '_') + ".pt";
        try (Teachers.Task task = Teachers.dln(builtIn, rank, Teachers.Options.of(10_000, 1));
             TorchScriptModel scripted = TorchScriptModel.load(TorchScriptFixtures.file(file), ScriptModule.Loss.MSE, Device.CPU)) {
            LlcResult a = new LangevinSampler(builtIn, task.data(), settings()).run(task.teacherWeights());
            LlcResult b = new LangevinSampler(scripted, task.data(), settings()).run(task.teacherWeights());
            double se = Math.hypot(a.llcStderr(), b.llcStderr());
            System.out.printf("DLN %s r=%d: built-in λ̂ = %.3f ± %.3f, TorchScript %.3f ± %.3f (true %.1f)%n", widths, rank,
                    a.llcMean(), a.llcStderr(), b.llcMean(), b.llcStderr(), lambda);
            assertEquals(a.llcMean(), b.llcMean(), se, "TorchScript against built-in");
            assertEquals(lambda, b.llcMean(), tolerance * lambda, "TorchScript against the known learning coefficient");
            assertTrue(b.diverged().isEmpty());
        }
    }
}
