package io.lambdahat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.torchscript.TorchScriptFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A run folder is never overwritten by another run (import, train, sweep), and import's bad inputs are refused before anything is written,
 * each through the real launcher: exit code 2, one {@code error:} line naming the folder or file and the fix, every
 * file that was there unchanged by SHA-256, no half-made folder left behind.
 */
class RunFolderGuardTest {
    private static Path root;
    private static Path fx;
    private static Path dln;

    @BeforeAll
    static void fixtures() throws Exception {
        root = Files.createTempDirectory("lambdahat-guard");
        fx = Files.createDirectories(root.resolve("fx"));
        TorchScriptFixtures.python(Path.of("src/test/python/torchscript_fixtures.py"), fx.toString());
        dln = root.resolve("dln");
        CliTest.Run t = CliTest.run("train", "--task", "dln", "--steps", "60", "--num-checkpoints", "3", "--out", dln.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        // a λ̂ record, as trajectory writes one: it must survive every refused command
        Files.createDirectories(dln.resolve("llc"));
        Files.writeString(dln.resolve("llc/step-000060.json"), "{\"step\": 60, \"llc/mean\": 1.5}\n");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (root == null) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Every file and link under {@code dir} with its SHA-256 (a link: its target), every folder by name. */
    static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return m;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String key = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) m.put(key, "-> " + Files.readSymbolicLink(p));
                else if (Files.isDirectory(p)) m.put(key + "/", "");
                else m.put(key, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return m;
    }

    private static BadInputTest.Proc importInto(Path out, String glob, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of("import", "--torchscript", fx.resolve("run_mlp.pt").toString(), "--checkpoints", glob,
                "--data", fx.resolve("run_data.safetensors").toString(), "--out", out.toString()));
        a.addAll(List.of(more));
        return BadInputTest.launch(root, a.toArray(String[]::new));
    }

    private static String flat() {
        return fx.resolve("run_flat") + "/*.safetensors";
    }

    private static String hf() {
        return fx.resolve("run_hf") + "/checkpoint-*/model.safetensors";
    }

