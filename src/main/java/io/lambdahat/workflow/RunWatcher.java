package io.lambdahat.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.InvalidInputException;
import io.lambdahat.dynamics.Boundary;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.train.ImportedRun;
import io.lambdahat.train.Trainer;
import io.lambdahat.tasks.TrainingTask;
import io.lambdahat.trajectory.ModelTargets;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.trajectory.Targets;
import io.lambdahat.trajectory.TrajectoryRunner;
import io.lambdahat.trajectory.TransitionMonitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Watches a run that is still training (a lambdahat run, or an imported one whose checkpoint glob it re-reads): at
 * each look it estimates λ̂ at every complete checkpoint that has no record yet, updates DIR/stages.json, and hands
 * the newly confirmed transitions of a {@link TransitionMonitor} to its listener. What it has announced is kept in
 * DIR/watch.json, so a restarted watcher does not announce it again. It reads only complete files and writes only
 * into DIR, so it never blocks the training process.
 *
 * <pre>{@code
 * new RunWatcher(Path.of("runs/mine"), task -> TaskSamplerDefaults.forTrainingTask(task).builder().build())
 *         .look(new RunWatcher.Listener() { ... });
 * }</pre>
 */
public final class RunWatcher {
    /** What a watcher tells as it goes. */
    public interface Listener {
        /**
         * λ̂ at a new checkpoint was estimated and recorded.
         *
         * @param estimate its step, L(w*), λ̂ and standard error, as in the record
         */
        void estimated(TransitionMonitor.Point estimate);

        /**
         * λ̂ at a new checkpoint was estimated and recorded, with the record's diagnostic findings (as trajectory's table
         * shows them: not local minimum, chains disagree, ...). By default it tells {@link #estimated(TransitionMonitor.Point)}.
         *
         * @param estimate its step, L(w*), λ̂ and standard error, as in the record
         * @param findings the record's findings' kinds, errors first; empty when the estimate is trusted
         */
        default void estimated(TransitionMonitor.Point estimate, List<String> findings) {
            estimated(estimate);
        }

        /**
         * The estimate at a checkpoint failed; its record is not written and the next look tries again.
         *
         * @param step  the checkpoint's step
         * @param error what went wrong
         */
        void failed(long step, String error);

        /**
         * A transition is newly confirmed (already saved in DIR/watch.json).
         *
         * @param transition where and what
         */
        void transition(TransitionMonitor.Transition transition);

        /**
         * Something the watcher left out and why (a file the checkpoint glob matches that cannot be used); told once.
         *
         * @param note one line
         */
        default void note(String note) {
        }

        /**
         * Sampling is about to start, before any pilot (a memory check goes here: chains, draws and the model's size).
         *
         * @param model    the model sampled
         * @param settings the sampler's settings (ε and γ may still be chosen by the pilot)
         */
        default void beforeSampling(io.lambdahat.nn.ChainModel model, SamplerConfig settings) {
        }
    }

    /** Stage detection needs this many λ̂ records before a transition can be confirmed. */
    public static final int MIN_RECORDS = 5;

    private final Path run;
    private final RunFolder folder;
    private final SamplerConfig config;
    private boolean runSetting;
    private Double keepGamma;
    private Targets targets = Targets.DATA;
    private String settingsNote;
    private final java.util.Set<String> noted = new java.util.HashSet<>();

    /**
     * A watcher of one run folder.
     *
     * @param run      a folder written by {@code lambdahat train} or {@code lambdahat import}
     * @param settings the sampler setting of every checkpoint, given the run's task name (see
     *                 {@link TaskSamplerDefaults#forTrainingTask})
     * @throws IOException if config.json cannot be read
     * @throws InvalidInputException if the folder has no config.json
     */
    public RunWatcher(Path run, Function<String, SamplerConfig> settings) throws IOException {
        this.run = run;
        this.folder = RunFolder.of(run);
        if (!folder.hasConfig()) {
            throw new InvalidInputException(run + " has no " + RunFolder.CONFIG + ": watch a folder written by 'lambdahat train' or 'lambdahat import'");
        }
        this.config = settings.apply(folder.config().taskName());
    }

    /**
     * Samples with the run's one setting, as {@code lambdahat trajectory} does when ε is left out: ε and γ recorded for
     * the run, else chosen by the pilot at the run's last checkpoint and recorded (see TrajectorySettings), so that watch
     * and trajectory records agree whichever comes first.
     *
     * @param gamma   γ to keep instead of the pilot's, or null
     * @param targets what λ̂ is measured against
     * @return this watcher
     */
    public RunWatcher withRunSetting(Double gamma, Targets targets) {
        this.runSetting = true;
        this.keepGamma = gamma;
        this.targets = targets == null ? Targets.DATA : targets;
        return this;
    }

    /**
     * Measures λ̂ against these targets (with a given ε; {@link #withRunSetting} sets them otherwise).
     *
     * @param targets the training targets or the checkpoint's own outputs
     * @return this watcher
     */
    public RunWatcher targets(Targets targets) {
        this.targets = targets == null ? Targets.DATA : targets;
        return this;
    }

