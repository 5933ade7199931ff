package io.lambdahat.io;

import java.nio.file.Path;

/** A file that is not a valid safetensors file; the message names the file and what is wrong with it. */
class SafeTensorsFormatException extends FileFormatException {
    /**
     * A safetensors format error in {@code file}.
     *
     * @param file the file read
     * @param problem what is wrong with it
     */
    public SafeTensorsFormatException(Path file, String problem) {
        super(file, "not a valid safetensors file: " + problem);
    }
}
