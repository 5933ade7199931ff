package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.dynamics.Boundary;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.train.ImportedRun;
import io.lambdahat.train.Trainer;
import io.lambdahat.train.TrainingTask;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.trajectory.TrajectoryRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lambdahat watch}: λ̂ at each new checkpoint of a run that is still training, and its transitions as they are confirmed. */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Watch a run that is still training (a lambdahat run, or an imported PyTorch run whose checkpoint glob it",
                "re-reads): estimate λ̂ at each new checkpoint as it appears, update the stages, print one line per checkpoint",
                "and one per newly confirmed transition. It reads only complete files and writes only into DIR (llc/, stages.json,",
                "watch.json), so it never blocks the training process; stopped and restarted, it goes on where it was."},
        footer = {"", "Example:", "  ./lambdahat watch --run runs/mine --on-transition 'notify-send \"λ̂ $LAMBDAHAT_KIND at $LAMBDAHAT_STEP\"'"})
final class WatchCommand implements Callable<Integer> {
    static final String STATE = RunFolder.WATCH_STATE;

    @Spec
    CommandSpec spec;
    @Option(names = "--run", required = true, description = "the run folder (lambdahat train --out, or lambdahat import --out)")
    Path run;
    @Option(names = "--interval", defaultValue = "30", description = "seconds between looks for new checkpoints (default ${DEFAULT-VALUE})")
    double interval;
    @Option(names = "--once", description = "one look: estimate what is new, report, exit")
    boolean once;
    @Option(names = "--on-transition", description = {"a shell command run for each newly confirmed transition, with LAMBDAHAT_RUN,",
            "LAMBDAHAT_KIND (maximum, minimum, plateau...), LAMBDAHAT_STEP, LAMBDAHAT_STEP_LOW, LAMBDAHAT_STEP_HIGH, LAMBDAHAT_LLC set"})
    String onTransition;
    @Mixin
    SamplerOptions sampling = new SamplerOptions();
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        RunFolder folder = RunFolder.of(run);
        if (!folder.hasConfig()) {
            throw new io.lambdahat.InvalidInputException(run + " has no " + RunFolder.CONFIG + ": watch a folder written by 'lambdahat train' or 'lambdahat import'");
        }
        if (!(interval > 0)) throw new io.lambdahat.InvalidInputException("--interval must be positive, got " + interval);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String taskName = folder.config().taskName();
        int failures = 0;
        try (TrainingTask task = Trainer.openTask(folder)) {
            if (task.trainingSet() == null) throw new io.lambdahat.InvalidInputException("the run's task has no fixed training set to sample λ̂ on");
            SamplerConfig cfg = sampling.build(TrajectoryCommand.defaultsFor(taskName));
            TrajectoryRunner runner = new TrajectoryRunner(task.model(), task.trainingSet(), cfg, folder.llcRecords());
            List<Map<String, Object>> announced = announced();
            while (true) {
                ImportedRun.refresh(run);
                List<Checkpoints.Checkpoint> pending = new ArrayList<>();
                for (Checkpoints.Checkpoint c : folder.checkpoints()) {
                    if (!Files.exists(TrajectoryRunner.recordFile(folder.llcRecords(), c.step()))) pending.add(c);
                }
                for (Checkpoints.Checkpoint c : pending) {
                    TrajectoryRunner.Outcome o = runner.run(List.of(c)).get(0);
                    if (o.error() != null) {
                        err.println("error: " + o.error());
                        err.flush();
                        failures++;
                        continue;
                    }
                    JsonNode r = new ObjectMapper().readTree(o.record().toFile());
                    out.printf(Locale.ROOT, "checkpoint step %d  loss %.6g  λ̂ %.3f ± %.3f%n", c.step(), r.path("init_loss").asDouble(),
                            r.path("llc/mean").asDouble(), r.path("llc/stderr").asDouble());
                    out.flush();
                }
                if (!pending.isEmpty()) newTransitions(announced, out, err);
                if (once) break;
                Thread.sleep((long) (interval * 1000));
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /** Announces the λ̂ boundaries whose 95 % interval has closed before the last checkpoint and that were not announced before. */
    private void newTransitions(List<Map<String, Object>> announced, PrintWriter out, PrintWriter err) throws Exception {
        List<RunRecords.Entry> entries = RunRecords.read(run);
        if (entries.size() < 5) return;
        long last = entries.get(entries.size() - 1).step();
        StagesCommand.Analysis analysis;
        try {
            analysis = StagesCommand.analyse(run, err, false);
        } catch (IllegalArgumentException e) {
            return;  // too few or too flat for stages yet
        }
        for (Boundary b : analysis.stages().llcBoundaries()) {
            if (!(b.stepHigh() < last)) continue;  // not confirmed: later checkpoints may still move it
            boolean known = announced.stream().anyMatch(a -> a.get("kind").equals(b.kind().name())
                    && ((Number) a.get("step")).doubleValue() >= b.stepLow() && ((Number) a.get("step")).doubleValue() <= b.stepHigh());
            if (known) continue;
            String kind = b.kind().name().toLowerCase(Locale.ROOT);
            out.printf(Locale.ROOT, "transition: λ̂ %s at step ≈ %.0f (%.0f–%.0f), λ̂ %.3f%n", kind, b.step(), b.stepLow(), b.stepHigh(), b.value());
            out.flush();
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("kind", b.kind().name());
            a.put("step", b.step());
            announced.add(a);
            AtomicFiles.writeString(RunFolder.of(run).watchState(), new ObjectMapper().writeValueAsString(Map.of("announced", announced)));
            if (onTransition != null) runHook(b, kind, err);
        }
    }

    private void runHook(Boundary b, String kind, PrintWriter err) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", onTransition).inheritIO();
        Map<String, String> env = pb.environment();
        env.put("LAMBDAHAT_RUN", run.toAbsolutePath().toString());
        env.put("LAMBDAHAT_KIND", kind);
        env.put("LAMBDAHAT_STEP", String.format(Locale.ROOT, "%.0f", b.step()));
        env.put("LAMBDAHAT_STEP_LOW", String.format(Locale.ROOT, "%.0f", b.stepLow()));
        env.put("LAMBDAHAT_STEP_HIGH", String.format(Locale.ROOT, "%.0f", b.stepHigh()));
        env.put("LAMBDAHAT_LLC", String.format(Locale.ROOT, "%.6g", b.value()));
        int code = pb.start().waitFor();
        if (code != 0) err.println("note: --on-transition exited with " + code);
    }

    /** The transitions announced by earlier runs of watch (DIR/watch.json), so that a restart does not repeat them. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> announced() throws Exception {
        Path f = RunFolder.of(run).watchState();
        if (!Files.isRegularFile(f)) return new ArrayList<>();
        Map<String, Object> doc = new ObjectMapper().readValue(f.toFile(), Map.class);
        return new ArrayList<>((List<Map<String, Object>>) doc.getOrDefault("announced", List.of()));
    }
}
