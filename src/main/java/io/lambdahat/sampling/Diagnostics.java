package io.lambdahat.sampling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a λ̂ estimate can be trusted, as typed facts: the usual diagnostics (R̂, MALA acceptance, divergence) and
 * the ones they miss (docs/SCIENCE.md §2, "Diagnostics, and what they miss"):
 * <ul>
 *   <li><b>Not a local minimum.</b> At a saddle or on a slope the chains run downhill: the draws' loss falls below
 *       L(w*) and keeps falling, and λ̂ = nβ(E L − L(w*)) goes negative. Such a number says "not a minimum", not "low
 *       complexity".</li>
 *   <li><b>Stuck chains.</b> With ε too small for nβ and the data's scale, every chain moves equally little, so R̂
 *       stays near 1. The test: how far a chain got from w* against how far pure noise would carry it,
 *       ‖w − w*‖ / √(ε·t·P) after t steps over P moving coordinates. Near 1 the chain is still spreading like free
 *       noise (the potential has not yet held it); a chain that has reached its localised posterior sits well below
 *       (its spread no longer grows with t).</li>
 * </ul>
 * Every finding is an {@link Issue} with a severity; {@link #trusted()} is false when any is an error.
 *
 * @param rhat            split-R̂ of the chains' loss traces (NaN with fewer than 2 chains)
 * @param malaAcceptance  mean MALA acceptance (NaN when off)
 * @param divergedChains  chains that diverged
 * @param negativeChains  chains whose λ̂_c is negative
 * @param llcTrendZ       change of the chains' online λ̂ from the first to the last quarter of the draws, in standard
 *                        errors over chains (negative: still falling; NaN with fewer than 2 chains)
 * @param diffusionRatio  per chain: mean ‖w − w*‖ over the last tenth of the draws / √(ε·t·P) (NaN for diverged chains)
 * @param stuckChains     chains that did not settle (all healthy chains or none): the chains' mean diffusion ratio is at
 *                        least {@link #STUCK_RATIO}, or the online λ̂ still rose by more than {@link #STUCK_RISE} of itself
 * @param notLocalMinimum the chains ran downhill from w*: λ̂ significantly negative, or the online λ̂ still falling
 * @param issues          every finding, errors first
 */
public record Diagnostics(double rhat, double malaAcceptance, int divergedChains, int negativeChains, double llcTrendZ,
                          double[] diffusionRatio, int stuckChains, boolean notLocalMinimum, List<Issue> issues) {

    /** How bad a finding is. */
    public enum Severity {
        /** The number cannot be trusted as a λ̂ estimate. */
        ERROR,
        /** The number may be off; the remedy is named. */
        WARNING
    }

    /** What was found. */
    public enum Kind {
        /** The chains ran downhill: w* is not a local minimum (or γ is too weak to keep them local). */
        NOT_LOCAL_MINIMUM,
        /** λ̂ is negative. */
        NEGATIVE_LLC,
        /** Chains still spread like free noise: ε too small for nβ and the data's scale, or too few steps. */
        STUCK_CHAINS,
        /** Some or every chain diverged. */
        DIVERGED,
        /** R̂ above 1.1: the chains disagree. */
        CHAINS_DISAGREE,
        /** MALA acceptance far below 0.9: ε too large. */
        LOW_ACCEPTANCE,
        /** The online λ̂ was still rising at the end of the draws. */
        NOT_SETTLED
    }

    /**
     * One finding.
     *
     * @param severity error or warning
     * @param kind     what was found
     * @param message  what it means and what to do, in the sampler's own terms (ε, γ, nβ, burn-in, draws)
     */
    public record Issue(Severity severity, Kind kind, String message) {}

    /**
     * A mean diffusion ratio at or above this marks the chains stuck. Exactly flat directions (a DLN's symmetries) diffuse
     * freely even in a good run, so settled DLN chains measured 0.42–0.94 one by one, 0.6–0.7 on average; chains at
     * ε = 1e-8, where every direction still spreads like noise, 0.91–1.2 one by one, 1.0–1.07 on average.
     */
    public static final double STUCK_RATIO = 0.92;
    /** A positive online λ̂ that rose by more than this fraction of itself from the first to the last quarter of the draws. */
    public static final double STUCK_RISE = 0.3;
    /** |trend| in standard errors above which the online λ̂ counts as still moving. */
    public static final double TREND_Z = 4;
    /** … and it must also move by this fraction of max(|λ̂|, 1). */
    public static final double TREND_FRACTION = 0.2;

    /** {@return true when no finding is an error} */
    public boolean trusted() {
        return issues.stream().noneMatch(i -> i.severity() == Severity.ERROR);
    }

    /** {@return the findings' messages, errors first} */
    public List<String> messages() {
        return issues.stream().map(i -> (i.severity() == Severity.ERROR ? "error: " : "") + i.message()).toList();
    }

    /**
     * The diagnostics of one run's traces.
     *
     * @param config        the settings the chains ran with
     * @param llcPerChain   λ̂_c (NaN for diverged chains)
     * @param llcMean       λ̂ over healthy chains
     * @param llcStderr     its standard error
     * @param llcTrace      [chain][draw] online λ̂
     * @param distanceTrace [chain][draw] ‖w − w*‖
     * @param movingPerChain how many coordinates move in each chain
     * @param frozen        chains that diverged
     * @param rhat          split-R̂
     * @param malaAcceptance mean MALA acceptance
     * @return the diagnostics
     */
    static Diagnostics of(SamplerConfig config, double[] llcPerChain, double llcMean, double llcStderr, double[][] llcTrace,
                          double[][] distanceTrace, long[] movingPerChain, boolean[] frozen, double rhat, double malaAcceptance) {
        int c = llcPerChain.length, draws = config.draws();
        int healthy = 0, negative = 0, stuck = 0;
        double[] ratio = new double[c];
        double[] quarterChange = new double[c];
        int tail = Math.max(1, draws / 10), quarter = Math.max(1, draws / 4);
        for (int k = 0; k < c; k++) {
            if (frozen[k]) { ratio[k] = Double.NaN; quarterChange[k] = Double.NaN; continue; }
            healthy++;
            if (llcPerChain[k] < 0) negative++;
            double r = 0;
            for (int t = draws - tail; t < draws; t++) {
                double steps = config.burnin() + (double) t * config.stepsBetweenDraws();
                r += steps > 0 ? distanceTrace[k][t] / Math.sqrt(config.epsilon() * steps * movingPerChain[k]) : 0;
            }
            ratio[k] = r / tail;
            quarterChange[k] = mean(llcTrace[k], draws - quarter, draws) - mean(llcTrace[k], 0, quarter);
        }
        double trendZ = trendZ(quarterChange, frozen);
        double change = 0;
        for (int k = 0; k < c; k++) if (!frozen[k]) change += quarterChange[k] / healthy;
        boolean moving = Math.abs(trendZ) > TREND_Z && Math.abs(change) > TREND_FRACTION * Math.max(Math.abs(llcMean), 1);
        boolean falling = moving && change < 0;
        boolean significantlyNegative = llcMean < 0 && (2 * negative > healthy || !(llcStderr > 0) || llcMean + 2 * llcStderr < 0);
        boolean notLocal = healthy > 0 && (significantlyNegative || falling);
        // one chain's ratio is noisy (flat directions diffuse freely even in a good run): the chains' mean decides; a
        // chain carried downhill by the drift also travels far, so the test applies only where w* is a minimum
        double meanRatio = 0;
        for (int k = 0; k < c; k++) if (!frozen[k]) meanRatio += ratio[k] / healthy;
        if (!notLocal && healthy > 0 && meanRatio >= STUCK_RATIO) stuck = healthy;
        // a stuck chain's loss excess grows like ε·t: from the first to the last quarter of the draws it rises by a large
        // fraction of itself
        if (!notLocal && llcMean > 0 && change > STUCK_RISE * llcMean && trendZ > 2) stuck = healthy;


        List<Issue> issues = new ArrayList<>();
        if (healthy == 0) {
            issues.add(new Issue(Severity.ERROR, Kind.DIVERGED, "every chain diverged: no estimate; take a smaller ε or a larger γ"));
        } else if (c - healthy > 0) {
            issues.add(new Issue(Severity.WARNING, Kind.DIVERGED, String.format(Locale.ROOT,
                    "%d of %d chains diverged and are left out of λ̂; take a smaller ε or a larger γ", c - healthy, c)));
        }
        if (notLocal) {
            issues.add(new Issue(Severity.ERROR, Kind.NOT_LOCAL_MINIMUM, String.format(Locale.ROOT,
                    "not a local minimum: the chains ran downhill from w* (λ̂ = %.4g, %d of %d chains negative%s); the number measures "
                    + "the descent, not complexity; a larger γ keeps chains local where the curvature allows", llcMean, negative, healthy,
                    falling ? String.format(Locale.ROOT, ", online λ̂ still falling by %.3g (%.1f standard errors)", change, trendZ) : "")));
        } else if (llcMean < 0) {
            issues.add(new Issue(Severity.WARNING, Kind.NEGATIVE_LLC, String.format(Locale.ROOT,
                    "λ̂ = %.4g is negative but within its noise of 0 (± %.2g): w* may not be a minimum, or ε / nβ / γ are off", llcMean, llcStderr)));
        }
        if (stuck > 0) {
            issues.add(new Issue(Severity.ERROR, Kind.STUCK_CHAINS, String.format(Locale.ROOT,
                    "the chains did not settle: they still spread like free noise (‖w − w*‖ / √(ε·steps·P) = %.2f on average, settled "
                    + "chains sit below %.2f; online λ̂ changed by %.3g over the draws); λ̂ is then too low: take a larger ε or more burn-in steps",
                    meanRatio, STUCK_RATIO, change)));
        }
        if (moving && !falling && stuck == 0) {
            issues.add(new Issue(Severity.WARNING, Kind.NOT_SETTLED, String.format(Locale.ROOT,
                    "the online λ̂ was still rising at the end of the draws (by %.3g, %.1f standard errors): take more burn-in steps or a larger ε",
                    change, trendZ)));
        }
        if (rhat > 1.1) {
            issues.add(new Issue(Severity.WARNING, Kind.CHAINS_DISAGREE, String.format(Locale.ROOT,
                    "R̂ = %.3f > 1.1: the chains disagree; take more burn-in steps and draws", rhat)));
        }
        if (malaAcceptance < 0.5) {
            issues.add(new Issue(Severity.WARNING, Kind.LOW_ACCEPTANCE, String.format(Locale.ROOT,
                    "mean MALA acceptance %.2f is far below ~0.9: ε is probably too large (with noisy labels the per-minibatch "
                    + "acceptance is low for every ε; a full-batch check is in calibration)", malaAcceptance)));
        }
        issues.sort(java.util.Comparator.comparing(Issue::severity));
        return new Diagnostics(rhat, malaAcceptance, c - healthy, negative, trendZ, ratio, stuck, notLocal, List.copyOf(issues));
    }

    /** Mean quarter-to-quarter change over chains divided by its standard error. */
    private static double trendZ(double[] change, boolean[] frozen) {
        double s = 0, s2 = 0;
        int k2 = 0;
        for (int k = 0; k < change.length; k++) if (!frozen[k]) { s += change[k]; k2++; }
        if (k2 < 2) return Double.NaN;
        double m = s / k2;
        for (int k = 0; k < change.length; k++) if (!frozen[k]) s2 += (change[k] - m) * (change[k] - m);
        double se = Math.sqrt(s2 / (k2 - 1) / k2);
        return se > 0 ? m / se : m == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, m);
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return s / (to - from);
    }

    /** {@return the diagnostics as an ordered map for JSON} */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trusted", trusted());
        m.put("not_local_minimum", notLocalMinimum);
        m.put("stuck_chains", stuckChains);
        m.put("negative_chains", negativeChains);
        m.put("diverged_chains", divergedChains);
        m.put("llc_trend_z", llcTrendZ);
        m.put("diffusion_ratio", diffusionRatio);
        m.put("rhat", rhat);
        m.put("mala_accept", malaAcceptance);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Issue i : issues) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("severity", i.severity().name().toLowerCase(Locale.ROOT));
            e.put("kind", i.kind().name().toLowerCase(Locale.ROOT));
            e.put("message", i.message());
            list.add(e);
        }
        m.put("issues", list);
        return m;
    }
}
