package io.lambdahat.data;

import java.util.SplittableRandom;

/** Independent random streams of one run, each derived from the run's seed and a purpose. */
public final class Seeds {
    public static final long TEACHER = 1;
    public static final long TRAIN_DATA = 2;
    public static final long HELD_OUT = 3;
    public static final long INIT = 4;
    public static final long EPOCH_BASE = 1L << 32;

    private Seeds() {}

    public static long derive(long seed, long purpose) {
        return new SplittableRandom(new SplittableRandom(seed).nextLong() + purpose).nextLong();
    }
}
