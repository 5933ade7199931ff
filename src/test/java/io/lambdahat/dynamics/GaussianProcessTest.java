package io.lambdahat.dynamics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GaussianProcessTest {

    private static double[] linspace(double a, double b, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = a + (b - a) * i / (n - 1);
        return x;
    }

    @Test
    void logMarginalLikelihoodMatchesDenseGaussianDensity() {
        Random rng = new Random(11);
        int n = 14;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] se = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 3 * i + rng.nextDouble();
            y[i] = 50 + 10 * Math.sin(x[i] / 7) + rng.nextGaussian();
            se[i] = 0.2 + 0.5 * rng.nextDouble();
        }
        GpHyperparameters h = new GpHyperparameters(6.0, 40.0, 0.3);
        double[][] k = DenseOracle.kernel(x, se, h);
        double my = DenseOracle.mean(y);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = y[i] - my;
        double[] logDet = new double[1];
        double[] sol = DenseOracle.solve(k, r, logDet);
        double expected = -0.5 * Linalg.dot(r, sol) - 0.5 * logDet[0] - 0.5 * n * Math.log(2 * Math.PI);
        assertEquals(expected, GaussianProcess.logMarginalLikelihood(x, y, se, h), 1e-9);
        assertEquals(expected, GaussianProcess.condition(x, y, se, h).logMarginalLikelihood(), 1e-9);
    }

    @Test
    void posteriorMeanAndVarianceMatchDenseFormula() {
        Random rng = new Random(5);
        int n = 10;
        double[] x = linspace(0, 9, n);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = Math.cos(x[i]) + 0.1 * rng.nextGaussian();
        GpHyperparameters h = new GpHyperparameters(1.3, 0.8, 0.02);
        GpFit fit = GaussianProcess.condition(x, y, null, h);
        double[][] k = DenseOracle.kernel(x, null, h);
        double my = DenseOracle.mean(y);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = y[i] - my;
        double[] alpha = DenseOracle.solve(k, r, null);
        for (double xs : new double[] {-0.5, 0.3, 4.45, 8.9}) {
            double[] ks = new double[n];
            for (int i = 0; i < n; i++) ks[i] = DenseOracle.rbf(xs, x[i], h);
            double mean = my + Linalg.dot(ks, alpha);
            double variance = h.signalVariance() - Linalg.dot(ks, DenseOracle.solve(k, ks, null));
            GpPoint p = fit.predict(xs);
            assertEquals(mean, p.mean(), 1e-10);
            assertEquals(variance, p.variance(), 1e-10);
            assertEquals(variance, fit.covariance(xs, xs), 1e-10);
        }
    }

    @Test
    void slopeCurvatureAndSlopeVarianceMatchFiniteDifferences() {
        Random rng = new Random(3);
        int n = 25;
        double[] x = linspace(1, 11, n);
        double[] y = new double[n];
        double[] se = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = 100 + 30 * Math.tanh(x[i] - 5) + 2 * rng.nextGaussian();
            se[i] = 1 + 0.1 * i;
        }
        GpFit fit = GaussianProcess.condition(x, y, se, new GpHyperparameters(1.1, 400, 1.0));
        double h = 1e-4;
        for (double xs : new double[] {1.5, 4.2, 5.0, 7.7, 10.9}) {
            GpPoint p = fit.predict(xs);
            double fdSlope = (fit.predict(xs + h).mean() - fit.predict(xs - h).mean()) / (2 * h);
            double fdCurv = (fit.predict(xs + h).slope() - fit.predict(xs - h).slope()) / (2 * h);
            assertEquals(fdSlope, p.slope(), 1e-6 * (1 + Math.abs(fdSlope)));
            assertEquals(fdCurv, p.curvature(), 1e-5 * (1 + Math.abs(fdCurv)));
            // Var f'(x) = lim Var[(f(x+d) − f(x−d)) / 2d]
            double d = 1e-3;
            double a = xs - d;
            double b = xs + d;
            double fdVar = (fit.covariance(b, b) - 2 * fit.covariance(a, b) + fit.covariance(a, a)) / (4 * d * d);
            assertEquals(fdVar, p.slopeVariance(), 1e-4 * p.slopeVariance() + 1e-6);
            assertEquals(fit.differenceSd(a, b) / (2 * d), Math.sqrt(fdVar), 1e-9 * (1 + Math.sqrt(fdVar)));
        }
    }

    @Test
    void fittedSlopeTracksAnalyticDerivativeOfSmoothFunction() {
        // f(x) = sin x + 0.3 x on [0, 2π], 40 points, noise sd 0.02.
        Random rng = new Random(7);
        int n = 40;
        double[] x = linspace(0, 2 * Math.PI, n);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = Math.sin(x[i]) + 0.3 * x[i] + 0.02 * rng.nextGaussian();
        GpFit fit = GaussianProcess.fit(x, y, null);
        double[] grid = linspace(0.5, 2 * Math.PI - 0.5, 200);
        GpCurve c = fit.predict(grid);
        double worst = 0;
        int covered = 0;
        for (int j = 0; j < grid.length; j++) {
            double truth = Math.cos(grid[j]) + 0.3;
            double err = Math.abs(c.slope()[j] - truth);
            worst = Math.max(worst, err);
            if (err <= 1.96 * c.slopeSd()[j]) covered++;
            assertEquals(Math.sin(grid[j]) + 0.3 * grid[j], c.mean()[j], 0.02);
        }
        assertTrue(worst < 0.06, "max |slope − f'| = " + worst);
        assertTrue(covered >= 0.9 * grid.length, "95% slope band covered f' at " + covered + "/" + grid.length);
        GpHyperparameters h = fit.hyperparameters();
        assertEquals(0.02 * 0.02, h.noiseVariance(), 0.02 * 0.02 * 2.0, "fitted noise variance " + h.noiseVariance());
    }

    @Test
    void fitBeatsTrueHyperparametersAndRecoversThem() {
        GpHyperparameters truth = new GpHyperparameters(0.8, 2.0, 0.04);
        int n = 150;
        Random rng = new Random(2024);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = 10.0 * i / (n - 1) + 0.03 * rng.nextDouble();
        double[][] k = DenseOracle.kernel(x, null, truth);
        double[][] l = Linalg.cholesky(k);
        double[] z = new double[n];
        for (int i = 0; i < n; i++) z[i] = rng.nextGaussian();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 5.0;
            for (int j = 0; j <= i; j++) s += l[i][j] * z[j];
            y[i] = s;
        }
        GpFit fit = GaussianProcess.fit(x, y, null);
        assertTrue(fit.logMarginalLikelihood() >= GaussianProcess.logMarginalLikelihood(x, y, null, truth) - 1e-6,
                "maximum-likelihood fit must not be worse than the generating hyperparameters");
        GpHyperparameters h = fit.hyperparameters();
        assertEquals(truth.lengthScale(), h.lengthScale(), 0.3 * truth.lengthScale(), "length scale " + h);
        assertEquals(truth.noiseVariance(), h.noiseVariance(), 0.5 * truth.noiseVariance(), "noise " + h);
        // Stationarity: the likelihood does not increase along any log-hyperparameter direction.
        double e = 1e-3;
        double base = fit.logMarginalLikelihood();
        double[][] dirs = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        for (double[] dir : dirs) {
            for (double sign : new double[] {-1, 1}) {
                GpHyperparameters moved = new GpHyperparameters(
                        h.lengthScale() * Math.exp(sign * e * dir[0]),
                        h.signalVariance() * Math.exp(sign * e * dir[1]),
                        h.noiseVariance() * Math.exp(sign * e * dir[2]));
                assertTrue(GaussianProcess.logMarginalLikelihood(x, y, null, moved) <= base + 1e-6,
                        "likelihood rises when moving from the optimum along " + java.util.Arrays.toString(dir));
            }
        }
    }

    @Test
    void knownNoiseExplainsTheScatter() {
        // Heteroscedastic noise whose standard deviations are given: the fitted extra noise stays far below them.
        Random rng = new Random(19);
        int n = 60;
        double[] x = linspace(0, 10, n);
        double[] y = new double[n];
        double[] se = new double[n];
        for (int i = 0; i < n; i++) {
            se[i] = 0.5 + 2.0 * i / n;
            y[i] = 20 + 5 * Math.sin(x[i] / 2) + se[i] * rng.nextGaussian();
        }
        GpFit fit = GaussianProcess.fit(x, y, se);
        assertTrue(fit.hyperparameters().noiseVariance() < 0.25 * 0.5 * 0.5,
                "extra noise variance " + fit.hyperparameters().noiseVariance());
        for (double xs : new double[] {2, 5, 8}) {
            assertEquals(20 + 5 * Math.sin(xs / 2), fit.predict(xs).mean(), 3 * fit.predict(xs).sd() + 0.2);
        }
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GaussianProcess.fit(new double[] {1, 2, 3}, new double[] {1, 2}, null));
        assertTrue(e.getMessage().contains("differ in length"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GaussianProcess.fit(new double[] {1, 2, 3}, new double[] {1, Double.NaN, 2}, null));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GaussianProcess.fit(new double[] {1, 2, 3}, new double[] {1, 2, 3}, new double[] {1, -1, 1}));
        assertTrue(e.getMessage().contains("noiseSd[1]"), e.getMessage());
    }
}
