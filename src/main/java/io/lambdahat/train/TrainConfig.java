package io.lambdahat.train;

import io.lambdahat.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import io.lambdahat.tasks.TaskOptions;
import io.lambdahat.tasks.TaskRegistry;

/**
 * The trainer's settings for one run: length, batch, seed, optimiser, learning-rate schedule, clipping, and when
 * to write checkpoints and metrics rows. Validated when built, so a bad value fails before any work starts.
 *
 * @param steps          N, the number of updates
 * @param batch          minibatch size B (passed to the task through {@link #taskOptions})
 * @param seed           the run's seed: task data, initial weights and minibatch order all derive from it
 * @param optimizer      "adamw", "adam" or "sgd"
 * @param lr             the (peak) learning rate
 * @param momentum       SGD momentum μ
 * @param nesterov       SGD with Nesterov momentum
 * @param dampening      SGD dampening τ
 * @param weightDecay    AdamW's decoupled decay, or Adam's and SGD's L2 coefficient
 * @param beta1          AdamW β₁
 * @param beta2          AdamW β₂
 * @param eps            AdamW ε
 * @param schedule       the learning-rate schedule
 * @param warmup         warm-up updates (one-cycle: the rising phase; 0 = its default 30 %)
 * @param clip           maximal global gradient norm, 0 for no clipping
 * @param checkpoints    log, linear or both
 * @param numCheckpoints K, checkpoints per spacing
 * @param logEvery       a metrics row every this many updates (rows are also written at every checkpoint)
 */
