package io.lambdahat.nn;

import io.lambdahat.torch.Tensor;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model that reads its own checkpoints (rather than lambdahat's one-tensor-per-parameter float32 files): a
 * TorchScript model matches a PyTorch state_dict by name, shape and dtype and keeps its buffers.
 */
public interface CheckpointWeights {
    /**
     * The weights w* of a checkpoint as one flat [P] tensor in layout order; anything else the checkpoint holds that
     * stays fixed while sampling (buffers) is installed in the model.
     *
     * @param file the checkpoint
     * @return [P] in the model's floating type, on the CPU; the caller owns it
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException listing every tensor that does not fit the model
     */
    Tensor loadWeights(Path file) throws IOException;
}
