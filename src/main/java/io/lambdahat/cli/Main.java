package io.lambdahat.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;
import java.util.List;

/** The {@code lambdahat} command line: a thin layer over the same API an integrator uses. */
@Command(name = "lambdahat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Local learning coefficient (λ̂) estimation and developmental stages of neural networks.",
        subcommands = {InfoCommand.class, LlcCommand.class, TrainCommand.class, ImportCommand.class, WatchCommand.class, TrajectoryCommand.class, StagesCommand.class, ReportCommand.class, DemoCommand.class, CalibrateCommand.class, SweepCommand.class, CompareCommand.class,
                picocli.AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class Main {
    private Main() {
        // picocli instantiates it reflectively; nothing else should.
    }

    /**
     * Runs one command and exits with its code: 0 success, 1 the run failed, 2 a usage error.
     *
     * @param args the command line, e.g. {@code llc --task dln --widths 4,3,4 --rank 1}
     */
    public static void main(String[] args) {
        List<String> given = Arrays.asList(args);
        boolean verbose = given.contains("--verbose");
        CommandLine cl = newCommandLine();
        // An Error on another thread (a progress bar, a pool) would otherwise print a bare stack trace.
        Thread.setDefaultUncaughtExceptionHandler((thread, t) -> ErrorHandler.report(t, cl, verbose, false));
        int code;
        try {
            code = cl.execute(args);
        } catch (Throwable t) {
            // picocli hands only Exceptions to the handler; an OutOfMemoryError or StackOverflowError arrives here
            code = ErrorHandler.report(t, cl, verbose, given.contains("--json"));
        }
        System.exit(code);
    }

    /**
     * The command line with lambdahat's error handling installed, for tests and for embedding the CLI.
     *
     * @return a fresh picocli command line over every subcommand
     */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        ErrorHandler handler = new ErrorHandler();
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        TrainCommand.listTasks(cl.getSubcommands().get("train").getCommandSpec());
        // an unknown command with --help (or --version) is still an unknown command: picocli would print the help and exit 0
        cl.setExecutionStrategy(parsed -> {
            for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
                if (p.unmatched().isEmpty()) continue;
                String first = p.unmatched().getFirst();
                CommandLine at = p.commandSpec().commandLine();
                boolean command = p.commandSpec().subcommands().size() > 0 && !first.startsWith("-");
                throw new CommandLine.ParameterException(at, command
                        ? "unknown command '" + first + "' of " + p.commandSpec().qualifiedName() + "; the commands are "
                                + String.join(", ", p.commandSpec().subcommands().keySet().stream().filter(n -> !at.getSubcommands().get(n).getCommandSpec().usageMessage().hidden()).toList())
                        : "unknown argument '" + first + "'");
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl;
    }
}
