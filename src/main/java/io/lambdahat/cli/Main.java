package io.lambdahat.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lambdahat} command line: a thin layer over the same API an integrator uses. */
@Command(name = "lambdahat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Local learning coefficient (λ̂) estimation and developmental stages of neural networks.",
        subcommands = {InfoCommand.class, LlcCommand.class, TrainCommand.class, TrajectoryCommand.class, StagesCommand.class, ReportCommand.class, DemoCommand.class, CalibrateCommand.class,
                picocli.AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }
}
