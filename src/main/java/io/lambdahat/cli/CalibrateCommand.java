package io.lambdahat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.data.Dataset;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.report.Charts;
import io.lambdahat.report.HtmlReport;
import io.lambdahat.sampling.Calibration;
import io.lambdahat.sampling.NBetaRule;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.train.Trainer;
import io.lambdahat.train.TrainingTask;
import io.lambdahat.torch.Tensor;
import io.lambdahat.run.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lambdahat calibrate}: a sweep over ε × nβ at one checkpoint of a run, and a recommendation. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sweep λ̂ over step size ε × nβ at a checkpoint of a run (chains batched in every cell), draw heat maps",
                "of λ̂, MALA acceptance and divergence and the online λ̂ traces, and recommend the settings with flat traces,",
                "stable λ̂, acceptance near 0.9 and no divergence. Writes DIR/calibration.json (give it to",
                "llc / trajectory with --calibration) and DIR/calibration.html."},
        footer = {"", "Example:", "  ./lambdahat calibrate --run runs/dln --step 1500"})
final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--run", required = true, description = "run folder written by 'lambdahat train'")
    Path run;
    @Option(names = "--step", description = "checkpoint step (default: the last)")
    Long step;
    @Option(names = "--eps-range", split = ",", defaultValue = "1e-6,1e-2", description = "ε from,to (default ${DEFAULT-VALUE})")
    double[] epsRange;
    @Option(names = "--nbeta-range", split = ",", defaultValue = "0.01,1000", description = "nβ from,to as multiples of the default (default ${DEFAULT-VALUE})")
    double[] nbetaRange;
    @Option(names = "--grid", defaultValue = "8", description = "values per axis (default ${DEFAULT-VALUE})")
    int grid;
    @Mixin
    SamplerOptions sampling = new SamplerOptions();
    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (grid < 2) throw new io.lambdahat.InvalidInputException("--grid must be at least 2, got " + grid);
        if (epsRange.length != 2 || nbetaRange.length != 2) throw new io.lambdahat.InvalidInputException("--eps-range and --nbeta-range take FROM,TO");
        RunFolder folder = RunFolder.of(run);
        folder.config();
        // the outputs are checked before the sweep: a folder that cannot take them must not cost grid² λ̂ estimates
        CliFiles.checkWritable(folder.calibrationJson());
        CliFiles.checkWritable(folder.calibrationHtml());
        List<Checkpoints.Checkpoint> all = folder.checkpoints();
        if (all.isEmpty()) throw new io.lambdahat.InvalidInputException("no checkpoints in " + run);
        Checkpoints.Checkpoint ck = step == null ? all.getLast()
                : all.stream().filter(c -> c.step() == step).findFirst().orElseThrow(() -> new io.lambdahat.InvalidInputException(
                        "no checkpoint at step " + step + "; the run has " + all.stream().map(Checkpoints.Checkpoint::step).toList()));
        SamplerConfig base = sampling.build(new SamplerOptions.Defaults(1e-4, 100, 0, 2, 500, 500));
        try (TrainingTask task = Trainer.openTask(folder); Tensor wStar = folder.loadCheckpoint(ck, task.model())) {
            ChainModel model = task.model();
            Memory.checkSampling("each calibration cell", model, base, 0);
            Dataset data = task.trainingSet();
            if (data == null) throw new io.lambdahat.InvalidInputException("the run's task has no fixed training set to calibrate on");
            double defaultNbeta = base.nbetaRule() == NBetaRule.FIXED ? base.nbeta()
                    : base.nbetaRule().value(data.size(), base.batchSize(), Double.NaN);
            double[] eps = Calibration.logSpace(epsRange[0], epsRange[1], grid);
            double[] nbetas = Calibration.logSpace(defaultNbeta * nbetaRange[0], defaultNbeta * nbetaRange[1], grid);
            // make sure the default nβ itself is on the grid
            int nearest = 0;
            for (int i = 1; i < nbetas.length; i++) if (Math.abs(Math.log(nbetas[i] / defaultNbeta)) < Math.abs(Math.log(nbetas[nearest] / defaultNbeta))) nearest = i;
            nbetas[nearest] = defaultNbeta;
            Calibration.Result result;
            try (Progress progress = new Progress("calibration cells", (long) grid * grid, spec.commandLine().getErr(), quiet)) {
                long[] done = {0};
                result = Calibration.sweep(model, data, wStar, base, sampling.gamma != null, eps, nbetas, defaultNbeta,
                        () -> progress.step(++done[0], null));
            }
            write(result, ck.step());
            var out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "calibration at step %d over %d × %d cells (%s, chains %d, draws %d)%n", ck.step(), grid, grid,
                    Double.isNaN(result.gamma()) ? "γ = 1e-4/ε in each cell" : String.format(Locale.ROOT, "γ = %.3g", result.gamma()),
                    base.chains(), base.draws());
            if (result.recommendation().isPresent()) {
                var r = result.recommendation().get();
                out.printf(Locale.ROOT, "recommended: --epsilon %.3g --nbeta %.4g --gamma %.3g  (λ̂ = %.4g)%n  because %s%n", r.epsilon(), r.nbeta(),
                        r.gamma(), r.llc(), r.reason());
            } else {
                out.println("no cell passed every check (no divergence, λ̂ > 0, chains local and settled, flat traces, full-batch MALA "
                        + "acceptance ≥ 0.9, stable in ε): widen --eps-range or sample longer (--draws, --burnin)");
            }
            out.println("wrote " + folder.calibrationJson() + " and " + folder.calibrationHtml());
            out.flush();
            return result.recommendation().isPresent() ? 0 : 1;
        }
    }

    private void write(Calibration.Result result, long ckStep) throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", ckStep);
        json.put("gamma", Double.isNaN(result.gamma()) ? "1e-4/epsilon" : result.gamma());
        json.put("default_nbeta", result.defaultNbeta());
        result.recommendation().ifPresent(r -> json.put("recommendation", r));
        List<Map<String, Object>> cells = new ArrayList<>();
        for (Calibration.Cell c : result.cells()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epsilon", c.epsilon());
            m.put("nbeta", c.nbeta());
            m.put("gamma", c.gamma());
            m.put("trusted", c.trusted());
            m.put("llc", finite(c.llc()));
            m.put("llc_stderr", finite(c.llcStderr()));
            m.put("mala_accept", finite(c.malaAcceptance()));
            m.put("diverged_chains", c.divergedChains());
            m.put("trace_drift", finite(c.traceDrift()));
            cells.add(m);
        }
        json.put("cells", cells);
        AtomicFiles.writeString(RunFolder.of(run).calibrationJson(), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));

        double[] eps = result.cells().stream().mapToDouble(Calibration.Cell::epsilon).distinct().sorted().toArray();
        double[] nbs = result.cells().stream().mapToDouble(Calibration.Cell::nbeta).distinct().sorted().toArray();
        String[] cols = java.util.Arrays.stream(eps).mapToObj(v -> String.format(Locale.ROOT, "%.0e", v)).toArray(String[]::new);
        String[] rows = java.util.Arrays.stream(nbs).mapToObj(v -> String.format(Locale.ROOT, "%.3g", v)).toArray(String[]::new);
        double[][] llc = new double[nbs.length][eps.length], acc = new double[nbs.length][eps.length], div = new double[nbs.length][eps.length];
        for (Calibration.Cell c : result.cells()) {
            int i = java.util.Arrays.binarySearch(nbs, c.nbeta()), j = java.util.Arrays.binarySearch(eps, c.epsilon());
            llc[i][j] = c.llc();
            acc[i][j] = c.malaAcceptance();
            div[i][j] = c.divergedChains();
        }
        HtmlReport html = new HtmlReport("λ̂ calibration — " + run.getFileName() + ", step " + ckStep);
        result.recommendation().ifPresentOrElse(r -> html.paragraph("Recommended: ε = " + r.epsilon() + ", nβ = " + r.nbeta() + ", γ = "
                + r.gamma() + ". " + r.reason()), () -> html.paragraph("No cell passed every check."));
        html.image(Charts.heatmap("λ̂", "ε", cols, "nβ", rows, llc, 900, 600), "λ̂ heat map");
        html.image(Charts.heatmap("full-batch MALA acceptance", "ε", cols, "nβ", rows, acc, 900, 600), "MALA heat map");
        html.image(Charts.heatmap("diverged chains", "ε", cols, "nβ", rows, div, 900, 600), "divergence heat map");
        html.heading("Online λ̂ per cell (mean over chains)");
        for (double nb : nbs) {
            List<Charts.Curve> curves = new ArrayList<>();
            for (Calibration.Cell c : result.cells()) {
                if (c.nbeta() != nb || c.llcMeans().length == 0) continue;
                double[] x = new double[c.llcMeans().length];
                for (int t = 0; t < x.length; t++) x[t] = t;
                curves.add(new Charts.Curve(String.format(Locale.ROOT, "ε %.0e", c.epsilon()), x, c.llcMeans(), null));
            }
            html.image(Charts.lines(String.format(Locale.ROOT, "nβ = %.3g", nb), "draw", false, List.of("online λ̂"), curves, List.of(), 900, 300),
                    "traces at nβ " + nb);
        }
        AtomicFiles.writeString(RunFolder.of(run).calibrationHtml(), html.render());
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
