package io.lambdahat.data;

import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;

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
        Tensor idx = Tensor.of(indices, device, indices.length);
        return new Tensor[] {gather(data.x(), idx, chains, batch), gather(data.y(), idx, chains, batch)};
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
