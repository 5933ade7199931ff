package io.lambdahat.sampling;

import io.lambdahat.data.Dataset;
import io.lambdahat.data.MinibatchStream;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.ParameterMask;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Estimates λ̂ at w* by SGLD with all chains batched: the C chains' weights are one [C, P] leaf, one forward and
 * backward per step serves every chain, and each chain has its own minibatch stream and noise.
 *
 * <p>Per step t, for each chain: L_t = minibatch loss at w_t (recorded before the update), then
 * <pre>  w ← w − (ε/2)·(nβ·∇L_B(w) + γ·(w − w*) + λ_wd·w) + √ε·ξ,   ξ ~ N(0, I)</pre>
 * optionally clamped to [w* − b, w* + b]. After burn-in a draw is recorded every k steps, and
 * λ̂_c = nβ·(mean over draws of L_t − L_init).
 *
 * <p>A chain whose loss or weights become NaN/Inf, or whose loss explodes (above 1e8·(1 + |L_init|)), is marked
 * diverged with its step and reason; it stops moving and the other chains finish.
 */
public final class SgldSampler {
    private static final double EXPLODED = 1e8;
    static final int MALA_EVERY = 10;
    private static final io.lambdahat.simd.TraceStatistics TRACES = io.lambdahat.simd.TraceStatistics.vector();

    private final ChainModel model;
    private final Dataset data;
    private final SamplerConfig config;
    private SgldObserver observer = SgldObserver.NONE;
    private SgldUpdate update;

    /**
     * A sampler over {@code model}'s loss on {@code data}; nothing runs until {@link #run}.
     *
     * @param model  the model (chain-batched)
     * @param data   the dataset, or null for a potential with no data (then n must be given by {@link #withN})
     * @param config sampler settings
     */
    public SgldSampler(ChainModel model, Dataset data, SamplerConfig config) {
        this.model = model;
        this.data = data;
        this.config = config;
    }

    private long nOverride = -1;

    /**
     * The n of a model without data (for nβ = n / ln n).
     *
     * @param n the sample size the potential stands for, &ge; 2
     * @return this sampler, for chaining
     * @throws IllegalArgumentException if {@code n} is below 2
     */
    public SgldSampler withN(long n) {
        if (n < 2) throw new IllegalArgumentException("n must be at least 2, got " + n);
        this.nOverride = n;
        return this;
    }

    /**
     * Sets who is told about every step (progress bars, monitors).
     *
     * @param o the observer, or null for none
     * @return this sampler, for chaining
     */
    public SgldSampler observer(SgldObserver o) {
        this.observer = o == null ? SgldObserver.NONE : o;
        return this;
    }

    private ParameterMask mask;
    private List<ParameterMask> chainMasks;

    /**
     * Weight-refined λ̂: only the coordinates the mask selects move; the others stay at w*.
     *
     * @param mask the coordinates that move, or null (or a mask of all) for every coordinate
     * @return this sampler, for chaining
     */
    public SgldSampler restrictTo(ParameterMask mask) {
        this.mask = mask == null || mask.isAll() ? null : mask;
        this.chainMasks = null;
        return this;
    }

    /**
     * Several weight-refined λ̂ in one batched run: chain k moves only the coordinates {@code perChain.get(k)} selects
     * (one mask per chain, as many as {@link SamplerConfig#chains()}). Each chain's λ̂ is then the refined λ̂ of its
     * own selection, so grouping chains by selection (e.g. one group of chains per attention head) gives one refined
     * estimate per group from a single pass over the data.
     *
     * @param perChain one mask per chain
     * @return this sampler, for chaining
     * @throws IllegalArgumentException when the number of masks is not the number of chains
     */
    public SgldSampler restrictPerChain(List<ParameterMask> perChain) {
        if (perChain.size() != config.chains()) {
            throw new IllegalArgumentException(perChain.size() + " per-chain masks for " + config.chains() + " chains; give one mask per chain");
        }
        this.chainMasks = List.copyOf(perChain);
        this.mask = null;
        return this;
    }

