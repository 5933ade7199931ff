package io.lambdahat.workflow;

import io.lambdahat.report.RunReport;
import io.lambdahat.run.RunFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The task metrics of a run's metrics.csv as columns, in the file's order, for the stages and the report. */
public final class RunMetricColumns {
    private RunMetricColumns() {}

    /**
     * Numeric columns of DIR/metrics.csv other than step and train loss (held-out loss, task metrics). A torn last
     * line is skipped; a column with no finite value is left out.
     *
     * @param run the run folder
     * @return the columns, or {@link RunReport.Metrics#none()} when the run has no metrics.csv or no rows
     * @throws IOException if the file cannot be read
     */
    public static RunReport.Metrics read(Path run) throws IOException {
        Path file = RunFolder.of(run).metricsFile();
        if (!Files.isRegularFile(file)) return RunReport.Metrics.none();
        List<String> lines = Files.readAllLines(file);
        if (lines.size() < 2) return RunReport.Metrics.none();
        String[] header = lines.get(0).split(",");
        int stepCol = Arrays.asList(header).indexOf("step");
        if (stepCol < 0) return RunReport.Metrics.none();
        Map<String, List<Double>> cols = new LinkedHashMap<>();
        for (String h : header) if (!h.equals("step") && !h.equals("train_loss")) cols.put(h, new ArrayList<>());
        long[] st = new long[lines.size() - 1];
        int n = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",");
            if (v.length != header.length) continue; // a torn last line is skipped
            try {
                st[n] = Long.parseLong(v[stepCol].trim());
                for (int i = 0; i < header.length; i++) {
                    if (cols.containsKey(header[i])) cols.get(header[i]).add(v[i].isBlank() ? Double.NaN : Double.parseDouble(v[i]));
                }
                n++;
            } catch (NumberFormatException e) {
                for (var c : cols.values()) if (c.size() > n) c.remove(c.size() - 1);
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (var e : cols.entrySet()) {
            double[] d = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            if (Arrays.stream(d).anyMatch(Double::isFinite)) out.put(e.getKey(), d);
        }
        return new RunReport.Metrics(Arrays.copyOf(st, n), out);
    }
}
