package io.lambdahat.cli;

import io.lambdahat.train.CheckpointSchedule;
import io.lambdahat.train.LearningRateSchedule;
import io.lambdahat.tasks.TaskRegistry;
import io.lambdahat.train.TrainConfig;
import io.lambdahat.workflow.RunTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code lambdahat train}: trains a model on a built-in task and writes checkpoints for λ̂ trajectories. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model on a built-in task, writing checkpoints (safetensors), metrics.csv and config.json to --out.",
                "Rerunning the same command on the same folder resumes from the last saved state; a finished run is not redone.",
                "Optimiser, learning rate and batch default to settings that suit the task."},
        footer = {"", "Tasks:", "", "Examples:",
                "  ./lambdahat train --task dln --steps 1500 --out runs/dln            # SGD, lr 0.05: three plateaus and drops",
                "  ./lambdahat train --task mlp --widths 4,32,1 --steps 2000 --schedule cosine --warmup 100 --out runs/mlp",
                "  ./lambdahat train --task dln --steps 1500 -o singular-values=6,2,0.7 -o init-scale=1e-3 --out runs/dln2"})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--task", required = true, completionCandidates = TrainableTasks.class,
            description = "the task: ${COMPLETION-CANDIDATES} (see Tasks below)")
    String task;

    /** The tasks train trains, from the task registry, for --task's help and completion. */
    static final class TrainableTasks implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return TaskRegistry.trainableNames().iterator();
        }
    }

    /**
     * Puts the tasks that train, each with its summary, from the task registry, under the footer's "Tasks:" line.
     *
     * @param train train's command spec
     */
    static void listTasks(picocli.CommandLine.Model.CommandSpec train) {
        java.util.List<String> footer = new java.util.ArrayList<>(java.util.List.of(train.usageMessage().footer()));
        int at = footer.indexOf("Tasks:") + 1;
        for (String name : TaskRegistry.trainableNames()) {
            // help texts are format strings: a % in a summary is written %%
            StringBuilder line = new StringBuilder(String.format("  %-11s", name));
            for (String word : TaskRegistry.get(name).summary().split(" ")) {
                if (line.length() + 1 + word.length() > 79) {
                    footer.add(at++, line.toString().replace("%", "%%"));
                    line = new StringBuilder(" ".repeat(13));
                }
                line.append(' ').append(word);
            }
            footer.add(at++, line.toString().replace("%", "%%"));
        }
        train.usageMessage().footer(footer.toArray(String[]::new));
    }
    @Option(names = "--steps", required = true, description = "number of updates N")
    long steps;
    @Option(names = "--out", required = true, description = "the run folder (created; reused to resume; a folder that holds another "
            + "run or other files is refused)")
    Path out;
    @Option(names = "--force", description = "delete the run in --out (its checkpoints, metrics, λ̂ records, stages and reports; "
            + "files that are not a run's stay) and train anew")
    boolean force;

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
    @Mixin
    QuietOption quiet;
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        TrainConfig.Builder b = RunTraining.defaults(task, steps).seed(seed).momentum(momentum).nesterov(nesterov).dampening(dampening).eps(eps)
                .schedule(LearningRateSchedule.Kind.parse(schedule)).warmup(warmup).clip(clip)
                .checkpoints(CheckpointSchedule.Kind.parse(checkpoints)).numCheckpoints(numCheckpoints);
        if (batch != null) b.batch(batch);
        if (optimizer != null) b.optimizer(optimizer);
        if (lr != null) b.lr(lr);
        if (weightDecay != null) b.weightDecay(weightDecay);
        if (betas != null) {
            if (betas.length != 2) throw new io.lambdahat.InvalidInputException("--betas takes two numbers β₁,β₂ (e.g. 0.9,0.999)");
            b.beta1(betas[0]).beta2(betas[1]);
        }
        if (logEvery != null && denseLog) throw new io.lambdahat.InvalidInputException("give --log-every or --dense-log, not both");
        if (logEvery != null) b.logEvery(logEvery);
        else if (denseLog) b.logEvery(TrainConfig.logEveryFor(steps, TaskRegistry.Defaults.DENSE_ROWS));
        TrainConfig config = b.build();
        io.lambdahat.torch.Device where = Devices.parse(device);
        Map<String, String> options = new LinkedHashMap<>(taskOptions);
        if (widths != null) options.put("widths", Arrays.stream(widths).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        if (rank != null) options.put("rank", rank.toString());
        RunTraining.Trained trained;
        try (TrainingProgress progress = new TrainingProgress(config.steps(), spec.commandLine().getErr(), quiet.quiet)) {
            trained = RunTraining.train(task, config, options, out, where, stopAfter, progress, force);
        }
        RunPrinting.trained(spec.commandLine().getOut(), out, trained, config);
        return 0;
    }
}
