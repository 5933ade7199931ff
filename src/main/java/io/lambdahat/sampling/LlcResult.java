package io.lambdahat.sampling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one λ̂ estimate produced. {@link #toJson()} carries devinterp's quantities under devinterp's names
 * ({@code llc/mean}, {@code llc/std}, {@code llc-chain/i}, {@code loss/trace}, {@code init_loss}, {@code llc/means},
 * {@code llc/stds}, {@code llc/trace}, {@code mala_accept/mean}, …) plus lambdahat's own ({@code llc/stderr},
 * {@code rhat}, {@code ess}, {@code diverged_chains}, {@code config}).
 *
 * @param model          the model's description, as reported
 * @param config         the settings the estimate ran with
 * @param n              the dataset size n (or the n given for a model without data)
 * @param llcPerChain    λ̂_c = nβ·(mean over draws of L_t − L_init), for every chain (NaN for diverged chains)
 * @param llcMean        mean of λ̂_c over chains that did not diverge
 * @param llcStd         unbiased standard deviation over those chains (NaN with one chain)
 * @param llcStderr      llcStd / √(chains)
 * @param initLoss       L_init as chosen by {@link InitLoss}
 * @param nbeta          the nβ used
 * @param lossTrace      [chain][draw] minibatch loss at each draw
 * @param llcTrace       [chain][draw] online λ̂: nβ·(L_t − L_init)
 * @param llcMeans       per draw: mean of llcTrace over chains
 * @param llcStds        per draw: std of llcTrace over chains
 * @param malaAcceptance [chain]: mean MALA acceptance probability after burn-in (NaN when off)
 * @param distanceTrace  [chain][draw] ‖w − w*‖
 * @param weightNormTrace [chain][draw] ‖w‖
 * @param driftNormTrace [chain][draw] ‖(ε/2)·(nβ∇L + γ(w − w*) + λ_wd w)‖ of the step taken at the draw
 * @param noiseNormTrace [chain][draw] ‖√ε ξ‖ of that step
 * @param rhat           split-R̂ of the loss traces across chains
 * @param essPerChain    effective sample size of each chain's loss trace
 * @param diverged       chains that diverged, with where and why
 * @param warnings       plain-language warnings (divergence notes, then the diagnostics' findings)
 * @param diagnostics    whether the estimate can be trusted: locality, stuck chains, R̂, acceptance, divergence, typed
 * @param seconds        wall time of the sampling
 */
public record LlcResult(String model, SamplerConfig config, long n, double nbeta, double initLoss,
                        double[] llcPerChain, double llcMean, double llcStd, double llcStderr,
                        double[][] lossTrace, double[][] llcTrace, double[] llcMeans, double[] llcStds,
                        double[] malaAcceptance, double[][] distanceTrace, double[][] weightNormTrace,
                        double[][] driftNormTrace, double[][] noiseNormTrace, double rhat, double[] essPerChain,
                        List<Divergence> diverged, List<String> warnings, Diagnostics diagnostics, double seconds) {

    /**
     * A chain that diverged: at which SGLD step, and why.
     *
     * @param chain the chain's index, in [0, C)
     * @param step the SGLD step (from 0) at which it was found to diverge
     * @param reason what was seen: a non-finite loss or weights, or an exploded loss
     */
    public record Divergence(int chain, long step, String reason) {}

    /**
     * Mean MALA acceptance over the chains that report one.
     *
     * @return the mean acceptance probability, NaN when MALA was off
     */
    public double malaAcceptanceMean() {
        double s = 0;
        int k = 0;
        for (double a : malaAcceptance) if (!Double.isNaN(a)) { s += a; k++; }
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
        m.put("llc/mean", llcMean);
        m.put("llc/std", llcStd);
        m.put("llc/stderr", llcStderr);
        for (int c = 0; c < llcPerChain.length; c++) m.put("llc-chain/" + c, llcPerChain[c]);
        m.put("init_loss", initLoss);
        m.put("nbeta", nbeta);
        m.put("n", n);
        m.put("llc/means", llcMeans);
        m.put("llc/stds", llcStds);
        m.put("llc/trace", llcTrace);
        m.put("loss/trace", lossTrace);
        m.put("mala_accept/mean", malaAcceptanceMean());
        m.put("mala_accept/chain", malaAcceptance);
        m.put("distance/trace", distanceTrace);
        m.put("weight_norm/trace", weightNormTrace);
        m.put("drift_norm/trace", driftNormTrace);
        m.put("noise_norm/trace", noiseNormTrace);
        m.put("rhat", rhat);
        m.put("ess", essPerChain);
        m.put("diverged_chains", diverged);
        m.put("warnings", warnings);
        m.put("diagnostics", diagnostics.toJson());
        m.put("seconds", seconds);
        m.put("config", config.toJson(nbeta));
        return m;
    }
}