    /** The [P] mask, the [C, P] per-chain masks, or null when every coordinate of every chain moves. */
    private Tensor maskTensor(Device device, long p, DType dtype) {
        if (mask != null) return Tensor.of(mask.asFloats(), device, p).to(dtype);
        if (chainMasks == null) return null;
        float[] rows = new float[Math.toIntExact(chainMasks.size() * p)];
        for (int k = 0; k < chainMasks.size(); k++) {
            float[] row = chainMasks.get(k).asFloats();
            if (row.length != p) throw new IllegalArgumentException("mask of chain " + k + " has " + row.length + " coordinates, the model " + p);
            System.arraycopy(row, 0, rows, Math.toIntExact(k * p), row.length);
        }
        return Tensor.of(rows, device, chainMasks.size(), p).to(dtype);
    }

    /**
     * Replaces the update kernel (default: {@link SgldUpdate#forConfig}).
     *
     * @param u the update, or null for the default; the caller closes it
     * @return this sampler, for chaining
     */
    public SgldSampler update(SgldUpdate u) {
        this.update = u;
        return this;
    }

    /**
     * Runs the chains from w* and returns the estimate.
     *
     * @param wStar the checkpoint w*, [P] with P the model's parameter count; left unchanged
     * @return the estimate with its traces and diagnostics
     * @throws IllegalArgumentException if w* has the wrong size, n is unknown (no data and no {@link #withN}), or
     *         the nβ rule gives a non-positive value
     */
    public LlcResult run(Tensor wStar) {
        long p = model.layout().size();
        if (wStar.numel() != p) {
            throw new IllegalArgumentException("w* has " + wStar.numel() + " values but " + model.describe() + " has " + p + " parameters");
        }
        long n = data != null ? data.size() : nOverride;
        if (n < 2) throw new IllegalArgumentException("a model without data needs n (withN) for nβ");
        int c = config.chains();
        int batch = data == null ? 1 : config.batchSize();
        double nbeta = config.nbetaRule().value(n, batch, config.nbeta());
        if (!(nbeta > 0) || Double.isInfinite(nbeta)) {
            throw new IllegalArgumentException("nβ = " + nbeta + " from rule " + config.nbetaRule().label + " is not positive; use a larger n or batch, or --nbeta");
        }
        Device device = config.device();
        SgldUpdate kernel = update != null ? update : SgldUpdate.forConfig(config, wStar.dtype());
        long started = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        List<LlcResult.Divergence> diverged = new ArrayList<>();
        int draws = config.draws();
        double[][] lossTrace = new double[c][draws];
        double[][] distance = new double[c][draws];
        double[][] weightNorm = new double[c][draws];
        double[][] driftNorm = new double[c][draws];
        double[][] noiseNorm = new double[c][draws];
        double[] acceptSum = new double[c];
        long[] acceptCount = new long[c];
        boolean[] frozen = new boolean[c];
        double initLoss;

        try (Scope run = Scope.open(); Generator noise = new Generator(device, config.seed())) {
            Tensor center = wStar.to(device).contiguous();
            Tensor maskTensor = maskTensor(device, p, center.dtype());
            ChainParameters params = ChainParameters.replicate(model.layout(), center, c);
            Dataset onDevice = data == null ? null : (data.x().device().equals(device) ? data : data.to(device));
            MinibatchStream batches = onDevice == null ? null : new MinibatchStream(onDevice, c, batch, config.seed(), device);
            double fullInit = config.initLoss() == InitLoss.FULL_DATA ? fullDataLoss(center, onDevice) : Double.NaN;
            double firstBatchMean = Double.NaN;
            // MALA's acceptance is defined for the plain Langevin proposal only
            Mala mala = config.mala() && config.sampler() == Sampler.SGLD ? new Mala(nbeta, config, maskTensor == null ? null : maskTensor.to(DType.FLOAT64)) : null;
            long total = config.totalSteps();
            // Views of the leaf are made once: the update writes the leaf's memory in place, which views follow.
            Map<String, Tensor> views = params.views();
            int draw = 0;
            for (long step = 0; step < total; step++) {
                try (Scope s = Scope.open()) {
                    Tensor[] xy = batches == null ? new Tensor[] {null, null} : batches.next();
                    Tensor perChain = model.loss(views, xy[0], xy[1]);
                    perChain.sum().backward();
                    double[] losses = perChain.detach().to(DType.FLOAT64).toDoubleArray();
                    if (step == 0) firstBatchMean = Arrays.stream(losses).average().orElseThrow();
                    double reference = config.initLoss() == InitLoss.FULL_DATA ? fullInit : firstBatchMean;
                    Tensor grad = params.flat().grad();
                    for (int k = 0; k < c; k++) {
                        if (frozen[k]) continue;
                        String why = !Double.isFinite(losses[k]) ? "loss is " + losses[k]
                                : losses[k] > EXPLODED * (1 + Math.abs(reference)) ? "loss exploded to " + losses[k] : null;
                        if (why != null) {
                            frozen[k] = true;
                            diverged.add(new LlcResult.Divergence(k, step, why));
                            warnings.add("chain " + k + " diverged at step " + step + " (" + why + "); try a smaller ε (--lr) or a larger γ");
                        }
                    }
                    try (var ng = Torch.noGrad()) {
                        // MALA's acceptance is evaluated on every MALA_EVERY-th transition after burn-in: an unbiased
                        // subsample of its mean at a tenth of the cost (it needs float64 copies of the whole state).
                        if (mala != null && step > config.burnin() && step % MALA_EVERY == 0) {
                            mala.accumulate(params.flat(), grad, losses, center, frozen, acceptSum, acceptCount);
                        }
                        if (mala != null && step >= config.burnin() && (step + 1) % MALA_EVERY == 0) {
                            mala.remember(params.flat(), grad, losses, center);
                        }
                        boolean isDraw = step >= config.burnin() && (step - config.burnin()) % config.stepsBetweenDraws() == 0;
                        SgldUpdate.StepNorms norms = kernel.step(params.flat(), grad, center, maskTensor, frozen, nbeta, config, noise, isDraw);
                        if (isDraw && norms != null) {
                            for (int k = 0; k < c; k++) {
                                lossTrace[k][draw] = frozen[k] ? Double.NaN : losses[k];
                                distance[k][draw] = norms.distance()[k];
                                weightNorm[k][draw] = norms.weightNorm()[k];
                                driftNorm[k][draw] = norms.driftNorm()[k];
                                noiseNorm[k][draw] = norms.noiseNorm()[k];
                            }
                            draw++;
                        }
                        for (int k = 0; norms != null && k < c; k++) {
                            if (!frozen[k] && !Double.isFinite(norms.weightNorm()[k])) {
                                frozen[k] = true;
                                diverged.add(new LlcResult.Divergence(k, step, "weights became non-finite"));
                                warnings.add("chain " + k + " diverged at step " + step + " (weights non-finite); try a smaller ε (--lr)");
                            }
                        }
                        kernel.resetFrozen(params.flat(), center, frozen);
                        params.flat().grad().zeroInPlace();
                    }
                    observer.onStep(step + 1, total, losses);
                }
            }
            initLoss = config.initLoss() == InitLoss.FULL_DATA ? fullInit : firstBatchMean;
            if (mala != null) mala.close();
            kernel.close();
            params.close();
            if (onDevice != null && onDevice != data) onDevice.close();
        }
        return summarise(n, nbeta, initLoss, lossTrace, distance, weightNorm, driftNorm, noiseNorm, acceptSum, acceptCount,
                frozen, diverged, warnings, (System.nanoTime() - started) / 1e9);
    }

