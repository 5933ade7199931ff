package io.lambdahat.trajectory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.data.Dataset;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.SamplerObserver;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.torch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Estimates λ̂ at every checkpoint of a run. Each checkpoint's result is written atomically to its own file
 * {@code DIR/<name>/step-<step>.json} the moment it is done, so a killed run resumes where it stopped: finished
 * checkpoints are never recomputed and no partial record is ever visible; a damaged record (not JSON, or a λ̂ that is not
 * finite) is moved aside to {@code step-<step>.json.damaged} and recomputed. A checkpoint that cannot be read is
 * reported and skipped (no record, so a later run retries it); the others complete.
 */
public final class TrajectoryRunner {
    /**
     * What happened at one checkpoint.
     *
     * @param step   the checkpoint's training step
     * @param record the record file written or found; null if the checkpoint failed
     * @param reused true if the record already existed and λ̂ was not estimated again
     * @param error  why the checkpoint was skipped; null if it succeeded
     * @param setAside a damaged earlier record that was moved here and recomputed, with why; null if there was none
     */
    public record Outcome(long step, Path record, boolean reused, String error, String setAside) {
        /**
         * An outcome with no damaged record set aside.
         *
         * @param step   the checkpoint's training step
         * @param record the record file written or found; null if the checkpoint failed
         * @param reused true if the record already existed and λ̂ was not estimated again
         * @param error  why the checkpoint was skipped; null if it succeeded
         */
        public Outcome(long step, Path record, boolean reused, String error) {
            this(step, record, reused, error, null);
        }
    }

    /** Called around each checkpoint, for progress display. */
    public interface Listener {
        /**
         * Called before each checkpoint, including those whose record is reused.
         *
         * @param index position of the checkpoint in the list, from 0
         * @param total number of checkpoints
         * @param step  the checkpoint's training step
         */
        void checkpointStarted(int index, int total, long step);

        /** {@return the observer handed to each checkpoint's sampler (e.g. a progress bar over draws)} */
        SamplerObserver samplerObserver();

        /** A listener that does nothing. */
        Listener NONE = new Listener() {
            public void checkpointStarted(int index, int total, long step) { }
            public SamplerObserver samplerObserver() { return SamplerObserver.NONE; }
        };
    }

    /** What to do with an existing record whose sampler settings differ from this runner's. */
    public enum Mismatch {
        /** Stop before any work, naming the checkpoint and the settings that differ. */
        STOP,
        /** Estimate λ̂ again with this runner's settings and replace the record. */
        RECOMPUTE,
        /** Keep the old record (records of one trajectory then mix settings). */
        REUSE
    }

    /** Thrown when a record was made with other settings and the runner was told to stop. */
    public static final class SettingsMismatchException extends io.lambdahat.InvalidInputException {
        SettingsMismatchException(String message) {
            super(message);
        }
    }

    /**
     * The settings a record must share with the runner for its λ̂ to be comparable (device and progress aside): the
     * sampler's, and what λ̂ was measured against ("targets": a record written before the setting existed has none,
     * and measured the data).
     */
    static final List<String> COMPARED = List.of("targets", "sampler", "epsilon", "gamma", "nbeta", "nbeta_rule", "weight_decay",
            "bounding_box", "num_chains", "num_burnin_steps", "num_draws", "num_steps_bw_draws", "batch_size", "seed", "init_loss",
            "diffusion_factor");

    private final ChainModel model;
    private Mismatch onMismatch = Mismatch.STOP;
    private final Dataset data;
    private final SamplerConfig config;
    private final Path recordDir;
    private Listener listener = Listener.NONE;
    private Targets targets = Targets.DATA;

    /**
     * A runner for one model, dataset and sampler setting.
     *
     * @param model     the model the checkpoints belong to
     * @param data      the data λ̂ is sampled on; stays owned by the caller
     * @param config    the SGLD setting (ε, γ, nβ, chains, draws, burn-in) used at every checkpoint
     * @param recordDir where records go (e.g. {@code DIR/llc}); created if missing
     */
    public TrajectoryRunner(ChainModel model, Dataset data, SamplerConfig config, Path recordDir) {
        this.model = model;
        this.data = data;
        this.config = config;
        this.recordDir = recordDir;
    }

