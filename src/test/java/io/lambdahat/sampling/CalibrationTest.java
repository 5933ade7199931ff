package io.lambdahat.sampling;

import io.lambdahat.data.Teachers;
import io.lambdahat.nn.DeepLinearNetwork;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The calibration sweep and its recommendation. */
class CalibrationTest {
    static Calibration.Cell cell(double eps, double nb, double llc, double acc, int div, double drift) {
        return new Calibration.Cell(eps, nb, llc, 0.1, acc, div, drift, new double[0]);
    }

    @Test
    void recommendsTheLargestStableStepAtTheDefaultNbeta() {
        List<Calibration.Cell> cells = List.of(
                cell(1e-6, 100, 5.0, 0.95, 0, 0.05), cell(1e-5, 100, 5.2, 0.9, 0, 0.03), cell(1e-4, 100, 7.0, 0.8, 0, 0.02),
                cell(1e-3, 100, Double.NaN, Double.NaN, 2, Double.NaN),
                cell(1e-6, 1000, 6.0, 0.9, 0, 0.01), cell(1e-5, 1000, 6.1, 0.9, 0, 0.01));
        var r = Calibration.recommend(cells, 100, 1.0).orElseThrow();
        // 1e-4 disagrees with 1e-5 by 35 %, 1e-3 diverged: 1e-5 at the default nβ
        assertEquals(1e-5, r.epsilon());
        assertEquals(100, r.nbeta());
        assertTrue(r.reason().contains("agrees"), r.reason());
        // with the default row unusable, the nearest healthy nβ is taken
        var other = Calibration.recommend(List.of(cells.get(3), cells.get(4), cells.get(5)), 100, 1.0).orElseThrow();
        assertEquals(1000, other.nbeta());
        assertTrue(Calibration.recommend(List.of(cells.get(3)), 100, 1.0).isEmpty());
    }

    @Test
    void traceDriftIsTheRelativeChangeBetweenQuarters() {
        double[] flat = new double[100];
        java.util.Arrays.fill(flat, 4.0);
        assertEquals(0, Calibration.drift(flat), 1e-12);
        double[] rising = new double[100];
        for (int i = 0; i < 100; i++) rising[i] = i;
        // quarters [25,50) mean 37, [75,100) mean 87: |87 − 37| / 87
        assertEquals(50.0 / 87.0, Calibration.drift(rising), 1e-12);
    }

    @Test
    void theRecommendationOnADlnGivesAoyagisValue() {
        DeepLinearNetwork model = new DeepLinearNetwork(4, 3, 4);
        try (Teachers.Task t = Teachers.dln(model, 1, Teachers.Options.of(10_000, 1))) {
            double defaultNbeta = NBetaRule.N_OVER_LOG_N.value(10_000, 256, Double.NaN);
            SamplerConfig base = SamplerConfig.builder().gamma(100).chains(2).burnin(1000).draws(1000).seed(4).build();
            Calibration.Result result = Calibration.sweep(model, t.data(), t.teacherWeights(), base,
                    new double[] {1e-6, 3e-6, 1e-5}, new double[] {defaultNbeta / 3, defaultNbeta}, defaultNbeta, null);
            Calibration.Recommendation rec = result.recommendation().orElseThrow(() -> new AssertionError("no recommendation: " + result.cells()));
            LlcResult r = new SgldSampler(model, t.data(), base.toBuilder().epsilon(rec.epsilon()).nbeta(rec.nbeta()).chains(4)
                    .burnin(2000).draws(2000).build()).run(t.teacherWeights());
            System.out.printf("calibration recommends ε = %.2g, nβ = %.4g → λ̂ = %.3f (Aoyagi 6)%n  %s%n", rec.epsilon(), rec.nbeta(), r.llcMean(), rec.reason());
            assertEquals(6.0, r.llcMean(), 0.15 * 6.0);
        }
    }
}
