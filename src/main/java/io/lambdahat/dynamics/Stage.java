package io.lambdahat.dynamics;

/**
 * One developmental stage: the stretch of training between consecutive λ̂ boundaries (or the first/last
 * checkpoint). Start and end values come from the smoothed curves; each Δ has the posterior standard deviation of
 * the difference (correlation between the two ends included), which the direction test uses.
 */
public record Stage(
        int index,
        double startStep,
        double endStep,
        double startLogStep,
        double endLogStep,
        double lossStart,
        double lossEnd,
        double deltaLoss,
        double deltaLossSd,
        double llcStart,
        double llcEnd,
        double deltaLlc,
        double deltaLlcSd,
        Direction lossDirection,
        Direction llcDirection,
        StageType type) {}
