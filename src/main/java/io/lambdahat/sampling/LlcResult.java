package io.lambdahat.sampling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one λ̂ estimate produced, in three parts: the {@link Estimate}, the per-draw {@link Traces} and the
 * {@link Health} checks. {@link #toJson()} carries devinterp's quantities under devinterp's names ({@code llc/mean},
 * {@code llc/std}, {@code llc-chain/i}, {@code loss/trace}, {@code init_loss}, {@code llc/means}, {@code llc/stds},
 * {@code llc/trace}, {@code mala_accept/mean}, …) plus lambdahat's own ({@code llc/stderr}, {@code rhat},
 * {@code ess}, {@code diverged_chains}, {@code config}).
 *
 * @param model    the model's description, as reported
 * @param config   the settings the estimate ran with
 * @param estimate λ̂ and what it was computed from
 * @param traces   the per-draw traces of every chain
 * @param health   whether the estimate can be trusted: R̂, ESS, MALA's acceptance, divergence, diagnostics
 * @param seconds  wall time of the sampling
 */
public record LlcResult(String model, SamplerConfig config, Estimate estimate, Traces traces, Health health, double seconds) {

    /**
     * λ̂ and what it was computed from.
     *
     * @param n           the dataset size n (or the n given for a model without data)
     * @param nbeta       the nβ used
     * @param initLoss    L_init as chosen by {@link InitLoss}, with its standard error and the rows it averaged
     * @param llcPerChain λ̂_c = nβ·(mean over draws of L_t − L_init), for every chain (NaN for diverged chains)
     * @param llcMean     mean of λ̂_c over chains that did not diverge
     * @param llcStd      unbiased standard deviation over those chains (NaN with one chain)
     * @param llcStderr   llcStd / √(chains)
     */
    public record Estimate(long n, double nbeta, InitLoss.Estimate initLoss, double[] llcPerChain, double llcMean,
                           double llcStd, double llcStderr) {}

    /**
     * The traces, [chain][draw] unless said otherwise.
     *
     * @param loss       minibatch loss at each draw
     * @param llc        online λ̂: nβ·(L_t − L_init)
     * @param llcMeans   per draw: mean of the online λ̂ over the healthy chains
     * @param llcStds    per draw: std of the online λ̂ over the healthy chains
     * @param distance   ‖w − w*‖
     * @param weightNorm ‖w‖
     * @param driftNorm  ‖(ε/2)·(nβ∇L + γ(w − w*) + λ_wd w)‖ of the step taken at the draw
     * @param noiseNorm  ‖√ε ξ‖ of that step
     */
    public record Traces(double[][] loss, double[][] llc, double[] llcMeans, double[] llcStds, double[][] distance,
                         double[][] weightNorm, double[][] driftNorm, double[][] noiseNorm) {}

    /**
     * Whether the estimate can be trusted.
     *
     * @param malaAcceptance [chain]: mean MALA acceptance probability after burn-in (NaN when off)
     * @param rhat           split-R̂ of the loss traces across chains
     * @param essPerChain    effective sample size of each chain's loss trace
     * @param diverged       chains that diverged, with where and why
     * @param warnings       plain-language warnings (divergence notes, then the diagnostics' findings)
     * @param diagnostics    locality, stuck chains, R̂, acceptance, divergence, typed
     */
    public record Health(double[] malaAcceptance, double rhat, double[] essPerChain, List<Divergence> diverged,
                         List<String> warnings, Diagnostics diagnostics) {}

    /**
     * A chain that diverged: at which SGLD step, and why.
     *
     * @param chain the chain's index, in [0, C)
     * @param step the SGLD step (from 0) at which it was found to diverge
     * @param reason what was seen: a non-finite loss or weights, or an exploded loss
     */
    public record Divergence(int chain, long step, String reason) {}

    /** {@return the dataset size n (or the n given for a model without data)} */
    public long n() { return estimate.n(); }

    /** {@return the nβ used} */
    public double nbeta() { return estimate.nbeta(); }

    /** {@return L_init as chosen by {@link InitLoss}} */
    public double initLoss() { return estimate.initLoss().value(); }

    /**
     * {@return the standard error of L_init as an estimate of the full-data loss: 0 when it is the full-data loss,
     * σ/√m·√(1 − m/n) for {@link InitLoss#SUBSAMPLE}'s m rows, NaN for {@link InitLoss#MINIBATCH_MEAN}}
     */
    public double initLossStderr() { return estimate.initLoss().stderr(); }

    /** {@return λ̂_c for every chain (NaN for diverged chains)} */
    public double[] llcPerChain() { return estimate.llcPerChain(); }

    /** {@return mean of λ̂_c over chains that did not diverge} */
    public double llcMean() { return estimate.llcMean(); }

