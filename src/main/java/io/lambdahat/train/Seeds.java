package io.lambdahat.train;

import java.util.SplittableRandom;

/** Independent random streams of one run, each derived from the run's seed and a purpose. */
final class Seeds {
    static final long TEACHER = 1;
    static final long TRAIN_DATA = 2;
    static final long HELD_OUT = 3;
    static final long INIT = 4;
    static final long EPOCH_BASE = 1L << 32;

    private Seeds() {}

    static long derive(long seed, long purpose) {
        return new SplittableRandom(new SplittableRandom(seed).nextLong() + purpose).nextLong();
    }
}
