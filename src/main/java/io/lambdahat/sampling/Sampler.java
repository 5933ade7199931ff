package io.lambdahat.sampling;

import java.util.Locale;

/** The Langevin-type samplers λ̂ can be estimated with. */
public enum Sampler {
    /** Stochastic gradient Langevin dynamics: w ← w − (ε/2)(nβ∇L + γ(w − w*)) + √ε ξ. */
    SGLD,
    /**
     * RMSProp-preconditioned SGLD: V ← αV + (1−α) g⊙g, G = 1/(√V + δ), w ← w − (ε/2) G⊙(nβ g + γ(w − w*)) + √ε √G⊙ξ,
     * with g = ∇L_B, α = 0.99, δ = 0.1. The most accurate sampler on large deep linear networks in a 2025 benchmark.
     * V adapts during burn-in only and is held fixed over the draws: with G constant the chain samples exactly the
     * tempered posterior SGLD samples, whereas a G that keeps following the chain (devinterp's rmsprop_sgld, which
     * omits the Γ(w) correction term) weights the posterior by √V + δ and pushes λ̂ up the more the smaller ε is
     * (linreg d = 6, ε = 1e-7: 3.71 adapting throughout, 3.05 with V fixed after burn-in; true 3).
     */
    RMSPROP_SGLD,
    /**
     * Stochastic gradient Nosé–Hoover thermostat, in devinterp's step units (momentum u per step, ε = h²):
     * u ← u − ξ u − ε ∇U(w) + √(2Aε) η; w ← w + u; ξ ← ξ + ‖u‖²/d − ε, with ∇U = nβ∇L_B + γ(w − w*), d the number of
     * moving coordinates, diffusion A ({@link SamplerConfig#diffusion()}, default 0.1) and one thermostat ξ per chain.
     * At the same ε its discretisation error matches SGLD's (the stationary variance along a direction of curvature
     * ω² is inflated by 1/(1 − εω²/4) in both), while the momentum carries the chain along flat directions about
     * 1/A times further per step. A small A (devinterp's 0.01) leaves the injected noise weak against the minibatch
     * gradient noise, which the scalar thermostat cannot cancel direction by direction: λ̂ comes out high and noisy.
     */
    SGNHT;

    /**
     * Parses a sampler as users write it on the command line: {@code sgld}, {@code rmsprop-sgld} or {@code sgnht}.
     *
     * @param s the name, in any case, {@code _} or {@code -} alike
     * @return the sampler
     * @throws IllegalArgumentException naming the accepted values if {@code s} is none of them
     */
    public static Sampler parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT).replace("_", "-")) {
            case "sgld" -> SGLD;
            case "rmsprop-sgld", "rmsprop", "rmspropsgld" -> RMSPROP_SGLD;
            case "sgnht" -> SGNHT;
            default -> throw new io.lambdahat.InvalidInputException("unknown sampler '" + s + "': use sgld, rmsprop-sgld or sgnht");
        };
    }

    /**
     * The command-line name, e.g. {@code rmsprop-sgld}.
     *
     * @return the label
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
