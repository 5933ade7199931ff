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
 * A sweep of λ̂ over step size ε × inverse temperature nβ (LLC.md §2 "Calibration"), and a recommendation: among
 * the cells where no chain diverged, λ̂ is positive, the online λ̂ trace has flattened and the MALA acceptance is
 * near 0.9, the cell closest to the default nβ, and there the largest ε whose λ̂ agrees with the next smaller ε
 * (larger steps mix faster; agreement with a smaller step shows the discretisation bias is small).
 *
 * <p>The acceptance threshold is 0.6 rather than the ~0.9 of full-batch MALA: the diagnostic uses each step's own
 * minibatch loss, and the batch-to-batch noise of nβ·L_B lowers the acceptance even as ε → 0.
 */
public final class Calibration {
    /**
     * One grid cell's outcome.
     *
     * @param epsilon the cell's step size ε
     * @param nbeta the cell's nβ
     * @param llc λ̂, the mean over chains that did not diverge
     * @param llcStderr λ̂'s standard error over chains
     * @param malaAcceptance mean MALA acceptance probability after burn-in (NaN when off)
     * @param divergedChains how many chains diverged
     * @param traceDrift relative change of the online λ̂ between the second and the last quarter of the draws
     * @param llcMeans per draw: the online λ̂ averaged over chains
     */
    public record Cell(double epsilon, double nbeta, double llc, double llcStderr, double malaAcceptance, int divergedChains,
                       double traceDrift, double[] llcMeans) {
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
            return divergedChains == 0 && llc > 0 && Double.isFinite(llc) && malaAcceptance >= minAcceptance
                    && malaAcceptance <= maxAcceptance && traceDrift <= maxDrift;
        }
    }

    /**
     * The recommended settings and why.
     *
     * @param epsilon the recommended step size ε
     * @param nbeta the recommended nβ
     * @param gamma the localisation γ the sweep used
     * @param llc λ̂ at the recommended cell
     * @param reason in plain words, why this cell was chosen
     */
    public record Recommendation(double epsilon, double nbeta, double gamma, double llc, String reason) {}

    /**
     * The whole sweep.
     *
     * @param gamma the localisation γ of every cell
     * @param defaultNbeta the nβ the recommendation prefers
     * @param cells every (ε, nβ) cell, nβ-major in the order swept
     * @param recommendation the recommended cell, or empty when no cell is healthy
     */
    public record Result(double gamma, double defaultNbeta, List<Cell> cells, Optional<Recommendation> recommendation) {}

    /** Lowest MALA acceptance of a healthy cell (minibatch noise keeps it below full-batch MALA's ~0.9). */
    public static final double MIN_ACCEPTANCE = 0.6;
    /** Highest MALA acceptance of a healthy cell: above it ε is so small that the chains barely move. */
    public static final double MAX_ACCEPTANCE = 0.98;
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
        if (count < 1 || !(from > 0) || !(to >= from)) throw new IllegalArgumentException("bad grid " + from + ".." + to + " × " + count);
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
     * @param base every other sampler setting (its ε and nβ are replaced per cell)
     * @param epsilons the step sizes ε to try
     * @param nbetas absolute nβ values; {@code defaultNbeta} is the one the recommendation prefers
     * @param defaultNbeta the nβ the recommendation prefers among healthy cells
     * @param afterCell called after each cell (progress), or null
     * @return every cell and the recommendation
     * @throws IllegalArgumentException if w* does not match the model's parameter count
     */
    public static Result sweep(ChainModel model, Dataset data, Tensor wStar, SamplerConfig base, double[] epsilons, double[] nbetas,
                               double defaultNbeta, Runnable afterCell) {
        List<Cell> cells = new ArrayList<>();
        for (double nbeta : nbetas) {
            for (double eps : epsilons) {
                SamplerConfig cfg = base.toBuilder().epsilon(eps).nbeta(nbeta).build();
                LlcResult r = new SgldSampler(model, data, cfg).run(wStar);
                cells.add(new Cell(eps, nbeta, r.llcMean(), r.llcStderr(), r.malaAcceptanceMean(), r.diverged().size(),
                        drift(r.llcMeans()), r.llcMeans()));
                if (afterCell != null) afterCell.run();
            }
        }
        return new Result(base.gamma(), defaultNbeta, cells, recommend(cells, defaultNbeta, base.gamma()));
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

    static Optional<Recommendation> recommend(List<Cell> cells, double defaultNbeta, double gamma) {
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
                String reason = String.format(Locale.ROOT, "nβ = %.4g (%s the default %.4g) and ε = %.3g: no chain diverged, MALA acceptance "
                        + "%.2f, the online λ̂ changed %.1f%% over the last half of the draws, and λ̂ = %.4g agrees with ε = %.3g (λ̂ = %.4g) "
                        + "within %.1f%%; it is the largest such ε", nb, nb == defaultNbeta ? "=" : "nearest healthy to", defaultNbeta,
                        c.epsilon(), c.malaAcceptance(), 100 * c.traceDrift(), c.llc(), smaller.epsilon(), smaller.llc(), 100 * disagreement);
                return Optional.of(new Recommendation(c.epsilon(), nb, gamma, c.llc(), reason));
            }
        }
        return Optional.empty();
    }
}
