package io.lambdahat.cli;

import io.lambdahat.train.CheckpointSchedule;
import io.lambdahat.train.LearningRateSchedule;
import io.lambdahat.train.TaskRegistry;
import io.lambdahat.train.TrainConfig;
import io.lambdahat.train.TrainResult;
import io.lambdahat.train.Trainer;
import io.lambdahat.train.TrainingObserver;
import io.lambdahat.train.TrainingTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lambdahat train}: trains a model on a built-in task and writes checkpoints for λ̂ trajectories. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model on a built-in task, writing checkpoints (safetensors), metrics.csv and config.json to --out.",
                "Rerunning the same command on the same folder resumes from the last saved state; a finished run is not redone.",
                "Optimiser, learning rate and batch default to settings that suit the task."},
        footer = {"", "Tasks: dln (saddle-to-saddle deep linear network), mlp (MLP teacher regression).", "", "Examples:",
                "  ./lambdahat train --task dln --steps 1500 --out runs/dln            # SGD, lr 0.05: three plateaus and drops",
                "  ./lambdahat train --task mlp --widths 4,32,1 --steps 2000 --schedule cosine --warmup 100 --out runs/mlp",
                "  ./lambdahat train --task dln --steps 1500 -o singular-values=6,2,0.7 -o init-scale=1e-3 --out runs/dln2"})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--task", required = true, description = "the task: dln or mlp")
    String task;
    @Option(names = "--steps", required = true, description = "number of updates N")
    long steps;
    @Option(names = "--out", required = true, description = "the run folder (created; reused to resume)")
    Path out;

    @Option(names = "--batch", description = "minibatch size (default: the task's, 64)")
    Integer batch;
    @Option(names = "--lr", description = "(peak) learning rate (default: the task's; dln 0.05, mlp 3e-3)")
    Double lr;
    @Option(names = "--optimizer", description = "adamw, adam (L2 weight decay in the gradient, as torch.optim.Adam) or sgd (default: the task's; dln sgd, mlp adamw, grokking adam)")
    String optimizer;
    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum μ (default ${DEFAULT-VALUE})")
    double momentum;
    @Option(names = "--nesterov", description = "SGD with Nesterov momentum")
    boolean nesterov;
    @Option(names = "--dampening", defaultValue = "0", description = "SGD dampening (default ${DEFAULT-VALUE})")
    double dampening;
    @Option(names = "--weight-decay", description = "AdamW decoupled decay / Adam and SGD L2 (default: the task's; 0, grokking 2e-4)")
    Double weightDecay;
    @Option(names = "--betas", split = ",", description = "AdamW β₁,β₂ (default 0.9,0.999)")
    double[] betas;
    @Option(names = "--eps", defaultValue = "1e-8", description = "AdamW ε (default ${DEFAULT-VALUE})")
    double eps;
    @Option(names = "--schedule", defaultValue = "constant", description = "constant, cosine or onecycle (default ${DEFAULT-VALUE})")
    String schedule;
    @Option(names = "--warmup", defaultValue = "0", description = "linear warm-up updates (onecycle: rising phase, 0 = 30 %%)")
    long warmup;
    @Option(names = "--clip", defaultValue = "0", description = "clip gradients to this global norm (default 0: off)")
    double clip;
    @Option(names = "--seed", defaultValue = "0", description = "seed of data, initialisation and minibatches (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--checkpoints", defaultValue = "both", description = "log, linear or both (default ${DEFAULT-VALUE})")
    String checkpoints;
    @Option(names = "--num-checkpoints", defaultValue = "100", description = "checkpoints per spacing K (default ${DEFAULT-VALUE})")
    int numCheckpoints;
    @Option(names = "--log-every", description = "a metrics row every this many updates (default: the task's row count, "
            + "~500 rows per run, ~40 for induction, whose held-out evaluation costs about 5 training steps)")
    Long logEvery;
    @Option(names = "--dense-log", description = "~500 metrics rows per run whatever the task (when the metrics curves matter more than the time)")
    boolean denseLog;
    @Option(names = "--stop-after", description = "pause after this many updates (saving state); rerun to continue")
    Long stopAfter;

    @Option(names = "--widths", split = ",", description = "layer widths, input first (dln default 6,6,6; mlp 4,32,1)")
    int[] widths;
    @Option(names = "--rank", description = "teacher rank (dln; default 3)")
    Integer rank;
    @Option(names = {"-o", "--task-option"}, description = "other task options KEY=VALUE, e.g. singular-values=5,2.5,1.25, "
            + "init-scale=1e-4, n=4096, held-out=1024, noise=0, activation=tanh")
    Map<String, String> taskOptions = new LinkedHashMap<>();

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N: where weights, gradients and "
            + "optimiser state live (default ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        TaskRegistry.Definition definition = TaskRegistry.get(task);
        TaskRegistry.Defaults defaults = definition.defaults();
        TrainConfig.Builder b = TrainConfig.builder().steps(steps).batch(batch != null ? batch : defaults.batch()).seed(seed)
                .optimizer(optimizer != null ? optimizer : defaults.optimizer()).lr(lr != null ? lr : defaults.lr())
                .momentum(momentum).nesterov(nesterov).dampening(dampening).weightDecay(weightDecay != null ? weightDecay : defaults.weightDecay()).eps(eps)
                .schedule(LearningRateSchedule.Kind.parse(schedule)).warmup(warmup).clip(clip)
                .checkpoints(CheckpointSchedule.Kind.parse(checkpoints)).numCheckpoints(numCheckpoints);
        if (betas != null) {
            if (betas.length != 2) throw new io.lambdahat.InvalidInputException("--betas takes two numbers β₁,β₂ (e.g. 0.9,0.999)");
            b.beta1(betas[0]).beta2(betas[1]);
        }
        if (logEvery != null && denseLog) throw new io.lambdahat.InvalidInputException("give --log-every or --dense-log, not both");
        b.logEvery(logEvery != null ? logEvery
                : TrainConfig.logEveryFor(steps, denseLog ? TaskRegistry.Defaults.DENSE_ROWS : defaults.metricRows()));
        TrainConfig config = b.build();
        io.lambdahat.torch.Device where = Devices.parse(device);
        Trainer.checkOutputDir(out);

        Map<String, String> options = new LinkedHashMap<>(taskOptions);
        if (widths != null) options.put("widths", join(widths));
        if (rank != null) options.put("rank", rank.toString());
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        try (TrainingTask t = definition.create(config.taskOptions(options))) {
            Trainer trainer = new Trainer(definition.name(), t, config, out).recordTaskOptions(options).device(where);
            if (stopAfter != null) trainer.stopAfter(stopAfter);
            TrainResult result;
            try (Progress progress = new Progress("training", config.steps(), err, quiet)) {
                trainer.observer(new ProgressObserver(progress));
                result = trainer.run();
            }
            String model = t.model().describe() + ", " + t.model().layout().size() + " parameters";
            if (result.startStep() == result.endStep() && result.complete()) {
                o.printf(Locale.ROOT, "%s is complete (%d steps of %s on %s); nothing to do.%n", out, result.endStep(), definition.name(), model);
            } else {
                o.printf(Locale.ROOT, "%s %s on %s: steps %d → %d of %d in %.1f s (%d metrics rows, %.1f s of evaluation), "
                                + "%d checkpoints written; held-out loss %.4g.%n",
                        result.startStep() == 0 ? "trained" : "resumed", definition.name(), model, result.startStep(), result.endStep(),
                        config.steps(), result.seconds(), result.rows(), result.evaluationSeconds(), result.checkpointsWritten(), result.heldOutLoss());
                if (!result.complete()) o.println("paused: rerun the same command to continue.");
                o.println("run folder: " + out.toAbsolutePath() + " (config.json, metrics.csv, checkpoints/)");
            }
            o.flush();
        }
        return 0;
    }

    private static String join(int[] v) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i++) s.append(i == 0 ? "" : ",").append(v[i]);
        return s.toString();
    }

    /** Feeds the progress bar: step, minibatch loss, last held-out loss and the ETA of this call. */
    private static final class ProgressObserver implements TrainingObserver {
        private final Progress progress;
        private final long started = System.nanoTime();
        private long firstStep = -1;
        private double heldOut = Double.NaN;

        ProgressObserver(Progress progress) {
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
        public void onRow(io.lambdahat.run.MetricsRow row) {
            heldOut = row.heldOutLoss();
        }

        private static String duration(double seconds) {
            long s = Math.round(seconds);
            return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                    : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
        }
    }
}
