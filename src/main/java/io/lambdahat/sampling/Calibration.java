package io.lambdahat.sampling;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.torch.Tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A sweep of λ̂ over step size ε × inverse temperature nβ (docs/SCIENCE.md §2 "Calibration"), and a recommendation: among
 * the cells where no chain diverged, λ̂ is positive, the chains settled (no diagnostic error: local, not stuck), the
 * online λ̂ trace has flattened and the <em>full-batch</em> MALA acceptance is at least {@link #MIN_ACCEPTANCE}, the
 * cell closest to the default nβ, and there the largest ε whose λ̂ agrees with the next smaller ε (larger steps mix
 * faster; agreement with a smaller step shows the discretisation bias is small).
 *
 * <p><b>γ.</b> A fixed γ is not neutral: at nβ ≈ 500 the old γ = 100 pulled λ̂ 20–40 % below the truth on trained
 * DLNs. Unless a γ is given, each cell takes γ = {@link #GAMMA_TIMES_EPSILON}/ε: the localisation's pull per step,
 * ε·γ, held at the value of the known-answer anchor (ε = 1e-6, γ = 100), which is also what {@link DefaultSettings}
 * gives.
 *
 * <p><b>Acceptance.</b> Each cell's acceptance comes from a short pilot on a fixed subset of the data with every step
 * on the whole subset ({@link DefaultSettings#pilot}): the per-minibatch acceptance of the run itself measures
 * minibatch noise as much as ε (with label noise it sat at 0.52–0.56 for every ε from 1e-6 to 7e-4, and a rule on it
 * walked to nβ = 25 and λ̂ 3.5 for a truth of 17).
 */
public final class Calibration {
    /**
     * One grid cell's outcome.
     *
     * @param epsilon the cell's step size ε
     * @param nbeta the cell's nβ
     * @param llc λ̂, the mean over chains that did not diverge
     * @param llcStderr λ̂'s standard error over chains
     * @param malaAcceptance full-batch MALA acceptance of the cell's ε, γ and nβ (a pilot on a fixed subset)
     * @param gamma the cell's γ
     * @param trusted the run's diagnostics found no error (chains local and settled)
     * @param divergedChains how many chains diverged
     * @param traceDrift relative change of the online λ̂ between the second and the last quarter of the draws
     * @param llcMeans per draw: the online λ̂ averaged over chains
     */
    public record Cell(double epsilon, double nbeta, double gamma, double llc, double llcStderr, double malaAcceptance, int divergedChains,
                       boolean trusted, double traceDrift, double[] llcMeans) {
        /**
         * The cell passes the per-cell checks: no divergence, λ̂ positive and finite, acceptance within bounds, flat
         * trace.
         *
         * @param minAcceptance lowest acceptable MALA acceptance (see {@link #MIN_ACCEPTANCE})
         * @param maxAcceptance highest acceptable MALA acceptance, above which ε is wastefully small
         * @param maxDrift largest acceptable {@code traceDrift}
         * @return true if every check passes
         */
        public boolean healthy(double minAcceptance, double maxAcceptance, double maxDrift) {
            return divergedChains == 0 && trusted && llc > 0 && Double.isFinite(llc) && malaAcceptance >= minAcceptance
                    && malaAcceptance <= maxAcceptance && traceDrift <= maxDrift;
        }
    }

    /**
     * The recommended settings and why.
     *
     * @param epsilon the recommended step size ε
     * @param nbeta the recommended nβ
     * @param gamma the cell's localisation γ
     * @param llc λ̂ at the recommended cell
     * @param reason in plain words, why this cell was chosen
     */
    public record Recommendation(double epsilon, double nbeta, double gamma, double llc, String reason) {}

    /**
     * The whole sweep.
     *
     * @param gamma the localisation γ of every cell, or NaN when γ followed ε ({@link #GAMMA_TIMES_EPSILON})
     * @param defaultNbeta the nβ the recommendation prefers
     * @param cells every (ε, nβ) cell, nβ-major in the order swept
     * @param recommendation the recommended cell, or empty when no cell is healthy
     */
    public record Result(double gamma, double defaultNbeta, List<Cell> cells, Optional<Recommendation> recommendation) {}

    /** Lowest full-batch MALA acceptance of a healthy cell. */
    public static final double MIN_ACCEPTANCE = 0.9;
    /** Highest acceptance of a healthy cell: none (stuck chains, the cost of too small an ε, are a diagnostic error). */
    public static final double MAX_ACCEPTANCE = 1.0;
    /** ε·γ of every cell when no γ is given: the known-answer anchor's 1e-6 × 100. */
    public static final double GAMMA_TIMES_EPSILON = DefaultSettings.ANCHOR_EPSILON * DefaultSettings.ANCHOR_GAMMA;
    /** Largest relative change of the online λ̂ between the second and the last quarter of the draws. */
    public static final double MAX_DRIFT = 0.2;
    /** Largest relative difference of λ̂ between neighbouring step sizes for the larger to count as stable. */
    public static final double MAX_STEP_DISAGREEMENT = 0.1;

    private Calibration() {}

    /**
     * Log-spaced values from {@code from} to {@code to} inclusive.
     *
     * @param from the first value, &gt; 0
     * @param to the last value, &ge; {@code from}
     * @param count how many values, &ge; 1 (1 gives just {@code from})
     * @return the grid, ascending
     * @throws IllegalArgumentException if the bounds or the count are out of range
     */
    public static double[] logSpace(double from, double to, int count) {
        if (count < 1 || !(from > 0) || !(to >= from)) throw new io.lambdahat.InvalidInputException("bad grid " + from + ".." + to + " × " + count);
        double[] v = new double[count];
        for (int i = 0; i < count; i++) v[i] = count == 1 ? from : from * Math.pow(to / from, (double) i / (count - 1));
        return v;
    }

    /**
     * Runs the sweep: every (ε, nβ) cell with the chains of {@code base} batched.
     *
     * @param model the chain-batched model
     * @param data the dataset the loss is taken on
     * @param wStar the checkpoint w* [P] every cell starts from
     * @param base every other sampler setting (its ε and nβ are replaced per cell, and its γ unless {@code fixedGamma})
     * @param fixedGamma keep base's γ in every cell instead of γ = {@link #GAMMA_TIMES_EPSILON}/ε
     * @param epsilons the step sizes ε to try
     * @param nbetas absolute nβ values; {@code defaultNbeta} is the one the recommendation prefers
     * @param defaultNbeta the nβ the recommendation prefers among healthy cells
     * @param afterCell called after each cell (progress), or null
     * @return every cell and the recommendation
     * @throws IllegalArgumentException if w* does not match the model's parameter count
     */
    public static Result sweep(ChainModel model, Dataset data, Tensor wStar, SamplerConfig base, boolean fixedGamma, double[] epsilons,
                               double[] nbetas, double defaultNbeta, Runnable afterCell) {
        List<Cell> cells = new ArrayList<>();
        try (Dataset subset = DefaultSettings.subset(data)) {
            for (double nbeta : nbetas) {
                for (double eps : epsilons) {
                    double gamma = fixedGamma ? base.gamma() : GAMMA_TIMES_EPSILON / eps;
                    SamplerConfig cfg = base.toBuilder().epsilon(eps).gamma(gamma).nbeta(nbeta).build();
                    LlcResult r = new LangevinSampler(model, data, cfg).run(wStar);
                    double acceptance = r.diverged().isEmpty()
                            ? DefaultSettings.pilot(model, subset, wStar, base, eps, gamma, nbeta).malaAcceptanceMean() : Double.NaN;
                    cells.add(new Cell(eps, nbeta, gamma, r.llcMean(), r.llcStderr(), acceptance, r.diverged().size(),
                            r.diagnostics().trusted(), drift(r.llcMeans()), r.llcMeans()));
                    if (afterCell != null) afterCell.run();
                }
            }
        }
        return new Result(fixedGamma ? base.gamma() : Double.NaN, defaultNbeta, cells, recommend(cells, defaultNbeta));
    }

    /** Relative change of the mean online λ̂ from the second quarter of the draws to the last quarter. */
    static double drift(double[] llcMeans) {
        int n = llcMeans.length;
        if (n < 8) return Double.POSITIVE_INFINITY;
        double early = mean(llcMeans, n / 4, n / 2), late = mean(llcMeans, 3 * n / 4, n);
        return Math.abs(late - early) / Math.max(Math.abs(late), 1e-12);
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return s / (to - from);
    }

    static Optional<Recommendation> recommend(List<Cell> cells, double defaultNbeta) {
        List<Double> nbetas = cells.stream().map(Cell::nbeta).distinct()
                .sorted(Comparator.comparingDouble(nb -> Math.abs(Math.log(nb / defaultNbeta)))).toList();
        for (double nb : nbetas) {
            List<Cell> row = cells.stream().filter(c -> c.nbeta() == nb).sorted(Comparator.comparingDouble(Cell::epsilon)).toList();
            for (int i = row.size() - 1; i >= 1; i--) {
                Cell c = row.get(i), smaller = row.get(i - 1);
                // the smaller step is a reference for the discretisation bias: it need not have settled as fast
                if (!c.healthy(MIN_ACCEPTANCE, MAX_ACCEPTANCE, MAX_DRIFT) || smaller.divergedChains() > 0 || !(smaller.llc() > 0)) continue;
                double disagreement = Math.abs(c.llc() - smaller.llc()) / Math.max(Math.abs(smaller.llc()), 1e-12);
                if (disagreement > MAX_STEP_DISAGREEMENT) continue;
                String reason = String.format(Locale.ROOT, "nβ = %.4g (%s the default %.4g), ε = %.3g and γ = %.3g: no chain diverged, the "
                        + "chains settled, full-batch MALA acceptance %.3f, the online λ̂ changed %.1f%% over the last half of the draws, and λ̂ = %.4g agrees with ε = %.3g (λ̂ = %.4g) "
                        + "within %.1f%%; it is the largest such ε", nb, nb == defaultNbeta ? "=" : "nearest healthy to", defaultNbeta,
                        c.epsilon(), c.gamma(), c.malaAcceptance(), 100 * c.traceDrift(), c.llc(), smaller.epsilon(), smaller.llc(), 100 * disagreement);
                return Optional.of(new Recommendation(c.epsilon(), nb, c.gamma(), c.llc(), reason));
            }
        }
        return Optional.empty();
    }
}
