package io.lambdahat.train;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * An optimiser over the flat parameter vector of one model: P float32 values in one contiguous buffer (the
 * [1, P] leaf of {@link io.lambdahat.nn.ChainParameters} with C = 1), updated in place from the gradient that
 * back-propagation left in the matching [1, P] buffer. Each step is one fused pass over memory.
 *
 * <p>State lives off-heap in buffers of P floats named as torch.optim names them ("exp_avg", "momentum_buffer"),
 * so a checkpoint can save them and {@link #restore} can put them back exactly.
 */
public interface Optimizer extends AutoCloseable {
    /**
     * The optimiser's name, as torch.optim spells it in lower case.
     *
     * @return "adamw" or "sgd"
     */
    String name();

    /**
     * The number of parameters it updates.
     *
     * @return P
     */
    long size();

    /**
     * Updates taken so far.
     *
     * @return torch's "step"
     */
    long steps();

    /**
     * One update in place.
     *
     * @param params P float32 values (native order), updated in place
     * @param grad   the gradient at {@code params}, P float32 values; read only
     * @param lr     the learning rate of this update
     */
    void step(MemorySegment params, MemorySegment grad, double lr);

    /**
     * The live state buffers.
     *
     * @return the buffers by name, each P float32 values (none for plain SGD)
     */
    Map<String, MemorySegment> buffers();

    /**
     * Puts back a saved state.
     *
     * @param steps the updates taken when it was saved
     * @param saved every buffer by name, each P float32 values
     * @throws IllegalArgumentException if the names or sizes are not this optimiser's
     */
    void restore(long steps, Map<String, MemorySegment> saved);

    /** Frees the state buffers. */
    @Override
    void close();

    /**
     * The hyper-parameters as they go into config.json.
     *
     * @return the settings by name, "name" first
     */
    Map<String, Object> settings();

    /**
     * Fails unless both segments hold exactly {@code size} float32 values.
     *
     * @param size   P
     * @param params the weights
     * @param grad   the gradient
     * @throws IllegalArgumentException naming both lengths when they differ from P
     */
    static void checkLengths(long size, MemorySegment params, MemorySegment grad) {
        long bytes = size * Float.BYTES;
        if (params.byteSize() != bytes || grad.byteSize() != bytes) {
            throw new IllegalArgumentException("the optimiser holds state for " + size + " parameters but got "
                    + params.byteSize() / Float.BYTES + " parameters and " + grad.byteSize() / Float.BYTES + " gradient values");
        }
    }
}
