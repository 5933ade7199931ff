package io.lambdahat.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.InvalidInputException;
import io.lambdahat.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A sweep's folder: {@code sweep.json} (the spec it was started with), {@code cells/<name>/} (one ordinary run folder
 * per cell), {@code state/<name>/<step>.{running,done,failed}} (what each step of each cell did; a step is train,
 * trajectory-I-of-N or stages), {@code logs/}, {@code slurm/}, and what {@code lambdahat compare} writes:
 * {@code compare.json} and {@code report.html}. The markers live outside the run folders so that a run
 * folder stays exactly what {@code lambdahat train} and {@code trajectory} write.
 */
public final class SweepFolder {
    /** The state of a cell. */
    public enum State {
        /** No step has started, or a step that failed before was cleared for a rerun. */
        PENDING,
        /** A step is running. */
        RUNNING,
        /** Every step finished. */
        DONE,
        /** A step failed. */
        FAILED
    }

    private final Path root;

    /**
     * A sweep folder.
     *
     * @param root the sweep folder
     */
    public SweepFolder(Path root) {
        this.root = root;
    }

    /** {@return the sweep folder} */
    public Path root() { return root; }

    /** {@return the copy of the spec the sweep was started with} */
    public Path spec() { return root.resolve("sweep.json"); }

    /**
     * A cell's run folder.
     *
     * @param cell a cell name
     * @return {@code cells/<cell>}
     */
    public Path run(String cell) { return root.resolve("cells").resolve(cell); }

    /**
     * The folder of a cell's step markers.
     *
     * @param cell a cell name
     * @return {@code state/<cell>}
     */
    public Path state(String cell) { return root.resolve("state").resolve(cell); }

    /** {@return the statistics across runs that {@code lambdahat compare} writes} */
    public Path compareJson() { return root.resolve("compare.json"); }

    /** {@return the sweep report (HTML) that {@code lambdahat compare} writes} */
    public Path report() { return root.resolve("report.html"); }

    /** {@return the folder of the steps' logs} */
    public Path logs() { return root.resolve("logs"); }

    /** {@return the folder of the Slurm scripts and job ids} */
    public Path slurm() { return root.resolve("slurm"); }

    /**
     * The step name of a trajectory shard.
     *
     * @param shard a trajectory shard
     * @return the step's name, e.g. {@code trajectory-2-of-3}
     */
    public static String trajectoryStep(Shard shard) {
        return "trajectory-" + shard.index() + "-of-" + shard.count();
    }

    /**
     * A step's marker file.
     *
     * @param cell a cell name
     * @param step a step name
     * @param kind running, done or failed
     * @return {@code state/<cell>/<step>.<kind>}
     */
    public Path marker(String cell, String step, String kind) {
        return state(cell).resolve(step + "." + kind);
    }

    /**
     * Whether a step finished.
     *
     * @param cell a cell name
     * @param step a step name
     * @return whether its done marker exists
     */
    public boolean done(String cell, String step) {
        return Files.exists(marker(cell, step, "done"));
    }

    /**
     * Marks a step as started, clearing an earlier outcome.
     *
     * @param cell  a cell name
     * @param step  a step name
     * @param where where it runs (host, process, Slurm job), for {@code sweep status}
     * @throws IOException if the marker cannot be written
     */
    public void started(String cell, String step, String where) throws IOException {
        Files.createDirectories(state(cell));
        Files.deleteIfExists(marker(cell, step, "failed"));
        Files.deleteIfExists(marker(cell, step, "done"));
        AtomicFiles.writeString(marker(cell, step, "running"), where + "\n");
    }

    /**
     * Marks a step as finished with an exit code (0: done; else failed, with the code).
     *
     * @param cell a cell name
     * @param step a step name
     * @param code the step's exit code
     * @param note what ran, or why it failed
     * @throws IOException if the marker cannot be written
     */
    public void finished(String cell, String step, int code, String note) throws IOException {
        Files.createDirectories(state(cell));
        AtomicFiles.writeString(marker(cell, step, code == 0 ? "done" : "failed"), (code == 0 ? "" : "exit " + code + ": ") + note + "\n");
        Files.deleteIfExists(marker(cell, step, "running"));
    }

