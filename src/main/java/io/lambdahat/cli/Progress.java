package io.lambdahat.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;

/**
 * A progress bar on a terminal; plain lines (every 10 %) when the output is a file or a pipe, so logs stay
 * readable.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final PrintWriter plain;
    private final String task;
    private final long total;
    private long lastDecile = -1;

    Progress(String task, long total, PrintWriter err, boolean quiet) {
        this.task = task;
        this.total = total;
        if (quiet) {
            bar = null;
            plain = null;
        } else if (System.console() != null && System.console().isTerminal()) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).showSpeed().build();
            plain = null;
        } else {
            bar = null;
            plain = err;
        }
    }

    void step(long done, String extra) {
        if (bar != null) {
            bar.stepTo(done);
            if (extra != null) bar.setExtraMessage(extra);
        } else if (plain != null) {
            long decile = done * 10 / Math.max(total, 1);
            if (decile != lastDecile) {
                lastDecile = decile;
                plain.printf("%s: %d/%d (%d%%)%s%n", task, done, total, decile * 10, extra == null ? "" : " " + extra);
                plain.flush();
            }
        }
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
