package io.lambdahat.sampling;

import io.lambdahat.torch.Device;

/**
 * Settings of an SGLD λ̂ estimate. Every field is checked before any work starts; a bad value is an
 * {@link IllegalArgumentException} naming the setting and what to do.
 *
 * @param epsilon           step size ε
 * @param gamma             localisation strength γ
 * @param nbetaRule         how nβ is chosen; {@code nbeta} is used when the rule is FIXED
 * @param nbeta             the fixed nβ (ignored otherwise)
 * @param weightDecay       λ_wd, adds λ_wd·w to the drift (0 = off)
 * @param boundingBox       clamp w to [w* − b, w* + b] (0 = off)
 * @param chains            number of chains C (run batched)
 * @param burnin            steps before the first draw
 * @param draws             draws recorded per chain
 * @param stepsBetweenDraws k: a draw every k steps
 * @param batchSize         SGLD minibatch size B
 * @param seed              seed of every random stream (noise and minibatches)
 * @param initLoss          which L(w*) is subtracted
 * @param mala              compute the MALA acceptance diagnostic
 * @param device            where the chains run
 * @param sampler           SGLD (default), RMSProp-preconditioned SGLD or SGNHT
 * @param diffusion         SGNHT's diffusion A: the friction per step the thermostat settles near (unused by the others)
 */
