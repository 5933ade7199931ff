package io.lambdahat.io;

import java.nio.file.Path;

/** A file that is not a .npy file this reader accepts; the message names the file and what is wrong with it. */
public class NpyFormatException extends FileFormatException {
    public NpyFormatException(Path file, String problem) {
        super(file, "not a readable .npy file: " + problem);
    }
}
