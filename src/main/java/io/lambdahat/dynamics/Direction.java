package io.lambdahat.dynamics;

/**
 * How a quantity changed. For a stage's loss and λ̂ it is judged from the checkpoints at the stage's ends: UP or
 * DOWN only when |Δ| exceeds both directionZ standard deviations of the difference and the flat fraction of the
 * checkpoints' range over the run, FLAT otherwise.
 */
public enum Direction {
    /** Decreased. */
    DOWN,
    /** No change beyond the noise and the flat fraction. */
    FLAT,
    /** Increased. */
    UP
}
