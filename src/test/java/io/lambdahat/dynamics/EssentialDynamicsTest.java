package io.lambdahat.dynamics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EssentialDynamicsTest {

    /** k orthonormal vectors of length p (Gram–Schmidt on Gaussian vectors). */
    private static double[][] orthonormal(int k, int p, Random rng) {
        double[][] q = new double[k][p];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < p; j++) q[i][j] = rng.nextGaussian();
            for (int r = 0; r < i; r++) {
                double d = Linalg.dot(q[i], q[r]);
                for (int j = 0; j < p; j++) q[i][j] -= d * q[r][j];
            }
            double norm = Math.sqrt(Linalg.dot(q[i], q[i]));
            for (int j = 0; j < p; j++) q[i][j] /= norm;
        }
        return q;
    }

    /**
     * X = mean + S Vᵀ with orthogonal, centred score columns of norms 5, 3, 1 and orthonormal V: PCA must return
     * exactly these singular values, directions (up to sign) and scores.
     */
    private static void assertExactRecovery(int n, int p) {
        Random rng = new Random(n * 100L + p);
        // Centre the score columns: project out the all-ones direction, then re-orthonormalise.
        double[][] cols = new double[4][n];
        for (int i = 0; i < n; i++) cols[0][i] = 1 / Math.sqrt(n);
        for (int c = 1; c < 4; c++) for (int i = 0; i < n; i++) cols[c][i] = rng.nextGaussian();
        for (int c = 1; c < 4; c++) {
            for (int r = 0; r < c; r++) {
                double d = Linalg.dot(cols[c], cols[r]);
                for (int i = 0; i < n; i++) cols[c][i] -= d * cols[r][i];
            }
            double norm = Math.sqrt(Linalg.dot(cols[c], cols[c]));
            for (int i = 0; i < n; i++) cols[c][i] /= norm;
        }
        double[] sigma = {5, 3, 1};
        double[][] v = orthonormal(3, p, rng);
        double[][] x = new double[n][p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                x[i][j] = 7.0 + j;
                for (int c = 0; c < 3; c++) x[i][j] += sigma[c] * cols[c + 1][i] * v[c][j];
            }
        }
        Pca pca = Pca.fit(x, 5);
        assertEquals(3, pca.k(), "rank 3 data keeps 3 components");
        for (int c = 0; c < 3; c++) {
            assertEquals(sigma[c], pca.singularValues()[c], 1e-9);
            assertEquals(sigma[c] * sigma[c] / 35.0, pca.explainedVarianceRatio()[c], 1e-10);
            double cos = Linalg.dot(pca.components()[c], v[c]);
            assertEquals(1.0, Math.abs(cos), 1e-9);
            for (int i = 0; i < n; i++) assertEquals(Math.signum(cos) * sigma[c] * cols[c + 1][i], pca.scores()[i][c], 1e-9);
            assertTrue(pca.scores()[n - 1][c] >= pca.scores()[0][c], "orientation: last checkpoint scores higher");
        }
        assertEquals(35.0 / n, pca.totalVariance(), 1e-10);
        for (int j = 0; j < p; j++) assertEquals(7.0 + j, pca.mean()[j], 1e-10);
    }

    @Test
    void pcaRecoversKnownDecompositionWithFewerCheckpointsThanOutputs() {
        assertExactRecovery(12, 40);
    }

    @Test
    void pcaRecoversKnownDecompositionWithMoreCheckpointsThanOutputs() {
        assertExactRecovery(30, 6);
    }

    private static double softplus(double u) {
        return u > 30 ? u : Math.log1p(Math.exp(u));
    }

    /**
     * An L-shaped path through 30 outputs: along −u₁ until x₀ = ln 1001, then along +u₂, with the corner rounded
     * over ln-step width 0.3: a(x) = 0.3·softplus((x₀ − x)/0.3), b(x) = 0.3·softplus((x − x₀)/0.3); plus output
     * noise sd 0.01. The principal directions are the eigenvectors of the 2 × 2 covariance of (a, b) mapped
     * through (u₁, u₂); the turn is at x₀ and is 90°.
     */
    @Test
    void lShapedPathHasKnownDirectionsAndOneTurningPoint() {
        Random rng = new Random(31);
        int p = 30;
        long[] steps = Synthetic.logSpacedSteps(50, 10, 100_000);
        int n = steps.length;
        double x0 = Math.log(1001);
        double[][] u = orthonormal(2, p, rng);
        double[] a = new double[n];
        double[] b = new double[n];
        double[][] rows = new double[n][p];
        for (int i = 0; i < n; i++) {
            double x = Synthetic.x(steps[i]);
            a[i] = 0.3 * softplus((x0 - x) / 0.3);
            b[i] = 0.3 * softplus((x - x0) / 0.3);
            for (int j = 0; j < p; j++) rows[i][j] = 1.0 - a[i] * u[0][j] + b[i] * u[1][j] + 0.01 * rng.nextGaussian();
        }
        // Oracle: 2 × 2 covariance of (−a, b), its eigenvalues and eigenvectors in closed form.
        double ma = DenseOracle.mean(a);
        double mb = DenseOracle.mean(b);
        double caa = 0;
        double cbb = 0;
        double cab = 0;
        for (int i = 0; i < n; i++) {
            caa += (a[i] - ma) * (a[i] - ma);
            cbb += (b[i] - mb) * (b[i] - mb);
            cab -= (a[i] - ma) * (b[i] - mb);
        }
        double tr = caa + cbb;
        double disc = Math.sqrt((caa - cbb) * (caa - cbb) + 4 * cab * cab);
        double[] lambda = {(tr + disc) / 2, (tr - disc) / 2};
        double total = tr + n * p * 1e-4;

        EssentialDynamicsResult r = EssentialDynamics.analyse(steps, rows);
        Pca pca = r.pca();
        assertEquals(3, pca.k());
        for (int c = 0; c < 2; c++) {
            // Eigenvector (cab, λ − caa) of [[caa, cab], [cab, cbb]], mapped to output space.
            double e1 = cab;
            double e2 = lambda[c] - caa;
            double norm = Math.hypot(e1, e2);
            double[] dir = new double[p];
            for (int j = 0; j < p; j++) dir[j] = (e1 * u[0][j] + e2 * u[1][j]) / norm;
            assertEquals(1.0, Math.abs(Linalg.dot(dir, pca.components()[c])), 1e-3, "component " + c);
            assertEquals(lambda[c] / total, pca.explainedVarianceRatio()[c], 5e-3, "explained variance " + c);
        }
        assertTrue(pca.explainedVarianceRatio()[2] < 0.01, "third component is noise");

        List<TurningPoint> turns = r.turningPoints();
        assertEquals(1, turns.size(), turns.toString());
        TurningPoint t = turns.get(0);
        assertEquals(x0, t.logStep(), 0.1);
        assertEquals(90, t.turningAngleDegrees(), 6);
        assertTrue(t.stepLow() <= t.step() && t.step() <= t.stepHigh());
        assertEquals(Math.exp(t.logStep()) - 1, t.step(), 1e-9 * t.step());
    }

    /**
     * Out along u₁ at unit speed per ln step and back from x = 7 (corner rounded over 0.3), with a drift of 0.2 per
     * ln step along u₂ (turn 180° − 2·atan 0.2 ≈ 157.4°) and without it (a collinear reversal, 180°); and a path
     * along one direction with a logistic speed profile, which has no turn.
     */
    @Test
    void reversalsAreSharpTurnsAndAStraightPathHasNone() {
        Random rng = new Random(8);
        int p = 12;
        long[] steps = Synthetic.logSpacedSteps(50, 10, 100_000);
        double[][] u = orthonormal(2, p, rng);
        double[][] drifting = new double[steps.length][p];
        double[][] collinear = new double[steps.length][p];
        double[][] straight = new double[steps.length][p];
        for (int i = 0; i < steps.length; i++) {
            double x = Synthetic.x(steps[i]);
            double out = (x - 2) - 0.6 * softplus((x - 7) / 0.3);
            double along = 3 * Synthetic.logistic(x - 6);
            for (int j = 0; j < p; j++) {
                drifting[i][j] = out * u[0][j] + 0.2 * x * u[1][j] + 0.005 * rng.nextGaussian();
                collinear[i][j] = out * u[0][j] + 0.005 * rng.nextGaussian();
                straight[i][j] = along * u[0][j] + 0.005 * rng.nextGaussian();
            }
        }
        List<TurningPoint> turns = EssentialDynamics.analyse(steps, drifting).turningPoints();
        assertEquals(1, turns.size(), turns.toString());
        assertEquals(7.0, turns.get(0).logStep(), 0.1);
        assertEquals(180 - 2 * Math.toDegrees(Math.atan(0.2)), turns.get(0).turningAngleDegrees(), 4);

        turns = EssentialDynamics.analyse(steps, collinear).turningPoints();
        assertEquals(1, turns.size(), turns.toString());
        assertEquals(7.0, turns.get(0).logStep(), 0.1);
        assertTrue(turns.get(0).turningAngleDegrees() > 175, turns.toString());

        assertEquals(List.of(), EssentialDynamics.analyse(steps, straight).turningPoints());
    }

    @Test
    void resultSerialisesWithoutLoadings() throws Exception {
        Random rng = new Random(4);
        long[] steps = Synthetic.logSpacedSteps(20, 10, 10_000);
        double[][] rows = new double[steps.length][5];
        for (int i = 0; i < rows.length; i++) for (int j = 0; j < 5; j++) rows[i][j] = Math.log(steps[i]) * j + rng.nextGaussian() * 0.1;
        EssentialDynamicsResult r = EssentialDynamics.analyse(steps, rows, EssentialDynamics.Options.defaults().withComponents(2));
        ObjectMapper json = new ObjectMapper();
        JsonNode tree = json.readTree(json.writeValueAsString(r));
        assertTrue(tree.at("/pca/components").isMissingNode(), "loadings stay out of JSON");
        assertTrue(tree.at("/pca/mean").isMissingNode(), "mean stays out of JSON");
        assertEquals(r.pca().explainedVarianceRatio()[0], tree.at("/pca/explainedVarianceRatio/0").asDouble(), 0.0);
        assertEquals(steps.length, tree.at("/pca/scores").size());
        assertEquals(400, tree.at("/trajectory/angularSpeed").size());
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        double[][] rows = {{1, 2}, {2, 3}, {3, 5}, {4, 4}, {5, 6}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EssentialDynamics.analyse(new long[] {1, 2, 3, 4}, rows));
        assertTrue(e.getMessage().contains("one row per checkpoint"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pca.fit(new double[][] {{1, 2}, {1}}, 1));
        assertTrue(e.getMessage().contains("same outputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pca.fit(new double[][] {{1, 2}, {1, 2}, {1, 2}}, 1));
        assertTrue(e.getMessage().contains("no variance"), e.getMessage());
    }
}
