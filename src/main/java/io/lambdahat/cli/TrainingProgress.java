package io.lambdahat.cli;

import io.lambdahat.run.MetricsRow;
import io.lambdahat.train.TrainingObserver;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The training progress bar: step, minibatch loss, last held-out loss and the ETA of this call. The bar appears at the
 * first step, so that a run refused before it trains draws none.
 */
final class TrainingProgress implements TrainingObserver, AutoCloseable {
    private final long steps;
    private final PrintWriter err;
    private final boolean quiet;
    private Progress progress;
    private long started;
    private long firstStep = -1;
    private double heldOut = Double.NaN;

    TrainingProgress(long steps, PrintWriter err, boolean quiet) {
        this.steps = steps;
        this.err = err;
        this.quiet = quiet;
    }

    @Override
    public void onStep(long step, long total, double trainLoss, double lr) {
        if (progress == null) {
            progress = new Progress("training", steps, err, quiet);
            started = System.nanoTime();
        }
        if (firstStep < 0) firstStep = step - 1;
        double elapsed = (System.nanoTime() - started) / 1e9;
        // The first updates pay for class loading and JIT compilation: no ETA until a second has passed.
        String eta = elapsed < 1 ? "…" : duration(elapsed / Math.max(1, step - firstStep) * (total - step));
        progress.step(step, String.format(Locale.ROOT, "loss %.3e held-out %.3e ETA %s", trainLoss, heldOut, eta));
    }

    @Override
    public void onRow(MetricsRow row) {
        heldOut = row.heldOutLoss();
    }

    @Override
    public void close() {
        if (progress != null) progress.close();
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
