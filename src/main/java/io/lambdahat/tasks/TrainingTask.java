package io.lambdahat.tasks;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.run.RunFolder;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Tensor;

import java.util.List;
import java.util.Map;

/**
 * What the trainer needs from a task: a chain-batched model trained with C = 1, its initial weights, a
 * minibatch per update and a held-out evaluation. Register new tasks in {@link TaskRegistry}.
 *
 * <p>Resuming and reproducibility rest on one rule: {@link #batch(long)} is a pure function of the update index
 * and the task's seed, so a run resumed at update k sees exactly the minibatches an uninterrupted run sees.
 */
public interface TrainingTask extends AutoCloseable {
    /**
     * The model being trained.
     *
     * @return the chain-batched model (trained with C = 1)
     */
    ChainModel model();

    /**
     * Fresh initial weights of one model.
     *
     * @param g the generator to draw them from
     * @return [P] float32 on the CPU; the caller owns them
     */
    Tensor initialParameters(Generator g);

    /**
     * The minibatch of update number {@code t} + 1 (t = 0, 1, …): {x [1, B, …], y [1, B, …]}, owned by the caller's
     * scope; either may be null for a model without data. Must depend only on t and the task's settings.
     *
     * @param t the update index, from 0
     * @return {x, y}, each [1, B, …]
     */
    Tensor[] batch(long t);

    /**
     * Held-out loss and task metrics; called with gradients off.
     *
     * @param params the weights as views [1, …] by name, on the CPU
     * @return the loss and the metrics of {@link #metricNames}
     */
    Evaluation evaluate(Map<String, Tensor> params);

    /**
     * The metric columns {@link #evaluate} reports.
     *
     * @return their names in a fixed order (may be empty)
     */
    List<String> metricNames();

    /**
     * The task's resolved settings, recorded in config.json.
     *
     * @return every setting by name, defaults filled in
     */
    Map<String, Object> settings();

    /**
     * The training set when the task samples minibatches from a fixed one (what λ̂ at a checkpoint is measured
     * on). Owned by the task.
     *
     * @return the training set, or null when batches are generated fresh
     */
    default Dataset trainingSet() {
        return null;
    }

    /**
     * A known true parameter (a teacher's weights). Owned by the task.
     *
     * @return [P] weights, or null when the task has none
     */
    default Tensor trueParameters() {
        return null;
    }

    @Override
    void close();

    /**
     * The loss on held-out data and named task metrics.
     *
     * @param loss    the held-out loss
     * @param metrics the task metrics by name, in {@link #metricNames()} order
     */
    record Evaluation(double loss, Map<String, Double> metrics) {
        /** Copies the metrics. */
        public Evaluation {
            metrics = Map.copyOf(metrics);
        }
    }

    /**
     * Keeps the training set this task draws in the run folder, so that commands working on the run read it back
     * instead of drawing it again; a task whose data is cheap to draw or read leaves this as it is (nothing).
     *
     * @param folder the run folder
     */
    default void cacheTrainingSetIn(RunFolder folder) { }
}
