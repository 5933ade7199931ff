package io.lambdahat.train;

import io.lambdahat.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The learning rate of each update: {@link #lr(long)} is the rate used by update number t + 1, where t updates
 * have been taken (torch's scheduler convention: the optimiser steps at lr(t), then the scheduler advances).
 */
public interface LearningRateSchedule {
    /**
     * The learning rate of an update.
     *
     * @param t the update index, from 0
     * @return lr(t)
     */
    double lr(long t);

    /**
     * The settings as they go into config.json.
     *
     * @return the settings by name
     */
    Map<String, Object> settings();

    /** The schedules the trainer offers. */
    enum Kind {
        /** Constant after an optional linear warm-up. */
        CONSTANT,
        /** Linear warm-up, then a half cosine to 0. */
        COSINE,
        /** torch's OneCycleLR. */
        ONECYCLE;

        /**
         * The kind of a command-line spelling.
         *
         * @param s constant, cosine or onecycle (any case; one-cycle too)
         * @return the kind
         * @throws IllegalArgumentException naming the choices for anything else
         */
        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT).replace("-", ""));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("unknown schedule '" + s + "': use constant, cosine or onecycle");
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

    /**
     * The schedule of a run of {@code totalSteps} updates peaking at {@code lr}; {@code warmup} updates of linear
     * warm-up (for one-cycle: the rising phase; 0 means torch's default of 30 %).
     *
     * @param kind       the schedule
     * @param lr         the peak learning rate
     * @param warmup     warm-up updates
     * @param totalSteps N
     * @return the schedule
     * @throws IllegalArgumentException if a value is out of range
     */
    static LearningRateSchedule of(Kind kind, double lr, long warmup, long totalSteps) {
        return switch (kind) {
            case CONSTANT -> constant(lr, warmup);
            case COSINE -> warmupCosine(lr, warmup, totalSteps, 0);
            case ONECYCLE -> oneCycle(lr, totalSteps, warmup == 0 ? 0.3 : (double) warmup / totalSteps, 25, 1e4);
        };
    }

    private static void checkRate(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) throw new InvalidInputException("the learning rate must be positive and finite, got " + lr);
    }

    /**
     * lr after a linear warm-up over {@code warmup} updates: lr·t/warmup for t &lt; warmup (transformers' convention).
     *
     * @param lr     the learning rate
     * @param warmup warm-up updates
     * @return the schedule
     * @throws IllegalArgumentException if lr is not positive or warmup is negative
     */
    static LearningRateSchedule constant(double lr, long warmup) {
        checkRate(lr);
        if (warmup < 0) throw new InvalidInputException("warm-up must be ≥ 0 updates, got " + warmup);
        return new LearningRateSchedule() {
            @Override
            public double lr(long t) {
                return t < warmup ? lr * t / warmup : lr;
            }

            @Override
            public Map<String, Object> settings() {
                return settingsOf("constant", "lr", lr, "warmup", warmup);
            }
        };
    }

    /**
     * Linear warm-up to {@code peak} over {@code warmup} updates, then a half cosine down to {@code minLr} at
     * update {@code totalSteps}: for t ≥ warmup, lr = minLr + (peak − minLr)·½(1 + cos(π·(t − warmup)/(total − warmup))).
     * With minLr = 0 this is transformers' get_cosine_schedule_with_warmup.
     *
     * @param peak       the peak learning rate
     * @param warmup     warm-up updates
     * @param totalSteps N
     * @param minLr      the final learning rate
     * @return the schedule
     * @throws IllegalArgumentException if a value is out of range
     */
    static LearningRateSchedule warmupCosine(double peak, long warmup, long totalSteps, double minLr) {
        checkRate(peak);
        if (totalSteps <= 0) throw new InvalidInputException("a schedule needs at least one update, got " + totalSteps);
        if (warmup < 0 || warmup >= totalSteps) {
            throw new InvalidInputException("warm-up must be in [0, steps) = [0, " + totalSteps + "), got " + warmup);
        }
        if (!(minLr >= 0 && minLr <= peak)) throw new InvalidInputException("the final learning rate must be in [0, lr], got " + minLr);
        return new LearningRateSchedule() {
            @Override
            public double lr(long t) {
                if (t < warmup) return peak * t / warmup;
                double progress = Math.min(1.0, (double) (t - warmup) / (totalSteps - warmup));
                return minLr + (peak - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
            }

            @Override
            public Map<String, Object> settings() {
                return settingsOf("cosine", "lr", peak, "warmup", warmup, "steps", totalSteps, "min_lr", minLr);
            }
        };
    }

    /**
     * torch.optim.lr_scheduler.OneCycleLR (two phases, cosine annealing; the momentum is not cycled): from
     * maxLr/divFactor up to maxLr over the first pctStart of the run, then down to maxLr/(divFactor·finalDivFactor).
     *
     * @param maxLr          the peak learning rate
     * @param totalSteps     N
     * @param pctStart       the rising fraction of the run, in (0, 1)
     * @param divFactor      initial lr = maxLr / divFactor
     * @param finalDivFactor final lr = initial lr / finalDivFactor
     * @return the schedule
     * @throws IllegalArgumentException if a value is out of range
     */
    static LearningRateSchedule oneCycle(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        checkRate(maxLr);
        if (totalSteps < 2) throw new InvalidInputException("one-cycle needs at least 2 updates, got " + totalSteps);
        if (!(pctStart > 0 && pctStart < 1)) throw new InvalidInputException("the one-cycle rising fraction must be in (0, 1), got " + pctStart);
        if (!(divFactor > 0) || !(finalDivFactor > 0)) throw new InvalidInputException("one-cycle division factors must be positive");
        double initial = maxLr / divFactor;
        double last = initial / finalDivFactor;
        double peakStep = pctStart * totalSteps - 1;
        if (!(peakStep > 0)) {
            throw new InvalidInputException("one-cycle needs a rising phase longer than one update (pct_start·steps = "
                    + pctStart * totalSteps + "); use more steps or a larger warm-up");
        }
        double endStep = totalSteps - 1;
        return new LearningRateSchedule() {
            @Override
            public double lr(long t) {
                if (t <= peakStep) return annealCos(initial, maxLr, t / peakStep);
                return annealCos(maxLr, last, (t - peakStep) / (endStep - peakStep));
            }

            @Override
            public Map<String, Object> settings() {
                return settingsOf("onecycle", "lr", maxLr, "steps", totalSteps, "pct_start", pctStart, "div_factor", divFactor,
                        "final_div_factor", finalDivFactor);
            }
        };
    }

    private static double annealCos(double start, double end, double pct) {
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }

    private static Map<String, Object> settingsOf(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", kv[0]);
        for (int i = 1; i + 1 < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
