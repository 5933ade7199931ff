package io.lambdahat.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --run DIR}: the run folder a command works on. */
final class RunOption {
    @Option(names = "--run", required = true, description = "the run folder (written by 'lambdahat train' or 'lambdahat import')")
    Path run;
}
