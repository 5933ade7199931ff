package io.lambdahat.sampling;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.Locale;

/**
 * Default ε and γ that fit the data size, the data's scale and the model's, instead of constants tuned at one n.
 *
 * <p><b>The rule.</b> The tempered, localised posterior is exp(−nβ·[L(w) + (γ/2nβ)‖w − w*‖²]), and an SGLD step moves
 * a chain by ε·nβ in units of that posterior's curvature. So the settings that are accurate at the anchor
 * (ε = 1e-6, γ = 100 at n = 10⁴, nβ = n/ln n ≈ 1086: the known-answer tests) carry to another nβ by keeping ε·nβ and
 * γ/nβ: at n = 1000 (nβ ≈ 145) that is ε ≈ 7.5e-6, γ ≈ 13. With the anchor's constants at n = 1000 the DLN [4,3,4]
 * (λ = 6) measured 4.58, at n = 300 3.91; with the rule 5.80 and 5.88.
 *
 * <p><b>The pilot.</b> The anchor assumes the anchor's data scale (inputs U[−10, 10]). A short pilot measures the
 * full-batch MALA acceptance of that ε on a fixed subset of the data (every step sees the whole subset, so the
 * acceptance measures the step size, not minibatch noise). Between {@link #LOW_ACCEPTANCE} and
 * {@link #HIGH_ACCEPTANCE} ε is kept (the anchor's own cases measured 0.95–0.996). Below, ε is too large for this
 * model's curvature and shrinks; above, the chains would barely move (inputs of scale 1 instead of 10 make the loss
 * 100 times flatter) and ε grows. The acceptance deficit 1 − α of a Langevin step grows like (ε·curvature)^{3/2}, so
 * each pilot step rescales ε by (target deficit / measured deficit)^{2/3}. γ moves with ε so that ε·γ, the
 * localisation's pull per step, stays the anchor's.
 *
 * <p><b>Depth.</b> Deep linear networks of three or more layers have wider flat valleys (more symmetries): at the
 * anchor's γ their chains wander along them to λ̂ 20–25 % above Aoyagi's value ([5,4,3,4,5], λ = 7: 8.73 and 8.44).
 * They take the deep anchor, the known-answer test's settings for that case (ε = 5e-7, γ = 1000 at n = 10⁴: 7.51
 * and 6.56 over two seeds with 8 chains × 4000 draws).
 */
public final class DefaultSettings {
    /** nβ at the anchor n = 10⁴. */
    public static final double ANCHOR_NBETA = 1e4 / Math.log(1e4);
    /** ε at the anchor. */
    public static final double ANCHOR_EPSILON = 1e-6;
    /** γ at the anchor. */
    public static final double ANCHOR_GAMMA = 100;
    /**
     * The settings that are accurate at n = 10⁴ for a kind of model, carried to other nβ by the rule.
     *
     * @param epsilon ε at n = 10⁴
     * @param gamma   γ at n = 10⁴
     * @param label   which anchor, as printed
     */
    public record Anchor(double epsilon, double gamma, String label) {
        /** The known-answer tests' settings for linear regression and two-layer DLNs. */
        public static final Anchor STANDARD = new Anchor(ANCHOR_EPSILON, ANCHOR_GAMMA, "anchor");
        /** The known-answer test's settings for the deep DLN [5,4,3,4,5]. */
        public static final Anchor DEEP = new Anchor(5e-7, 1000, "deep anchor");

        /**
         * The anchor for a model: {@link #DEEP} for deep linear networks of three or more layers, else {@link #STANDARD}.
         *
         * @param model the model
         * @return its anchor
         */
        public static Anchor of(ChainModel model) {
            return model instanceof io.lambdahat.nn.DeepLinearNetwork d && d.widths().length - 1 >= 3 ? DEEP : STANDARD;
        }

        double epsilon(double nbeta) {
            return epsilon * ANCHOR_NBETA / nbeta;
        }

        double gamma(double nbeta) {
            return gamma * nbeta / ANCHOR_NBETA;
        }
    }

