package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.run.MetricsFile;
import io.lambdahat.run.MetricsRow;
import io.lambdahat.sampling.Aoyagi;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.run.RunFolder;
import io.lambdahat.trajectory.Targets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the DLN demo must show: the final λ̂ against Aoyagi's value for the teacher's widths and rank, and, with λ̂ of
 * the learned function ({@link Targets#MODEL}), λ̂ on each plateau against Aoyagi's value for the rank learned there.
 */
final class DlnDemoCheck {
    /** A mode is learned when its strength mode_i is at least this share of its singular value. */
    static final double LEARNED = 0.9;
    /**
     * A mode is not begun when its strength is at most this share of its singular value: a mode a few per cent of the way
     * (mode_2 at 9 % in the demo) already shows in λ̂ at the demo's nβ.
     */
    static final double NOT_BEGUN = 0.01;

    private DlnDemoCheck() {}

    static String summary(Path run) throws Exception {
        RunFolder folder = RunFolder.of(run);
        JsonNode task = folder.config().task();
        int[] widths = new ObjectMapper().convertValue(task.get("widths"), int[].class);
        int rank = task.get("rank").asInt();
        List<RunRecords.Entry> entries = RunRecords.read(run);
        RunRecords.Entry last = entries.get(entries.size() - 1);
        double truth = Aoyagi.learningCoefficient(widths, rank);
        StringBuilder out = new StringBuilder();
        if (last.targets() == Targets.MODEL && task.has("singular_values")) {
            double[] s = new ObjectMapper().convertValue(task.get("singular_values"), double[].class);
            out.append(plateaus(entries, MetricsFile.read(folder.metricsFile()), widths, s));
        }
        out.append(String.format(Locale.ROOT, "final checkpoint (step %d): λ̂ = %.2f ± %.2f; Aoyagi's λ for widths %s, rank %d = %.2f (%+.1f%%)%n",
                last.step(), last.llcMean(), last.llcStderr(), java.util.Arrays.toString(widths), rank, truth,
                100 * (last.llcMean() - truth) / truth));
        return out.toString();
    }

    /**
     * λ̂ on each plateau of the run against Aoyagi's λ for the rank learned there: a checkpoint is on the plateau of rank
     * k when k modes are learned (mode_i ≥ {@value #LEARNED}·s_i) and the others are not begun (mode_i ≤
     * {@value #NOT_BEGUN}·s_i); checkpoints in the middle of a drop are left out.
     */
    static String plateaus(List<RunRecords.Entry> entries, List<MetricsRow> metrics, int[] widths, double[] s) {
        Map<Long, MetricsRow> byStep = new HashMap<>();
        for (MetricsRow r : metrics) byStep.put(r.step(), r);
        List<List<RunRecords.Entry>> onPlateau = new ArrayList<>();
        for (int k = 0; k <= s.length; k++) onPlateau.add(new ArrayList<>());
        for (RunRecords.Entry e : entries) {
            MetricsRow row = byStep.get(e.step());
            if (row == null || !Double.isFinite(e.llcMean())) continue;
            int learned = 0;
            boolean settled = true;
            for (int i = 0; i < s.length; i++) {
                Double m = row.metrics().get("mode_" + (i + 1));
                if (m == null) return "";
                if (m >= LEARNED * s[i]) learned++;
                else if (m > NOT_BEGUN * s[i]) settled = false;
            }
            // a plateau learns the largest modes first: k learned means modes 1 … k
            for (int i = 0; i < learned && settled; i++) settled = row.metrics().get("mode_" + (i + 1)) >= LEARNED * s[i];
            if (settled) onPlateau.get(learned).add(e);
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "λ̂ of the learned function on each plateau (k modes learned: mode_i ≥ %.0f%% of s_i, the others ≤ %.0f%%) against Aoyagi's λ for rank k:%n",
                100 * LEARNED, 100 * NOT_BEGUN));
        for (int k = 0; k < onPlateau.size(); k++) {
            List<RunRecords.Entry> p = onPlateau.get(k);
            double lambda = Aoyagi.learningCoefficient(widths, k);
            if (p.isEmpty()) {
                out.append(String.format(Locale.ROOT, "  rank %d  no checkpoint on this plateau%45sAoyagi %6.2f%n", k, "", lambda));
                continue;
            }
            double mean = p.stream().mapToDouble(RunRecords.Entry::llcMean).average().orElseThrow();
            double min = p.stream().mapToDouble(RunRecords.Entry::llcMean).min().orElseThrow();
            double max = p.stream().mapToDouble(RunRecords.Entry::llcMean).max().orElseThrow();
            out.append(String.format(Locale.ROOT, "  rank %d  steps %5d–%-5d (%2d checkpoints)  λ̂ %6.2f (%.2f–%.2f)  Aoyagi %6.2f  (%+.1f%%)%n", k,
                    p.getFirst().step(), p.getLast().step(), p.size(), mean, min, max, lambda, 100 * (mean - lambda) / lambda));
        }
        return out.toString();
    }
}
