package io.lambdahat.cli;

import io.lambdahat.workflow.BuiltInModels;
import picocli.CommandLine.Option;

/** The shape of a built-in model and its teacher data ({@code llc --task} / {@code --model}). */
final class ModelShapeOptions {
    @Option(names = "--widths", split = ",", description = "layer widths, input first (dln, mlp), e.g. 4,3,4")
    int[] widths;
    @Option(names = "--rank", description = "teacher rank (dln; default: the narrowest width)")
    Integer rank;
    @Option(names = "--dim", description = "input dimension (linreg)")
    Integer dim;
    @Option(names = "--powers", split = ",", description = "k_i of K(w) = Π w_i^(2k_i) (crossing)")
    int[] powers;
    @Option(names = "--activation", defaultValue = "relu", description = "relu or tanh (mlp; default ${DEFAULT-VALUE})")
    String activation;
    @Option(names = "--n", description = "dataset size n (default 10000; crossing: 1000)")
    Long n;
    @Option(names = "--noise", defaultValue = "0", description = "teacher label noise σ (default ${DEFAULT-VALUE})")
    double noise;

    BuiltInModels.Shape shape() {
        return new BuiltInModels.Shape(widths, dim, powers, activation);
    }
}
