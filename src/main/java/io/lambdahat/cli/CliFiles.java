package io.lambdahat.cli;

import io.lambdahat.io.AtomicFiles;
import io.lambdahat.InvalidInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Input files checked before any work, output files checked before work starts and written atomically so that no
 * partial file is ever visible. Every message names the user's file, never a temporary one.
 */
final class CliFiles {
    private CliFiles() {}

    /**
     * Checks that an input file exists and is a file.
     *
     * @param file   the path the user gave
     * @param option the option that named it, e.g. {@code --data}
     * @param kind   what the file should be, e.g. "a safetensors file"
     * @throws InvalidInputException "no such file" or "is a folder"
     */
    static void requireFile(Path file, String option, String kind) {
        if (Files.isDirectory(file)) throw new InvalidInputException(option + " " + file + " is a folder, expected " + kind);
        if (!Files.exists(file)) throw new InvalidInputException("no such file: " + file + " (" + option + ")");
        if (!Files.isReadable(file)) throw new InvalidInputException("cannot read " + file + " (" + option + "): permission denied");
    }

    /**
     * Checks, before the work, that {@code file} can be written: its folder exists, the file is not a folder, and a file
     * can really be created beside it (a probe, since permission bits say nothing on a read-only mount or to root).
     *
     * @param file the output file
     * @throws InvalidInputException naming the file and what to do
     */
    static void checkWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InvalidInputException("cannot write " + file + ": folder " + dir + " does not exist; create it first");
        }
        if (Files.isDirectory(file)) throw new InvalidInputException("cannot write " + file + ": it is a folder; remove it or write elsewhere");
        try {
            Files.delete(Files.createTempFile(dir, ".lambdahat-probe", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw new InvalidInputException("cannot write " + file + ": folder " + dir + " is not writable");
        }
    }

    static void writeAtomically(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
    }
}
