package io.lambdahat.cli;

import picocli.CommandLine.Option;

/** {@code --quiet}: no progress output on stderr. */
final class QuietOption {
    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;
}
