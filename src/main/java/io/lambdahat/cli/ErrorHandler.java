package io.lambdahat.cli;

import picocli.CommandLine;

/**
 * Maps failures to exit codes and one clear line: 2 for bad input (usage errors), 1 for a run that failed.
 * The stack trace is printed only with {@code --verbose}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
        var err = cl.getErr();
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        err.println(cl.getColorScheme().errorText("error: " + message));
        if (verbose) ex.printStackTrace(err);
        err.flush();
        return ex instanceof IllegalArgumentException ? 2 : 1;
    }
}
