package io.lambdahat.dynamics;

/**
 * An independent dense oracle for the GP tests: Gaussian elimination with partial pivoting (not Cholesky), so the
 * log determinant and solves it gives check the production path rather than repeat it.
 */
final class DenseOracle {
    private DenseOracle() {}

    /** Solves a x = b; returns x and stores ln|det a| in logDet[0]. */
    static double[] solve(double[][] a, double[] b, double[] logDet) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) m[i] = a[i].clone();
        double[] x = b.clone();
        double ld = 0;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
            double[] t = m[c];
            m[c] = m[p];
            m[p] = t;
            double tb = x[c];
            x[c] = x[p];
            x[p] = tb;
            ld += Math.log(Math.abs(m[c][c]));
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                for (int k = c; k < n; k++) m[r][k] -= f * m[c][k];
                x[r] -= f * x[c];
            }
        }
        for (int r = n - 1; r >= 0; r--) {
            double s = x[r];
            for (int k = r + 1; k < n; k++) s -= m[r][k] * x[k];
            x[r] = s / m[r][r];
        }
        if (logDet != null) logDet[0] = ld;
        return x;
    }

    static double rbf(double a, double b, GpHyperparameters h) {
        double d = a - b;
        return h.signalVariance() * Math.exp(-d * d / (2 * h.lengthScale() * h.lengthScale()));
    }

    static double[][] kernel(double[] x, double[] noiseSd, GpHyperparameters h) {
        int n = x.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) k[i][j] = rbf(x[i], x[j], h);
            k[i][i] += h.noiseVariance() + (noiseSd == null ? 0 : noiseSd[i] * noiseSd[i]);
        }
        return k;
    }

    static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s / a.length;
    }
}
