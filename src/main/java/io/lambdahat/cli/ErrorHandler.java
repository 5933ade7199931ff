package io.lambdahat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.InvalidInputException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps failures to exit codes and one clear line: 2 for input the library refuses ({@link InvalidInputException},
 * and command-line syntax), 1 for a run that failed (anything else, an {@link IllegalArgumentException} from deep
 * inside included). The stack trace is printed only with {@code --verbose}; with {@code --json} stdout also gets
 * one JSON object {@code {"error": {...}}}, so a caller that parses stdout always gets JSON.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    /** Exit code of a run that failed. */
    static final int FAILED = 1;
    /** Exit code of input the library refuses. */
    static final int USAGE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        return report(ex, cl, matched(parsed, "--verbose"), matched(parsed, "--json"));
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(cl.getColorScheme().errorText("error: " + firstLine(ex.getMessage())));
        // one line of help instead of picocli's full usage text, which buries the error
        err.println("see '" + cl.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        if (Arrays.asList(args).contains("--json")) printJson(cl.getOut(), ex.getMessage(), "usage", USAGE);
        return USAGE;
    }

    /**
     * Prints one line for {@code t} (and the stack trace if {@code verbose}) and returns the exit code.
     *
     * @param t       what was thrown, an {@link Error} such as {@link OutOfMemoryError} included
     * @param cl      where to print
     * @param verbose print the stack trace too
     * @param json    also print the error as JSON on stdout
     * @return {@link #USAGE} for refused input, {@link #FAILED} otherwise
     */
    static int report(Throwable t, CommandLine cl, boolean verbose, boolean json) {
        PrintWriter err = cl.getErr();
        int code = exitCode(t);
        String message = message(t);
        err.println(cl.getColorScheme().errorText("error: " + (verbose ? message : firstLine(message))));
        if (verbose) t.printStackTrace(err);
        err.flush();
        if (json) printJson(cl.getOut(), message, code == USAGE ? "invalid_input" : "run_failed", code);
        return code;
    }

    static int exitCode(Throwable t) {
        return t instanceof InvalidInputException ? USAGE : FAILED;
    }

    static String message(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            return "out of memory (" + t.getMessage() + "): the Java heap limit is " + Memory.gib(Runtime.getRuntime().maxMemory())
                    + "; raise it (LAMBDAHAT_JAVA_OPTS=-Xmx…) or lower --chains, --draws or the data size";
        }
        if (t instanceof NoSuchFileException e) return "no such file: " + e.getFile();
        if (t instanceof AccessDeniedException e) return "permission denied: " + e.getFile();
        if (t instanceof FileSystemException e && e.getFile() != null) {
            return "cannot use " + e.getFile() + (e.getReason() != null ? ": " + e.getReason() : "");
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** The first line of a message: libtorch's messages go on for a paragraph and a C++ backtrace. */
    static String firstLine(String message) {
        if (message == null) return "";
        String m = message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip() + " (--verbose for the rest)";
    }

    private static void printJson(PrintWriter out, String message, String kind, int code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("kind", kind);
        error.put("message", message == null ? "" : message.strip());
        error.put("exit_code", code);
        try {
            out.println(new ObjectMapper().writeValueAsString(Map.of("error", error)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a map of strings and an int always serialises
        }
        out.flush();
    }

    private static boolean matched(CommandLine.ParseResult parsed, String option) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(option)) return true;
        }
        return false;
    }
}
