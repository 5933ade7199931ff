package io.lambdahat.cli;

import io.lambdahat.report.RunReport;
import io.lambdahat.run.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lambdahat report}: the HTML report of a run. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write DIR/report.html (self-contained, charts embedded), DIR/report/*.png and DIR/trajectory.csv for a run.",
        footer = {"", "Example:", "  ./lambdahat report --run runs/dln"})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--run", required = true, description = "run folder (with llc/ records)")
    Path run;
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;
    @Option(names = "--mixed-settings", description = "report records made with different sampler settings (refused by default)")
    boolean mixedSettings;

    /** Numeric columns of DIR/metrics.csv other than step and train loss (held-out loss, task metrics). */
    static RunReport.Metrics readMetrics(Path run) throws java.io.IOException {
        Path file = RunFolder.of(run).metricsFile();
        if (!Files.isRegularFile(file)) return RunReport.Metrics.none();
        List<String> lines = Files.readAllLines(file);
        if (lines.size() < 2) return RunReport.Metrics.none();
        String[] header = lines.get(0).split(",");
        int stepCol = java.util.Arrays.asList(header).indexOf("step");
        if (stepCol < 0) return RunReport.Metrics.none();
        List<long[]> steps = new ArrayList<>();
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
            if (java.util.Arrays.stream(d).anyMatch(Double::isFinite)) out.put(e.getKey(), d);
        }
        return new RunReport.Metrics(java.util.Arrays.copyOf(st, n), out);
    }

    /** PCA of the model's outputs on a fixed probe set (the first 64 training samples) over the run's checkpoints. */
    private io.lambdahat.dynamics.EssentialDynamicsResult essentialDynamics(Path run) {
        RunFolder folder = RunFolder.of(run);
        if (!folder.hasConfig()) return null;
        try {
            folder.config();
        } catch (IllegalArgumentException | java.io.IOException e) {
            spec.commandLine().getErr().println("note: essential dynamics skipped: " + ErrorHandler.message(e));
            return null;
        }
        try (io.lambdahat.train.TrainingTask task = io.lambdahat.train.Trainer.openTask(folder)) {
            if (task.trainingSet() == null) return null;
            var checkpoints = folder.checkpoints();
            long n = Math.min(64, task.trainingSet().size());
            try (io.lambdahat.torch.Tensor probe = task.trainingSet().x().narrow(0, 0, n)) {
                double[][] rows = io.lambdahat.trajectory.ProbeOutputs.of(task.model(), probe, checkpoints);
                if (rows == null) return null;
                long[] steps = checkpoints.stream().mapToLong(io.lambdahat.run.Checkpoints.Checkpoint::step).toArray();
                return io.lambdahat.dynamics.EssentialDynamics.analyse(steps, rows);
            }
        } catch (Exception e) {
            spec.commandLine().getErr().println("note: essential dynamics skipped: " + e.getMessage());
            return null;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(run)) throw new io.lambdahat.InvalidInputException("run folder " + run + " does not exist");
        StagesCommand.Analysis analysis = StagesCommand.analyse(run, spec.commandLine().getErr(), mixedSettings);
        Path out = RunReport.write(run, "lambdahat — " + run.getFileName(), analysis.entries(), analysis.stages(), readMetrics(run),
                essentialDynamics(run), analysis.metrics());
        spec.commandLine().getOut().println("wrote " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
