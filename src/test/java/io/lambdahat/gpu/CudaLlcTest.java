package io.lambdahat.gpu;

import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * λ̂ of the deep linear networks with known λ (Aoyagi) on CUDA against the CPU, with the settings of the CPU suite's
 * KnownLearningCoefficientTest (n = 10 000, batch 256, 4 chains, ε = 1e-6, γ = 100, nβ = n/ln n, 2000 draws): the
 * two devices' estimates agree within the chains' combined standard error, and a seed gives the same λ̂ twice on
 * the same device. Skipped where no CUDA device is present.
 */
class CudaLlcTest {
    static final Device CUDA = Device.cuda(0);
    /** Draws per chain: the CPU suite's (2000; 4000 for the deepest) unless -Dlambdahat.gpu.draws says otherwise (the bundle's quick mode). */
    static final Integer DRAWS_OVERRIDE = Integer.getInteger("lambdahat.gpu.draws");
    static final int DRAWS = DRAWS_OVERRIDE == null ? 2000 : DRAWS_OVERRIDE;

    @BeforeAll
    static void needsCuda() {
        assumeTrue(Torch.cudaAvailable(), "no CUDA device: libtorch " + Torch.version() + " sees none");
    }

    static SamplerConfig settings(double epsilon, int burnin, Device device) {
        return SamplerConfig.builder().epsilon(epsilon).gamma(100).chains(4).burnin(burnin).draws(DRAWS).batchSize(256).seed(7)
                .device(device).build();
    }

    static LlcResult estimate(int[] widths, int rank, SamplerConfig cfg) {
        DeepLinearNetwork model = new DeepLinearNetwork(widths);
        try (Teachers.Task task = Teachers.dln(model, rank, Teachers.Options.of(10_000, 1))) {
            return new LangevinSampler(model, task.data(), cfg).run(task.teacherWeights());
        }
    }

    @ParameterizedTest(name = "DLN {0} rank {1}: λ = {2}")
    @CsvSource(delimiter = ';', value = {"4,3,4;1;6.0;1e-6;2000;100;4;2000", "10,5,10;2;29.0;1e-6;2000;100;4;2000",
            "6,6,6;3;17.0;1e-6;2000;100;4;2000", "5,4,3,4,5;1;7.0;5e-7;4000;1000;8;4000"})
    void cudaAgreesWithTheCpuWithinTheChainsError(String widths, int rank, double lambda, double epsilon, int burnin, double gamma,
                                                  int chains, int draws) {
        int[] w = Arrays.stream(widths.split(",")).mapToInt(Integer::parseInt).toArray();
        // the settings of KnownLearningCoefficientTest, case by case
        int d = DRAWS_OVERRIDE == null ? draws : DRAWS_OVERRIDE;
        LlcResult gpu = estimate(w, rank, settings(epsilon, burnin, CUDA).toBuilder().gamma(gamma).chains(chains).draws(d).build());
        LlcResult cpu = estimate(w, rank, settings(epsilon, burnin, Device.CPU).toBuilder().gamma(gamma).chains(chains).draws(d).build());
        double combined = Math.sqrt(gpu.llcStderr() * gpu.llcStderr() + cpu.llcStderr() * cpu.llcStderr());
        System.out.printf("DLN %s r=%d: λ̂ cuda = %.3f ± %.3f (%.1f s), cpu = %.3f ± %.3f (%.1f s), |Δ| = %.3f = %.2f combined SE (Aoyagi %.1f)%n",
                widths, rank, gpu.llcMean(), gpu.llcStderr(), gpu.seconds(), cpu.llcMean(), cpu.llcStderr(), cpu.seconds(),
                Math.abs(gpu.llcMean() - cpu.llcMean()), Math.abs(gpu.llcMean() - cpu.llcMean()) / combined, lambda);
        assertTrue(gpu.diverged().isEmpty(), gpu.diverged().toString());
        assertTrue(combined > 0, "no spread between chains");
        assertEquals(cpu.llcMean(), gpu.llcMean(), 3 * combined);
        assertEquals(lambda, gpu.llcMean(), 0.15 * lambda);
    }

    @Test
    void aSeedGivesTheSameEstimateTwiceOnCuda() {
        SamplerConfig cfg = settings(1e-6, 200, CUDA).toBuilder().draws(Math.min(DRAWS, 300)).build();
        LlcResult a = estimate(new int[] {4, 3, 4}, 1, cfg);
        LlcResult b = estimate(new int[] {4, 3, 4}, 1, cfg);
        assertArrayEquals(a.llcPerChain(), b.llcPerChain(), 0.0);
        for (int k = 0; k < a.llcPerChain().length; k++) assertArrayEquals(a.lossTrace()[k], b.lossTrace()[k], 0.0);
        LlcResult other = estimate(new int[] {4, 3, 4}, 1, cfg.toBuilder().seed(8).build());
        assertTrue(other.llcMean() != a.llcMean(), "another seed gave the very same λ̂");
    }
}