    /** Below this full-batch MALA acceptance ε shrinks. */
    public static final double LOW_ACCEPTANCE = 0.9;
    /** Above this full-batch MALA acceptance ε grows. */
    public static final double HIGH_ACCEPTANCE = 0.998;
    /** The acceptance a rescaled ε aims at (the anchor's DLN [4,3,4] measured 0.994). */
    static final double TARGET_ACCEPTANCE = 0.99;
    /** Rows of the pilot's fixed subset. */
    static final int PILOT_ROWS = 1024;
    private static final int PILOT_ROUNDS = 6;

    private DefaultSettings() {}

    /**
     * The rule's ε for an nβ: the anchor's ε·nβ kept.
     *
     * @param nbeta nβ, &gt; 0
     * @return ε
     */
    public static double epsilon(double nbeta) {
        return ANCHOR_EPSILON * ANCHOR_NBETA / nbeta;
    }

    /**
     * The rule's γ for an nβ: the anchor's γ/nβ kept.
     *
     * @param nbeta nβ, &gt; 0
     * @return γ
     */
    public static double gamma(double nbeta) {
        return ANCHOR_GAMMA * nbeta / ANCHOR_NBETA;
    }

    /**
     * What the rule and the pilot chose.
     *
     * @param epsilon     ε
     * @param gamma       γ
     * @param nbeta       the nβ they were chosen for
     * @param acceptance  the full-batch MALA acceptance the pilot measured at ε (NaN without a pilot)
     * @param pilotRuns   how many pilot runs it took (0: no pilot)
     * @param reason      in words, how they were chosen
     */
    public record Choice(double epsilon, double gamma, double nbeta, double acceptance, int pilotRuns, String reason) {
        /**
         * These settings in a configuration.
         *
         * @param base every other setting
         * @return base with ε and γ replaced
         */
        public SamplerConfig applyTo(SamplerConfig base) {
            return base.toBuilder().epsilon(epsilon).gamma(gamma).build();
        }
    }

    /**
     * The rule alone, without a pilot (for a model without data, or when the pilot is not wanted).
     *
     * @param nbeta nβ
     * @return the rule's ε and γ
     */
    public static Choice rule(double nbeta) {
        return new Choice(epsilon(nbeta), gamma(nbeta), nbeta, Double.NaN, 0,
                String.format(Locale.ROOT, "ε = %.3g, γ = %.3g: the anchor's ε·nβ and γ/nβ at nβ = %.4g", epsilon(nbeta), gamma(nbeta), nbeta));
    }

    /**
     * The rule, then the pilot: ε (and γ with it) rescaled until the full-batch MALA acceptance on a fixed subset of
     * the data lies between {@link #LOW_ACCEPTANCE} and {@link #HIGH_ACCEPTANCE}.
     *
     * @param model the model
     * @param data  its data (a subset of at most {@value #PILOT_ROWS} rows is used)
     * @param wStar w*, [P]
     * @param base  the other settings (chains, seed, device, sampler, nβ rule); its ε and γ are ignored
     * @return the choice
     */
    public static Choice choose(ChainModel model, Dataset data, Tensor wStar, SamplerConfig base) {
        return choose(model, data, wStar, base, null);
    }