    /** L_n(w*) over the whole dataset (in chunks), or K(w*) for a potential. */
    private double fullDataLoss(Tensor center, Dataset d) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            ChainParameters one = ChainParameters.replicate(model.layout(), center, 1);
            Map<String, Tensor> views = one.views();
            if (d == null) return model.loss(views, null, null).item();
            long n = d.size();
            long chunk = 65_536;
            double sum = 0;
            for (long start = 0; start < n; start += chunk) {
                long len = Math.min(chunk, n - start);
                Tensor x = d.x().narrow(0, start, len).unsqueeze(0);
                Tensor y = d.y().narrow(0, start, len).unsqueeze(0);
                sum += model.loss(views, x, y).item() * len;
            }
            one.close();
            return sum / n;
        }
    }

    private LlcResult summarise(long n, double nbeta, double initLoss, double[][] lossTrace, double[][] distance,
                                double[][] weightNorm, double[][] driftNorm, double[][] noiseNorm, double[] acceptSum,
                                long[] acceptCount, boolean[] frozen, List<LlcResult.Divergence> diverged,
                                List<String> warnings, double seconds) {
        int c = lossTrace.length, draws = config.draws();
        double[] perChain = new double[c];
        double[][] llcTrace = new double[c][draws];
        double[] accept = new double[c];
        List<Double> healthy = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            for (int t = 0; t < draws; t++) llcTrace[k][t] = nbeta * (lossTrace[k][t] - initLoss);
            perChain[k] = frozen[k] ? Double.NaN : nbeta * (mean(lossTrace[k]) - initLoss);
            if (!frozen[k]) healthy.add(perChain[k]);
            accept[k] = acceptCount[k] == 0 ? Double.NaN : acceptSum[k] / acceptCount[k];
        }
        double m = healthy.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double sd = healthy.size() < 2 ? Double.NaN
                : Math.sqrt(healthy.stream().mapToDouble(v -> (v - m) * (v - m)).sum() / (healthy.size() - 1));
        double se = healthy.size() < 2 ? Double.NaN : sd / Math.sqrt(healthy.size());
        double[] means = new double[draws], stds = new double[draws];
        for (int t = 0; t < draws; t++) {
            double s = 0, s2 = 0;
            int k2 = 0;
            for (int k = 0; k < c; k++) if (!frozen[k]) { s += llcTrace[k][t]; k2++; }
            means[t] = k2 == 0 ? Double.NaN : s / k2;
            for (int k = 0; k < c; k++) if (!frozen[k]) s2 += (llcTrace[k][t] - means[t]) * (llcTrace[k][t] - means[t]);
            stds[t] = k2 < 2 ? Double.NaN : Math.sqrt(s2 / (k2 - 1));
        }
        double[][] healthyTraces = java.util.stream.IntStream.range(0, c).filter(k -> !frozen[k]).mapToObj(k -> lossTrace[k]).toArray(double[][]::new);
        double rhat = healthyTraces.length >= 2 && draws >= 4 ? TRACES.splitRhat(healthyTraces) : Double.NaN;
        double[] ess = new double[c];
        for (int k = 0; k < c; k++) ess[k] = frozen[k] ? Double.NaN : TRACES.ess(lossTrace[k]);
        if (m < 0) warnings.add(String.format("λ̂ = %.4g is negative: w* may not be near a local minimum, or ε / nβ / γ are off (calibrate)", m));
        double acc = Arrays.stream(accept).filter(a -> !Double.isNaN(a)).average().orElse(Double.NaN);
        if (acc < 0.5) warnings.add(String.format("mean MALA acceptance %.2f is far below ~0.9: ε (--lr) is probably too large", acc));
        if (rhat > 1.1) warnings.add(String.format("R̂ = %.3f > 1.1: the chains disagree; run longer (more --burnin / --draws)", rhat));
        return new LlcResult(model.describe(), config, n, nbeta, initLoss, perChain, m, sd, se, lossTrace, llcTrace, means, stds,
                accept, distance, weightNorm, driftNorm, noiseNorm, rhat, ess, List.copyOf(diverged), List.copyOf(warnings), seconds);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }
}
