package io.lambdahat.io;

import java.nio.file.Path;

/** A file that is not a .npy file this reader accepts; the message names the file and what is wrong with it. */
class NpyFormatException extends FileFormatException {
    /**
     * A .npy format error in {@code file}.
     *
     * @param file the file read
     * @param problem what is wrong with it, and what to change on the NumPy side
     */
    public NpyFormatException(Path file, String problem) {
        super(file, "not a readable .npy file: " + problem);
    }
}
