package io.lambdahat.workflow;

import io.lambdahat.trajectory.HeadTrajectory;
import io.lambdahat.trajectory.RunRecords;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The λ̂ records of a run as plain-text tables, as {@code lambdahat trajectory} prints them. */
public final class TrajectoryTables {
    private TrajectoryTables() {}

    /**
     * One line per λ̂ record of the run (this and earlier invocations), the tally of the diagnostics' findings, and a
     * word on checkpoints that are not local minima.
     *
     * @param run the run folder
     * @return the text, each line ending in a newline
     * @throws IOException if a record cannot be read
     */
    public static String records(Path run) throws IOException {
        StringBuilder out = new StringBuilder();
        int notLocal = 0;
        Map<String, Integer> findings = new TreeMap<>();
        for (RunRecords.Entry e : RunRecords.scan(run).entries()) {
            out.append(String.format(Locale.ROOT, "  step %8d  loss %-12.6g λ̂ %8.3f ± %.3f%s%n", e.step(), e.loss(), e.llcMean(), e.llcStderr(),
                    RunRecords.flags(e)));
            if (e.notLocalMinimum()) notLocal++;
            for (String f : e.findings()) findings.merge(f.replace('_', ' '), 1, Integer::sum);
        }
        if (!findings.isEmpty()) {
            out.append("diagnostics (checkpoints with each finding): ")
                    .append(findings.entrySet().stream().map(f -> f.getKey() + " " + f.getValue()).collect(Collectors.joining(", ")))
                    .append(System.lineSeparator());
        }
        if (notLocal > 0) {
            out.append(String.format(Locale.ROOT, "%d checkpoints are not local minima: their chains ran downhill, so their numbers measure the "
                    + "descent, not%ncomplexity; they are plotted apart and left out of the stages (a larger --gamma keeps chains local where "
                    + "the%ncurvature allows, at the price of a lower λ̂ at the minima)%n", notLocal));
        }
        return out.toString();
    }

    /**
     * The per-head λ̂ table: one row per checkpoint, one column per head ("-" where a head has no record).
     *
     * @param run the run folder
     * @return the text, empty when the run has no per-head records
     * @throws IOException if a record cannot be read
     */
    public static String heads(Path run) throws IOException {
        Map<String, HeadTrajectory.Series> series = HeadTrajectory.read(run);
        if (series.isEmpty()) return "";
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "per-head λ̂ (records in %s):%n  %8s", HeadTrajectory.folder(run), "step"));
        for (String label : series.keySet()) out.append(String.format(Locale.ROOT, " %8s", label));
        out.append(System.lineSeparator());
        TreeSet<Long> steps = new TreeSet<>();
        series.values().forEach(s -> Arrays.stream(s.steps()).forEach(steps::add));
        for (long step : steps) {
            out.append(String.format(Locale.ROOT, "  %8d", step));
            for (HeadTrajectory.Series s : series.values()) {
                int i = Arrays.binarySearch(s.steps(), step);
                out.append(String.format(Locale.ROOT, " %8s", i < 0 ? "-" : String.format(Locale.ROOT, "%.2f", s.mean()[i])));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }
}
