package io.lambdahat.sampling;

/**
 * The numbers one run's update steps use, resolved once from the settings and nβ: an immutable value, so that no
 * step re-reads the whole {@link SamplerConfig} and every update kernel sees the same ε, nβ, γ, λ_wd and bound.
 *
 * <p>The SGLD step is w ← w − (ε/2)·(nβ·g + γ·(w − w*) + λ_wd·w) + √ε·ξ, optionally clamped to [w* − b, w* + b].
 * RMSProp-SGLD scales it by G = 1/(√V + δ) with V ← α·V + (1 − α)·g² during burn-in; SGNHT uses its diffusion A.
 */
public final class StepCoefficients {
    /** RMSProp-SGLD's decay α of the running mean of g². */
    static final double RMSPROP_DECAY = 0.99;
    /** RMSProp-SGLD's stabiliser δ in G = 1/(√V + δ): bounds the preconditioner where V is near 0. */
    static final double RMSPROP_STABILIZER = 0.1;

    private final double epsilon, halfEpsilon, sqrtEpsilon, nbeta, gamma, weightDecay, boundingBox, diffusion;
    private final double rmspropDecay, rmspropStabilizer;
    private final long burnin, totalSteps;

    private StepCoefficients(SamplerConfig config, double nbeta) {
        this.epsilon = config.epsilon();
        this.halfEpsilon = epsilon / 2;
        this.sqrtEpsilon = Math.sqrt(epsilon);
        this.nbeta = nbeta;
        this.gamma = config.gamma();
        this.weightDecay = config.weightDecay();
        this.boundingBox = config.boundingBox();
        this.diffusion = config.diffusion();
        this.rmspropDecay = RMSPROP_DECAY;
        this.rmspropStabilizer = RMSPROP_STABILIZER;
        this.burnin = config.burnin();
        this.totalSteps = config.totalSteps();
    }

    /**
     * The coefficients of a run with these settings at this nβ.
     *
     * @param config the sampler settings (ε, γ, λ_wd, bounding box, diffusion, burn-in, steps)
     * @param nbeta  nβ, the factor on the minibatch gradient
     * @return the resolved coefficients
     */
    public static StepCoefficients of(SamplerConfig config, double nbeta) {
        return new StepCoefficients(config, nbeta);
    }

    /** {@return the step size ε} */
    public double epsilon() { return epsilon; }

    /** {@return ε/2, the drift's factor} */
    public double halfEpsilon() { return halfEpsilon; }

    /** {@return √ε, the noise's scale} */
    public double sqrtEpsilon() { return sqrtEpsilon; }

    /** {@return nβ, the factor on the minibatch gradient} */
    public double nbeta() { return nbeta; }

    /** {@return γ, the localisation strength} */
    public double gamma() { return gamma; }

    /** {@return λ_wd, the weight decay (0: none)} */
    public double weightDecay() { return weightDecay; }

    /** {@return the bounding box half-width b (0: no box)} */
    public double boundingBox() { return boundingBox; }

    /** {@return whether the weights are clamped to [w* − b, w* + b]} */
    public boolean bounded() { return boundingBox > 0; }

    /** {@return SGNHT's diffusion A} */
    public double diffusion() { return diffusion; }

    /** {@return RMSProp-SGLD's decay α of its running mean of g²} */
    public double rmspropDecay() { return rmspropDecay; }

    /** {@return RMSProp-SGLD's stabiliser δ in G = 1/(√V + δ)} */
    public double rmspropStabilizer() { return rmspropStabilizer; }

    /** {@return the burn-in steps (RMSProp-SGLD's V adapts during them only)} */
    public long burnin() { return burnin; }

    /** {@return the steps of the run, burn-in included (the CPU update picks its kernel by C·P·steps)} */
    public long totalSteps() { return totalSteps; }
}
