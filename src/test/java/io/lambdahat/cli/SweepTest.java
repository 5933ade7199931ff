package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code lambdahat sweep}: a spec's mistakes are refused before anything starts, the local executor runs every cell as
 * child processes of the launcher, a rerun skips done cells and redoes failed ones, two sweeps never share a folder,
 * and the Slurm executor's scripts and failures.
 */
class SweepTest {
    static final String SPEC = """
            {"task": "dln", "seeds": [0, 1], "shards": 2,
             "train": {"steps": 200, "num-checkpoints": 6},
             "trajectory": {"epsilon": 1e-4, "gamma": 10, "draws": 20, "burnin": 10, "chains": 2},
             "stages": false}
            """;

    /** The real launcher in its own process, with extra environment. */
    static BadInputTest.Proc launch(Path workDir, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of(System.getProperty("user.dir"), "lambdahat").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("LAMBDAHAT_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().remove("LAMBDAHAT_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(8, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("lambdahat " + String.join(" ", args) + " hung");
        }
        return new BadInputTest.Proc(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
    }

    private static byte[] read(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void specMistakesAreRefusedNamingTheKeyBeforeAnythingStarts(@TempDir Path root) throws Exception {
        Map<String, String> bad = Map.of(
                "{\"task\": \"dln\", \"seed\": [0]}", "unknown key 'seed'",
                "{\"task\": \"dln\", \"train\": {\"steps\": 10, \"learning-rate\": 0.1}}", "unknown key 'train.learning-rate'",
                "{\"task\": \"dln\", \"train\": {\"steps\": 10, \"lr\": \"fast\"}}", "--lr",
                "{\"task\": \"dln\", \"train\": {\"steps\": 10, \"out\": \"x\"}}", "'train.out' is set by the sweep itself",
                "{\"task\": \"dln\", \"seeds\": [0, 0.5], \"train\": {\"steps\": 10}}", "'seeds' must hold whole numbers",
                "{\"task\": \"dln\", \"shards\": 0, \"train\": {\"steps\": 10}}", "'shards' must be a whole number",
                "{\"task\": \"nope\", \"train\": {\"steps\": 10}}", "nope",
                "{\"task\": \"dln\", \"train\": {\"steps\": 10}, \"trajectory\": {\"chains\": [2, \"many\"]}}", "--chains");
        for (var e : bad.entrySet()) {
            Path spec = root.resolve("spec.json");
            Files.writeString(spec, e.getKey());
            Path out = root.resolve("sweep");
            CliTest.Run r = CliTest.run("sweep", "--spec", spec.toString(), "--out", out.toString());
            assertEquals(2, r.code(), e.getKey() + ": " + r.err());
            assertTrue(r.err().contains(e.getValue()), e.getKey() + " → " + r.err());
            assertFalse(Files.exists(out), "nothing started for " + e.getKey());
        }
    }

    @Test
    void localSweepRunsEveryCellResumesAndLocks(@TempDir Path root) throws Exception {
        Path spec = root.resolve("sweep.json");
        Files.writeString(spec, SPEC);
        Path out = root.resolve("sw");
        BadInputTest.Proc first = launch(root, Map.of(), "sweep", "--spec", spec.toString(), "--out", out.toString(), "--jobs", "2");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("2 of 2 cells done, 0 failed"), first.out());
        for (String cell : List.of("seed-0", "seed-1")) {
            Path run = out.resolve("cells").resolve(cell);
            List<io.lambdahat.trajectory.RunRecords.Entry> records = io.lambdahat.trajectory.RunRecords.read(run);
            assertEquals(io.lambdahat.run.Checkpoints.list(run).size(), records.size(), cell + ": a record per checkpoint");
            assertEquals(2, TrajectorySettingsTest.config(run, records.getFirst().step()).get("num_chains").asInt());
        }
        // the two seeds trained different networks
        JsonNode a = TrajectorySettingsTest.config(out.resolve("cells/seed-0"), 0), b = TrajectorySettingsTest.config(out.resolve("cells/seed-1"), 0);
        assertEquals(a.get("epsilon").asDouble(), 1e-4);
        assertEquals(b.get("gamma").asDouble(), 10.0);
        assertNotEquals(ShardTest.records(out.resolve("cells/seed-0")).values().iterator().next().get("llc/mean"),
                ShardTest.records(out.resolve("cells/seed-1")).values().iterator().next().get("llc/mean"));

        CliTest.Run status = CliTest.run("sweep", "status", out.toString());
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("done     seed-0") && status.out().contains("2 done"), status.out());

        // a failed step is redone by the next run; done cells are skipped
        Path stagesDone = out.resolve("state/seed-1/stages.done");
        var trainLogTime = Files.getLastModifiedTime(out.resolve("logs/seed-0.train.log"));
        Files.delete(stagesDone);
        Files.writeString(out.resolve("state/seed-1/stages.failed"), "exit 1: made to fail\n");
        CliTest.Run failed = CliTest.run("sweep", "status", out.toString());
        assertEquals(1, failed.code());
        assertTrue(failed.out().contains("failed   seed-1  stages exit 1: made to fail"), failed.out());
        // (resumed from the folder alone: the spec it keeps)
        BadInputTest.Proc again = launch(root, Map.of(), "sweep", "resume", out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("(1 already done)"), again.err());
        assertTrue(Files.exists(stagesDone));
        assertEquals(trainLogTime, Files.getLastModifiedTime(out.resolve("logs/seed-0.train.log")), "the done cell was not run again");
        assertTrue(Files.readString(out.resolve("state/seed-1/stages.done")).contains("left out"));

        // another live sweep holds the folder: refused, naming its process
        long me = ProcessHandle.current().pid();
        Files.writeString(out.resolve(".lock"), me + "\n");
        CliTest.Run locked = CliTest.run("sweep", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(2, locked.code());
        assertTrue(locked.err().contains("another sweep (process " + me + ")"), locked.err());
        // a lock whose owner is gone is taken over
        Files.writeString(out.resolve(".lock"), "2147483646\n");
        CliTest.Run stale = CliTest.run("sweep", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(0, stale.code(), stale.err());
        assertFalse(Files.exists(out.resolve(".lock")));

        // resume needs a sweep folder
        CliTest.Run notSweep = CliTest.run("sweep", "resume", root.resolve("nothing").toString());
        assertEquals(2, notSweep.code());
        assertTrue(notSweep.err().contains("is not a sweep folder"), notSweep.err());

        // another spec for the same folder is refused
        Files.writeString(spec, SPEC.replace("[0, 1]", "[0, 1, 2]"));
        CliTest.Run other = CliTest.run("sweep", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(2, other.code());
        assertTrue(other.err().contains("was started with another spec"), other.err());
    }

    @Test
    void slurmDryRunPrintsTheJobArraysAndAFailingSbatchIsOneLine(@TempDir Path root) throws Exception {
        Path spec = root.resolve("sweep.json");
        Files.writeString(spec, SPEC.replace("\"num-checkpoints\": 6", "\"num-checkpoints\": 6, \"lr\": [0.05, 0.1]"));
        Path out = root.resolve("sw");
        CliTest.Run dry = CliTest.run("sweep", "--spec", spec.toString(), "--out", out.toString(), "--executor", "slurm", "--dry-run",
                "--partition", "gpu", "--account", "lab", "--time", "0:30:00", "--mem", "4G", "--cpus", "2", "--gpus", "1", "--jobs", "3");
        assertEquals(0, dry.code(), dry.err());
        String s = dry.out();
        // 2 seeds × 2 learning rates = 4 cells; 4 × 2 shards = 8 trajectory tasks
        assertTrue(s.contains("#SBATCH --array=0-3%3"), s);
        assertTrue(s.contains("#SBATCH --array=0-7%3"), s);
        assertTrue(s.contains("cells=(seed-0_lr-0.05 seed-0_lr-0.1 seed-1_lr-0.05 seed-1_lr-0.1)"), s);
        assertTrue(s.contains("--dependency=afterok:<previous job>") && s.contains("--dependency=afterany:<previous job>"), s);
        for (String line : List.of("#SBATCH --partition=gpu", "#SBATCH --account=lab", "#SBATCH --time=0:30:00", "#SBATCH --mem=4G",
                "#SBATCH --cpus-per-task=2", "#SBATCH --gres=gpu:1")) {
            assertTrue(s.contains(line), line);
        }
        assertFalse(Files.exists(out), "a dry run writes nothing");

        // sbatch that fails: one line naming it, exit 1
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path sbatch = bin.resolve("sbatch");
        Files.writeString(sbatch, "#!/bin/sh\necho 'sbatch: error: invalid partition specified: gpu' >&2\nexit 1\n");
        sbatch.toFile().setExecutable(true);
        BadInputTest.Proc r = launch(root, Map.of("PATH", bin + ":" + System.getenv("PATH")), "sweep", "--spec", spec.toString(), "--out",
                out.toString(), "--executor", "slurm", "--partition", "gpu");
        assertEquals(1, r.code(), r.err());
        assertEquals("error: sbatch failed (exit 1): sbatch: error: invalid partition specified: gpu", r.err().strip());

        // no sbatch at all (the lambdahat.sbatch property stands in for a PATH without it)
        Path missing = root.resolve("no-such-dir/sbatch");
        System.setProperty("lambdahat.sbatch", missing.toString());
        try {
            CliTest.Run none = CliTest.run("sweep", "--spec", spec.toString(), "--out", root.resolve("sw2").toString(), "--executor", "slurm");
            assertEquals(1, none.code(), none.err());
            assertEquals("error: " + missing + " was not found: run the Slurm executor on a login node of a Slurm cluster, or use --executor local",
                    none.err().strip());
        } finally {
            System.clearProperty("lambdahat.sbatch");
        }
    }
}
