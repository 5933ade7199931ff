package io.lambdahat.io;

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
