package io.lambdahat.dynamics;

/**
 * One developmental stage: the stretch of training between consecutive λ̂ boundaries (or the first/last
 * checkpoint). Start and end values come from the smoothed curves; each Δ has the posterior standard deviation of
 * the difference (correlation between the two ends included), which the direction test uses.
 *
 * @param index         position of the stage in training order, from 0
 * @param startStep     where the stage starts, in training steps
 * @param endStep       where it ends, in training steps
 * @param startLogStep  the start as ln(step + offset)
 * @param endLogStep    the end as ln(step + offset)
 * @param lossStart     smoothed loss at the start
 * @param lossEnd       smoothed loss at the end
 * @param deltaLoss     lossEnd − lossStart
 * @param deltaLossSd   posterior standard deviation of deltaLoss
 * @param llcStart      smoothed λ̂ at the start
 * @param llcEnd        smoothed λ̂ at the end
 * @param deltaLlc      llcEnd − llcStart
 * @param deltaLlcSd    posterior standard deviation of deltaLlc
 * @param lossDirection how the loss changed, by the direction test on deltaLoss
 * @param llcDirection  how λ̂ changed, by the direction test on deltaLlc
 * @param type          the stage's type from the two directions
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
