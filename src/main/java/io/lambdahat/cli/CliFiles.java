package io.lambdahat.cli;

import io.lambdahat.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Output files: checked before work starts, written atomically so that no partial file is ever visible. */
final class CliFiles {
    private CliFiles() {}

    static void checkWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write " + file + ": folder " + dir + " does not exist; create it first");
        }
        if (!Files.isWritable(dir)) throw new IllegalArgumentException("cannot write " + file + ": folder " + dir + " is not writable");
    }

    static void writeAtomically(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
    }
}
