package io.lambdahat.trajectory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.data.Dataset;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.train.Checkpoints;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.SgldObserver;
import io.lambdahat.sampling.SgldSampler;
import io.lambdahat.torch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Estimates λ̂ at every checkpoint of a run. Each checkpoint's result is written atomically to its own file
 * {@code DIR/<name>/step-<step>.json} the moment it is done, so a killed run resumes where it stopped: finished
 * checkpoints are never recomputed and no partial record is ever visible. A checkpoint that cannot be read is
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
     */
    public record Outcome(long step, Path record, boolean reused, String error) {}

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
        SgldObserver samplerObserver();

        /** A listener that does nothing. */
        Listener NONE = new Listener() {
            public void checkpointStarted(int index, int total, long step) { }
            public SgldObserver samplerObserver() { return SgldObserver.NONE; }
        };
    }

    private final ChainModel model;
    private final Dataset data;
    private final SamplerConfig config;
    private final Path recordDir;
    private Listener listener = Listener.NONE;

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
        return eachCheckpoint(checkpoints, recordDir, model.layout(), listener, wStar -> {
            SgldSampler sampler = new SgldSampler(model, data, config).observer(listener.samplerObserver());
            Map<String, Object> record = sampler.run(wStar).toJson();
            // how far init_loss may lie from the full-data loss (0 when it is the full-data loss)
            record.put("init_loss_stderr", sampler.initLossEstimate().stderr());
            record.put("init_loss_rows", sampler.initLossEstimate().rows());
            return record;
        });
    }

    /** What one checkpoint's record holds besides its step and file name, computed from its weights w*. */
    interface RecordBody {
        Map<String, Object> estimate(Tensor wStar);
    }

    /**
     * The resume rules every per-checkpoint record follows: a checkpoint with a record is skipped, one that cannot be
     * read is reported (no record, so a later run retries it), and each record is written atomically once done.
     */
    static List<Outcome> eachCheckpoint(List<Checkpoints.Checkpoint> checkpoints, Path recordDir, ParameterLayout layout,
                                        Listener listener, RecordBody body) throws IOException {
        Files.createDirectories(recordDir);
        ObjectMapper json = new ObjectMapper();
        List<Outcome> outcomes = new ArrayList<>();
        int i = 0;
        for (Checkpoints.Checkpoint ck : checkpoints) {
            Path record = recordFile(recordDir, ck.step());
            listener.checkpointStarted(i++, checkpoints.size(), ck.step());
            if (Files.exists(record)) {
                outcomes.add(new Outcome(ck.step(), record, true, null));
                continue;
            }
            Tensor wStar;
            try {
                wStar = Checkpoints.loadFlat(ck.file(), layout);
            } catch (IOException | IllegalArgumentException e) {
                outcomes.add(new Outcome(ck.step(), null, false, "checkpoint " + ck.file() + " could not be read: " + e.getMessage()));
                continue;
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("step", ck.step());
            fields.put("checkpoint", ck.file().getFileName().toString());
            try (wStar) {
                fields.putAll(body.estimate(wStar));
            }
            AtomicFiles.writeString(record, json.writeValueAsString(fields));
            outcomes.add(new Outcome(ck.step(), record, false, null));
        }
        return outcomes;
    }
}
