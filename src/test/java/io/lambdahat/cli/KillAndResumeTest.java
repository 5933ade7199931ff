package io.lambdahat.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kill -9 in the middle of train and of trajectory (a real subprocess), then the same command again: finished work is
 * kept, nothing finished is recomputed, no partial file is ever visible, and the run completes.
 */
class KillAndResumeTest {
    private static Process start(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-Dlambdahat.native.dir=" + System.getProperty("lambdahat.native.dir"), "-cp", System.getProperty("java.class.path"),
                "io.lambdahat.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static long count(Path dir, String suffix) throws Exception {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
        }
    }

    private static void killWhen(Process p, Path dir, String suffix, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (count(dir, suffix) < atLeast) {
            if (!p.isAlive()) fail("the subprocess ended before it could be killed (exit " + p.exitValue() + ")");
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("nothing appeared in " + dir);
            }
            Thread.sleep(50);
        }
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
    }

    private static Map<String, FileTime> stamps(Path dir) throws Exception {
        Map<String, FileTime> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) m.put(f.getFileName().toString(), Files.getLastModifiedTime(f));
        }
        return m;
    }

    private static void assertNoPartialFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> tmp = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertTrue(tmp.isEmpty(), "partial files left visible: " + tmp);
        }
    }

    @Test
    void killedTrainingResumesFromItsLastCheckpoint(@TempDir Path root) throws Exception {
        Path run = root.resolve("run");
        String[] args = {"train", "--task", "dln", "--steps", "3000", "--num-checkpoints", "30", "--out", run.toString(), "--quiet"};
        killWhen(start(args), run.resolve("checkpoints"), ".safetensors", 12);
        Map<String, FileTime> before = stamps(run.resolve("checkpoints"));
        before.keySet().removeIf(name -> !name.startsWith("step-"));  // a temporary file cut short by the kill is not a checkpoint
        Map<String, byte[]> bytes = new TreeMap<>();
        for (String f : before.keySet()) bytes.put(f, Files.readAllBytes(run.resolve("checkpoints").resolve(f)));
        String newest = ((TreeMap<String, FileTime>) before).lastKey();
        assertEquals(0, CliTest.run(args).code());
        Map<String, FileTime> after = stamps(run.resolve("checkpoints"));
        for (var e : before.entrySet()) {
            // The trainer's state is saved right after each checkpoint, so a kill between the two redoes only the
            // newest checkpoint's interval — with identical bytes. Every older checkpoint is left as it was.
            if (!e.getKey().equals(newest)) assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was rewritten");
            assertArrayEquals(bytes.get(e.getKey()), Files.readAllBytes(run.resolve("checkpoints").resolve(e.getKey())), e.getKey());
        }
        assertTrue(after.containsKey(io.lambdahat.run.Checkpoints.fileName(3000, 3000)), "the run completed");
        assertNoPartialFiles(run);
    }

    @Test
    void killedTrajectoryKeepsFinishedRecordsAndCompletes(@TempDir Path root) throws Exception {
        Path run = root.resolve("run");
        assertEquals(0, CliTest.run("train", "--task", "dln", "--steps", "200", "--num-checkpoints", "6", "--out", run.toString(), "--quiet").code());
        String[] args = {"trajectory", "--run", run.toString(), "--draws", "300", "--burnin", "100", "--chains", "2", "--quiet"};
        Path records = run.resolve("llc");
        killWhen(start(args), records, ".json", 2);
        Map<String, FileTime> before = stamps(records);
        assertNoPartialFiles(records);
        CliTest.Run again = CliTest.run(args);
        assertEquals(0, again.code(), again.err());
        Map<String, FileTime> after = stamps(records);
        for (var e : before.entrySet()) {
            if (e.getKey().endsWith(".json")) assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was recomputed");
        }
        assertEquals(io.lambdahat.run.Checkpoints.list(run).size(), count(records, ".json"), "every checkpoint has its record");
        assertNoPartialFiles(run);
    }
}
