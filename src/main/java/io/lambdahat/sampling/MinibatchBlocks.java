package io.lambdahat.sampling;

import io.lambdahat.data.Dataset;
import io.lambdahat.data.MinibatchStream;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

/**
 * The minibatches of {@link MinibatchStream} (the very same indices for the same seed) for the blocked loop of
 * {@link ChainLoop}: the indices of a block of steps are drawn on the host and copied to the device at once, because a
 * copy from host memory waits for the device to finish its queue, and one per step would synchronise every step.
 */
final class MinibatchBlocks implements AutoCloseable {
    private final Dataset data;
    private final int chains, batch, block;
    private final MinibatchStream indices;
    private final Dataset positions;
    private Tensor onDevice; // [block, C·B] int64
    private int used;

    MinibatchBlocks(Dataset data, int chains, int batch, long seed, int block) {
        this.data = data;
        this.chains = chains;
        this.batch = batch;
        this.block = block;
        // a stream over the positions 0 … n−1 themselves yields the indices it would gather
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.arange(data.size(), DType.INT64, Device.CPU);
            Tensor y = x.share();
            this.positions = new Dataset(s.release(x), s.release(y));
        }
        this.indices = new MinibatchStream(positions, chains, batch, seed, Device.CPU);
        this.used = block;
    }

    /** The next step's minibatch of every chain: {x [C, B, …], y [C, B, …]}, owned by the caller's scope. */
    Tensor[] next() {
        if (used == block) refill();
        Tensor idx = onDevice.select(0, used++);
        return new Tensor[] {MinibatchStream.gather(data.x(), idx, chains, batch), MinibatchStream.gather(data.y(), idx, chains, batch)};
    }

    private void refill() {
        long[] all = new long[block * chains * batch];
        try (Scope s = Scope.open()) {
            for (int i = 0; i < block; i++) {
                long[] step = indices.next()[0].contiguous().toLongArray();
                System.arraycopy(step, 0, all, i * step.length, step.length);
            }
            Tensor next = s.release(Tensor.of(all, data.x().device(), block, (long) chains * batch));
            if (onDevice != null) onDevice.close();
            onDevice = next;
        }
        used = 0;
    }

    @Override
    public void close() {
        if (onDevice != null) onDevice.close();
        positions.close();
    }
}
