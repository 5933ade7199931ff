package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.trajectory.TrajectoryRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The processes lambdahat starts die with it or after their time: watch's --on-transition hook is stopped, with what it
 * started, after --hook-timeout; SIGTERM to a running sweep reaches its steps' processes. Both through the real launcher.
 */
class ChildProcessTest {
    private static Process start(Path dir, Path stdout, Path stderr, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of(System.getProperty("user.dir"), "lambdahat").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().put("LAMBDAHAT_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().remove("LAMBDAHAT_JAVA_OPTS");
        return pb.start();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void awaitDead(Set<Long> pids, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (pids.stream().anyMatch(ChildProcessTest::alive) && System.nanoTime() < deadline) Thread.sleep(100);
    }

    @Test
    void aHookThatRunsPastHookTimeoutIsStoppedWithWhatItStarted(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, CliTest.run("train", "--task", "dln", "--steps", "400", "--checkpoints", "log", "--num-checkpoints", "30",
                "--out", run.toString(), "--quiet").code());
        List<Checkpoints.Checkpoint> all = RunFolder.of(run).checkpoints();
        long last = all.get(all.size() - 1).step();
        String[] sampler = {"--epsilon", "1e-6", "--gamma", "1000", "--chains", "2", "--draws", "20", "--burnin", "10"};
        List<String> one = new ArrayList<>(List.of("trajectory", "--run", run.toString(), "--steps", Long.toString(last), "--quiet"));
        one.addAll(List.of(sampler));
        assertEquals(0, CliTest.run(one.toArray(String[]::new)).code());
        Path lastRecord = TrajectoryRunner.recordFile(RunFolder.of(run).llcRecords(), last);
        JsonNode settings = new ObjectMapper().readTree(lastRecord.toFile()).get("config");
        Files.delete(lastRecord);
        long peak = all.get(all.size() / 2).step();
        Random rng = new Random(3);
        for (Checkpoints.Checkpoint c : all.subList(0, all.size() - 1)) WatchTransitionTest.writeRecord(run, c.step(), peak, settings, rng);

        // the hook starts a process of its own in the background and waits for it: it would never finish
        Path pids = tmp.resolve("pids");
        String hook = "sleep 600 & echo $! >> " + pids + "; wait";
        List<String> watch = new ArrayList<>(List.of("watch", "--run", run.toString(), "--once", "--on-transition", hook, "--hook-timeout", "2"));
        watch.addAll(List.of(sampler));
        long started = System.nanoTime();
        Process p = start(tmp, tmp.resolve("out"), tmp.resolve("err"), watch.toArray(String[]::new));
        boolean finished = p.waitFor(150, TimeUnit.SECONDS);
        if (!finished) p.descendants().forEach(ProcessHandle::destroyForcibly);
        if (!finished) p.destroyForcibly();
        String err = Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8);
        assertTrue(finished, "watch returned although its hook never ends:\n" + err);
        assertEquals(0, p.exitValue(), err);
        List<Long> sleeps = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertFalse(sleeps.isEmpty(), "the hook ran");
        awaitDead(new HashSet<>(sleeps), 10);
        for (long pid : sleeps) assertFalse(alive(pid), "the hook's own process " + pid + " was stopped too");
        assertTrue(err.contains("note: --on-transition ran past --hook-timeout 2 s; stopped it and the processes it started"), err);
        assertEquals(sleeps.size(), err.lines().filter(l -> l.contains("ran past --hook-timeout")).count(), "one note per transition: " + err);
        assertTrue(Files.readString(tmp.resolve("out")).contains("transition: λ̂ maximum"), Files.readString(tmp.resolve("out")));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(150));

        CliTest.Run help = CliTest.run("watch", "--help");
        assertTrue(help.out().contains("--hook-timeout") && help.out().contains("(default 60)"), help.out());
        CliTest.Run bad = CliTest.run("watch", "--run", run.toString(), "--once", "--hook-timeout", "0");
        assertEquals(2, bad.code());
        assertEquals("error: --hook-timeout must be a positive number of seconds, got 0.0", bad.err().strip());
    }

    @Test
    void sigtermToASweepStopsItsStepsProcesses(@TempDir Path tmp) throws Exception {
        Path spec = tmp.resolve("long.json");
        // a training step that would run for an hour
        Files.writeString(spec, "{\"task\": \"dln\", \"seeds\": [0], \"shards\": 1, \"train\": {\"steps\": 50000000, \"num-checkpoints\": 4},"
                + " \"trajectory\": {\"draws\": 20, \"chains\": 2}}");
        Process sweep = start(tmp, tmp.resolve("out"), tmp.resolve("err"), "sweep", "--spec", spec.toString(), "--out", tmp.resolve("sw").toString(),
                "--jobs", "1");
        Set<Long> children = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        // wait until the step's JVM runs (a java process below the sweep's JVM, which is below the launcher)
        while (System.nanoTime() < deadline && sweep.isAlive()) {
            List<ProcessHandle> below = sweep.descendants().toList();
            long javas = below.stream().filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).count();
            if (javas >= 2) {
                below.forEach(h -> children.add(h.pid()));
                break;
            }
            Thread.sleep(200);
        }
        assertTrue(sweep.isAlive(), "the sweep runs: " + Files.readString(tmp.resolve("err")));
        assertFalse(children.isEmpty(), "the step started");
        Thread.sleep(1000);
        sweep.destroy();  // SIGTERM to the launcher, as a user's kill or a scheduler sends it
        assertTrue(sweep.waitFor(60, TimeUnit.SECONDS), "the sweep exits on SIGTERM");
        awaitDead(children, 30);
        List<Long> orphans = children.stream().filter(ChildProcessTest::alive).toList();
        for (long pid : orphans) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        assertEquals(List.of(), orphans, "no process of the sweep's step is left running");
    }
}
