package io.lambdahat.io;

import io.lambdahat.InvalidInputException;
import java.nio.file.Path;

/**
 * A file whose bytes do not follow its format: truncated, corrupt, or written by something this reader does not
 * support. The message names the file and the problem; {@link #file()} and {@link #problem()} give them apart.
 */
public class FileFormatException extends InvalidInputException {
    private final transient Path file;
    /** What is wrong with the file, without the path (serialised; the path is not). */
    private final String problem;

    /**
     * A format error in {@code file}.
     *
     * @param file the file read
     * @param problem what is wrong with it, and where possible what to do about it
     */
    public FileFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    /**
     * A JSON file that does not parse: the file, Jackson's one-line reason (without its source dump) and where.
     *
     * @param file the file read
     * @param e    Jackson's error
     * @return the exception to throw
     */
    public static FileFormatException json(Path file, com.fasterxml.jackson.core.JsonProcessingException e) {
        String reason = e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*", "").replaceAll("\\s+", " ").strip();
        var at = e.getLocation();
        return new FileFormatException(file, "not valid JSON (truncated or edited?): " + reason
                + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
    }

    /**
     * The file that failed to parse.
     *
     * @return its path, as given to the reader
     */
    public Path file() {
        return file;
    }

    /**
     * What is wrong with the file, without the path.
     *
     * @return the problem's description
     */
    public String problem() {
        return problem;
    }
}
