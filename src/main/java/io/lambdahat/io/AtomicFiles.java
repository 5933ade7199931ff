package io.lambdahat.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes a file so that readers only ever see the old file or the complete new one: the bytes go to a temporary
 * file in the same folder, are forced to disk, and the temporary file is renamed over the target (an atomic
 * replace on POSIX file systems); the folder is then synced so the rename itself survives a crash.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    @FunctionalInterface
    interface Body {
        void write(FileChannel channel) throws IOException;
    }

    static void write(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null) throw new IllegalArgumentException("cannot write to " + target + ": it has no parent folder");
        if (Files.isDirectory(absolute)) throw new IllegalArgumentException("cannot write to " + target + ": it is a folder");
        byte[] salt = new byte[8];
        RANDOM.nextBytes(salt);
        // Created with the default permissions (not createTempFile's 0600) so the final file looks like any other.
        Path tmp = dir.resolve("." + absolute.getFileName() + "." + HexFormat.of().formatHex(salt) + ".tmp");
        boolean done = false;
        try {
            FileChannel opened;
            try {
                opened = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileSystemException e) {
                // the temporary file is ours, not the user's: name the file they asked for
                throw new IOException("cannot write " + target + ": " + (e instanceof AccessDeniedException
                        ? "folder " + dir + " is not writable" : e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), e);
            }
            try (FileChannel channel = opened) {
                body.write(channel);
                channel.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write " + target + " atomically: its file system does not support atomic "
                        + "renames; write to a local folder", e);
            }
            done = true;
            syncFolder(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes UTF-8 text atomically (see the class comment).
     *
     * @param target the file to write or replace; its folder must exist
     * @param text the whole content
     * @throws IllegalArgumentException if {@code target} is a folder or has no parent folder
     * @throws IOException if the file cannot be written, or its file system cannot rename atomically
     */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(target, channel -> writeFully(channel, ByteBuffer.wrap(bytes)));
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) channel.write(buffer);
    }

    private static void syncFolder(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open or sync a folder; the file's own bytes are already on disk.
        }
    }
}
