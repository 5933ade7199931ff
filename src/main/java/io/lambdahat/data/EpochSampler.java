package io.lambdahat.data;

import io.lambdahat.InvalidInputException;
import io.lambdahat.torch.Tensor;

import java.util.SplittableRandom;

/**
 * Minibatch indices into a fixed training set of n samples as a pure function of the update index: the samples
 * are read in the order of one random permutation per epoch (each seeded by the epoch number), B at a time, a
 * minibatch running on into the next epoch when one ends. So the minibatch of update t is known without
 * replaying updates 0 … t−1, which is what lets a run resume exactly.
 */
public final class EpochSampler {
    private final int n;
    private final int batch;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cached;

    /**
     * A sampler of minibatch indices.
     *
     * @param n     the training set's size
     * @param batch B
     * @param seed  the run's seed
     * @throws IllegalArgumentException if n or B is out of range, or B &gt; n
     */
    public EpochSampler(long n, int batch, long seed) {
        if (n < 1 || n > Integer.MAX_VALUE) throw new InvalidInputException("the training set must hold 1 to 2³¹−1 samples, got " + n);
        if (batch < 1) throw new InvalidInputException("batch size must be at least 1, got " + batch);
        if (batch > n) throw new InvalidInputException("batch size " + batch + " exceeds the training set size " + n + "; use --batch " + n + " or less");
        this.n = (int) n;
        this.batch = batch;
        this.seed = seed;
    }

    /**
     * The sample indices of update number t + 1.
     *
     * @param t the update index, from 0
     * @return B indices into the training set
     * @throws IllegalArgumentException if t is negative
     */
    public long[] indices(long t) {
        if (t < 0) throw new IllegalArgumentException("update index must be ≥ 0, got " + t);
        long[] out = new long[batch];
        long position = Math.multiplyExact(t, (long) batch);
        for (int b = 0; b < batch; b++, position++) out[b] = permutation(position / n)[(int) (position % n)];
        return out;
    }

    /**
     * The minibatch of update number t + 1.
     *
     * @param data the training set (on the CPU)
     * @param t    the update index, from 0
     * @return {x [1, B, …], y [1, B, …]}, owned by the caller's scope
     */
    public Tensor[] batch(Dataset data, long t) {
        Tensor idx = Tensor.of(indices(t), batch);
        return new Tensor[] {data.x().indexSelect(0, idx).unsqueeze(0), data.y().indexSelect(0, idx).unsqueeze(0)};
    }

    /** The permutation of epoch e (Fisher–Yates from a generator seeded by the run's seed and e). */
    int[] permutation(long epoch) {
        if (epoch != cachedEpoch) {
            int[] p = new int[n];
            for (int i = 0; i < n; i++) p[i] = i;
            SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.EPOCH_BASE + epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = p[i];
                p[i] = p[j];
                p[j] = tmp;
            }
            cached = p;
            cachedEpoch = epoch;
        }
        return cached;
    }
}
