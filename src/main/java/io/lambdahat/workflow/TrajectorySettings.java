package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.sampling.DefaultSettings;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.tasks.TrainingTask;
import io.lambdahat.torch.Tensor;
import io.lambdahat.train.Trainer;
import io.lambdahat.trajectory.ModelTargets;
import io.lambdahat.trajectory.Targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every λ̂ trajectory over a run's checkpoints shares: the run's task with its fixed training set, and one setting
 * for all checkpoints. ε and γ are chosen by {@link DefaultSettings} at the run's last checkpoint, whatever subset or
 * shard a command selects, on the loss the chains sample (the training targets, or the checkpoint's own outputs:
 * {@link Targets}), and recorded in DIR/trajectory-settings.json; a later command with the same sampler options reuses
 * the recorded ε and γ without a pilot, even when the run has gained checkpoints since. So trajectory (whole, a subset
 * or a shard), watch and a sweep's shards all sample a run with one setting, in any order.
 */
final class TrajectorySettings {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrajectorySettings() {}

    /**
     * The run's setting and where it came from.
     *
     * @param config   the setting for every checkpoint
     * @param reason   why these settings (the pilot's reason, or that they were recorded)
     * @param step     the checkpoint the pilot ran at
     * @param choice   the pilot's choice when it ran now; null when the setting was recorded
     */
    record Chosen(SamplerConfig config, String reason, long step, DefaultSettings.Choice choice) {}

    /** {@return the run's task, refused when it has no fixed training set to sample λ̂ on; the caller closes it} */
    static TrainingTask openTask(RunFolder run) throws IOException {
        TrainingTask task = Trainer.openTask(run);
        if (task.trainingSet() == null) {
            task.close();
            throw new InvalidInputException("the run's task generates fresh batches and has no fixed training set to sample λ̂ on");
        }
        return task;
    }

    /**
     * ε and γ for every checkpoint of the run: the ones recorded for these sampler options, else the pilot's at the run's
     * last checkpoint (then recorded).
     *
     * @param all     every checkpoint of the run, by step (not only the selected ones)
     * @param gamma   γ to keep instead of the pilot's, or null to take the pilot's
     * @param targets what λ̂ is measured against: the pilot runs on the same loss as the chains
     */
    static Chosen forRun(RunFolder run, TrainingTask task, List<Checkpoints.Checkpoint> all, SamplerConfig base, Double gamma,
                         Targets targets) throws IOException {
        Map<String, Object> key = key(base, gamma, targets);
        JsonNode keyTree = JSON.readTree(JSON.writeValueAsString(key));   // as read back from the file (ints, not longs)
        Path file = run.trajectorySettingsFile();
        if (Files.isRegularFile(file)) {
            try {
                JsonNode doc = JSON.readTree(file.toFile());
                for (JsonNode entry : doc.path("settings")) {
                    if (!entry.path("options").equals(keyTree)) continue;
                    double epsilon = entry.path("epsilon").asDouble(Double.NaN), g = entry.path("gamma").asDouble(Double.NaN);
                    if (!(epsilon > 0) || !(g > 0)) continue;
                    SamplerConfig config = base.toBuilder().epsilon(epsilon).gamma(g).build();
                    return new Chosen(config, String.format(Locale.ROOT, "ε %.3g, γ %.3g as recorded in %s (chosen at step %d)", epsilon, g,
                            file.getFileName(), entry.path("step").asLong()), entry.path("step").asLong(), null);
                }
            } catch (IOException | RuntimeException damaged) {
                // a damaged file is chosen again and rewritten
            }
        }
        Checkpoints.Checkpoint last = all.getLast();
        Chosen chosen;
        try (Tensor wStar = run.loadCheckpoint(last, task.model());
             ModelTargets own = targets == Targets.MODEL ? ModelTargets.at(task.model(), task.trainingSet(), wStar) : null) {
            DefaultSettings.Choice choice = DefaultSettings.choose(task.model(), own != null ? own.data() : task.trainingSet(), wStar, base);
            SamplerConfig config = base.toBuilder().epsilon(choice.epsilon()).gamma(gamma != null ? gamma : choice.gamma()).build();
            chosen = new Chosen(config, choice.reason(), last.step(), choice);
        }
        record(file, key, chosen);
        return chosen;
    }

    /** The options the pilot's choice depends on: every sampler setting but ε and γ, the γ given, and the targets. */
    private static Map<String, Object> key(SamplerConfig base, Double gamma, Targets targets) {
        Map<String, Object> key = new LinkedHashMap<>(base.toJson(0));
        key.remove("epsilon");
        key.remove("gamma");
        key.remove("nbeta");
        key.remove("device");
        if (base.nbetaRule() == io.lambdahat.sampling.NBetaRule.FIXED) key.put("nbeta", base.nbeta());
        key.put("gamma_given", gamma);
        key.put("targets", targets.label());
        return key;
    }

    /** Adds (or replaces) the entry of these options in DIR/trajectory-settings.json, atomically. */
    private static synchronized void record(Path file, Map<String, Object> key, Chosen chosen) throws IOException {
        List<Object> entries = new ArrayList<>();
        JsonNode keyTree = JSON.readTree(JSON.writeValueAsString(key));
        if (Files.isRegularFile(file)) {
            try {
                for (JsonNode e : JSON.readTree(file.toFile()).path("settings")) {
                    if (!e.path("options").equals(keyTree)) entries.add(e);
                }
            } catch (IOException | RuntimeException damaged) {
                entries.clear();
            }
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("options", key);
        entry.put("epsilon", chosen.config().epsilon());
        entry.put("gamma", chosen.config().gamma());
        entry.put("step", chosen.step());
        entry.put("reason", chosen.reason());
        entries.add(entry);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("about", "ε and γ of every λ̂ record of this run, chosen once at its last checkpoint for these sampler options");
        doc.put("settings", entries);
        AtomicFiles.writeString(file, JSON.writeValueAsString(doc) + "\n");
    }
}
