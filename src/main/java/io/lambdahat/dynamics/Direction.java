package io.lambdahat.dynamics;

/** How a smoothed quantity changed across a stage. */
public enum Direction {
    DOWN,
    FLAT,
    UP
}
