package io.lambdahat.train;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Tensor;

import java.util.List;
import java.util.Map;

/**
 * What {@link Trainer} needs from a task: a chain-batched model trained with C = 1, its initial weights, a
 * minibatch per update and a held-out evaluation. Register new tasks in {@link TaskRegistry}.
 *
 * <p>Resuming and reproducibility rest on one rule: {@link #batch(long)} is a pure function of the update index
 * and the task's seed, so a run resumed at update k sees exactly the minibatches an uninterrupted run sees.
 */
public interface TrainingTask extends AutoCloseable {
    /** The model being trained. */
    ChainModel model();

    /** Fresh initial weights of one model, [P] float32 on the CPU, drawn from {@code g}; the caller owns them. */
    Tensor initialParameters(Generator g);

    /**
     * The minibatch of update number {@code t} + 1 (t = 0, 1, …): {x [1, B, …], y [1, B, …]}, owned by the caller's
     * scope; either may be null for a model without data. Must depend only on t and the task's settings.
     */
    Tensor[] batch(long t);

    /** Held-out loss and task metrics at {@code params} (views [1, …] by name); called with gradients off. */
    Evaluation evaluate(Map<String, Tensor> params);

    /** The metric columns {@link #evaluate} reports, in a fixed order (may be empty). */
    List<String> metricNames();

    /** The task's resolved settings (every default filled in), recorded in config.json. */
    Map<String, Object> settings();

    /**
     * The training set when the task samples minibatches from a fixed one (what λ̂ at a checkpoint is measured
     * on), or null when batches are generated fresh. Owned by the task.
     */
    default Dataset trainingSet() {
        return null;
    }

    /** A known true parameter [P] (a teacher's weights) when the task has one, else null. Owned by the task. */
    default Tensor trueParameters() {
        return null;
    }

    @Override
    void close();

    /** The loss on held-out data and named task metrics, in {@link #metricNames()} order. */
    record Evaluation(double loss, Map<String, Double> metrics) {
        public Evaluation {
            metrics = Map.copyOf(metrics);
        }
    }
}
