package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.torch.Tensor;
import io.lambdahat.train.Trainer;
import io.lambdahat.tasks.TrainingTask;

import java.io.IOException;
import java.util.List;

/**
 * What one λ̂ estimate (or a calibration sweep) is made on: a model, the data and w*, from one checkpoint of a run
 * folder or from a PyTorch model ({@link TorchScriptSource#open}). Closing it closes w* and whatever owns the model
 * and the data.
 */
public final class LlcSubject implements AutoCloseable {
    private final ChainModel model;
    private final Dataset data;
    private final Tensor wStar;
    private final long step;
    private final String label;
    private final AutoCloseable[] owners;

    LlcSubject(ChainModel model, Dataset data, Tensor wStar, long step, String label, AutoCloseable... owners) {
        this.model = model;
        this.data = data;
        this.wStar = wStar;
        this.step = step;
        this.label = label;
        this.owners = owners;
    }

    /**
     * One checkpoint of a run folder (of {@code lambdahat train} or {@code lambdahat import}) on the run's training set.
     *
     * @param run  the run folder
     * @param step the checkpoint's step; null: the last
     * @return the subject; the caller closes it
     * @throws InvalidInputException if the run has no such checkpoint or no fixed training set
     * @throws IOException           if a file cannot be read
     */
    public static LlcSubject atCheckpoint(java.nio.file.Path run, Long step) throws IOException {
        RunFolder folder = RunFolder.of(run);
        folder.config();
        List<Checkpoints.Checkpoint> all = folder.checkpoints();
        if (all.isEmpty()) throw new InvalidInputException("no checkpoints in " + run);
        Checkpoints.Checkpoint ck = step == null ? all.getLast()
                : all.stream().filter(c -> c.step() == step).findFirst().orElseThrow(() -> new InvalidInputException(
                        "no checkpoint at step " + step + "; the run has " + all.stream().map(Checkpoints.Checkpoint::step).toList()));
        TrainingTask task = Trainer.openTask(folder);
        try {
            if (task.trainingSet() == null) throw new InvalidInputException("the run's task has no fixed training set to sample λ̂ on");
            Tensor wStar = folder.loadCheckpoint(ck, task.model());
            return new LlcSubject(task.model(), task.trainingSet(), wStar, ck.step(), run.toAbsolutePath().normalize().getFileName() + ", step " + ck.step(), task);
        } catch (IOException | RuntimeException e) {
            task.close();
            throw e;
        }
    }

    /** {@return the model} */
    public ChainModel model() {
        return model;
    }

    /** {@return the data λ̂ is measured on} */
    public Dataset data() {
        return data;
    }

    /** {@return w*, [P] on the CPU, owned by this subject} */
    public Tensor wStar() {
        return wStar;
    }

    /** {@return the training step of w* (0 when the weights carry none)} */
    public long step() {
        return step;
    }

    /** {@return where w* came from, for titles: "RUN, step N" or the file's name} */
    public String label() {
        return label;
    }

    @Override
    public void close() {
        wStar.close();
        for (AutoCloseable o : owners) {
            try {
                o.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + o + ": " + e.getMessage(), e);
            }
        }
    }
}
