package io.lambdahat.sampling;

import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.DeepLinearNetwork;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The calibration sweep and its recommendation. */
class CalibrationTest {
    static Calibration.Cell cell(double eps, double nb, double llc, double acc, int div, double drift) {
        return new Calibration.Cell(eps, nb, 1e-4 / eps, llc, 0.1, acc, div, true, drift, new double[0]);
    }

    @Test
    void recommendsTheLargestStableStepAtTheDefaultNbeta() {
        List<Calibration.Cell> cells = List.of(
                cell(1e-6, 100, 5.0, 0.99, 0, 0.05), cell(1e-5, 100, 5.2, 0.95, 0, 0.03), cell(1e-4, 100, 7.0, 0.93, 0, 0.02),
                cell(1e-3, 100, Double.NaN, Double.NaN, 2, Double.NaN),
                cell(1e-6, 1000, 6.0, 0.95, 0, 0.01), cell(1e-5, 1000, 6.1, 0.95, 0, 0.01));
        var r = Calibration.recommend(cells, 100).orElseThrow();
        // 1e-4 disagrees with 1e-5 by 35 %, 1e-3 diverged: 1e-5 at the default nβ
        assertEquals(1e-5, r.epsilon());
        assertEquals(100, r.nbeta());
        assertTrue(r.reason().contains("agrees"), r.reason());
        // with the default row unusable, the nearest healthy nβ is taken
        var other = Calibration.recommend(List.of(cells.get(3), cells.get(4), cells.get(5)), 100).orElseThrow();
        assertEquals(1000, other.nbeta());
        assertTrue(Calibration.recommend(List.of(cells.get(3)), 100).isEmpty());
        // a full-batch acceptance below 0.9 or an untrusted run (stuck or not local) is never recommended
        assertTrue(Calibration.recommend(List.of(cell(1e-6, 100, 5.0, 0.99, 0, 0.05), cell(1e-5, 100, 5.1, 0.85, 0, 0.03)), 100)
                .map(c -> c.epsilon() == 1e-6).orElse(true));
        var stuck = new Calibration.Cell(1e-5, 100, 10, 5.1, 0.1, 0.99, 0, false, 0.01, new double[0]);
        assertTrue(Calibration.recommend(List.of(cell(1e-6, 100, 5.0, 0.99, 0, 0.05), stuck), 100).isEmpty());
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

}
