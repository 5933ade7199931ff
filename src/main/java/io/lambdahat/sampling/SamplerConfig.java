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
 */
public record SamplerConfig(Sampler sampler, double epsilon, double gamma, NBetaRule nbetaRule, double nbeta, double weightDecay,
                            double boundingBox, int chains, int burnin, int draws, int stepsBetweenDraws, int batchSize,
                            long seed, InitLoss initLoss, boolean mala, Device device) {

    public SamplerConfig {
        requireFinitePositive("ε (--lr)", epsilon);
        if (!(gamma >= 0) || Double.isInfinite(gamma)) throw bad("γ (--gamma) must be ≥ 0 and finite, got " + gamma);
        if (nbetaRule == NBetaRule.FIXED) requireFinitePositive("nβ (--nbeta)", nbeta);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw bad("weight decay must be ≥ 0, got " + weightDecay);
        if (!(boundingBox >= 0) || Double.isInfinite(boundingBox)) throw bad("bounding box must be ≥ 0 (0 = off), got " + boundingBox);
        if (chains < 1) throw bad("chains (--chains) must be at least 1, got " + chains);
        if (draws < 1) throw bad("draws (--draws) must be at least 1, got " + draws);
        if (burnin < 0) throw bad("burn-in (--burnin) must be ≥ 0, got " + burnin);
        if (stepsBetweenDraws < 1) throw bad("steps between draws (--steps-between) must be at least 1, got " + stepsBetweenDraws);
        if (batchSize < 1) throw bad("batch size (--batch) must be at least 1, got " + batchSize);
        if (sampler == null || nbetaRule == null || initLoss == null || device == null) throw bad("sampler, nβ rule, init loss and device must be set");
    }

    private static void requireFinitePositive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw bad(what + " must be a finite number > 0, got " + v);
    }

    private static IllegalArgumentException bad(String message) {
        return new IllegalArgumentException(message);
    }

    /** Total SGLD steps per chain. */
    public long totalSteps() {
        return burnin + (long) draws * stepsBetweenDraws;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.sampler = sampler;
        b.epsilon = epsilon; b.gamma = gamma; b.nbetaRule = nbetaRule; b.nbeta = nbeta; b.weightDecay = weightDecay;
        b.boundingBox = boundingBox; b.chains = chains; b.burnin = burnin; b.draws = draws;
        b.stepsBetweenDraws = stepsBetweenDraws; b.batchSize = batchSize; b.seed = seed; b.initLoss = initLoss;
        b.mala = mala; b.device = device;
        return b;
    }

    /** Defaults: ε 1e-4, γ 100, nβ = n/ln n, 4 chains, 200 burn-in, 200 draws, 1 step between, batch 256, seed 0. */
    public static final class Builder {
        Sampler sampler = Sampler.SGLD;
        double epsilon = 1e-4, gamma = 100, nbeta = Double.NaN, weightDecay = 0, boundingBox = 0;
        NBetaRule nbetaRule = NBetaRule.N_OVER_LOG_N;
        int chains = 4, burnin = 200, draws = 200, stepsBetweenDraws = 1, batchSize = 256;
        long seed = 0;
        InitLoss initLoss = InitLoss.FULL_DATA;
        boolean mala = true;
        Device device = Device.CPU;

        public Builder sampler(Sampler v) { sampler = v; return this; }
        public Builder epsilon(double v) { epsilon = v; return this; }
        public Builder gamma(double v) { gamma = v; return this; }
        /** A fixed nβ (switches the rule to FIXED). */
        public Builder nbeta(double v) { nbeta = v; nbetaRule = NBetaRule.FIXED; return this; }
        public Builder nbetaRule(NBetaRule r) { nbetaRule = r; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder boundingBox(double v) { boundingBox = v; return this; }
        public Builder chains(int v) { chains = v; return this; }
        public Builder burnin(int v) { burnin = v; return this; }
        public Builder draws(int v) { draws = v; return this; }
        public Builder stepsBetweenDraws(int v) { stepsBetweenDraws = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder initLoss(InitLoss v) { initLoss = v; return this; }
        public Builder mala(boolean v) { mala = v; return this; }
        public Builder device(Device v) { device = v; return this; }

        public SamplerConfig build() {
            return new SamplerConfig(sampler, epsilon, gamma, nbetaRule, nbeta, weightDecay, boundingBox, chains, burnin, draws,
                    stepsBetweenDraws, batchSize, seed, initLoss, mala, device);
        }
    }
}