public record TrainConfig(long steps, int batch, long seed, String optimizer, double lr, double momentum, boolean nesterov,
                          double dampening, double weightDecay, double beta1, double beta2, double eps,
                          LearningRateSchedule.Kind schedule, long warmup, double clip, CheckpointSchedule.Kind checkpoints,
                          int numCheckpoints, long logEvery) {
    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public TrainConfig {
        if (steps < 1) throw new InvalidInputException("--steps must be at least 1, got " + steps);
        if (batch < 1) throw new InvalidInputException("--batch must be at least 1, got " + batch);
        optimizer = optimizer.trim().toLowerCase(Locale.ROOT);
        if (!optimizer.equals("adamw") && !optimizer.equals("adam") && !optimizer.equals("sgd")) {
            throw new InvalidInputException("unknown --optimizer '" + optimizer + "': use adam, adamw or sgd");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) throw new InvalidInputException("--lr must be positive and finite, got " + lr);
        if (warmup < 0 || warmup >= steps) throw new InvalidInputException("--warmup must be in [0, steps) = [0, " + steps + "), got " + warmup);
        if (!(clip >= 0) || Double.isInfinite(clip)) throw new InvalidInputException("--clip must be a positive norm (or 0 for none), got " + clip);
        if (numCheckpoints < 2) throw new InvalidInputException("--num-checkpoints must be at least 2 (start and end), got " + numCheckpoints);
        if (logEvery < 1) throw new InvalidInputException("--log-every must be at least 1, got " + logEvery);
        // Building both once here surfaces every remaining range error (momentum, betas, ε, one-cycle length) now.
        try (Optimizer probe = newOptimizer(optimizer, 0, momentum, nesterov, dampening, weightDecay, beta1, beta2, eps)) {
            LearningRateSchedule.of(schedule, lr, warmup, steps);
        }
    }

    /**
     * The log interval that gives about {@code rows} metrics rows over a run (checkpoint rows come on top).
     *
     * @param steps N, the number of updates
     * @param rows  the rows wanted, at least 1
     * @return ⌈N / rows⌉, at least 1
     */
    public static long logEveryFor(long steps, int rows) {
        return Math.max(1, (steps + rows - 1) / Math.max(1, rows));
    }

    /**
     * A builder with the defaults: AdamW (β = 0.9, 0.999, ε = 1e-8, no decay), constant schedule, no clipping, both
     * checkpoint spacings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these settings, to change a few.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().steps(steps).batch(batch).seed(seed).optimizer(optimizer).lr(lr).momentum(momentum).nesterov(nesterov)
                .dampening(dampening).weightDecay(weightDecay).beta1(beta1).beta2(beta2).eps(eps).schedule(schedule).warmup(warmup)
                .clip(clip).checkpoints(checkpoints).numCheckpoints(numCheckpoints).logEvery(logEvery);
    }

    /**
     * A fresh optimiser with these settings.
     *
     * @param parameters P, the number of parameters it updates
     * @return AdamW or SGD, owned by the caller
     */
    public Optimizer newOptimizer(long parameters) {
        return newOptimizer(optimizer, parameters, momentum, nesterov, dampening, weightDecay, beta1, beta2, eps);
    }

    private static Optimizer newOptimizer(String name, long p, double momentum, boolean nesterov, double dampening, double weightDecay,
                                          double beta1, double beta2, double eps) {
        return switch (name) {
            case "sgd" -> new Sgd(p, momentum, dampening, nesterov, weightDecay);
            case "adam" -> AdamW.adam(p, beta1, beta2, eps, weightDecay); // L2 coupled into the gradient, as torch.optim.Adam
            default -> new AdamW(p, beta1, beta2, eps, weightDecay);
        };
    }

    /**
     * The learning-rate schedule of these settings.
     *
     * @return lr(t) for t = 0 … N − 1
     */
    public LearningRateSchedule newSchedule() {
        return LearningRateSchedule.of(schedule, lr, warmup, steps);
    }

    /**
     * The checkpoint steps.
     *
     * @return the sorted steps, 0 and N always among them
     */
    public long[] checkpointSteps() {
        return CheckpointSchedule.steps(checkpoints, steps, numCheckpoints);
    }

    /**
     * Task options carrying this run's seed and batch.
     *
     * @param values the task-specific options (key → value as text)
     * @return the options to build the task from
     */
    public TaskOptions taskOptions(Map<String, String> values) {
        return new TaskOptions(seed, batch, values);
    }

    /**
     * The trainer's part of config.json.
     *
     * @return the settings by name, in a fixed order
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("batch", batch);
        m.put("seed", seed);
        try (Optimizer o = newOptimizer(0)) {
            Map<String, Object> opt = new LinkedHashMap<>(o.settings());
            opt.put("lr", lr);
            m.put("optimizer", opt);
        }
        m.put("schedule", newSchedule().settings());
        m.put("clip", clip == 0 ? null : clip);
        Map<String, Object> ck = new LinkedHashMap<>();
        ck.put("kind", checkpoints.label());
        ck.put("count", numCheckpoints);
        ck.put("steps", checkpointSteps());
        m.put("checkpoints", ck);
        m.put("log_every", logEvery);
        m.put("dtype", "float32");
        return m;
    }

    /** Collects settings; {@link #build} validates them. */
    public static final class Builder {
        /** A builder with the defaults of {@link TrainConfig#builder}. */
        public Builder() {}

        private long steps = 1000;
        private int batch = 64;
        private long seed;
        private String optimizer = "adamw";
        private double lr = 1e-3;
        private double momentum;
        private boolean nesterov;
        private double dampening;
        private double weightDecay;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private LearningRateSchedule.Kind schedule = LearningRateSchedule.Kind.CONSTANT;
        private long warmup;
        private double clip;
        private CheckpointSchedule.Kind checkpoints = CheckpointSchedule.Kind.BOTH;
        private int numCheckpoints = 100;
        private Long logEvery;

        /**
         * Sets steps.
         *
         * @param v N, the number of updates
         * @return this builder
         */
        public Builder steps(long v) { steps = v; return this; }
        /**
         * Sets batch.
         *
         * @param v the minibatch size B
         * @return this builder
         */
        public Builder batch(int v) { batch = v; return this; }
        /**
         * Sets seed.
         *
         * @param v the run's seed
         * @return this builder
         */
        public Builder seed(long v) { seed = v; return this; }
        /**
         * Sets optimizer.
         *
         * @param v "adamw" or "sgd"
         * @return this builder
         */
        public Builder optimizer(String v) { optimizer = v; return this; }
        /**
         * Sets lr.
         *
         * @param v the (peak) learning rate
         * @return this builder
         */
        public Builder lr(double v) { lr = v; return this; }
        /**
         * Sets momentum.
         *
         * @param v SGD momentum μ
         * @return this builder
         */
        public Builder momentum(double v) { momentum = v; return this; }
        /**
         * Sets nesterov.
         *
         * @param v whether SGD uses Nesterov momentum
         * @return this builder
         */
        public Builder nesterov(boolean v) { nesterov = v; return this; }
        /**
         * Sets dampening.
         *
         * @param v SGD dampening τ
         * @return this builder
         */
        public Builder dampening(double v) { dampening = v; return this; }
        /**
         * Sets weightDecay.
         *
         * @param v AdamW's decoupled decay, or SGD's L2 coefficient
         * @return this builder
         */
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        /**
         * Sets beta1.
         *
         * @param v AdamW β₁
         * @return this builder
         */
        public Builder beta1(double v) { beta1 = v; return this; }
        /**
         * Sets beta2.
         *
         * @param v AdamW β₂
         * @return this builder
         */
        public Builder beta2(double v) { beta2 = v; return this; }
        /**
         * Sets eps.
         *
         * @param v AdamW ε
         * @return this builder
         */
        public Builder eps(double v) { eps = v; return this; }
        /**
         * Sets schedule.
         *
         * @param v the learning-rate schedule
         * @return this builder
         */
        public Builder schedule(LearningRateSchedule.Kind v) { schedule = v; return this; }
        /**
         * Sets warmup.
         *
         * @param v warm-up updates
         * @return this builder
         */
        public Builder warmup(long v) { warmup = v; return this; }
        /**
         * Sets clip.
         *
         * @param v the largest global gradient norm, 0 for no clipping
         * @return this builder
         */
        public Builder clip(double v) { clip = v; return this; }
        /**
         * Sets checkpoints.
         *
         * @param v log, linear or both spacings
         * @return this builder
         */
        public Builder checkpoints(CheckpointSchedule.Kind v) { checkpoints = v; return this; }
        /**
         * Sets numCheckpoints.
         *
         * @param v K, checkpoints per spacing
         * @return this builder
         */
        public Builder numCheckpoints(int v) { numCheckpoints = v; return this; }
        /**
         * Default: about 500 rows over the run (at least one per update when the run is shorter).
         *
         * @param v a metrics row every this many updates
         * @return this builder
         */
        public Builder logEvery(long v) { logEvery = v; return this; }

        /**
         * The validated settings.
         *
         * @return the config
         * @throws IllegalArgumentException naming the first setting out of range
         */
        public TrainConfig build() {
            long every = logEvery != null ? logEvery : logEveryFor(steps, TaskRegistry.Defaults.DENSE_ROWS);
            return new TrainConfig(steps, batch, seed, optimizer, lr, momentum, nesterov, dampening, weightDecay, beta1, beta2, eps,
                    schedule, warmup, clip, checkpoints, numCheckpoints, every);
        }
    }
}
