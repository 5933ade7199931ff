package io.lambdahat.train;

import io.lambdahat.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The steps at which a run writes checkpoints. Log-spaced steps resolve the fast early development that λ̂
 * trajectories care about; linear steps cover the long tail evenly; both is their union. Step 0 (the
 * initialisation) and the last step are always included.
 */
public final class CheckpointSchedule {
    /** How checkpoints are spaced. */
    public enum Kind {
        /** Geometrically, dense early (where development is fast). */
        LOG,
        /** Evenly. */
        LINEAR,
        /** The union of the two. */
        BOTH;

        /**
         * The kind of a command-line spelling.
         *
         * @param s log, linear or both (any case)
         * @return the kind
         * @throws IllegalArgumentException naming the choices for anything else
         */
        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("unknown checkpoint schedule '" + s + "': use log, linear or both");
            }
        }

        /**
         * The kind as written in config.json.
         *
         * @return its lower-case name
         */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private CheckpointSchedule() {}

    /**
     * The sorted distinct checkpoint steps of a run of {@code totalSteps} updates.
     * <ul>
     *   <li>linear: round(i·N/(K−1)) for i = 0 … K−1;</li>
     *   <li>log: 0 and round(N^(i/(K−2))) for i = 0 … K−2 (1 up to N, geometrically), duplicates merged;</li>
     *   <li>both: the union of the two, so up to 2K steps.</li>
     * </ul>
     *
     * @param kind       the spacing
     * @param totalSteps N
     * @param count      K, checkpoints per spacing
     * @return the steps, ascending
     * @throws IllegalArgumentException if N &lt; 1 or K &lt; 2
     */
    public static long[] steps(Kind kind, long totalSteps, int count) {
        if (totalSteps < 1) throw new InvalidInputException("a run needs at least one step, got " + totalSteps);
        if (count < 2) throw new InvalidInputException("the number of checkpoints must be at least 2 (start and end), got " + count);
        TreeSet<Long> steps = new TreeSet<>();
        steps.add(0L);
        steps.add(totalSteps);
        if (kind != Kind.LOG) {
            for (int i = 0; i < count; i++) steps.add(Math.round((double) i * totalSteps / (count - 1)));
        }
        if (kind != Kind.LINEAR && count > 2) {
            double logN = Math.log(totalSteps);
            for (int i = 0; i <= count - 2; i++) steps.add(Math.min(totalSteps, Math.round(Math.exp(logN * i / (count - 2)))));
        }
        return steps.stream().mapToLong(Long::longValue).toArray();
    }

    /** Whether {@code step} is in the sorted {@code steps}. */
    static boolean contains(long[] steps, long step) {
        return Arrays.binarySearch(steps, step) >= 0;
    }
}
