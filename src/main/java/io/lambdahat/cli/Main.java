package io.lambdahat.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lambdahat} command line: a thin layer over the same API an integrator uses. */
@Command(name = "lambdahat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Local learning coefficient (λ̂) estimation and developmental stages of neural networks.",
        subcommands = {InfoCommand.class, LlcCommand.class, TrainCommand.class, ImportCommand.class, WatchCommand.class, TrajectoryCommand.class, StagesCommand.class, ReportCommand.class, DemoCommand.class, CalibrateCommand.class,
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
        System.exit(newCommandLine().execute(args));
    }

    /**
     * The command line with lambdahat's error handling installed, for tests and for embedding the CLI.
     *
     * @return a fresh picocli command line over every subcommand
     */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }
}
