package io.lambdahat.data;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One minibatch stream per chain, each with its own seeded RNG. Sampling is without replacement within an
 * epoch (each chain walks its own random permutation of the n samples and reshuffles when it is used up), as a
 * shuffling data loader does. A step yields x [C, B, ...] and y [C, B, ...].
 */
public final class MinibatchStream {
    private final Dataset data;
    private final int chains;
    private final int batch;
    private final int[][] permutation;
    private final int[] cursor;
    private final SplittableRandom[] rngs;
    private final long[] indices;
    private final Device device;
    /** A CPU dataset's x and y memory, rows copied straight out of it; null where libtorch gathers. */
    private final HostRows hostX, hostY;

    /**
     * Sets up C independent shuffled streams over one dataset.
     *
     * @param data the n samples to draw from; stays owned by the caller and must outlive the stream
     * @param chains C, the number of chains (one stream each)
     * @param batch B, the minibatch size per chain
     * @param seed root seed; chain c's RNG is the c-th split of it, so runs are reproducible
     * @param device where the index tensor, and thus the gathered minibatches, are placed (same as the dataset's)
     * @throws IllegalArgumentException if B is not positive or exceeds n, or n exceeds {@code Integer.MAX_VALUE}
     */
    public MinibatchStream(Dataset data, int chains, int batch, long seed, Device device) {
        if (batch <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batch);
        if (data.size() > Integer.MAX_VALUE) throw new IllegalArgumentException("dataset too large for one stream");
        if (batch > data.size()) {
            throw new IllegalArgumentException("batch size " + batch + " exceeds the dataset size " + data.size() + "; use --batch " + data.size() + " or less");
        }
        this.data = data;
        this.chains = chains;
        this.batch = batch;
        this.device = device;
        int n = (int) data.size();
        this.permutation = new int[chains][n];
        this.cursor = new int[chains];
        this.rngs = new SplittableRandom[chains];
        SplittableRandom root = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int c = 0; c < chains; c++) {
            rngs[c] = root.split();
            for (int i = 0; i < n; i++) permutation[c][i] = i;
            shuffle(c);
        }
        this.indices = new long[chains * batch];
        boolean host = !device.isCuda() && HostRows.usable(data.x()) && HostRows.usable(data.y());
        this.hostX = host ? new HostRows(data.x()) : null;
        this.hostY = host ? new HostRows(data.y()) : null;
    }

    private void shuffle(int c) {
        int[] p = permutation[c];
        for (int i = p.length - 1; i > 0; i--) {
            int j = rngs[c].nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        cursor[c] = 0;
    }

    /**
     * The next minibatch of every chain.
     *
     * @return {x [C, B, ...], y [C, B, ...]}, owned by the caller's scope
     */
    public Tensor[] next() {
        for (int c = 0; c < chains; c++) {
            if (cursor[c] + batch > permutation[c].length) shuffle(c);
            for (int b = 0; b < batch; b++) indices[c * batch + b] = permutation[c][cursor[c] + b];
            cursor[c] += batch;
        }
        if (hostX != null) return new Tensor[] {hostX.gather(indices, chains, batch), hostY.gather(indices, chains, batch)};
        Tensor idx = Tensor.of(indices, device, indices.length);
        return new Tensor[] {gather(data.x(), idx, chains, batch), gather(data.y(), idx, chains, batch)};
    }

    /**
     * The rows of a contiguous CPU tensor, copied out on the host. For the small models an index tensor and two
     * index_select calls cost a large share of an SGLD step, a copy of the rows' bytes almost nothing (measured:
     * bench/README.md, "Design measurements").
     */
    private static final class HostRows {
        private final MemorySegment memory;
        private final long rowBytes;
        private final long[] rowShape;
        private final DType dtype;

        static boolean usable(Tensor t) {
            return !t.device().isCuda() && t.isContiguous();
        }

        HostRows(Tensor source) {
            long[] shape = source.shape();
            this.rowShape = Arrays.copyOfRange(shape, 1, shape.length);
            this.dtype = source.dtype();
            this.rowBytes = source.numel() / shape[0] * dtype.byteSize;
            this.memory = source.data(); // valid while the dataset lives, which the stream's contract requires
        }

        Tensor gather(long[] rows, int chains, int batch) {
            long[] shape = new long[rowShape.length + 2];
            shape[0] = chains;
            shape[1] = batch;
            System.arraycopy(rowShape, 0, shape, 2, rowShape.length);
            Tensor out = Tensor.empty(dtype, Device.CPU, shape);
            MemorySegment to = out.data();
            for (int r = 0; r < rows.length; r++) MemorySegment.copy(memory, rows[r] * rowBytes, to, r * rowBytes, rowBytes);
            return out;
        }
    }

    /**
     * The rows {@code idx} of {@code source}, laid out per chain: [N, ...] rows at C·B indices → [C, B, ...].
     *
     * @param source a dataset tensor, samples along axis 0
     * @param idx    C·B int64 row indices, chain by chain, on source's device
     * @param chains C
     * @param batch  B
     * @return the minibatches, owned by the caller's scope
     */
    public static Tensor gather(Tensor source, Tensor idx, int chains, int batch) {
        long[] shape = source.shape();
        long[] out = new long[shape.length + 1];
        out[0] = chains;
        out[1] = batch;
        System.arraycopy(shape, 1, out, 2, shape.length - 1);
        return source.indexSelect(0, idx).view(out);
    }

    /** {@return B, the minibatch size per chain} */
    public int batch() {
        return batch;
    }
}
