package io.lambdahat.sweep;

import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.workflow.ChildProcesses;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a sweep's cells on this machine: each step ({@code lambdahat sweep step ...}: train, each trajectory shard,
 * stages) is a child process of the launcher, at most {@code jobs} at once. A cell's shards run side by side; a cell
 * whose step fails stops there (the others go on) and is redone by the next run of the sweep. Each child gets
 * {@code OMP_NUM_THREADS} = cores / jobs (at least 1) unless the environment sets it: libtorch's OpenMP pool would
 * otherwise start a thread per core in every child, and the pools' spinning threads take the cores from each other.
 * For the same reason each child evaluates its chains on one thread ({@link LangevinSampler#CHAIN_THREADS_VARIABLE} = 1).
 * The children are stopped with everything they started when the sweep is stopped ({@link ChildProcesses}).
 */
public final class LocalExecutor {
    private final Path launcher;
    private final SweepFolder folder;
    private final SweepSpec spec;
    private final Semaphore slots;
    private final PrintWriter err;
    private final int threadsPerProcess;

    /**
     * An executor over one sweep folder.
     *
     * @param launcher the {@code lambdahat} launcher script
     * @param folder   the sweep folder
     * @param spec     the sweep
     * @param jobs     processes at once
     * @param err      where one line per finished cell goes
     */
    public LocalExecutor(Path launcher, SweepFolder folder, SweepSpec spec, int jobs, PrintWriter err) {
        this.launcher = launcher;
        this.folder = folder;
        this.spec = spec;
        this.slots = new Semaphore(jobs);
        this.err = err;
        this.threadsPerProcess = threadsPerProcess(Runtime.getRuntime().availableProcessors(), jobs);
    }

    /**
     * The libtorch threads each child gets: the cores shared evenly by the processes that run at once.
     *
     * @param cores the machine's cores
     * @param jobs  processes at once
     * @return cores / jobs, at least 1
     */
    public static int threadsPerProcess(int cores, int jobs) {
        return Math.max(1, cores / jobs);
    }

    /**
     * Runs every cell that is not done.
     *
     * @param cells the sweep's cells
     * @return the number of cells that failed
     * @throws InterruptedException if interrupted while waiting
     */
    public int run(List<SweepSpec.Cell> cells) throws InterruptedException {
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (SweepSpec.Cell cell : cells) {
            threads.add(Thread.ofVirtual().start(() -> {
                boolean ok;
                try {
                    ok = runCell(cell);
                } catch (IOException | InterruptedException e) {
                    ok = false;
                }
                if (!ok) failed.incrementAndGet();
                synchronized (err) {
                    err.println((ok ? "done   " : "FAILED ") + cell.name() + (ok ? "" : failureNote(cell)));
                    err.flush();
                }
            }));
        }
        for (Thread t : threads) t.join();
        return failed.get();
    }

    private String failureNote(SweepSpec.Cell cell) {
        try {
            String why = folder.failure(cell.name());
            return why == null ? "" : ": " + why + " (log in " + folder.logs() + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private boolean runCell(SweepSpec.Cell cell) throws IOException, InterruptedException {
        if (folder.done(cell.name(), "stages")) return true;
        folder.clearFailures(cell.name());
        if (!step(cell, "train", null)) return false;
        List<Thread> shards = new ArrayList<>();
        boolean[] ok = new boolean[spec.shards()];
        for (int i = 1; i <= spec.shards(); i++) {
            int index = i;
            shards.add(Thread.ofVirtual().start(() -> {
                try {
                    ok[index - 1] = step(cell, "trajectory", new Shard(index, spec.shards()));
                } catch (IOException | InterruptedException e) {
                    ok[index - 1] = false;
                }
            }));
        }
        for (Thread t : shards) t.join();
        for (boolean b : ok) if (!b) return false;
        return step(cell, "stages", null);
    }

    /** One step as a child process of the launcher, its output in {@code logs/<cell>.<step>.log}. */
    private boolean step(SweepSpec.Cell cell, String step, Shard shard) throws IOException, InterruptedException {
        String name = shard == null ? step : SweepFolder.trajectoryStep(shard);
        if (folder.done(cell.name(), name)) return true;
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString(), "sweep", "step", "--out", folder.root().toString(),
                "--cell", cell.name(), "--step", step));
        if (shard != null) cmd.addAll(List.of("--shard", shard.toString()));
        Files.createDirectories(folder.logs());
        Path log = folder.logs().resolve(cell.name() + "." + name + ".log");
        slots.acquire();
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            if (System.getenv("OMP_NUM_THREADS") == null) pb.environment().put("OMP_NUM_THREADS", Integer.toString(threadsPerProcess));
            // the cells already share the cores: a cell's chains run in one thread unless the environment says otherwise
            if (System.getenv(LangevinSampler.CHAIN_THREADS_VARIABLE) == null) pb.environment().put(LangevinSampler.CHAIN_THREADS_VARIABLE, "1");
            // a child of this JVM, stopped with what it started when the sweep is stopped (SIGTERM, SIGINT): no orphans
            Process p = ChildProcesses.start(pb);
            int code = p.waitFor();
            if (code != 0 && !Files.exists(folder.marker(cell.name(), name, "failed"))) {
                // the step could not record its own failure (e.g. the JVM did not start)
                folder.finished(cell.name(), name, code, "see " + log);
            }
            return code == 0;
        } finally {
            slots.release();
        }
    }
}