    /**
     * Sets the progress listener.
     *
     * @param l the listener; null for none
     * @return this runner
     */
    public TrajectoryRunner listener(Listener l) {
        this.listener = l == null ? Listener.NONE : l;
        return this;
    }

    /**
     * Sets what λ̂ is measured against (default {@link Targets#DATA}); with {@link Targets#MODEL} each checkpoint's
     * targets are its own outputs on the training inputs, and its record keeps the loss on the training targets as
     * {@code data_loss}.
     *
     * @param t the targets
     * @return this runner
     * @throws io.lambdahat.InvalidInputException if the targets are the model's and the model is no regression model
     *         ({@link ModelTargets#check})
     */
    public TrajectoryRunner targets(Targets t) {
        if (t == Targets.MODEL) ModelTargets.check(model, data);
        this.targets = t == null ? Targets.DATA : t;
        return this;
    }

    /**
     * Sets what happens to records made with other settings (default {@link Mismatch#STOP}).
     *
     * @param m the policy
     * @return this runner
     */
    public TrajectoryRunner onMismatch(Mismatch m) {
        this.onMismatch = m;
        return this;
    }

    /**
     * How an existing record's sampler settings differ from {@code config}'s.
     *
     * @param record the record's JSON
     * @param config the settings of this run, as {@link LlcResult#toJson()} writes them under "config"
     * @return one "name: old → new" per differing setting; empty when they agree
     */
    public static List<String> differences(com.fasterxml.jackson.databind.JsonNode record, Map<String, Object> config) {
        List<String> out = new ArrayList<>();
        com.fasterxml.jackson.databind.JsonNode old = record.path("config");
        for (String key : COMPARED) {
            Object now = config.get(key);
            com.fasterxml.jackson.databind.JsonNode was = old.get(key);
            if (key.equals("targets")) { // no targets: a record that measured the data
                if (now == null) now = Targets.DATA.label();
                if (was == null) was = com.fasterxml.jackson.databind.node.TextNode.valueOf(Targets.DATA.label());
            }
            if (now == null && was == null) continue;
            boolean same = now != null && was != null && (now instanceof Number num && was.isNumber()
                    ? num.doubleValue() == was.asDouble() : String.valueOf(now).equals(was.asText()));
            if (!same) out.add(key + ": " + (was == null ? "-" : was.asText()) + " → " + (now == null ? "-" : now));
        }
        return out;
    }

    /**
     * The record file of one checkpoint.
     *
     * @param recordDir the record folder
     * @param step      the checkpoint's training step
     * @return {@code recordDir/step-<step>.json}, the step zero-padded to 9 digits so names sort by step
     */
    public static Path recordFile(Path recordDir, long step) {
        return recordDir.resolve(String.format("step-%09d.json", step));
    }

    /**
     * Estimates λ̂ at every checkpoint that has no record yet, writing each record as soon as it is done.
     *
     * @param checkpoints the checkpoints, in the order to process them
     * @return one outcome per checkpoint, in the same order
     * @throws IOException if the record folder or a record cannot be written
     */
    public List<Outcome> run(List<Checkpoints.Checkpoint> checkpoints) throws IOException {
        if (onMismatch != Mismatch.REUSE) {
            Map<String, Object> now = settingsOf(config, data.size(), targets);
            ObjectMapper json = new ObjectMapper();
            for (Checkpoints.Checkpoint ck : checkpoints) {
                Path record = recordFile(recordDir, ck.step());
                if (!Files.exists(record)) continue;
                com.fasterxml.jackson.databind.JsonNode node;
                try {
                    node = json.readTree(record.toFile());
                } catch (IOException e) {
                    continue; // a damaged record is the resume rules' business
                }
                List<String> diff = differences(node, now);
                if (diff.isEmpty()) continue;
                if (onMismatch == Mismatch.STOP) {
                    throw new SettingsMismatchException("the record " + record + " was made with other settings (" + String.join(", ", diff)
                            + "); give the same settings, --recompute to replace such records, or --reuse to keep them");
                }
                Files.delete(record);
            }
        }
        return eachCheckpoint(checkpoints, recordDir, model, listener, wStar -> {
            try (ModelTargets own = targets == Targets.MODEL ? ModelTargets.at(model, data, wStar) : null) {
                LangevinSampler sampler = new LangevinSampler(model, own != null ? own.data() : data, config).observer(listener.samplerObserver());
                Map<String, Object> record = sampler.run(wStar).toJson();
                withTargets(record, targets);
                // how far init_loss may lie from the full-data loss (0 when it is the full-data loss)
                record.put("init_loss_stderr", sampler.initLossEstimate().stderr());
                record.put("init_loss_rows", sampler.initLossEstimate().rows());
                // with the model's own outputs as targets init_loss is 0: the loss on the training targets is kept apart
                if (own != null) record.put("data_loss", own.dataLoss());
                return record;
            }
        });
    }

