package io.lambdahat.data;

import java.util.SplittableRandom;

/** Independent random streams of one run, each derived from the run's seed and a purpose. */
public final class Seeds {
    /** The teacher (or task generator) the data is drawn from. */
    public static final long TEACHER = 1;
    /** The training set. */
    public static final long TRAIN_DATA = 2;
    /** The held-out set. */
    public static final long HELD_OUT = 3;
    /** The model's initial weights. */
    public static final long INIT = 4;
    /** The order of training minibatches: epoch e uses purpose EPOCH_BASE + e. */
    public static final long EPOCH_BASE = 1L << 32;

    private Seeds() {}

    /**
     * The seed of one purpose's stream.
     *
     * @param seed the run's seed
     * @param purpose one of the purposes above
     * @return a seed independent of every other purpose's
     */
    public static long derive(long seed, long purpose) {
        return new SplittableRandom(new SplittableRandom(seed).nextLong() + purpose).nextLong();
    }
}
