package io.lambdahat.train;

import io.lambdahat.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** File chores of a run folder: atomic text writes, stale temporary files, and the writability check. */
final class RunFiles {
    /** Temporary files of atomic writes, ours and SafeTensors.write's: ".NAME.<16 hex>.tmp". */
    static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9a-f]{16}\\.tmp");

    private RunFiles() {}

    /** Writes {@code text} to a hidden temporary file beside {@code target}, syncs it and renames it over the target. */
    static void writeAtomically(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        byte[] salt = new byte[8];
        ThreadLocalRandom.current().nextBytes(salt);
        Path tmp = dir.resolve("." + target.getFileName() + "." + HexFormat.of().formatHex(salt) + ".tmp");
        boolean done = false;
        try {
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) c.write(b);
                c.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: its file system does not support atomic renames; "
                        + "use a local folder for --out", e);
            }
            done = true;
            syncFolder(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    static void syncFolder(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // Some platforms cannot sync a folder; the file's own bytes are on disk already.
        }
    }

    /** Deletes the temporary files an interrupted atomic write left in {@code dir}: they were never visible as results. */
    static void removeStaleTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (TEMPORARY.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f)) Files.deleteIfExists(f);
            }
        }
    }

    /**
     * Fails (IllegalArgumentException) unless {@code dir} can hold a run: an existing writable folder that is empty or
     * already holds a run (config.json), or a path whose nearest existing parent is a writable folder.
     */
    static void checkOutputDir(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) throw new InvalidInputException("cannot write the run to " + dir + ": it is a file, not a folder");
            if (!Files.isWritable(abs)) throw new InvalidInputException("cannot write the run to " + dir + ": the folder is not writable");
            if (!Files.exists(abs.resolve(Trainer.CONFIG))) {
                try (Stream<Path> s = Files.list(abs)) {
                    if (s.findAny().isPresent()) {
                        throw new InvalidInputException("cannot write the run to " + dir + ": the folder is not empty and holds no run "
                                + "(no " + Trainer.CONFIG + "); choose a new or empty folder");
                    }
                } catch (IOException e) {
                    throw new InvalidInputException("cannot read folder " + dir + ": " + e.getMessage());
                }
            }
            return;
        }
        Path parent = abs.getParent();
        while (parent != null && !Files.exists(parent)) parent = parent.getParent();
        if (parent == null || !Files.isDirectory(parent)) throw new InvalidInputException("cannot create " + dir + ": no existing parent folder");
        if (!Files.isWritable(parent)) throw new InvalidInputException("cannot create " + dir + ": folder " + parent + " is not writable");
    }
}