    /**
     * One look: estimates what is new, then announces what is newly confirmed.
     *
     * @param listener told of each estimate, failure and transition
     * @return the number of checkpoints whose estimate failed
     * @throws IOException if a file cannot be read or written
     * @throws InvalidInputException if the run's task has no fixed training set
     */
    public int look(Listener listener) throws IOException {
        try (TrainingTask task = openTask()) {
            return look(task, listener);
        }
    }

    /**
     * Looks again and again, {@code interval} apart, until interrupted.
     *
     * @param interval the time between looks
     * @param listener told of each estimate, failure and transition
     * @throws IOException if a file cannot be read or written
     * @throws InterruptedException when the thread is interrupted while it waits
     * @throws InvalidInputException if the run's task has no fixed training set
     */
    public void watch(Duration interval, Listener listener) throws IOException, InterruptedException {
        try (TrainingTask task = openTask()) {
            while (true) {
                look(task, listener);
                Thread.sleep(interval.toMillis());
            }
        }
    }

    private TrainingTask openTask() throws IOException {
        TrainingTask task = Trainer.openTask(folder);
        if (task.trainingSet() == null) {
            task.close();
            throw new InvalidInputException("the run's task has no fixed training set to sample λ̂ on");
        }
        return task;
    }

    private int look(TrainingTask task, Listener listener) throws IOException {
        ImportedRun.refresh(run, note -> {
            if (noted.add(note)) listener.note(note);
        });
        List<Checkpoints.Checkpoint> all = folder.checkpoints();
        List<Checkpoints.Checkpoint> pending = new ArrayList<>();
        for (Checkpoints.Checkpoint c : all) {
            if (!Files.exists(TrajectoryRunner.recordFile(folder.llcRecords(), c.step()))) pending.add(c);
        }
        if (pending.isEmpty()) return 0;
        if (targets == Targets.MODEL) ModelTargets.check(task.model(), task.trainingSet());
        listener.beforeSampling(task.model(), config);
        SamplerConfig cfg = config;
        if (runSetting) {
            TrajectorySettings.Chosen chosen = TrajectorySettings.forRun(folder, task, all, config, keepGamma, targets);
            cfg = chosen.config();
            String note = "settings for every checkpoint (at step " + chosen.step() + "): " + chosen.reason();
            if (!note.equals(settingsNote)) listener.note(note);
            settingsNote = note;
        }
        TrajectoryRunner runner = new TrajectoryRunner(task.model(), task.trainingSet(), cfg, folder.llcRecords()).targets(targets);
        int failures = 0;
        for (Checkpoints.Checkpoint c : pending) {
            TrajectoryRunner.Outcome o = runner.run(List.of(c)).get(0);
            if (o.error() != null) {
                listener.failed(c.step(), o.error());
                failures++;
                continue;
            }
            JsonNode r = new ObjectMapper().readTree(o.record().toFile());
            listener.estimated(new TransitionMonitor.Point(c.step(), r.path("init_loss").asDouble(), r.path("llc/mean").asDouble(),
                    r.path("llc/stderr").asDouble()), RunRecords.parse(o.record()).findings());
        }
        if (!pending.isEmpty()) announceNewTransitions(listener);
        return failures;
    }

    /** Announces the λ̂ transitions that are newly confirmed, saving each in DIR/watch.json before it is told. */
    private void announceNewTransitions(Listener listener) throws IOException {
        List<RunRecords.Entry> entries = RunRecords.read(run);
        if (entries.size() < MIN_RECORDS) return;
        long last = entries.get(entries.size() - 1).step();
        RunStages.Analysis analysis;
        try {
            analysis = RunStages.analyse(run, note -> { }, false);
        } catch (IllegalArgumentException e) {
            return;  // too few or too flat for stages yet
        }
        List<TransitionMonitor.Transition> announced = announced();
        TransitionMonitor monitor = new TransitionMonitor(announced);
        for (TransitionMonitor.Transition t : monitor.confirmed(analysis.stages(), last)) {
            announced.add(t);
            save(announced);
            listener.transition(t);
        }
    }

    /**
     * The transitions announced by earlier looks (DIR/watch.json; only their kind and step are kept).
     *
     * @return the transitions, oldest first; empty when nothing was announced yet
     * @throws IOException if watch.json cannot be read
     */
    @SuppressWarnings("unchecked")
    public List<TransitionMonitor.Transition> announced() throws IOException {
        Path f = folder.watchState();
        List<TransitionMonitor.Transition> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) return out;
        Map<String, Object> doc = new ObjectMapper().readValue(f.toFile(), Map.class);
        for (Map<String, Object> a : (List<Map<String, Object>>) doc.getOrDefault("announced", List.of())) {
            double step = ((Number) a.get("step")).doubleValue();
            out.add(new TransitionMonitor.Transition(step, step, step, Boundary.Kind.valueOf((String) a.get("kind")), Double.NaN));
        }
        return out;
    }

    private void save(List<TransitionMonitor.Transition> announced) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (TransitionMonitor.Transition t : announced) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("kind", t.kind().name());
            a.put("step", t.step());
            list.add(a);
        }
        AtomicFiles.writeString(folder.watchState(), new ObjectMapper().writeValueAsString(Map.of("announced", list)));
    }
}