public record SamplerConfig(Sampler sampler, double epsilon, double gamma, NBetaRule nbetaRule, double nbeta, double weightDecay,
                            double boundingBox, int chains, int burnin, int draws, int stepsBetweenDraws, int batchSize,
                            long seed, InitLoss initLoss, boolean mala, Device device, double diffusion) {

    /**
     * Checks every setting before any work starts.
     *
     * @throws IllegalArgumentException naming the setting (and its command-line option) if ε is not positive and
     *         finite, γ, λ_wd or b is negative or infinite, a fixed nβ is not positive, C, draws, k or B is below 1,
     *         burn-in is negative, SGNHT's diffusion is outside (0, 1), or the sampler, nβ rule, init loss or device is null
     */
    public SamplerConfig {
        requireFinitePositive("ε (--epsilon)", epsilon);
        if (!(gamma >= 0) || Double.isInfinite(gamma)) throw bad("γ (--gamma) must be ≥ 0 and finite, got " + gamma);
        if (nbetaRule == NBetaRule.FIXED) requireFinitePositive("nβ (--nbeta)", nbeta);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw bad("weight decay must be ≥ 0, got " + weightDecay);
        if (!(boundingBox >= 0) || Double.isInfinite(boundingBox)) throw bad("bounding box must be ≥ 0 (0 = off), got " + boundingBox);
        if (chains < 1) throw bad("chains (--chains) must be at least 1, got " + chains);
        if (draws < 1) throw bad("draws (--draws) must be at least 1, got " + draws);
        if (burnin < 0) throw bad("burn-in (--burnin) must be ≥ 0, got " + burnin);
        if (stepsBetweenDraws < 1) throw bad("steps between draws (--steps-between) must be at least 1, got " + stepsBetweenDraws);
        if (batchSize < 1) throw bad("batch size (--batch) must be at least 1, got " + batchSize);
        if (!(diffusion > 0) || !(diffusion < 1)) throw bad("SGNHT diffusion A (--diffusion) must lie in (0, 1): it is a friction per step, got " + diffusion);
        if (sampler == null || nbetaRule == null || initLoss == null || device == null) throw bad("sampler, nβ rule, init loss and device must be set");
    }

    private static void requireFinitePositive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw bad(what + " must be a finite number > 0, got " + v);
    }

    private static IllegalArgumentException bad(String message) {
        return new io.lambdahat.InvalidInputException(message);
    }

    /**
     * Total SGLD steps per chain.
     *
     * @return burn-in + draws × k
     */
    public long totalSteps() {
        return burnin + (long) draws * stepsBetweenDraws;
    }

    /**
     * The settings under devinterp's names, as every λ̂ record's {@code config} holds them.
     *
     * @param nbetaUsed the nβ the rule gave for the data
     * @return a new ordered map
     */
    public java.util.Map<String, Object> toJson(double nbetaUsed) {
        java.util.Map<String, Object> cfg = new java.util.LinkedHashMap<>();
        cfg.put("sampler", sampler.label());
        cfg.put("epsilon", epsilon);
        cfg.put("gamma", gamma);
        cfg.put("nbeta", nbetaUsed);
        cfg.put("nbeta_rule", nbetaRule.label);
        cfg.put("weight_decay", weightDecay);
        cfg.put("bounding_box", boundingBox);
        cfg.put("num_chains", chains);
        cfg.put("num_burnin_steps", burnin);
        cfg.put("num_draws", draws);
        cfg.put("num_steps_bw_draws", stepsBetweenDraws);
        cfg.put("batch_size", batchSize);
        cfg.put("seed", seed);
        cfg.put("init_loss", initLoss.name().toLowerCase(java.util.Locale.ROOT));
        cfg.put("device", device.toString());
        if (sampler == Sampler.SGNHT) cfg.put("diffusion_factor", diffusion);
        return cfg;
    }

    /**
     * A builder with the defaults listed on {@link Builder}.
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
        Builder b = new Builder();
        b.sampler = sampler;
        b.epsilon = epsilon; b.gamma = gamma; b.nbetaRule = nbetaRule; b.nbeta = nbeta; b.weightDecay = weightDecay;
        b.boundingBox = boundingBox; b.chains = chains; b.burnin = burnin; b.draws = draws;
        b.stepsBetweenDraws = stepsBetweenDraws; b.batchSize = batchSize; b.seed = seed; b.initLoss = initLoss;
        b.mala = mala; b.device = device; b.diffusion = diffusion;
        return b;
    }

    /**
     * Defaults: ε 1e-4, γ 100, nβ = n/ln n, 4 chains, 200 burn-in, 200 draws, 1 step between, batch 256, seed 0,
     * SGNHT diffusion 0.1.
     */
    public static final class Builder {
        Sampler sampler = Sampler.SGLD;
        double epsilon = 1e-4, gamma = 100, nbeta = Double.NaN, weightDecay = 0, boundingBox = 0;
        NBetaRule nbetaRule = NBetaRule.N_OVER_LOG_N;
        int chains = 4, burnin = 200, draws = 200, stepsBetweenDraws = 1, batchSize = 256;
        long seed = 0;
        InitLoss initLoss = InitLoss.FULL_DATA;
        boolean mala = true;
        Device device = Device.CPU;
        double diffusion = 0.1;

        private Builder() {}

        /**
         * Sets the sampler.
         *
         * @param v SGLD, RMSProp-SGLD or SGNHT
         * @return this builder
         */
        public Builder sampler(Sampler v) { sampler = v; return this; }
        /**
         * Sets the step size.
         *
         * @param v ε, &gt; 0
         * @return this builder
         */
        public Builder epsilon(double v) { epsilon = v; return this; }
        /**
         * Sets the localisation strength.
         *
         * @param v γ, &ge; 0
         * @return this builder
         */
        public Builder gamma(double v) { gamma = v; return this; }
        /**
         * A fixed nβ (switches the rule to FIXED).
         *
         * @param v nβ, &gt; 0
         * @return this builder
         */
        public Builder nbeta(double v) { nbeta = v; nbetaRule = NBetaRule.FIXED; return this; }
        /**
         * Sets how nβ is chosen; a later {@link #nbeta} switches it to FIXED.
         *
         * @param r the rule
         * @return this builder
         */
        public Builder nbetaRule(NBetaRule r) { nbetaRule = r; return this; }
        /**
         * Sets the weight decay.
         *
         * @param v λ_wd, &ge; 0 (0: off)
         * @return this builder
         */
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        /**
         * Sets the bounding box around w*.
         *
         * @param v half-width b, &ge; 0 (0: off)
         * @return this builder
         */
        public Builder boundingBox(double v) { boundingBox = v; return this; }
        /**
         * Sets the number of chains.
         *
         * @param v C, &ge; 1
         * @return this builder
         */
        public Builder chains(int v) { chains = v; return this; }
        /**
         * Sets the burn-in.
         *
         * @param v steps before the first draw, &ge; 0
         * @return this builder
         */
        public Builder burnin(int v) { burnin = v; return this; }
        /**
         * Sets the draws per chain.
         *
         * @param v draws recorded per chain, &ge; 1
         * @return this builder
         */
        public Builder draws(int v) { draws = v; return this; }
        /**
         * Sets the thinning.
         *
         * @param v k, a draw every k steps, &ge; 1
         * @return this builder
         */
        public Builder stepsBetweenDraws(int v) { stepsBetweenDraws = v; return this; }
        /**
         * Sets the minibatch size.
         *
         * @param v B, &ge; 1
         * @return this builder
         */
        public Builder batchSize(int v) { batchSize = v; return this; }
        /**
         * Sets the seed of every random stream (noise and minibatches).
         *
         * @param v the seed
         * @return this builder
         */
        public Builder seed(long v) { seed = v; return this; }
        /**
         * Sets which L(w*) is subtracted.
         *
         * @param v full-data or minibatch-mean
         * @return this builder
         */
        public Builder initLoss(InitLoss v) { initLoss = v; return this; }
        /**
         * Switches the MALA acceptance diagnostic on or off.
         *
         * @param v true to compute it
         * @return this builder
         */
        public Builder mala(boolean v) { mala = v; return this; }
        /**
         * Sets where the chains run.
         *
         * @param v the device
         * @return this builder
         */
        public Builder device(Device v) { device = v; return this; }
        /**
         * Sets SGNHT's diffusion A (default 0.1; devinterp's default is 0.01).
         *
         * @param v A in (0, 1): the friction per step the thermostat settles near; a momentum lives about 1/A steps
         * @return this builder
         */
        public Builder diffusion(double v) { diffusion = v; return this; }

        /**
         * The settings, checked.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the setting if a value is out of range
         */
        public SamplerConfig build() {
            return new SamplerConfig(sampler, epsilon, gamma, nbetaRule, nbeta, weightDecay, boundingBox, chains, burnin, draws,
                    stepsBetweenDraws, batchSize, seed, initLoss, mala, device, diffusion);
        }
    }
}
