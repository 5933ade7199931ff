package io.lambdahat.io;

import java.nio.file.Path;

/**
 * A file whose bytes do not follow its format: truncated, corrupt, or written by something this reader does not
 * support. The message names the file and the problem; {@link #file()} and {@link #problem()} give them apart.
 */
public class FileFormatException extends IllegalArgumentException {
    private final transient Path file;
    private final String problem;

    public FileFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    public String problem() {
        return problem;
    }
}
