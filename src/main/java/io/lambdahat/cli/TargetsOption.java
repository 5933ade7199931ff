package io.lambdahat.cli;

import io.lambdahat.trajectory.Targets;
import picocli.CommandLine.Option;

/** {@code --targets-from data|model}: what λ̂ is measured against. */
final class TargetsOption {
    @Option(names = "--targets-from", paramLabel = "data|model", description = "what λ̂ is measured against (default data). data: the "
            + "training targets; λ̂ measures the basin of the data loss at w*, undefined where w* is a saddle (flagged 'not local minimum'). "
            + "model: w*'s own outputs on the training inputs (regression/MSE models only); λ̂ measures the complexity of the function w* "
            + "computes, and every checkpoint is a minimum of its own loss (a DLN whose map has rank k: Aoyagi's λ for rank k)")
    String targets;

    /** {@return the targets given, data when none} */
    Targets get() {
        return Targets.parse(targets);
    }
}
