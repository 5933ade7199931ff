package io.lambdahat.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Submits a sweep's cells to Slurm as three dependent job arrays (training, trajectory shards after it, stages after
 * those; {@link SlurmScripts}) and reads the jobs' state back with squeue and sacct. The scripts and the job ids are kept
 * in the sweep folder ({@link SweepFolder#slurm()}), so that {@code sweep status} finds them.
 */
public final class SlurmExecutor {
    /** A failure of Slurm itself (sbatch missing, refusing or silent): one line for the user. */
    public static final class SlurmException extends RuntimeException {
        SlurmException(String message) {
            super(message);
        }
    }

    /**
     * The submitted jobs.
     *
     * @param ids the training, trajectory and stages job ids, in that order
     */
    public record Submission(List<String> ids) {}

    private final String sbatch;

    /**
     * An executor that submits with the given sbatch.
     *
     * @param sbatch the sbatch command (a test stands in another)
     */
    public SlurmExecutor(String sbatch) {
        this.sbatch = sbatch;
    }

    /**
     * Writes the scripts into the sweep folder and submits them, each after the previous one
     * ({@link SlurmScripts#DEPENDENCY}); the cells' old failure markers are cleared first.
     *
     * @param folder the sweep folder (locked by the caller)
     * @param cells the cells to run
     * @param scripts the scripts by name ({@link SlurmScripts#scripts})
     * @return the job ids
     * @throws IOException if the folder cannot be written
     * @throws InterruptedException if interrupted while sbatch runs
     * @throws SlurmException if sbatch is missing or fails
     */
    public Submission submit(SweepFolder folder, List<SweepSpec.Cell> cells, Map<String, String> scripts) throws IOException, InterruptedException {
        Files.createDirectories(folder.slurm());
        Files.createDirectories(folder.logs());
        for (SweepSpec.Cell c : cells) folder.clearFailures(c.name());
        String previous = null;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < SlurmScripts.ORDER.size(); i++) {
            String name = SlurmScripts.ORDER.get(i);
            Path script = folder.slurm().resolve(name);
            Files.writeString(script, scripts.get(name), StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of(sbatch, "--parsable"));
            if (previous != null) cmd.add("--dependency=" + SlurmScripts.DEPENDENCY.get(i) + ":" + previous);
            cmd.add(script.toString());
            String id = run(cmd);
            ids.add(id);
            previous = id;
        }
        Files.writeString(jobsFile(folder), String.join("\n", ids) + "\n", StandardCharsets.UTF_8);
        return new Submission(List.copyOf(ids));
    }

    /**
     * {@return the file that lists a sweep's submitted job ids}
     *
     * @param folder the sweep folder
     */
    public static Path jobsFile(SweepFolder folder) {
        return folder.slurm().resolve("jobs");
    }

    /**
     * The Slurm view of a sweep's jobs: squeue's and sacct's lines, or null for a tool that is missing or fails.
     *
     * @param ids the job ids, comma-separated
     * @param queued squeue's lines (id, name, state, reason)
     * @param accounted sacct's lines (id, name, state)
     */
    public record JobStates(String ids, String queued, String accounted) {}

    /**
     * {@return the jobs of a sweep submitted to Slurm, or null when none were}
     *
     * @param folder the sweep folder
     * @throws IOException if the jobs file cannot be read
     */
    public static JobStates jobStates(SweepFolder folder) throws IOException {
        Path jobs = jobsFile(folder);
        if (!Files.exists(jobs)) return null;
        String ids = String.join(",", Files.readAllLines(jobs).stream().filter(l -> !l.isBlank()).toList());
        return new JobStates(ids, tool("squeue", "-h", "-j", ids, "-o", "%i %j %T %r"), tool("sacct", "-n", "-X", "-j", ids, "-o", "JobID,JobName,State"));
    }

    /** Runs sbatch and returns the job id, or fails with one line. */
    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new SlurmException(cmd.get(0) + " was not found: run the Slurm executor on a login node of a Slurm cluster, or use --executor local");
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new SlurmException("sbatch did not answer within 2 minutes");
        }
        String lastLine = text.lines().reduce((a, b) -> b).orElse("");
        if (p.exitValue() != 0 || !lastLine.matches("\\d+(;.*)?")) {
            throw new SlurmException("sbatch failed (exit " + p.exitValue() + "): " + text.lines().findFirst().orElse("no output"));
        }
        return lastLine.split(";")[0];
    }

    /** A Slurm tool's output; null when it is missing or fails. */
    private static String tool(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? text.strip() : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }
}
