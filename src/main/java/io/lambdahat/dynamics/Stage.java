package io.lambdahat.dynamics;

/**
 * One developmental stage: the stretch of training between consecutive λ̂ boundaries (or the first/last
 * checkpoint). Start and end values are the checkpoints' own values — those of the checkpoint nearest each end, or
 * of the two that enclose a stage narrower than the checkpoint spacing — never the smoothed curves', which overshoot
 * around sharp drops. Each Δ has the standard deviation of the difference from the two checkpoints' noise (λ̂:
 * standard error² plus the smoother's fitted extra noise; loss: the fitted noise), which the direction test uses.
 *
 * @param index         position of the stage in training order, from 0
 * @param startStep     where the stage starts, in training steps
 * @param endStep       where it ends, in training steps
 * @param startLogStep  the start as ln(step + offset)
 * @param endLogStep    the end as ln(step + offset)
 * @param lossStart     loss at the start's checkpoint
 * @param lossEnd       loss at the end's checkpoint
 * @param deltaLoss     lossEnd − lossStart
 * @param deltaLossSd   standard deviation of deltaLoss from the two checkpoints' noise
 * @param llcStart      λ̂ at the start's checkpoint
 * @param llcEnd        λ̂ at the end's checkpoint
 * @param deltaLlc      llcEnd − llcStart
 * @param deltaLlcSd    standard deviation of deltaLlc from the two checkpoints' noise
 * @param lossDirection how the loss changed, by the direction test on deltaLoss
 * @param llcDirection  how λ̂ changed, by the direction test on deltaLlc
 * @param type          the stage's type from the two directions
 * @param fromCheckpointStep the step of the checkpoint the start values are read at
 * @param toCheckpointStep   the step of the checkpoint the end values are read at
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
        StageType type,
        long fromCheckpointStep,
        long toCheckpointStep) {}
