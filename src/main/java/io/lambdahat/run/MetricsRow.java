package io.lambdahat.run;

import java.util.Map;

/**
 * One row of metrics.csv.
 *
 * @param step        updates taken
 * @param trainLoss   mean minibatch loss of the updates since the previous row (NaN on the row of step 0)
 * @param heldOutLoss loss on the task's held-out data at this step's weights
 * @param lr          the learning rate of the last update (of the first, on the row of step 0)
 * @param metrics     the task's metrics, by name
 */
public record MetricsRow(long step, double trainLoss, double heldOutLoss, double lr, Map<String, Double> metrics) {
    /** Copies the metrics. */
    public MetricsRow {
        metrics = Map.copyOf(metrics);
    }
}
