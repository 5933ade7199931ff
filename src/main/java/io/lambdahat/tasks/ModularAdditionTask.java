package io.lambdahat.tasks;

import io.lambdahat.torch.Tensor;

import java.util.SplittableRandom;
import io.lambdahat.data.Dataset;

/**
 * Modular addition, the grokking task: every pair (a, b) of residues mod p labelled (a + b) mod p, split at random
 * into a training and a test set. The split follows torch's {@code random_split} with fractions (each part gets
 * ⌊fraction·p²⌋ pairs, a left-over pair goes to the training set), so p = 53 with 40 % for training gives 1124
 * training and 1685 test pairs, as in devinterp's grokking example.
 */
public final class ModularAdditionTask {
    private final int modulus;
    private final double trainFraction;

    /**
     * The task.
     *
     * @param modulus       p ≥ 2
     * @param trainFraction the share of the p² pairs used for training, in (0, 1)
     * @throws IllegalArgumentException if p &lt; 2 or the fraction leaves either set empty
     */
    public ModularAdditionTask(int modulus, double trainFraction) {
        if (modulus < 2) throw new io.lambdahat.InvalidInputException("the modulus p must be at least 2, got " + modulus);
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new io.lambdahat.InvalidInputException("the training fraction must be in (0, 1), got " + trainFraction);
        }
        this.modulus = modulus;
        this.trainFraction = trainFraction;
        long n = (long) modulus * modulus;
        if (trainSize() < 1 || trainSize() >= n) {
            throw new io.lambdahat.InvalidInputException("a training fraction of " + trainFraction + " of " + n + " pairs leaves a set empty");
        }
    }

    /** {@return p} */
    public int modulus() {
        return modulus;
    }

    /** {@return the number of training pairs} */
    public long trainSize() {
        long n = (long) modulus * modulus;
        long train = (long) Math.floor(trainFraction * n), test = (long) Math.floor((1 - trainFraction) * n);
        return train + test < n ? train + 1 : train;
    }

    /**
     * The training and the test set: x int64 pairs [N, 2], y int64 sums mod p [N].
     *
     * @param seed chooses the split
     * @return {training set, test set}; the caller closes both
     */
    public Dataset[] split(long seed) {
        int n = modulus * modulus;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int train = (int) trainSize();
        return new Dataset[] {pairs(order, 0, train), pairs(order, train, n)};
    }

    private Dataset pairs(int[] order, int from, int to) {
        long[] x = new long[2 * (to - from)];
        long[] y = new long[to - from];
        for (int i = from; i < to; i++) {
            int a = order[i] / modulus, b = order[i] % modulus;
            x[2 * (i - from)] = a;
            x[2 * (i - from) + 1] = b;
            y[i - from] = (a + b) % modulus;
        }
        return new Dataset(Tensor.of(x, to - from, 2), Tensor.of(y, to - from));
    }
}
