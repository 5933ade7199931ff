package io.lambdahat.sampling;

import io.lambdahat.data.Dataset;
import io.lambdahat.tasks.InductionTask;
import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.Transformer;
import io.lambdahat.nn.TransformerConfig;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** L(w*) in groups on the chain axis against the same loss taken row by row, and the subsample against its rows. */
class InitLossTest {
    private static final Transformer MODEL = new Transformer(TransformerConfig.induction());

    /** Weights of scale 0.1 (not the 0.02 of training's start) so that the rows' losses differ. */
    private static Tensor weights(Generator g) {
        return MODEL.initialWeights(g, DType.FLOAT32).mul(5.0);
    }

    /** The mean loss over the given rows, one row per call: the oracle. */
    private static double rowByRow(Tensor wStar, Dataset d, long[] rows) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad(); ChainParameters one = ChainParameters.replicate(MODEL.layout(), wStar, 1)) {
            double sum = 0;
            for (long r : rows) sum += MODEL.loss(one.views(), d.x().narrow(0, r, 1).unsqueeze(0), d.y().narrow(0, r, 1).unsqueeze(0)).item();
            return sum / rows.length;
        }
    }

    @Test
    void fullDataIsTheMeanOverEveryRowWithNoError() {
        try (Scope s = Scope.open(); Generator g = new Generator(5); Dataset d = InductionTask.standard(1).dataset(1500, 2)) {
            Tensor w = weights(g);
            InitLoss.Estimate e = InitLoss.evaluate(MODEL, w, d, Long.MAX_VALUE);
            long[] all = new long[1500];
            for (int i = 0; i < all.length; i++) all[i] = i;
            assertEquals(rowByRow(w, d, all), e.value(), 1e-6 * e.value()); // float32 sums in another order
            assertEquals(0.0, e.stderr());
            assertEquals(1500, e.rows());
            // a subsample of more rows than there are is the full data
            InitLoss.Estimate capped = InitLoss.evaluate(MODEL, w, d, 4096);
            assertEquals(e.value(), capped.value(), 0.0);
            assertEquals(0.0, capped.stderr());
        }
    }

    @Test
    void subsampleIsTheMeanOverItsRowsWithinItsStandardError() {
        int n = 20_000;
        try (Scope s = Scope.open(); Generator g = new Generator(6); Dataset d = InductionTask.standard(1).dataset(n, 3)) {
            Tensor w = weights(g);
            long[] rows = InitLoss.subsample(n, InitLoss.SUBSAMPLE_ROWS);
            Set<Long> distinct = new HashSet<>();
            for (long r : rows) distinct.add(r);
            assertEquals(InitLoss.SUBSAMPLE_ROWS, distinct.size(), "rows are drawn without replacement");
            assertTrue(Arrays.stream(rows).allMatch(r -> r >= 0 && r < n));

            InitLoss.Estimate sub = InitLoss.evaluate(MODEL, w, d, InitLoss.SUBSAMPLE_ROWS);
            assertEquals(InitLoss.SUBSAMPLE_ROWS, sub.rows());
            assertEquals(rowByRow(w, d, rows), sub.value(), 1e-6 * sub.value());
            InitLoss.Estimate full = InitLoss.evaluate(MODEL, w, d, Long.MAX_VALUE);
            assertTrue(sub.stderr() > 0 && Double.isFinite(sub.stderr()));
            // the standard error against the spread of the rows' own losses: σ/√m · √(1 − m/n) up to the noise of its
            // estimate from the group means (about 1/√(2·groups) relative, 13 % at 32 groups)
            double[] perRow = new double[rows.length];
            for (int i = 0; i < rows.length; i++) perRow[i] = rowByRow(w, d, new long[] {rows[i]});
            double mean = Arrays.stream(perRow).average().orElseThrow(), ss = 0;
            for (double v : perRow) ss += (v - mean) * (v - mean);
            double expected = Math.sqrt(ss / (rows.length - 1) / rows.length * (1 - (double) rows.length / n));
            assertEquals(expected, sub.stderr(), 0.4 * expected);
            assertTrue(Math.abs(sub.value() - full.value()) < 4 * sub.stderr(),
                    "subsample " + sub.value() + " ± " + sub.stderr() + " against the full-data " + full.value());
        }
    }

    @Test
    void samplerSubtractsTheSubsampleAndReportsIt() {
        int n = 6000;
        try (Scope s = Scope.open(); Generator g = new Generator(7); Dataset d = InductionTask.standard(1).dataset(n, 4)) {
            Tensor w = weights(g);
            SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-5).gamma(100).nbeta(10).chains(2).burnin(0).draws(3).batchSize(8)
                    .initLoss(InitLoss.SUBSAMPLE).build();
            LangevinSampler sampler = new LangevinSampler(MODEL, d, cfg);
            LlcResult r = sampler.run(w);
            InitLoss.Estimate expected = InitLoss.evaluate(MODEL, w, d, InitLoss.SUBSAMPLE_ROWS);
            assertEquals(expected.value(), r.initLoss(), 0.0);
            assertEquals(expected, sampler.initLossEstimate());
            assertEquals("subsample", ((java.util.Map<?, ?>) r.toJson().get("config")).get("init_loss"));
        }
    }

    /**
     * The result carries L(w*)'s standard error as {@code llc} reports it: for a subsample, the spread of its rows' own
     * losses, σ/√m·√(1 − m/n), computed here row by row (the estimate takes it from group means: 128 groups of 32 rows
     * of 128 inputs, so about 1/√(2·127) = 6 % relative noise; 25 % is four of those); 0 on the full data; NaN for the
     * minibatch mean, which estimates something else.
     */
    @Test
    void resultCarriesTheStandardErrorOfTheSubsampledInitLoss() {
        DeepLinearNetwork model = new DeepLinearNetwork(128, 4, 2);
        int n = 20_000, m = InitLoss.SUBSAMPLE_ROWS;
        try (Teachers.Task t = Teachers.dln(model, 2, new Teachers.Options(n, 11, 1.0, 0.5, DType.FLOAT32))) {
            SamplerConfig.Builder cfg = SamplerConfig.builder().epsilon(1e-6).gamma(100).nbeta(10).chains(2).burnin(0).draws(3)
                    .batchSize(16).seed(5);
            Tensor w = t.teacherWeights();
            LangevinSampler sampler = new LangevinSampler(model, t.data(), cfg.initLoss(InitLoss.SUBSAMPLE).build());
            LlcResult r = sampler.run(w);

            double[] perRow = new double[m];
            long[] rows = InitLoss.subsample(n, m);
            for (int i = 0; i < m; i++) perRow[i] = rowByRow(model, w, t.data(), new long[] {rows[i]});
            double mean = Arrays.stream(perRow).average().orElseThrow(), ss = 0;
            for (double v : perRow) ss += (v - mean) * (v - mean);
            double expected = Math.sqrt(ss / (m - 1)) / Math.sqrt(m) * Math.sqrt(1 - (double) m / n);
            assertTrue(expected > 0, "the rows' losses differ (label noise)");
            assertEquals(expected, r.initLossStderr(), 0.25 * expected);
            assertEquals(mean, r.initLoss(), 1e-5 * mean); // float32 sums in another order
            assertEquals(sampler.initLossEstimate(), r.estimate().initLoss());
            assertEquals(m, r.estimate().initLoss().rows());

            assertEquals(0.0, new LangevinSampler(model, t.data(), cfg.initLoss(InitLoss.FULL_DATA).build()).run(w).initLossStderr());
            assertTrue(Double.isNaN(new LangevinSampler(model, t.data(), cfg.initLoss(InitLoss.MINIBATCH_MEAN).build()).run(w).initLossStderr()));
        }
    }

    /** One row's loss, or the mean over rows, one row per call, for any model. */
    private static double rowByRow(ChainModel model, Tensor wStar, Dataset d, long[] rows) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad(); ChainParameters one = ChainParameters.replicate(model.layout(), wStar, 1)) {
            double sum = 0;
            for (long r : rows) sum += model.loss(one.views(), d.x().narrow(0, r, 1).unsqueeze(0), d.y().narrow(0, r, 1).unsqueeze(0)).item();
            return sum / rows.length;
        }
    }
}
