package io.lambdahat.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}: stack traces on errors ({@link ErrorHandler} looks for the option on the parsed line). */
final class VerboseOption {
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;
}
