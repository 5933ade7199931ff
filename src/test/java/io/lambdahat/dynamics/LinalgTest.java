package io.lambdahat.dynamics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinalgTest {

    private static double[][] randomSymmetric(int n, Random rng) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = rng.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        return a;
    }

    @Test
    void choleskyReconstructsAndSolves() {
        Random rng = new Random(1);
        int n = 9;
        double[][] b = randomSymmetric(n, rng);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) a[i][j] += b[i][k] * b[j][k];
            }
            a[i][i] += 0.5;
        }
        double[][] l = Linalg.cholesky(a);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += l[i][k] * l[j][k];
                assertEquals(a[i][j], s, 1e-10);
            }
        }
        double[] rhs = new double[n];
        for (int i = 0; i < n; i++) rhs[i] = rng.nextGaussian();
        double[] x = Linalg.backSolveTransposed(l, Linalg.forwardSolve(l, rhs));
        double[] oracle = DenseOracle.solve(a, rhs, null);
        for (int i = 0; i < n; i++) assertEquals(oracle[i], x[i], 1e-9);
        assertNull(Linalg.cholesky(new double[][] {{1, 2}, {2, 1}}), "indefinite matrix must not factor");
    }

    @Test
    void symmetricEigenSatisfiesDefinition() {
        Random rng = new Random(2);
        for (int n : new int[] {1, 2, 5, 17, 40}) {
            double[][] a = randomSymmetric(n, rng);
            Linalg.SymmetricEigen eig = Linalg.symmetricEigen(a);
            double trace = 0;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                trace += a[i][i];
                sum += eig.values()[i];
                if (i > 0) assertTrue(eig.values()[i] <= eig.values()[i - 1], "descending order");
            }
            assertEquals(trace, sum, 1e-10 * n);
            for (int c = 0; c < n; c++) {
                for (int r = 0; r < n; r++) {
                    double av = 0;
                    for (int k = 0; k < n; k++) av += a[r][k] * eig.vectors()[k][c];
                    assertEquals(eig.values()[c] * eig.vectors()[r][c], av, 1e-10);
                }
                for (int d = 0; d < n; d++) {
                    double dot = 0;
                    for (int k = 0; k < n; k++) dot += eig.vectors()[k][c] * eig.vectors()[k][d];
                    assertEquals(c == d ? 1.0 : 0.0, dot, 1e-12);
                }
            }
        }
    }

    @Test
    void symmetricEigenHandlesRepeatedEigenvalues() {
        // diag(3, 1, 1, 1) rotated: a repeated eigenvalue still gets an orthonormal basis.
        double[][] a = {{1.5, 0.5, 0.5, 0.5}, {0.5, 1.5, 0.5, 0.5}, {0.5, 0.5, 1.5, 0.5}, {0.5, 0.5, 0.5, 1.5}};
        Linalg.SymmetricEigen eig = Linalg.symmetricEigen(a);
        assertEquals(3.0, eig.values()[0], 1e-12);
        for (int i = 1; i < 4; i++) assertEquals(1.0, eig.values()[i], 1e-12);
        for (int r = 0; r < 4; r++) assertEquals(0.5, Math.abs(eig.vectors()[r][0]), 1e-12);
    }
}