    /**
     * Writes what λ̂ was measured against into a result's "config".
     *
     * @param record  a result as {@link LlcResult#toJson()} writes it
     * @param targets the targets
     * @return the record
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> withTargets(Map<String, Object> record, Targets targets) {
        Object cfg = record.get("config");
        if (cfg instanceof Map<?, ?> m) ((Map<String, Object>) m).put("targets", targets.label());
        return record;
    }

    /** The settings as a record's "config" holds them, for a dataset of n rows. */
    static Map<String, Object> settingsOf(SamplerConfig config, long n) {
        return settingsOf(config, n, Targets.DATA);
    }

    /** The settings as a record's "config" holds them, for a dataset of n rows and the given targets. */
    static Map<String, Object> settingsOf(SamplerConfig config, long n, Targets targets) {
        Map<String, Object> m = config.toJson(config.nbetaRule().value(n, config.batchSize(), config.nbeta()));
        m.put("targets", targets.label());
        return m;
    }

    /** What one checkpoint's record holds besides its step and file name, computed from its weights w*. */
    interface RecordBody {
        Map<String, Object> estimate(Tensor wStar);
    }

    /**
     * The resume rules every per-checkpoint record follows: a checkpoint with a record is skipped, one that cannot be
     * read is reported (no record, so a later run retries it), and each record is written atomically once done.
     */
    static List<Outcome> eachCheckpoint(List<Checkpoints.Checkpoint> checkpoints, Path recordDir, ChainModel model,
                                        Listener listener, RecordBody body) throws IOException {
        Files.createDirectories(recordDir);
        ObjectMapper json = new ObjectMapper();
        List<Outcome> outcomes = new ArrayList<>();
        int i = 0;
        for (Checkpoints.Checkpoint ck : checkpoints) {
            Path record = recordFile(recordDir, ck.step());
            listener.checkpointStarted(i++, checkpoints.size(), ck.step());
            String setAside = null;
            if (Files.exists(record)) {
                String problem = RunRecords.problem(record, ck.step());
                if (problem == null) {
                    outcomes.add(new Outcome(ck.step(), record, true, null));
                    continue;
                }
                // a damaged or NaN record is not a finished checkpoint: keep it for inspection, and estimate again
                Path aside = record.resolveSibling(record.getFileName() + ".damaged");
                Files.move(record, aside, StandardCopyOption.REPLACE_EXISTING);
                setAside = record.getFileName() + " (" + problem + ") moved to " + aside.getFileName() + " and recomputed";
            }
            Tensor wStar;
            try {
                wStar = Checkpoints.loadFlat(ck.file(), model);
            } catch (IOException | IllegalArgumentException e) {
                outcomes.add(new Outcome(ck.step(), null, false, "checkpoint " + ck.file() + " could not be read: " + e.getMessage(), setAside));
                continue;
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("step", ck.step());
            fields.put("checkpoint", ck.file().getFileName().toString());
            try (wStar) {
                fields.putAll(body.estimate(wStar));
            }
            AtomicFiles.writeString(record, json.writeValueAsString(fields));
            outcomes.add(new Outcome(ck.step(), record, false, null, setAside));
        }
        return outcomes;
    }
}
