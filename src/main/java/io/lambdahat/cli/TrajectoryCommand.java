package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;
import io.lambdahat.sampling.DefaultSettings;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.SgldObserver;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.train.Trainer;
import io.lambdahat.train.TrainingTask;
import io.lambdahat.trajectory.HeadTrajectory;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.trajectory.TrajectoryRunner;
import io.lambdahat.run.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code lambdahat trajectory}: λ̂ at every checkpoint of a training run. */
@Command(name = "trajectory", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimate λ̂ at every checkpoint of a run written by 'lambdahat train' (or a chosen subset), on the run's",
                "training data. One record per checkpoint goes to DIR/llc/step-N.json as soon as it is done; a killed run",
                "resumes where it stopped and never recomputes finished checkpoints."},
        footer = {"", "Examples:", "  ./lambdahat trajectory --run runs/dln", "  ./lambdahat trajectory --run runs/dln --every 2 --chains 8 --draws 1000",
                "  ./lambdahat trajectory --run runs/induction --every 3 --batch 32 --nbeta 100 --per-head"})
final class TrajectoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--run", required = true, description = "run folder written by 'lambdahat train --out'")
    Path run;
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
    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    @Option(names = "--reuse", description = "keep records made with other sampler settings (by default the command stops and names the difference)")
    boolean reuse;
    @Option(names = "--recompute", description = "recompute records made with other sampler settings")
    boolean recompute;

    /**
     * Sampler defaults per training task. ε and γ of every task but the transformer's are chosen for the run's data by
     * {@link DefaultSettings} at the last checkpoint (one setting for the whole trajectory, so that its checkpoints stay
     * comparable); the transformer keeps a hand-checked cheap setting (a pilot over its data costs more than a checkpoint).
     */
    static SamplerOptions.Defaults defaultsFor(String task) {
        return SamplerOptions.Defaults.of(io.lambdahat.workflow.TaskSamplerDefaults.forTrainingTask(task));
    }

    /** Whether ε and γ of this task are chosen by {@link DefaultSettings} when the user leaves them out. */
    static boolean pilotChoosesSteps(String task) {
        return !task.equals("induction");
    }

    @Override
    public Integer call() throws Exception {
        if (every < 1) throw new InvalidInputException("--every must be at least 1, got " + every);
        io.lambdahat.sweep.Shard share = shard == null ? io.lambdahat.sweep.Shard.ALL : io.lambdahat.sweep.Shard.parse(shard);
        RunFolder folder = RunFolder.of(run);
        String taskName = folder.config().taskName();
        List<Checkpoints.Checkpoint> all = folder.checkpoints();
        if (all.isEmpty()) throw new InvalidInputException("no checkpoints in " + folder.checkpointFolder());
        List<Checkpoints.Checkpoint> chosen = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Checkpoints.Checkpoint c = all.get(i);
            if (steps != null ? steps.contains(c.step()) : (i % every == 0 || i == all.size() - 1)) chosen.add(c);
        }
        if (steps != null && chosen.size() != steps.size()) {
            Set<Long> have = all.stream().map(Checkpoints.Checkpoint::step).collect(Collectors.toSet());
            throw new InvalidInputException("no checkpoint at steps " + steps.stream().filter(s -> !have.contains(s)).sorted().toList()
                    + "; the run has " + have.stream().sorted().toList());
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        try (TrainingTask task = Trainer.openTask(folder)) {
            if (task.trainingSet() == null) {
                throw new InvalidInputException("the run's task generates fresh batches and has no fixed training set to sample λ̂ on");
            }
            SamplerConfig cfg = sampling.build(defaultsFor(taskName));
            if (sampling.stepSizeLeftOut() && pilotChoosesSteps(taskName)) {
                try (var wStar = Checkpoints.loadFlat(chosen.get(chosen.size() - 1).file(), task.model().layout())) {
                    DefaultSettings.Choice choice = DefaultSettings.choose(task.model(), task.trainingSet(), wStar, cfg);
                    cfg = cfg.toBuilder().epsilon(choice.epsilon()).gamma(sampling.gamma != null ? sampling.gamma : choice.gamma()).build();
                    if (!quiet) err.println("settings for every checkpoint (at step " + chosen.get(chosen.size() - 1).step() + "): " + choice.reason());
                }
            }
            if (reuse && recompute) throw new InvalidInputException("give --reuse or --recompute, not both");
            TrajectoryRunner.Mismatch onMismatch = reuse ? TrajectoryRunner.Mismatch.REUSE
                    : recompute ? TrajectoryRunner.Mismatch.RECOMPUTE : TrajectoryRunner.Mismatch.STOP;
            Memory.checkSampling("λ̂ at each checkpoint", task.model(), cfg, 0);
            // The pilot above ran at the last checkpoint of the whole run, and every checkpoint's sampler seed is the
            // run's --seed: a shard's records are those one unsharded run would write.
            chosen = share.of(chosen);
            List<TrajectoryRunner.Outcome> outcomes;
            try (Progress checkpoints = new Progress("checkpoints", chosen.size(), err, quiet)) {
                Progress[] draws = new Progress[1];
                TrajectoryRunner runner = new TrajectoryRunner(task.model(), task.trainingSet(), cfg, folder.llcRecords())
                        .onMismatch(onMismatch)
                        .listener(new TrajectoryRunner.Listener() {
                            public void checkpointStarted(int index, int total, long step) {
                                checkpoints.step(index, "step " + step);
                            }

                            public SgldObserver samplerObserver() {
                                return (s, total, losses) -> { };
                            }
                        });
                outcomes = runner.run(chosen);
                checkpoints.step(chosen.size(), null);
            }
            if (perHead) {
                HeadTrajectory heads = new HeadTrajectory(task.model(), task.trainingSet(), cfg, folder.headRecords());
                int count = heads.heads().size();
                try (Progress checkpoints = new Progress("per-head λ̂ (" + count + " heads × " + cfg.chains() + " chains)", chosen.size(), err, quiet)) {
                    List<TrajectoryRunner.Outcome> headOutcomes = new java.util.ArrayList<>();
                    for (int i = 0; i < chosen.size(); i++) {
                        checkpoints.step(i, "step " + chosen.get(i).step());
                        headOutcomes.addAll(heads.run(List.of(chosen.get(i))));
                    }
                    checkpoints.step(chosen.size(), null);
                    outcomes = new java.util.ArrayList<>(outcomes);
                    outcomes.addAll(headOutcomes.stream().filter(o -> o.error() != null).toList());
                }
            }
            long failed = outcomes.stream().filter(o -> o.error() != null).count();
            long reused = outcomes.stream().filter(TrajectoryRunner.Outcome::reused).count();
            for (TrajectoryRunner.Outcome o : outcomes) {
                if (o.setAside() != null) err.println("note: " + o.setAside());
                if (o.error() != null) err.println("error: " + o.error());
            }
            out.printf("λ̂ at %d checkpoints of %s (%d already done, %d failed); records in %s%n", outcomes.size() - failed, run,
                    reused, failed, RunRecords.folder(run));
            int notLocal = 0;
            java.util.Map<String, Integer> findings = new java.util.TreeMap<>();
            for (RunRecords.Entry e : RunRecords.scan(run).entries()) {
                out.printf("  step %8d  loss %-12.6g λ̂ %8.3f ± %.3f%s%n", e.step(), e.loss(), e.llcMean(), e.llcStderr(), RunRecords.flags(e));
                if (e.notLocalMinimum()) notLocal++;
                for (String f : e.findings()) findings.merge(f.replace('_', ' '), 1, Integer::sum);
            }
            if (!findings.isEmpty()) {
                out.println("diagnostics (checkpoints with each finding): " + findings.entrySet().stream()
                        .map(f -> f.getKey() + " " + f.getValue()).collect(Collectors.joining(", ")));
            }
            if (notLocal > 0) {
                out.printf("%d checkpoints are not local minima: their chains ran downhill, so their numbers measure the descent, not%n"
                        + "complexity; they are plotted apart and left out of the stages (a larger --gamma keeps chains local where the%n"
                        + "curvature allows, at the price of a lower λ̂ at the minima)%n", notLocal);
            }
            if (perHead) printHeads(out);
            out.flush();
            err.flush();
            return failed == 0 ? 0 : 1;
        }
    }

    /** The per-head λ̂ table: one row per checkpoint, one column per head. */
    private void printHeads(PrintWriter out) throws java.io.IOException {
        var series = HeadTrajectory.read(run);
        if (series.isEmpty()) return;
        out.printf("per-head λ̂ (records in %s):%n  %8s", HeadTrajectory.folder(run), "step");
        for (String label : series.keySet()) out.printf(" %8s", label);
        out.println();
        java.util.TreeSet<Long> steps = new java.util.TreeSet<>();
        series.values().forEach(s -> java.util.Arrays.stream(s.steps()).forEach(steps::add));
        for (long step : steps) {
            out.printf("  %8d", step);
            for (HeadTrajectory.Series s : series.values()) {
                int i = java.util.Arrays.binarySearch(s.steps(), step);
                out.printf(" %8s", i < 0 ? "-" : String.format("%.2f", s.mean()[i]));
            }
            out.println();
        }
    }
}
