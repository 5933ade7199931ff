package io.lambdahat.cli;

import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;

/** The readable summary table of one λ̂ estimate. */
final class Summary {
    private Summary() {}

    static String of(LlcResult r) {
        SamplerConfig c = r.config();
        StringBuilder s = new StringBuilder();
        s.append(String.format("λ̂ (local learning coefficient) of %s%n", r.model()));
        s.append(String.format("  λ̂ = %.4f ± %.4f (std over %d chains %.4f)%n", r.llcMean(), r.llcStderr(), c.chains(), r.llcStd()));
        s.append("  per chain:");
        for (double v : r.llcPerChain()) s.append(String.format(" %.4f", v));
        s.append(String.format("%n  L_init = %.6g (%s)   nβ = %.4g (%s, n = %d)%n", r.initLoss(),
                c.initLoss().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), r.nbeta(), c.nbetaRule().label, r.n()));
        s.append(String.format("  ε = %.3g   γ = %.3g   batch %d   burn-in %d   draws %d (every %d steps)   seed %d   %s%n",
                c.epsilon(), c.gamma(), c.batchSize(), c.burnin(), c.draws(), c.stepsBetweenDraws(), c.seed(), c.device()));
        s.append(String.format("  MALA acceptance %.3f   R̂ %.3f   ESS/chain", r.malaAcceptanceMean(), r.rhat()));
        for (double e : r.essPerChain()) s.append(String.format(" %.0f", e));
        s.append(String.format("   %.1f s%n", r.seconds()));
        for (var d : r.diverged()) s.append(String.format("  diverged: chain %d at step %d (%s)%n", d.chain(), d.step(), d.reason()));
        for (var i : r.diagnostics().issues()) {
            s.append(i.severity() == io.lambdahat.sampling.Diagnostics.Severity.ERROR ? "  error: " : "  warning: ")
                    .append(i.message()).append(System.lineSeparator());
        }
        return s.toString();
    }
}