    /**
     * As {@link #choose(ChainModel, Dataset, Tensor, SamplerConfig)} for a weight-refined estimate: the pilot moves
     * only the coordinates the estimate will move, since the acceptance of a step depends on which directions it takes.
     *
     * @param model the model
     * @param data  its data
     * @param wStar w*, [P]
     * @param base  the other settings; its ε and γ are ignored
     * @param mask  the coordinates that move, or null for all
     * @return the choice
     */
    public static Choice choose(ChainModel model, Dataset data, Tensor wStar, SamplerConfig base, io.lambdahat.nn.ParameterMask mask) {
        double nbeta = base.nbetaRule().value(data.size(), base.batchSize(), base.nbeta());
        Anchor anchor = Anchor.of(model);
        double eps = anchor.epsilon(nbeta), gamma = anchor.gamma(nbeta);
        double acceptance = Double.NaN;
        int runs = 0;
        try (Scope s = Scope.open(); Dataset subset = subset(data)) {
            for (int round = 0; round < PILOT_ROUNDS; round++) {
                LlcResult r = pilot(model, subset, wStar, base, eps, gamma, nbeta, mask);
                runs++;
                acceptance = r.malaAcceptanceMean();
                boolean diverged = !r.diverged().isEmpty();
                if (!diverged && acceptance >= LOW_ACCEPTANCE && acceptance <= HIGH_ACCEPTANCE) break;
                double factor;
                if (diverged || !(acceptance > 0)) {
                    factor = 1.0 / 16;
                } else {
                    double deficit = Math.max(1 - acceptance, 1e-9);
                    factor = Math.pow((1 - TARGET_ACCEPTANCE) / deficit, 2.0 / 3);
                    factor = Math.max(1.0 / 16, Math.min(100, factor));
                }
                if (round == PILOT_ROUNDS - 1) break;
                eps *= factor;
                gamma /= factor;
            }
        }
        double scale = eps / anchor.epsilon(nbeta);
        String how = Math.abs(scale - 1) < 1e-12
                ? String.format(Locale.ROOT, "the %s's ε·nβ and γ/nβ at nβ = %.4g; pilot: full-batch MALA acceptance %.3f on %d rows",
                        anchor.label(), nbeta, acceptance, Math.min(data.size(), PILOT_ROWS))
                : String.format(Locale.ROOT, "the %s's ε·nβ and γ/nβ at nβ = %.4g, ε ×%.3g and γ ÷%.3g by a pilot of %d runs "
                        + "(full-batch MALA acceptance %.3f on %d rows)", anchor.label(), nbeta, scale, scale, runs, acceptance,
                        Math.min(data.size(), PILOT_ROWS));
        return new Choice(eps, gamma, nbeta, acceptance, runs, String.format(Locale.ROOT, "ε = %.3g, γ = %.3g: %s", eps, gamma, how));
    }

    /**
     * The full-batch MALA acceptance of a setting: 2 chains × 200 steps on a fixed subset of the data, every step on the
     * whole subset, so that the acceptance measures the step size and not minibatch noise (with label noise the
     * per-minibatch acceptance sat at 0.52–0.56 for every ε from 1e-6 to 7e-4).
     *
     * @param model   the model
     * @param subset  the rows to evaluate on (see {@link #subset})
     * @param wStar   w*
     * @param base    the other settings (seed, device)
     * @param epsilon ε
     * @param gamma   γ
     * @param nbeta   nβ (of the whole data set, not of the subset)
     * @return the pilot's result; its {@link LlcResult#malaAcceptanceMean()} is the full-batch acceptance
     */
    public static LlcResult pilot(ChainModel model, Dataset subset, Tensor wStar, SamplerConfig base, double epsilon, double gamma, double nbeta) {
        return pilot(model, subset, wStar, base, epsilon, gamma, nbeta, null);
    }

    private static LlcResult pilot(ChainModel model, Dataset subset, Tensor wStar, SamplerConfig base, double epsilon, double gamma,
                                   double nbeta, io.lambdahat.nn.ParameterMask mask) {
        SamplerConfig pilot = base.toBuilder().sampler(Sampler.SGLD).epsilon(epsilon).gamma(gamma).nbeta(nbeta).chains(2).burnin(0)
                .draws(200).stepsBetweenDraws(1).batchSize((int) subset.size()).mala(true).build();
        return new LangevinSampler(model, subset, pilot).restrictTo(mask).run(wStar);
    }

    /**
     * Up to {@value #PILOT_ROWS} rows spread evenly over the data (not its first rows: user data may be sorted).
     *
     * @param data the data
     * @return a new dataset the caller closes
     */
    public static Dataset subset(Dataset data) {
        long n = data.size();
        if (n <= PILOT_ROWS) return new Dataset(data.x().share(), data.y().share());
        long[] rows = new long[PILOT_ROWS];
        for (int i = 0; i < PILOT_ROWS; i++) rows[i] = i * n / PILOT_ROWS;
        try (Tensor index = Tensor.of(rows, data.x().device(), PILOT_ROWS)) {
            return new Dataset(data.x().indexSelect(0, index), data.y().indexSelect(0, index));
        }
    }
}
