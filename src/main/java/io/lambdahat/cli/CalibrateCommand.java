package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;
import io.lambdahat.run.RunFolder;
import io.lambdahat.sampling.Calibration;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.workflow.CalibrationWorkflow;
import io.lambdahat.workflow.LlcSubject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lambdahat calibrate}: a sweep over ε × nβ at one checkpoint of a run or of a PyTorch model, and a recommendation. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sweep λ̂ over step size ε × nβ at a checkpoint of a run (chains batched in every cell), draw heat maps",
                "of λ̂, MALA acceptance and divergence and the online λ̂ traces, and recommend the settings with flat traces,",
                "stable λ̂, acceptance near 0.9 and no divergence. Writes calibration.json (give it to llc / trajectory with",
                "--calibration) and calibration.html into the run folder, or into --out with --torchscript."},
        footer = {"", "Examples:", "  ./lambdahat calibrate --run runs/dln --step 1500",
                "  ./lambdahat calibrate --torchscript model.pt --data data.safetensors --checkpoint ckpt/step_000600.safetensors --out calib"})
final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--run", description = "run folder written by 'lambdahat train' or 'lambdahat import'")
    Path run;
    @Option(names = "--step", description = "with --run: the checkpoint step (default: the last)")
    Long step;
    @Mixin
    TorchScriptInputs.Options torchscript = new TorchScriptInputs.Options();
    @Option(names = "--checkpoint", description = "with --torchscript: w*, a safetensors state_dict (default: the weights in the module file)")
    Path checkpoint;
    @Option(names = "--out", description = "with --torchscript: the folder that receives calibration.json and calibration.html")
    Path out;
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
        if ((run == null) == !torchscript.given()) throw new InvalidInputException("give --run RUN, or --torchscript MODEL.pt with --data and --out");
        if (run != null && (checkpoint != null || out != null)) throw new InvalidInputException("--checkpoint and --out go with --torchscript; with --run use --step");
        if (run == null && step != null) throw new InvalidInputException("--step goes with --run; with --torchscript give --checkpoint FILE");
        if (run == null && out == null) throw new InvalidInputException("--torchscript needs --out DIR for calibration.json and calibration.html");
        CalibrationWorkflow.Grid sizes = CalibrationWorkflow.Grid.of(epsRange, nbetaRange, grid);
        RunFolder folder = RunFolder.of(run != null ? run : out);
        torchscript.requireNoneWithoutModule();
        if (run != null) folder.config();  // a folder that is no run is named as such, before its outputs are checked
        else java.nio.file.Files.createDirectories(out);
        // the outputs are checked before the sweep: a folder that cannot take them must not cost grid² λ̂ estimates
        CliFiles.checkWritable(folder.calibrationJson());
        CliFiles.checkWritable(folder.calibrationHtml());
        SamplerConfig base = sampling.build(new SamplerOptions.Defaults(1e-4, 100, 0, 2, 500, 500));
        PrintWriter err = spec.commandLine().getErr();
        try (LlcSubject subject = run != null ? LlcSubject.atCheckpoint(run, step)
                : torchscript.source(checkpoint).open(base.device(), TorchScriptInputs.notes(err))) {
            Memory.checkSampling("each calibration cell", subject.model(), base, 0);
            Calibration.Result result;
            try (Progress progress = new Progress("calibration cells", (long) grid * grid, err, quiet)) {
                long[] done = {0};
                result = CalibrationWorkflow.sweep(subject, base, sampling.gamma != null, sizes, () -> progress.step(++done[0], null));
            }
            CalibrationWorkflow.write(result, subject.step(), subject.label(), folder.calibrationJson(), folder.calibrationHtml());
            print(result, subject, base, folder);
            return result.recommendation().isPresent() ? 0 : 1;
        }
    }

    private void print(Calibration.Result result, LlcSubject subject, SamplerConfig base, RunFolder folder) {
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "calibration at %s over %d × %d cells (%s, chains %d, draws %d)%n", subject.label(), grid, grid,
                Double.isNaN(result.gamma()) ? "γ = 1e-4/ε in each cell" : String.format(Locale.ROOT, "γ = %.3g", result.gamma()),
                base.chains(), base.draws());
        if (result.recommendation().isPresent()) {
            var r = result.recommendation().get();
            o.printf(Locale.ROOT, "recommended: --epsilon %.3g --nbeta %.4g --gamma %.3g  (λ̂ = %.4g)%n  because %s%n", r.epsilon(), r.nbeta(),
                    r.gamma(), r.llc(), r.reason());
        } else {
            o.println("no cell passed every check (no divergence, λ̂ > 0, chains local and settled, flat traces, full-batch MALA "
                    + "acceptance ≥ 0.9, stable in ε): widen --eps-range or sample longer (--draws, --burnin)");
        }
        o.println("wrote " + folder.calibrationJson() + " and " + folder.calibrationHtml());
        o.flush();
    }
}
