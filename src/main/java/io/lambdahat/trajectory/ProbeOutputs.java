package io.lambdahat.trajectory;

import io.lambdahat.nn.ChainModel;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import io.lambdahat.run.Checkpoints;

import java.io.IOException;
import java.util.List;

/**
 * Essential dynamics' input: the model's outputs on one fixed probe set at every checkpoint, flattened into one row
 * per checkpoint (docs/SCIENCE.md §4).
 */
public final class ProbeOutputs {
    private ProbeOutputs() {}

    /**
     * Loads each checkpoint in turn and evaluates the model on the probe set (without autograd).
     *
     * @param model       the model the checkpoints belong to
     * @param probe       inputs [B, ...] (the first samples of the run's data), on the model's device
     * @param checkpoints the checkpoints, in the order the rows should have
     * @return one row of the flattened outputs per checkpoint, or null when the model has no outputs
     * @throws IOException if a checkpoint file cannot be read
     */
    public static double[][] of(ChainModel model, Tensor probe, List<Checkpoints.Checkpoint> checkpoints) throws IOException {
        double[][] rows = new double[checkpoints.size()][];
        for (int i = 0; i < rows.length; i++) {
            try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
                Tensor flat = Checkpoints.loadFlat(checkpoints.get(i).file(), model);
                var views = model.layout().unflatten(flat);
                var chainViews = new java.util.HashMap<String, Tensor>();
                views.forEach((k, v) -> chainViews.put(k, v.unsqueeze(0)));
                Tensor out = model.outputs(chainViews, probe.unsqueeze(0));
                if (out == null) return null;
                rows[i] = out.to(DType.FLOAT64).contiguous().reshape(out.numel()).toDoubleArray();
                flat.close();
            }
        }
        return rows;
    }
}
