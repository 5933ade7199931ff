package io.lambdahat.sampling;

/** Convergence diagnostics of loss traces across chains (split-R̂, effective sample size). */
final class TraceDiagnostics {
    private TraceDiagnostics() {}

    /** Split-R̂ (Gelman–Rubin on half-chains). */
    static double splitRhat(double[][] chains) {
        int half = chains[0].length / 2;
        int m = chains.length * 2;
        double[] means = new double[m], vars = new double[m];
        int j = 0;
        for (double[] chain : chains) {
            for (int h = 0; h < 2; h++, j++) {
                double s = 0;
                for (int i = 0; i < half; i++) s += chain[h * half + i];
                means[j] = s / half;
                double v = 0;
                for (int i = 0; i < half; i++) v += (chain[h * half + i] - means[j]) * (chain[h * half + i] - means[j]);
                vars[j] = v / (half - 1);
            }
        }
        double grand = 0, w = 0;
        for (int i = 0; i < m; i++) { grand += means[i] / m; w += vars[i] / m; }
        double b = 0;
        for (int i = 0; i < m; i++) b += (means[i] - grand) * (means[i] - grand);
        b *= (double) half / (m - 1);
        double varPlus = (half - 1.0) / half * w + b / half;
        return Math.sqrt(varPlus / w);
    }

    /** ESS by Geyer's initial positive sequence of autocorrelations. */
    static double ess(double[] x) {
        int n = x.length;
        if (n < 4) return n;
        double mean = 0;
        for (double v : x) mean += v / n;
        double var0 = 0;
        for (double v : x) var0 += (v - mean) * (v - mean) / n;
        if (var0 == 0) return n;
        double sum = 0;
        for (int lag = 0; lag + 1 < n; lag += 2) {
            double pair = autocorrelation(x, mean, var0, lag) + autocorrelation(x, mean, var0, lag + 1);
            if (pair <= 0) break;
            sum += pair;
        }
        double tau = -1 + 2 * sum;
        return n / Math.max(tau, 1.0 / Math.log10(Math.max(n, 10)));
    }

    private static double autocorrelation(double[] x, double mean, double var0, int lag) {
        double s = 0;
        for (int i = 0; i + lag < x.length; i++) s += (x[i] - mean) * (x[i + lag] - mean);
        return s / x.length / var0;
    }
}
