package io.lambdahat.cli;

import io.lambdahat.trajectory.TransitionMonitor;
import io.lambdahat.workflow.ChildProcesses;
import io.lambdahat.workflow.RunWatcher;
import io.lambdahat.workflow.TaskSamplerDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lambdahat watch}: λ̂ at each new checkpoint of a run that is still training, and its transitions as they are confirmed. */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Watch a run that is still training (a lambdahat run, or an imported PyTorch run whose checkpoint glob it",
                "re-reads): estimate λ̂ at each new checkpoint as it appears, update the stages, print one line per checkpoint",
                "and one per newly confirmed transition. It reads only complete files and writes only into DIR (llc/, stages.json,",
                "watch.json), so it never blocks the training process; stopped and restarted, it goes on where it was.",
                "Without --epsilon it samples with the run's one setting, as trajectory does: ε and γ recorded in",
                "DIR/trajectory-settings.json, else chosen once at the run's last checkpoint and recorded. Each line",
                "shows the record's findings ([not local minimum], [chains disagree], ...) as trajectory's table does."},
        footer = {"", "Example:", "  ./lambdahat watch --run runs/mine --on-transition 'notify-send \"λ̂ $LAMBDAHAT_KIND at $LAMBDAHAT_STEP\"'"})
final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RunOption run;
    @Option(names = "--interval", defaultValue = "30", description = "seconds between looks for new checkpoints (default ${DEFAULT-VALUE})")
    double interval;
    @Option(names = "--once", description = "one look: estimate what is new, report, exit")
    boolean once;
    @Option(names = "--on-transition", description = {"a shell command run for each newly confirmed transition, with LAMBDAHAT_RUN,",
            "LAMBDAHAT_KIND (maximum, minimum, plateau...), LAMBDAHAT_STEP, LAMBDAHAT_STEP_LOW, LAMBDAHAT_STEP_HIGH, LAMBDAHAT_LLC set"})
    String onTransition;
    @Option(names = "--hook-timeout", defaultValue = "60", description = {"seconds --on-transition may run (default ${DEFAULT-VALUE});",
            "then it is stopped with every process it started (its process group: SIGTERM, SIGKILL 5 s later)"})
    double hookTimeout;
    @Mixin
    SamplerOptions sampling = new SamplerOptions();
    @Mixin
    TargetsOption targets = new TargetsOption();
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        String taskName = io.lambdahat.run.RunFolder.of(run.run).hasConfig() ? io.lambdahat.run.RunFolder.of(run.run).config().taskName() : null;
        RunWatcher watcher = new RunWatcher(run.run, task -> sampling.build(TaskSamplerDefaults.forTrainingTask(task)));
        // the run's one setting, as trajectory chooses it: the same records whichever command comes first
        if (taskName != null && sampling.stepSizeLeftOut() && TaskSamplerDefaults.pilotChoosesSteps(taskName)) {
            watcher.withRunSetting(sampling.gamma, targets.get());
        } else {
            watcher.targets(targets.get());
        }
        if (!(interval > 0)) throw new io.lambdahat.InvalidInputException("--interval must be positive, got " + interval);
        if (!(hookTimeout > 0) || hookTimeout > 1e9) {
            throw new io.lambdahat.InvalidInputException("--hook-timeout must be a positive number of seconds, got " + hookTimeout);
        }
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        RunWatcher.Listener printer = new RunWatcher.Listener() {
            public void estimated(TransitionMonitor.Point p) {
                estimated(p, java.util.List.of());
            }

            public void estimated(TransitionMonitor.Point p, java.util.List<String> findings) {
                // the record's findings, as trajectory's table shows them: an untrusted λ̂ is never printed bare
                out.printf(Locale.ROOT, "checkpoint step %d  loss %.6g  λ̂ %.3f ± %.3f%s%n", p.step(), p.loss(), p.llc(), p.llcStderr(),
                        findings.isEmpty() ? "" : "  [" + String.join(", ", findings).replace('_', ' ') + "]");
                out.flush();
            }

            public void failed(long step, String error) {
                err.println("error: " + error);
                err.flush();
            }

            public void beforeSampling(io.lambdahat.nn.ChainModel model, io.lambdahat.sampling.SamplerConfig cfg) {
                Memory.checkSampling("λ̂ at each checkpoint", model, cfg, 0);
            }

            public void note(String note) {
                err.println("note: " + note);
                err.flush();
            }

            public void transition(TransitionMonitor.Transition t) {
                String kind = t.kind().name().toLowerCase(Locale.ROOT);
                out.printf(Locale.ROOT, "transition: λ̂ %s at step ≈ %.0f (%.0f–%.0f), λ̂ %.3f%n", kind, t.step(), t.stepLow(), t.stepHigh(), t.llc());
                out.flush();
                if (onTransition != null) runHook(t, kind, err);
            }
        };
        if (!once) watcher.watch(Duration.ofMillis((long) (interval * 1000)), printer);
        return watcher.look(printer) == 0 ? 0 : 1;
    }

    /**
     * Runs --on-transition with the transition's details in LAMBDAHAT_* variables, in a process group of its own that is
     * stopped after --hook-timeout (and when watch itself is stopped); a failing or stopped command is a note.
     */
    private void runHook(TransitionMonitor.Transition t, String kind, PrintWriter err) {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", onTransition).inheritIO();
        Map<String, String> env = pb.environment();
        env.put("LAMBDAHAT_RUN", run.run.toAbsolutePath().toString());
        env.put("LAMBDAHAT_KIND", kind);
        env.put("LAMBDAHAT_STEP", String.format(Locale.ROOT, "%.0f", t.step()));
        env.put("LAMBDAHAT_STEP_LOW", String.format(Locale.ROOT, "%.0f", t.stepLow()));
        env.put("LAMBDAHAT_STEP_HIGH", String.format(Locale.ROOT, "%.0f", t.stepHigh()));
        env.put("LAMBDAHAT_LLC", String.format(Locale.ROOT, "%.6g", t.llc()));
        try {
            Process p = ChildProcesses.startInOwnGroup(pb);
            Integer code = ChildProcesses.waitFor(p, Duration.ofMillis((long) (hookTimeout * 1000)), Duration.ofSeconds(5));
            if (code == null) {
                err.println(String.format(Locale.ROOT, "note: --on-transition ran past --hook-timeout %s s; stopped it and the processes it started",
                        new java.math.BigDecimal(hookTimeout).stripTrailingZeros().toPlainString()));
            } else if (code != 0) {
                err.println("note: --on-transition exited with " + code);
            }
            err.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
