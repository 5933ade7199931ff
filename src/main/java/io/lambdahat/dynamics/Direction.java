package io.lambdahat.dynamics;

/** How a smoothed quantity changed across a stage. */
public enum Direction {
    /** Decreased: Δ &lt; 0, beyond directionZ posterior sd and beyond the flat fraction of the curve's range. */
    DOWN,
    /** |Δ| within directionZ posterior sd or within the flat fraction of the curve's range. */
    FLAT,
    /** Increased: Δ &gt; 0, beyond directionZ posterior sd and beyond the flat fraction of the curve's range. */
    UP
}
