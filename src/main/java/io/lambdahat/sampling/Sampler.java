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
     * Stochastic gradient Nosé–Hoover thermostat: p ← p − ε ζ p − ε ∇U(w) + √(2Aε) ξ; w ← w + ε p;
     * ζ ← ζ + ε (‖p‖²/d − 1), with ∇U = nβ∇L + γ(w − w*), diffusion A = 1, one thermostat ζ per chain.
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
            default -> throw new IllegalArgumentException("unknown sampler '" + s + "': use sgld, rmsprop-sgld or sgnht");
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