    /** Exit 2, one line "error: ..." holding every {@code names}. */
    private static void refused(BadInputTest.Proc p, String... names) {
        assertEquals(2, p.code(), p.err());
        List<String> lines = p.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), p.err());
        assertTrue(lines.getFirst().startsWith("error: "), p.err());
        for (String n : names) assertTrue(p.err().contains(n), "stderr names " + n + ":\n" + p.err());
        assertFalse(p.err().contains("\tat ") || p.err().contains("Exception"), p.err());
    }

    @Test
    void importRefusesATrainedRunAndLeavesItAsItWas() throws Exception {
        Map<String, String> before = snapshot(dln);
        refused(importInto(dln, flat()), dln.toString(), "holds a run of task dln", "--force");
        refused(importInto(dln, flat(), "--append"), dln.toString(), "cannot append", "--force");
        assertEquals(before, snapshot(dln), "the trained run, its checkpoints and λ̂ record are unchanged");
        // and the trained run still resumes: the same command finds it complete
        CliTest.Run again = CliTest.run("train", "--task", "dln", "--steps", "60", "--num-checkpoints", "3", "--out", dln.toString(), "--quiet");
        assertEquals(0, again.code(), again.err());
    }

    @Test
    void importRefusesAnotherImportAndTheSameImportWithoutAppend() throws Exception {
        Path run = root.resolve("imported-flat");
        BadInputTest.Proc first = importInto(run, flat());
        assertEquals(0, first.code(), first.err());
        Map<String, String> before = snapshot(run);
        refused(importInto(run, hf()), run.toString(), "an import of another PyTorch run", "checkpoints", "--force");
        refused(importInto(run, flat()), run.toString(), "already holds this import", "--append", "--force");
        refused(importInto(run, flat(), "--force", "--append"), "--force", "--append", "not both");
        assertEquals(before, snapshot(run));

        // train into an imported run: refused before anything is written (it used to leave state/ behind, exit 1)
        BadInputTest.Proc train = BadInputTest.launch(root, "train", "--task", "dln", "--steps", "60", "--out", run.toString(), "--quiet");
        refused(train, run.toString(), "holds another run", "run.task.name", "--force");
        assertEquals(before, snapshot(run));
    }

    @Test
    void foreignFilesAndADamagedRunAreRefusedEvenWithForceForForeignFiles() throws Exception {
        Path foreign = Files.createDirectories(root.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine\n");
        Map<String, String> before = snapshot(foreign);
        refused(importInto(foreign, flat()), foreign.toString(), "not a run's");
        refused(importInto(foreign, flat(), "--force"), foreign.toString(), "not a run's", "--force replaces only a run");
        refused(BadInputTest.launch(root, "train", "--task", "dln", "--steps", "60", "--out", foreign.toString(), "--force", "--quiet"),
                foreign.toString(), "not a run's");
        assertEquals(before, snapshot(foreign));

        Path damaged = Files.createDirectories(root.resolve("damaged"));
        Files.writeString(damaged.resolve("config.json"), "{}");
        Map<String, String> damagedBefore = snapshot(damaged);
        refused(importInto(damaged, flat()), damaged.toString(), "damaged run", "--force");
        assertEquals(damagedBefore, snapshot(damaged));
    }

    @Test
    void aSweepIsNotStartedInARunFolderOrAmongOtherFiles() throws Exception {
        Path spec = root.resolve("sweep.json");
        Files.writeString(spec, "{\"task\": \"dln\", \"seeds\": [0], \"train\": {\"steps\": 50, \"num-checkpoints\": 3}, \"stages\": false}");
        Map<String, String> before = snapshot(dln);
        refused(BadInputTest.launch(root, "sweep", "--spec", spec.toString(), "--out", dln.toString()), dln.toString(),
                "it holds a run (config.json) and no sweep.json", "choose a new or empty --out");
        assertEquals(before, snapshot(dln));
        Path foreign = Files.createDirectories(root.resolve("foreign-sweep"));
        Files.writeString(foreign.resolve("notes.txt"), "mine\n");
        refused(BadInputTest.launch(root, "sweep", "--spec", spec.toString(), "--out", foreign.toString()), foreign.toString(),
                "files that are not a sweep's (notes.txt)");
        try (Stream<Path> s = Files.list(foreign)) {
            assertEquals(List.of(foreign.resolve("notes.txt")), s.toList());
        }
    }

    @Test
    void appendLinksOnlyTheNewCheckpointsAndKeepsTheRecords() throws Exception {
        Path ckpts = Files.createDirectories(root.resolve("growing"));
        for (String f : List.of("step_000001.safetensors", "step_000003.safetensors")) {
            Files.copy(fx.resolve("run_flat").resolve(f), ckpts.resolve(f));
        }
        Path run = root.resolve("appended");
        String glob = ckpts + "/*.safetensors";
        BadInputTest.Proc first = importInto(run, glob, "--metrics", fx.resolve("run_log.jsonl").toString());
        assertEquals(0, first.code(), first.err());
        Files.createDirectories(run.resolve("llc"));
        Files.writeString(run.resolve("llc/step-000000003.json"), "{\"step\": 3, \"llc/mean\": 0.7}\n");
        Map<String, String> before = snapshot(run);

        Files.copy(fx.resolve("run_flat/step_000020.safetensors"), ckpts.resolve("step_000020.safetensors"));
        BadInputTest.Proc more = importInto(run, glob, "--append");
        assertEquals(0, more.code(), more.err());
        assertTrue(more.out().startsWith("appended 1 new checkpoints (steps 20 … 20) of run_mlp.pt to " + run), more.out());
        Map<String, String> after = snapshot(run);
        assertEquals(ckpts.resolve("step_000020.safetensors").toAbsolutePath().toString(),
                after.remove("checkpoints/step-000000020.safetensors").substring(3));
        assertEquals(before, after, "config, earlier links, metrics and λ̂ records unchanged");

        BadInputTest.Proc none = importInto(run, glob, "--append");
        assertEquals(0, none.code(), none.err());
        assertTrue(none.out().startsWith("no new checkpoints"), none.out());
    }

    @Test
    void forceReplacesTheRunAndKeepsFilesThatAreNotARuns() throws Exception {
        Path run = root.resolve("replaced");
        CliTest.Run t = CliTest.run("train", "--task", "dln", "--steps", "60", "--num-checkpoints", "3", "--out", run.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        Files.createDirectories(run.resolve("llc"));
        Files.writeString(run.resolve("llc/step-000060.json"), "{}");
        Files.writeString(run.resolve("notes.txt"), "mine\n");
        BadInputTest.Proc p = importInto(run, flat(), "--force");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith("replaced the run that was in " + run), p.out());
        assertEquals("torchscript", new ObjectMapper().readTree(run.resolve("config.json").toFile()).at("/run/task/name").asText());
        assertFalse(Files.exists(run.resolve("llc")) || Files.exists(run.resolve("state")) || Files.exists(run.resolve("metrics.csv")),
                "the old run's records, state and metrics are gone");
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            assertEquals(5, s.filter(Files::isSymbolicLink).count(), "only the import's five links");
        }
        assertEquals("mine\n", Files.readString(run.resolve("notes.txt")));

        BadInputTest.Proc back = BadInputTest.launch(root, "train", "--task", "dln", "--steps", "60", "--num-checkpoints", "3",
                "--out", run.toString(), "--force", "--quiet");
        assertEquals(0, back.code(), back.err());
        assertEquals("dln", new ObjectMapper().readTree(run.resolve("config.json").toFile()).at("/run/task/name").asText());
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            assertEquals(0, s.filter(Files::isSymbolicLink).count(), "no link of the import is left among the trained checkpoints");
        }
        assertEquals("mine\n", Files.readString(run.resolve("notes.txt")));
    }

    @Test
    void badMetricsNameTheFileAndLineAndLeaveNoFolder() throws Exception {
        Path metrics = Files.createDirectories(root.resolve("metrics"));
        byte[] binary = new byte[200];
        for (int i = 0; i < binary.length; i++) binary[i] = (byte) (i * 37 + 128);
        System.arraycopy("step,loss\n".getBytes(StandardCharsets.US_ASCII), 0, binary, 0, 10);  // a header, then bytes that are not text
        Files.write(metrics.resolve("binary.csv"), binary);
        Files.writeString(metrics.resolve("broken.jsonl"), "{\"step\": 1, \"loss\": 2}\n{\"step\": 2, \"loss\": \n");
        Files.writeString(metrics.resolve("nostep.csv"), "epoch,loss\n1,2\n");
        Files.writeString(metrics.resolve("nostep.jsonl"), "{\"step\": 1}\n{\"epoch\": 2}\n");
        Files.writeString(metrics.resolve("badstep.csv"), "step,loss\n1,2\n2.5,3\n");
        Files.writeString(metrics.resolve("short.csv"), "step,loss\n1,2\n2\n");
        Map<String, String> cases = Map.of(
                "binary.csv", "line 2 is not text",
                "broken.jsonl", "line 2 is not JSON",
                "nostep.csv", "needs a header line with a 'step' column",
                "nostep.jsonl", "line 2 has no \"step\"",
                "badstep.csv", "line 3: step '2.5' is not a whole number",
                "short.csv", "line 3 has 1 fields, the header 2");
        for (var c : cases.entrySet()) {
            Path out = root.resolve("m-" + c.getKey());
            Path file = metrics.resolve(c.getKey());
            refused(importInto(out, flat(), "--metrics", file.toString()), "--metrics " + file, c.getValue());
            assertFalse(Files.exists(out, LinkOption.NOFOLLOW_LINKS), "no half-made run folder for " + c.getKey());
        }
        // an empty folder given as --out stays empty
        Path empty = Files.createDirectories(root.resolve("m-empty"));
        refused(importInto(empty, flat(), "--metrics", metrics.resolve("broken.jsonl").toString()), "line 2 is not JSON");
        try (Stream<Path> s = Files.list(empty)) {
            assertEquals(0, s.count());
        }
        // a text column of a CSV log is left out with a note; the numbers are kept
        Files.writeString(metrics.resolve("phase.csv"), "step,loss,phase\n1,2.5,train\n2,2.25,eval\n");
        Path ok = root.resolve("m-phase");
        BadInputTest.Proc p = importInto(ok, flat(), "--metrics", metrics.resolve("phase.csv").toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.err().contains("column 'phase' is not numeric (line 2: 'train'); left out"), p.err());
        assertEquals("step,loss\n1,2.5\n2,2.25\n", Files.readString(ok.resolve("metrics.csv")));
    }

    @Test
    void aGlobThroughALinkedFolderWorksAndUnusableFilesAreNamed() throws Exception {
        Path links = Files.createDirectories(root.resolve("links"));
        Files.createSymbolicLink(links.resolve("L"), fx.resolve("run_flat"));
        BadInputTest.Proc p = importInto(root.resolve("through-link"), links.resolve("L") + "/*.safetensors");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith("imported 5 checkpoints (steps 1 … 60)"), p.out());

        Path odd = Files.createDirectories(root.resolve("odd"));
        Files.copy(fx.resolve("run_flat/step_000001.safetensors"), odd.resolve("step_000001.safetensors"));
        Files.copy(fx.resolve("run_flat/step_000003.safetensors"), odd.resolve("step_abc.safetensors"));
        Files.createSymbolicLink(odd.resolve("step_000005.safetensors"), odd.resolve("step_000005.safetensors"));
        Path out = root.resolve("odd-run");
        refused(importInto(out, odd + "/*.safetensors"), odd.resolve("step_abc.safetensors") + " names no step",
                odd.resolve("step_000005.safetensors") + " is a symbolic link that leads nowhere");
        assertFalse(Files.exists(out));
    }

    @Test
    void watchNamesTheFilesItLeavesOut() throws Exception {
        Path ckpts = Files.createDirectories(root.resolve("watched"));
        Files.copy(fx.resolve("run_flat/step_000001.safetensors"), ckpts.resolve("step_000001.safetensors"));
        Path run = root.resolve("watched-run");
        assertEquals(0, importInto(run, ckpts + "/*.safetensors").code());
        Files.copy(fx.resolve("run_flat/step_000003.safetensors"), ckpts.resolve("step_abc.safetensors"));
        Files.createSymbolicLink(ckpts.resolve("step_000005.safetensors"), ckpts.resolve("step_000005.safetensors"));
        Files.copy(fx.resolve("run_flat/step_000008.safetensors"), ckpts.resolve("step_000008.safetensors"));
        BadInputTest.Proc w = BadInputTest.launch(root, "watch", "--run", run.toString(), "--once", "--chains", "2", "--draws", "10",
                "--burnin", "5", "--lr", "1e-5");
        assertEquals(0, w.code(), w.err());
        assertTrue(w.err().contains("note: --checkpoints '" + ckpts + "/*.safetensors': " + ckpts.resolve("step_abc.safetensors") + " names no step"), w.err());
        assertTrue(w.err().contains(ckpts.resolve("step_000005.safetensors") + " is a symbolic link that leads nowhere"), w.err());
        assertTrue(w.out().contains("checkpoint step 8 "), "the usable new checkpoint is still estimated:\n" + w.out());
        assertEquals(2, w.out().lines().filter(l -> l.startsWith("checkpoint step")).count(), w.out());
        assertTrue(new String(Files.readAllBytes(run.resolve("config.json")), StandardCharsets.UTF_8).contains("torchscript"));
    }
}
