package io.lambdahat.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the chains recorded, per chain and draw, and which chains diverged: filled in step order by {@link ChainLoop}
 * whichever loop runs, then read by {@link TraceSummary}.
 *
 * <p>A chain whose loss or weights become NaN/Inf, or whose loss explodes (above {@value #EXPLODED}·(1 + |L_init|)),
 * is marked diverged (frozen) with its step and reason; its later draws are NaN.
 */
final class DrawTrace {
    /** A loss above this many times (1 + |L_init|) counts as exploded. */
    static final double EXPLODED = 1e8;

    final double[][] loss, distance, weightNorm, driftNorm, noiseNorm;
    /** MALA's acceptance probabilities summed per chain, and how many were summed. */
    final double[] acceptSum;
    final long[] acceptCount;
    /** true for the chains that diverged: they no longer move. */
    final boolean[] frozen;
    final List<String> warnings = new ArrayList<>();
    final List<LlcResult.Divergence> diverged = new ArrayList<>();
    private final InitLoss initLoss;
    private final double dataInitLoss;
    private double firstBatchMean = Double.NaN;
    private int draw;

    /**
     * @param chains       C
     * @param draws        draws per chain
     * @param initLoss     which L(w*) an exploded loss is measured against
     * @param dataInitLoss L(w*) from the data (NaN for {@link InitLoss#MINIBATCH_MEAN})
     */
    DrawTrace(int chains, int draws, InitLoss initLoss, double dataInitLoss) {
        loss = new double[chains][draws];
        distance = new double[chains][draws];
        weightNorm = new double[chains][draws];
        driftNorm = new double[chains][draws];
        noiseNorm = new double[chains][draws];
        acceptSum = new double[chains];
        acceptCount = new long[chains];
        frozen = new boolean[chains];
        this.initLoss = initLoss;
        this.dataInitLoss = dataInitLoss;
    }

    int chains() {
        return frozen.length;
    }

    /** The draws recorded so far. */
    int draws() {
        return draw;
    }

    /** The mean of all chains' minibatch losses at the first step (devinterp's L(w*)); NaN before it. */
    double firstBatchMean() {
        return firstBatchMean;
    }

    /** Marks the chains whose loss at {@code step} is non-finite or exploded; returns whether any was newly marked. */
    boolean checkLosses(long step, double[] losses) {
        if (step == 0) firstBatchMean = Arrays.stream(losses).average().orElseThrow();
        double reference = initLoss == InitLoss.MINIBATCH_MEAN ? firstBatchMean : dataInitLoss;
        boolean any = false;
        for (int k = 0; k < frozen.length; k++) {
            if (frozen[k]) continue;
            String why = !Double.isFinite(losses[k]) ? "loss is " + losses[k]
                    : losses[k] > EXPLODED * (1 + Math.abs(reference)) ? "loss exploded to " + losses[k] : null;
            if (why != null) {
                frozen[k] = true;
                any = true;
                diverged.add(new LlcResult.Divergence(k, step, why));
                warnings.add("chain " + k + " diverged at step " + step + " (" + why + ")");
            }
        }
        return any;
    }

    /**
     * Records a draw: the losses and the norms of the step taken from it. {@code frozenNormsUnknown}: a frozen
     * chain's norms are recorded as NaN, for a loop in which it went on moving until its block ended.
     */
    void record(double[] losses, SgldUpdate.ChainNorms norms, boolean frozenNormsUnknown) {
        for (int k = 0; k < frozen.length; k++) {
            boolean unknown = frozen[k] && frozenNormsUnknown;
            loss[k][draw] = frozen[k] ? Double.NaN : losses[k];
            distance[k][draw] = unknown ? Double.NaN : norms.distance()[k];
            weightNorm[k][draw] = unknown ? Double.NaN : norms.weightNorm()[k];
            driftNorm[k][draw] = unknown ? Double.NaN : norms.driftNorm()[k];
            noiseNorm[k][draw] = unknown ? Double.NaN : norms.noiseNorm()[k];
        }
        draw++;
    }

    /** Marks the chains whose weights became non-finite at {@code step}; returns whether any was newly marked. */
    boolean checkWeights(long step, double[] weight) {
        boolean any = false;
        for (int k = 0; k < frozen.length; k++) {
            if (!frozen[k] && !Double.isFinite(weight[k])) {
                frozen[k] = true;
                any = true;
                diverged.add(new LlcResult.Divergence(k, step, "weights became non-finite"));
                warnings.add("chain " + k + " diverged at step " + step + " (weights non-finite)");
            }
        }
        return any;
    }
}
