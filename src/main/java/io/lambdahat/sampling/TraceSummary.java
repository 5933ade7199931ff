package io.lambdahat.sampling;

import io.lambdahat.simd.SimdProvider;
import io.lambdahat.simd.TraceStatistics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The result built from a finished {@link DrawTrace}: λ̂ per chain and across the healthy chains, the online λ̂ traces,
 * R̂, ESS, MALA's acceptance and the {@link Diagnostics}. Diverged chains count nowhere but in the divergence list.
 */
final class TraceSummary {
    private static final TraceStatistics TRACES = SimdProvider.get().traceStatistics();

    private TraceSummary() {}

    /**
     * @param model          the model's description
     * @param config         the settings the run used
     * @param n              the dataset size (or the n of a potential)
     * @param nbeta          the nβ used
     * @param initLoss       the L(w*) subtracted, with its standard error
     * @param trace          the finished trace
     * @param movingPerChain how many coordinates each chain moved
     * @param seconds        wall time of the sampling
     * @return the estimate; the trace's warnings gain the diagnostics' findings
     */
    static LlcResult of(String model, SamplerConfig config, long n, double nbeta, InitLoss.Estimate initLoss, DrawTrace trace,
                        long[] movingPerChain, double seconds) {
        double l0 = initLoss.value();
        double[][] lossTrace = trace.loss;
        boolean[] frozen = trace.frozen;
        int c = lossTrace.length, draws = config.draws();
        double[] perChain = new double[c];
        double[][] llcTrace = new double[c][draws];
        double[] accept = new double[c];
        List<Double> healthy = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            for (int t = 0; t < draws; t++) llcTrace[k][t] = nbeta * (lossTrace[k][t] - l0);
            perChain[k] = frozen[k] ? Double.NaN : nbeta * (mean(lossTrace[k]) - l0);
            if (!frozen[k]) healthy.add(perChain[k]);
            accept[k] = trace.acceptCount[k] == 0 ? Double.NaN : trace.acceptSum[k] / trace.acceptCount[k];
        }
        double m = healthy.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double sd = healthy.size() < 2 ? Double.NaN
                : Math.sqrt(healthy.stream().mapToDouble(v -> (v - m) * (v - m)).sum() / (healthy.size() - 1));
        double se = healthy.size() < 2 ? Double.NaN : sd / Math.sqrt(healthy.size());
        LlcResult.Estimate estimate = new LlcResult.Estimate(n, nbeta, initLoss, perChain, m, sd, se);

        double[] means = new double[draws], stds = new double[draws];
        for (int t = 0; t < draws; t++) {
            double s = 0, s2 = 0;
            int k2 = 0;
            for (int k = 0; k < c; k++) if (!frozen[k]) { s += llcTrace[k][t]; k2++; }
            means[t] = k2 == 0 ? Double.NaN : s / k2;
            for (int k = 0; k < c; k++) if (!frozen[k]) s2 += (llcTrace[k][t] - means[t]) * (llcTrace[k][t] - means[t]);
            stds[t] = k2 < 2 ? Double.NaN : Math.sqrt(s2 / (k2 - 1));
        }
        LlcResult.Traces traces = new LlcResult.Traces(lossTrace, llcTrace, means, stds, trace.distance, trace.weightNorm,
                trace.driftNorm, trace.noiseNorm);

        double[][] healthyTraces = IntStream.range(0, c).filter(k -> !frozen[k]).mapToObj(k -> lossTrace[k]).toArray(double[][]::new);
        double rhat = healthyTraces.length >= 2 && draws >= 4 ? TRACES.splitRhat(healthyTraces) : Double.NaN;
        double[] ess = new double[c];
        for (int k = 0; k < c; k++) ess[k] = frozen[k] ? Double.NaN : TRACES.ess(lossTrace[k]);
        double acc = Arrays.stream(accept).filter(a -> !Double.isNaN(a)).average().orElse(Double.NaN);
        Diagnostics diagnostics = Diagnostics.of(config, perChain, m, se, llcTrace, trace.distance, movingPerChain, frozen, rhat, acc);
        List<String> warnings = new ArrayList<>(trace.warnings);
        warnings.addAll(diagnostics.messages());
        LlcResult.Health health = new LlcResult.Health(accept, rhat, ess, List.copyOf(trace.diverged), List.copyOf(warnings), diagnostics);
        return new LlcResult(model, config, estimate, traces, health, seconds);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }
}
