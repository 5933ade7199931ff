package io.lambdahat.sampling;

import io.lambdahat.cli.CliTest;
import io.lambdahat.data.Dataset;
import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.torch.Tensor;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.train.Trainer;
import io.lambdahat.tasks.TrainingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The calibration's recommendation lands on known learning coefficients, at least as close as the default settings:
 * linear regression, an Aoyagi DLN at n = 1000, a noisy-label DLN, a deep DLN teacher and a trained deep DLN (the
 * saddle-to-saddle task's [5,4,4,4,5] with a rank-2 teacher, trained to a held-out loss ~3e-7).
 * "At least as close" allows two standard errors of the difference: both numbers are estimates.
 */
class CalibrationLandsTest {
    static SamplerConfig base(ChainModel model) {
        return DefaultSettings.Anchor.of(model) == DefaultSettings.Anchor.DEEP
                ? SamplerConfig.builder().chains(8).burnin(4000).draws(4000).seed(5).build()
                : SamplerConfig.builder().chains(4).burnin(2000).draws(2000).seed(5).build();
    }

    static void check(String name, ChainModel model, Dataset data, Tensor wStar, double lambda) {
        SamplerConfig base = base(model);
        DefaultSettings.Choice choice = DefaultSettings.choose(model, data, wStar, base);
        LlcResult byDefault = new LangevinSampler(model, data, choice.applyTo(base)).run(wStar);

        double nbeta = NBetaRule.N_OVER_LOG_N.value(data.size(), base.batchSize(), Double.NaN);
        double[] eps = {choice.epsilon() / 4, choice.epsilon() / 2, choice.epsilon(), choice.epsilon() * 2, choice.epsilon() * 4};
        SamplerConfig cells = base.toBuilder().chains(2).burnin(base.burnin() / 2).draws(base.draws() / 2).build();
        Calibration.Result sweep = Calibration.sweep(model, data, wStar, cells, false, eps, new double[] {nbeta / 4, nbeta}, nbeta, null);
        Calibration.Recommendation rec = sweep.recommendation().orElseThrow(() -> new AssertionError(name + ": no recommendation " + sweep.cells()));
        LlcResult recommended = new LangevinSampler(model, data, base.toBuilder().epsilon(rec.epsilon()).gamma(rec.gamma()).nbeta(rec.nbeta()).build())
                .run(wStar);

        System.out.printf("%s (λ = %.1f): defaults λ̂ = %.3f ± %.3f (ε %.3g, γ %.3g); calibrated λ̂ = %.3f ± %.3f (ε %.3g, γ %.3g, nβ %.4g)%n",
                name, lambda, byDefault.llcMean(), byDefault.llcStderr(), choice.epsilon(), choice.gamma(), recommended.llcMean(),
                recommended.llcStderr(), rec.epsilon(), rec.gamma(), rec.nbeta());
        assertEquals(lambda, recommended.llcMean(), 0.15 * lambda, name);
        double slack = 2 * Math.hypot(recommended.llcStderr(), byDefault.llcStderr());
        assertTrue(Math.abs(recommended.llcMean() - lambda) <= Math.abs(byDefault.llcMean() - lambda) + slack,
                name + ": calibrated " + recommended.llcMean() + " further from " + lambda + " than the defaults' " + byDefault.llcMean());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {"linreg d=6;6,1;1;10000;0;3", "DLN [4,3,4] n=1000;4,3,4;1;1000;0;6",
            "DLN [6,6,6] r=3 noisy labels;6,6,6;3;10000;1;17", "DLN [5,4,3,4,5] teacher;5,4,3,4,5;1;10000;0;7"})
    void teachers(String name, String widths, int rank, long n, double noise, double lambda) {
        DeepLinearNetwork model = new DeepLinearNetwork(java.util.Arrays.stream(widths.split(",")).mapToInt(Integer::parseInt).toArray());
        try (Teachers.Task t = Teachers.dln(model, rank, new Teachers.Options(n, 2, 10.0, noise, io.lambdahat.torch.DType.FLOAT32))) {
            check(name, model, t.data(), t.teacherWeights(), lambda);
        }
    }

    @Test
    void aTrainedDeepLinearNetwork(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliTest.Run trained = CliTest.run("train", "--task", "dln", "--widths", "5,4,4,4,5", "--rank", "2", "--steps", "3000",
                "--num-checkpoints", "2", "-o", "init-scale=0.1", "--out", run.toString(), "--quiet");
        assertEquals(0, trained.code(), trained.err());
        try (TrainingTask task = Trainer.openTask(run); Tensor wStar = Checkpoints.loadFlat(Checkpoints.list(run).getLast().file(), task.model().layout())) {
            check("trained DLN [5,4,4,4,5] r=2", task.model(), task.trainingSet(), wStar, Aoyagi.learningCoefficient(new int[] {5, 4, 4, 4, 5}, 2));
        }
    }
}