    /**
     * Clears the failed and running markers of a cell (its steps are then pending again).
     *
     * @param cell a cell name
     * @throws IOException if the markers cannot be removed
     */
    public void clearFailures(String cell) throws IOException {
        if (!Files.isDirectory(state(cell))) return;
        try (Stream<Path> files = Files.list(state(cell))) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.endsWith(".failed") || n.endsWith(".running")) Files.delete(f);
            }
        }
    }

    /**
     * A cell's state from its markers: done when its stages step is done, failed when a step failed, running while a
     * step runs, else pending.
     *
     * @param cell a cell name
     * @return the state
     * @throws IOException if the markers cannot be listed
     */
    public State cellState(String cell) throws IOException {
        if (done(cell, "stages")) return State.DONE;
        if (!Files.isDirectory(state(cell))) return State.PENDING;
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(state(cell))) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        if (names.stream().anyMatch(n -> n.endsWith(".failed"))) return State.FAILED;
        if (names.stream().anyMatch(n -> n.endsWith(".running"))) return State.RUNNING;
        return State.PENDING;
    }

    /**
     * The first failed step of a cell and its marker's text.
     *
     * @param cell a cell name
     * @return e.g. {@code "stages exit 2: lambdahat stages ..."}; null if no step failed
     * @throws IOException if the markers cannot be read
     */
    public String failure(String cell) throws IOException {
        if (!Files.isDirectory(state(cell))) return null;
        try (Stream<Path> files = Files.list(state(cell))) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (n.endsWith(".failed")) return n.substring(0, n.length() - ".failed".length()) + " " + Files.readString(f).strip();
            }
        }
        return null;
    }

    /**
     * Refuses a folder that holds something other than a sweep: a run folder (config.json), or any files without a
     * sweep.json; call it before anything is written. A sweep's own folder (to resume it) and a new or empty one are fine.
     *
     * @throws InvalidInputException naming the folder, what it holds, and the fix
     * @throws IOException if the folder cannot be listed
     */
    public void checkCanHoldSweep() throws IOException {
        if (!Files.exists(root)) return;
        if (!Files.isDirectory(root)) throw new InvalidInputException("cannot start a sweep in " + root + ": it is a file, not a folder");
        if (Files.exists(spec())) return;
        List<String> other;
        try (Stream<Path> files = Files.list(root)) {
            other = files.map(f -> f.getFileName().toString()).filter(n -> !n.equals(".lock")).sorted().toList();
        }
        if (other.isEmpty()) return;
        String holds = other.contains("config.json") ? "a run (config.json)" : "files that are not a sweep's (" + String.join(", ",
                other.subList(0, Math.min(3, other.size()))) + (other.size() > 3 ? ", ..." : "") + ")";
        throw new InvalidInputException("cannot start a sweep in " + root + ": it holds " + holds + " and no sweep.json; choose a new or "
                + "empty --out");
    }

    /**
     * Keeps the spec a sweep was started with (sweep.json); a rerun into the same folder must give the same one.
     *
     * @param specFile the spec given
     * @throws InvalidInputException if the folder was started with another spec
     * @throws IOException if a file cannot be read or written
     */
    public void recordSpec(Path specFile) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode given = json.readTree(specFile.toFile());
        if (Files.exists(spec())) {
            JsonNode before = json.readTree(spec().toFile());
            if (!before.equals(given)) {
                throw new InvalidInputException("the sweep in " + root + " was started with another spec (" + spec()
                        + "); give that spec, or another --out for a new sweep");
            }
            return;
        }
        Files.createDirectories(root);
        AtomicFiles.writeString(spec(), json.writerWithDefaultPrettyPrinter().writeValueAsString(given));
    }

    /**
     * Takes the sweep's lock ({@code .lock}, holding the owner's process id) so that two sweeps never write into one
     * folder; a lock whose owner is gone is taken over.
     *
     * @return a handle that releases the lock on close
     * @throws InvalidInputException if a live process holds it
     * @throws IOException           if the lock file cannot be written
     */
    public AutoCloseable lock() throws IOException {
        Files.createDirectories(root);
        Path lock = root.resolve(".lock");
        String me = Long.toString(ProcessHandle.current().pid());
        for (int attempt = 0; ; attempt++) {
            try {
                Files.writeString(lock, me + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                return () -> {
                    if (Files.exists(lock) && Files.readString(lock).strip().equals(me)) Files.delete(lock);
                };
            } catch (FileAlreadyExistsException e) {
                String owner = Files.readString(lock).strip();
                boolean alive;
                try {
                    alive = ProcessHandle.of(Long.parseLong(owner)).map(ProcessHandle::isAlive).orElse(false);
                } catch (NumberFormatException bad) {
                    alive = false;
                }
                if (alive || attempt > 0) {
                    throw new InvalidInputException("another sweep (process " + owner + ") is writing into " + root
                            + "; wait for it to end, or remove " + lock + " if that process is not a sweep");
                }
                Files.deleteIfExists(lock); // its owner is gone
            }
        }
    }
}
