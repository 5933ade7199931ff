package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;
import io.lambdahat.run.RunFolder;
import io.lambdahat.sweep.Shard;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.trajectory.TrajectoryRunner;
import io.lambdahat.workflow.TaskSamplerDefaults;
import io.lambdahat.workflow.TrajectoryTables;
import io.lambdahat.workflow.TrajectoryWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code lambdahat trajectory}: λ̂ at every checkpoint of a training run. */
@Command(name = "trajectory", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimate λ̂ at every checkpoint of a run written by 'lambdahat train' or 'lambdahat import' (or a chosen",
                "subset), on the run's training data; with --torchscript, of a PyTorch run's checkpoints, imported into --run",
                "first. One record per checkpoint goes to DIR/llc/step-N.json as soon as it is done; a killed run resumes where",
                "it stopped and never recomputes finished checkpoints."},
        footer = {"", "Examples:", "  ./lambdahat trajectory --run runs/dln", "  ./lambdahat trajectory --run runs/dln --every 2 --chains 8 --draws 1000",
                "  ./lambdahat trajectory --run runs/induction --every 3 --batch 32 --nbeta 100 --per-head",
                "  ./lambdahat trajectory --run runs/dln --targets-from model       # λ̂ of each checkpoint's learned function",
                "  ./lambdahat trajectory --torchscript model.pt --checkpoints 'ckpt/*.safetensors' --data data.safetensors --run runs/mine"})
final class TrajectoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--run", required = true, description = {"run folder written by 'lambdahat train' or 'lambdahat import'; with --torchscript",
            "the folder the PyTorch run is imported into (created if new, refreshed if it holds the same run)"})
    Path run;
    @Mixin
    TorchScriptInputs.Options torchscript = new TorchScriptInputs.Options();
    @Option(names = "--checkpoints", description = "with --torchscript: a glob of safetensors state_dicts, e.g. 'ckpt/*.safetensors' "
            + "or 'out/checkpoint-*/model.safetensors' (quote it); the step of each comes from its name")
    String checkpoints;
    @Option(names = "--metrics", description = "with --torchscript: the run's own log (.csv with a step column, or .jsonl) for stages and report")
    Path metrics;
    @Option(names = "--steps", split = ",", description = "only these checkpoint steps")
    Set<Long> steps;
    @Option(names = "--every", defaultValue = "1", description = "every k-th checkpoint (default ${DEFAULT-VALUE}: all)")
    int every;
    @Option(names = "--per-head", description = {"also one weight-refined λ̂ curve per attention head (transformers): each head's chains move",
            "only its slices of W_Q, W_K, W_V, W_O; all heads in one batched run per checkpoint (--chains per head);",
            "records in DIR/llc-heads/"})
    boolean perHead;
    @Option(names = "--shard", description = {"only shard I of N (e.g. 2/3): the chosen checkpoints at positions i with i mod N = I-1;",
            "N processes with --shard 1/N … N/N and the same other options write exactly the records one run would"})
    String shard;
    @Mixin
    SamplerOptions sampling = new SamplerOptions();
    @Mixin
    TargetsOption targets = new TargetsOption();
    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    @Option(names = "--reuse", description = "keep records made with other settings (sampler, --targets-from; by default the command stops and "
            + "names the difference)")
    boolean reuse;
    @Option(names = "--recompute", description = "recompute records made with other settings (sampler, --targets-from)")
    boolean recompute;

    @Override
    public Integer call() throws Exception {
        if (reuse && recompute) throw new InvalidInputException("give --reuse or --recompute, not both");
        var selection = new TrajectoryWorkflow.Selection(steps, every, shard == null ? Shard.ALL : Shard.parse(shard));
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (torchscript.given()) {
            var linked = torchscript.source(null).importInto(run, checkpoints, metrics);
            if (!quiet) err.println(linked.size() + " new checkpoints of " + torchscript.module.getFileName() + " linked into " + run);
        } else {
            torchscript.requireNoneWithoutModule();
            if (checkpoints != null || metrics != null) throw new InvalidInputException("--checkpoints and --metrics go with --torchscript MODEL.pt");
        }
        String taskName = RunFolder.of(run).config().taskName();
        var settings = new TrajectoryWorkflow.Settings(sampling.build(SamplerOptions.Defaults.of(TaskSamplerDefaults.forTrainingTask(taskName))),
                sampling.stepSizeLeftOut() && TaskSamplerDefaults.pilotChoosesSteps(taskName),
                sampling.gamma, reuse ? TrajectoryRunner.Mismatch.REUSE : recompute ? TrajectoryRunner.Mismatch.RECOMPUTE : TrajectoryRunner.Mismatch.STOP,
                perHead, targets.get());
        TrajectoryWorkflow.Result result;
        try (ProgressLines progress = new ProgressLines(err)) {
            result = TrajectoryWorkflow.run(run, selection, settings, progress);
        }
        for (TrajectoryRunner.Outcome o : result.outcomes()) {
            if (o.setAside() != null) err.println("note: " + o.setAside());
            if (o.error() != null) err.println("error: " + o.error());
        }
        out.printf("λ̂ at %d checkpoints of %s (%d already done, %d failed); records in %s%n", result.outcomes().size() - result.failed(), run,
                result.reused(), result.failed(), RunRecords.folder(run));
        out.print(TrajectoryTables.records(run));
        if (perHead) out.print(TrajectoryTables.heads(run));
        out.flush();
        err.flush();
        return result.failed() == 0 ? 0 : 1;
    }

    /** Progress bars for the checkpoints and the per-head estimates, the settings line, and the memory check. */
    private final class ProgressLines implements TrajectoryWorkflow.Listener, AutoCloseable {
        private final PrintWriter err;
        private Progress checkpoints, heads;

        ProgressLines(PrintWriter err) {
            this.err = err;
        }

        public void settingsChosen(long step, String reason) {
            if (!quiet) err.println("settings for every checkpoint (at step " + step + "): " + reason);
        }

        public void beforeSampling(io.lambdahat.nn.ChainModel model, io.lambdahat.sampling.SamplerConfig cfg) {
            Memory.checkSampling("λ̂ at each checkpoint", model, cfg, 0);
        }

        public void checkpoint(int index, int total, long step) {
            if (checkpoints == null) checkpoints = new Progress("checkpoints", total, err, quiet);
            checkpoints.step(index, index == total ? null : "step " + step);
        }

        public void headCheckpoint(int index, int total, long step, int count) {
            if (heads == null) heads = new Progress("per-head λ̂ (" + count + " heads)", total, err, quiet);
            heads.step(index, index == total ? null : "step " + step);
        }

        public void close() {
            if (checkpoints != null) checkpoints.close();
            if (heads != null) heads.close();
        }
    }
}
