package io.lambdahat.cli;

import io.lambdahat.run.MetricsRow;
import io.lambdahat.train.TrainingObserver;

import java.util.Locale;

/** Feeds the training progress bar: step, minibatch loss, last held-out loss and the ETA of this call. */
final class TrainingProgress implements TrainingObserver {
    private final Progress progress;
    private final long started = System.nanoTime();
    private long firstStep = -1;
    private double heldOut = Double.NaN;

    TrainingProgress(Progress progress) {
        this.progress = progress;
    }

    @Override
    public void onStep(long step, long total, double trainLoss, double lr) {
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

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
