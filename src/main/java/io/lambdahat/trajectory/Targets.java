package io.lambdahat.trajectory;

import io.lambdahat.InvalidInputException;

import java.util.Locale;

/**
 * What λ̂ is measured against.
 *
 * <p>{@link #DATA}: the training targets y. L(w) is the data loss, and λ̂ measures the basin of the data loss around
 * w*. It is defined only where w* is a local minimum of that loss: at a saddle (a checkpoint of a run that has not yet
 * learned what it will learn) the chains run downhill and λ̂ goes negative; the estimate is flagged "not local
 * minimum".
 *
 * <p>{@link #MODEL}: the checkpoint's own outputs ŷ = f_{w*}(x) on the training inputs, so that
 * L(w) = MSE(f_w(x), ŷ). Its global minimum, 0, is at w*: every checkpoint is a minimum of its own loss and the
 * chains stay local. λ̂ then measures the complexity of the function the checkpoint computes — for a deep linear
 * network whose map has rank k it is Aoyagi's λ for rank k — and equals the data-target λ̂ where the model fits the
 * data exactly. Regression (MSE) models only ({@link ModelTargets#check}).
 */
public enum Targets {
    /** The training targets: λ̂ of the data loss's basin at w*. */
    DATA,
    /** The checkpoint's own outputs: λ̂ of the function w* computes. */
    MODEL;

    /** {@return the name as written on the command line and in records: "data" or "model"} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The targets named on the command line or in a record.
     *
     * @param s "data" or "model" (any case); null or empty reads as "data"
     * @return the targets
     * @throws InvalidInputException naming the accepted values
     */
    public static Targets parse(String s) {
        if (s == null || s.isBlank()) return DATA;
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "data" -> DATA;
            case "model" -> MODEL;
            default -> throw new InvalidInputException("unknown targets '" + s + "': use data (the training targets) or model (the checkpoint's own outputs)");
        };
    }
}