    /** {@return unbiased standard deviation of λ̂_c over those chains} */
    public double llcStd() { return estimate.llcStd(); }

    /** {@return llcStd / √(chains)} */
    public double llcStderr() { return estimate.llcStderr(); }

    /** {@return [chain][draw] minibatch loss at each draw} */
    public double[][] lossTrace() { return traces.loss(); }

    /** {@return [chain][draw] online λ̂: nβ·(L_t − L_init)} */
    public double[][] llcTrace() { return traces.llc(); }

    /** {@return per draw: mean of llcTrace over chains} */
    public double[] llcMeans() { return traces.llcMeans(); }

    /** {@return per draw: std of llcTrace over chains} */
    public double[] llcStds() { return traces.llcStds(); }

    /** {@return [chain][draw] ‖w − w*‖} */
    public double[][] distanceTrace() { return traces.distance(); }

    /** {@return [chain][draw] ‖w‖} */
    public double[][] weightNormTrace() { return traces.weightNorm(); }

    /** {@return [chain][draw] the drift step's norm} */
    public double[][] driftNormTrace() { return traces.driftNorm(); }

    /** {@return [chain][draw] the noise step's norm} */
    public double[][] noiseNormTrace() { return traces.noiseNorm(); }

    /** {@return [chain] mean MALA acceptance probability after burn-in (NaN when off)} */
    public double[] malaAcceptance() { return health.malaAcceptance(); }

    /** {@return split-R̂ of the loss traces across chains} */
    public double rhat() { return health.rhat(); }

    /** {@return effective sample size of each chain's loss trace} */
    public double[] essPerChain() { return health.essPerChain(); }

    /**
     * {@return the rank-normalised split-R̂ of the loss traces of the chains whose every draw is finite (Vehtari et al.
     * 2021; below 1.01 is today's threshold); NaN with fewer than two such chains}
     */
    public double rankRhat() { return Convergence.rankRhat(finiteLossTraces()); }

    /** {@return the bulk effective sample size of those loss traces, all chains together} */
    public double essBulk() { return Convergence.essBulk(finiteLossTraces()); }

    /** {@return the tail effective sample size (the 5 % and 95 % quantiles) of those loss traces, all chains together} */
    public double essTail() { return Convergence.essTail(finiteLossTraces()); }

    private double[][] finiteLossTraces() {
        return java.util.Arrays.stream(lossTrace()).filter(t -> java.util.Arrays.stream(t).allMatch(Double::isFinite))
                .toArray(double[][]::new);
    }

    /** {@return chains that diverged, with where and why} */
    public List<Divergence> diverged() { return health.diverged(); }

    /** {@return plain-language warnings} */
    public List<String> warnings() { return health.warnings(); }

    /** {@return whether the estimate can be trusted, as typed findings} */
    public Diagnostics diagnostics() { return health.diagnostics(); }

    /**
     * Mean MALA acceptance over the chains that report one.
     *
     * @return the mean acceptance probability, NaN when MALA was off
     */
    public double malaAcceptanceMean() {
        double s = 0;
        int k = 0;
        for (double a : malaAcceptance()) if (!Double.isNaN(a)) { s += a; k++; }
        return k == 0 ? Double.NaN : s / k;
    }

    /**
     * The result as an ordered map ready for JSON, keyed the way devinterp users know.
     *
     * @return a new map of numbers, arrays, strings and nested maps
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("llc/mean", llcMean());
        m.put("llc/std", llcStd());
        m.put("llc/stderr", llcStderr());
        double[] perChain = llcPerChain();
        for (int c = 0; c < perChain.length; c++) m.put("llc-chain/" + c, perChain[c]);
        m.put("init_loss", initLoss());
        m.put("nbeta", nbeta());
        m.put("n", n());
        m.put("llc/means", llcMeans());
        m.put("llc/stds", llcStds());
        m.put("llc/trace", llcTrace());
        m.put("loss/trace", lossTrace());
        m.put("mala_accept/mean", malaAcceptanceMean());
        m.put("mala_accept/chain", malaAcceptance());
        m.put("distance/trace", distanceTrace());
        m.put("weight_norm/trace", weightNormTrace());
        m.put("drift_norm/trace", driftNormTrace());
        m.put("noise_norm/trace", noiseNormTrace());
        m.put("rhat", rhat());
        m.put("rhat/rank", rankRhat());
        m.put("ess", essPerChain());
        m.put("ess/bulk", essBulk());
        m.put("ess/tail", essTail());
        m.put("diverged_chains", diverged());
        m.put("warnings", warnings());
        m.put("diagnostics", diagnostics().toJson());
        m.put("seconds", seconds);
        m.put("config", config.toJson(nbeta()));
        return m;
    }
}
