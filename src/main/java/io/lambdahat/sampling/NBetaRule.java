package io.lambdahat.sampling;

import java.util.Locale;

/** How the inverse temperature nβ is chosen. */
public enum NBetaRule {
    /** The theory's default β = 1/ln n: nβ = n / ln n, n the dataset size. */
    N_OVER_LOG_N("n/ln(n)"),
    /** devinterp's default: nβ = B / ln B, B the SGLD batch size. */
    BATCH_OVER_LOG_BATCH("B/ln(B)"),
    /** A value given explicitly (--nbeta). */
    FIXED("fixed");

    /** How the rule is written in reports, e.g. {@code n/ln(n)}. */
    public final String label;

    NBetaRule(String label) {
        this.label = label;
    }

    /**
     * The nβ this rule gives.
     *
     * @param n the dataset size
     * @param batch the SGLD minibatch size B
     * @param fixed the value FIXED returns
     * @return nβ (not checked to be positive: n or B of 1 gives infinity)
     */
    public double value(long n, int batch, double fixed) {
        return switch (this) {
            case N_OVER_LOG_N -> n / Math.log(n);
            case BATCH_OVER_LOG_BATCH -> batch / Math.log(batch);
            case FIXED -> fixed;
        };
    }

    /**
     * Parses a rule as users write it on the command line: {@code theory}, {@code devinterp}, {@code fixed}, or a
     * formula such as {@code n/ln(n)}.
     *
     * @param s the name, in any case
     * @return the rule
     * @throws IllegalArgumentException naming the accepted values if {@code s} is none of them
     */
    public static NBetaRule parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT).replace("_", "-")) {
            case "n/ln(n)", "n/log(n)", "n-over-log-n", "theory", "n" -> N_OVER_LOG_N;
            case "b/ln(b)", "b/log(b)", "batch-over-log-batch", "devinterp", "batch" -> BATCH_OVER_LOG_BATCH;
            case "fixed" -> FIXED;
            default -> throw new io.lambdahat.InvalidInputException("unknown nβ rule '" + s + "': use theory (n/ln n), devinterp (B/ln B) or fixed");
        };
    }
}
