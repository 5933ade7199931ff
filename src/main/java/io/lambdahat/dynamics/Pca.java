package io.lambdahat.dynamics;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Principal component analysis of one output vector per checkpoint (rows = checkpoints), the first step of
 * essential dynamics (docs/SCIENCE.md §4).
 *
 * <p>Rows are centred on their mean; the principal directions are the right singular vectors of the centred
 * matrix X, computed from the eigendecomposition of the smaller of X Xᵀ (checkpoints × checkpoints) and
 * Xᵀ X (outputs × outputs), so the cost is O(n²p) for n checkpoints and p outputs when n ≤ p.
 * Each component's sign is fixed so that the last checkpoint scores at least as high as the first (the trajectory
 * moves towards + along every axis over training), with the largest loading positive to break a tie.
 *
 * @param mean                   the mean row (length p); left out of JSON, as it can be millions of numbers
 * @param singularValues         the top k singular values of the centred matrix, descending
 * @param explainedVarianceRatio share of the total variance (sum of squares of the centred matrix) per component
 * @param totalVariance          sum of squares of the centred matrix divided by n
 * @param components             k orthonormal principal directions, each of length p; left out of JSON
 * @param scores                 n × k coordinates of each checkpoint in the top k components
 */
public record Pca(
        @JsonIgnore double[] mean,
        double[] singularValues,
        double[] explainedVarianceRatio,
        double totalVariance,
        @JsonIgnore double[][] components,
        double[][] scores) {

    /** {@return k, the number of components kept} */
    public int k() {
        return singularValues.length;
    }

    /**
     * PCA of the rows, keeping the top k components. k is lowered to the rank available: at most n − 1 (centring
     * removes one dimension), at most p, and only components with a singular value above 1e-6 of the largest (the Gram-matrix route resolves
     * eigenvalues to about 1e-16 of the largest, so smaller ones are rounding, not data).
     *
     * @param rows one output vector per checkpoint, n ≥ 2 rows of the same length p ≥ 1, finite
     * @param k the number of components wanted, ≥ 1
     * @return the fitted PCA
     * @throws IllegalArgumentException if there are fewer than 2 rows, k &lt; 1, the rows are empty, differ in
     *     length or hold non-finite values, or every row is the same
     */
    public static Pca fit(double[][] rows, int k) {
        if (rows == null || rows.length < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 rows (checkpoints), got " + (rows == null ? 0 : rows.length));
        }
        if (k < 1) throw new IllegalArgumentException("PCA needs k >= 1 components, got " + k);
        int n = rows.length;
        int p = rows[0].length;
        if (p < 1) throw new IllegalArgumentException("PCA rows are empty; need at least one output per checkpoint");
        double[] mean = new double[p];
        for (int i = 0; i < n; i++) {
            if (rows[i] == null || rows[i].length != p) {
                throw new IllegalArgumentException("PCA row " + i + " has length " + (rows[i] == null ? "null" : rows[i].length)
                        + ", expected " + p + " (every checkpoint must have the same outputs)");
            }
            for (int j = 0; j < p; j++) {
                double v = rows[i][j];
                if (!Double.isFinite(v)) throw new IllegalArgumentException("PCA row " + i + " output " + j + " is not finite: " + v);
                mean[j] += v;
            }
        }
        for (int j = 0; j < p; j++) mean[j] /= n;
        double[][] xc = new double[n][p];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                double v = rows[i][j] - mean[j];
                xc[i][j] = v;
                total += v * v;
            }
        }
        int kk = Math.min(k, Math.min(n - 1, p));
        double[] singular;
        double[][] components;
        double[][] scores;
        if (n <= p) {
            double[][] gram = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double g = Linalg.dot(xc[i], xc[j]);
                    gram[i][j] = g;
                    gram[j][i] = g;
                }
            }
            Linalg.SymmetricEigen eig = Linalg.symmetricEigen(gram);
            kk = rank(eig.values(), kk);
            singular = new double[kk];
            components = new double[kk][p];
            scores = new double[n][kk];
            for (int c = 0; c < kk; c++) {
                double sigma = Math.sqrt(eig.values()[c]);
                singular[c] = sigma;
                for (int i = 0; i < n; i++) {
                    double u = eig.vectors()[i][c];
                    scores[i][c] = u * sigma;
                    double w = u / sigma;
                    double[] row = xc[i];
                    double[] comp = components[c];
                    for (int j = 0; j < p; j++) comp[j] += w * row[j];
                }
            }
        } else {
            double[][] cov = new double[p][p];
            for (int i = 0; i < n; i++) {
                double[] row = xc[i];
                for (int a = 0; a < p; a++) {
                    double ra = row[a];
                    for (int b = 0; b <= a; b++) cov[a][b] += ra * row[b];
                }
            }
            for (int a = 0; a < p; a++) for (int b = 0; b < a; b++) cov[b][a] = cov[a][b];
            Linalg.SymmetricEigen eig = Linalg.symmetricEigen(cov);
            kk = rank(eig.values(), kk);
            singular = new double[kk];
            components = new double[kk][p];
            scores = new double[n][kk];
            for (int c = 0; c < kk; c++) {
                singular[c] = Math.sqrt(Math.max(0, eig.values()[c]));
                for (int j = 0; j < p; j++) components[c][j] = eig.vectors()[j][c];
                for (int i = 0; i < n; i++) scores[i][c] = Linalg.dot(xc[i], components[c]);
            }
        }
        double[] ratio = new double[kk];
        for (int c = 0; c < kk; c++) {
            ratio[c] = total > 0 ? singular[c] * singular[c] / total : 0;
            orient(components[c], scores, c);
        }
        return new Pca(mean, singular, ratio, total / n, components, scores);
    }

    private static int rank(double[] eigenvalues, int k) {
        double top = Math.max(eigenvalues[0], 0);
        int r = 0;
        while (r < k && eigenvalues[r] > 1e-12 * top && eigenvalues[r] > 0) r++;
        if (r == 0) {
            throw new IllegalArgumentException("PCA input has no variance: every checkpoint has the same outputs");
        }
        return r;
    }

    private static void orient(double[] component, double[][] scores, int c) {
        int n = scores.length;
        double drift = scores[n - 1][c] - scores[0][c];
        boolean flip;
        if (drift != 0) {
            flip = drift < 0;
        } else {
            int big = 0;
            for (int j = 1; j < component.length; j++) if (Math.abs(component[j]) > Math.abs(component[big])) big = j;
            flip = component[big] < 0;
        }
        if (!flip) return;
        for (int j = 0; j < component.length; j++) component[j] = -component[j];
        for (double[] row : scores) row[c] = -row[c];
    }
}
