package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.tasks.TaskRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The newer commands' texts and edges, through the real launcher where a process matters: the spec that 'sweep --help'
 * prints runs; compare on a sweep with a failed cell compares the rest and says it is partial; stages and report on a
 * run whose every checkpoint is not a local minimum say so; train's help lists every task that trains; no help text
 * has a picocli formatting warning; an unknown command with --help is an error; a spec key given twice is refused.
 */
class NewerSurfacesTest {
    /** A command through the launcher, with a time limit of its own (a sweep takes minutes). */
    static BadInputTest.Proc launch(Path dir, long minutes, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of(System.getProperty("user.dir"), "lambdahat").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("LAMBDAHAT_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().remove("LAMBDAHAT_JAVA_OPTS");
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("lambdahat " + String.join(" ", args) + " ran past " + minutes + " minutes");
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
    void theSpecOfSweepsHelpRunsEveryCellThroughStagesAndCompares(@TempDir Path tmp) throws Exception {
        String help = CliTest.run("sweep", "--help").out();
        List<String> lines = help.lines().toList();
        int from = lines.indexOf("Spec:") + 1;
        StringBuilder spec = new StringBuilder();
        for (int i = from; i < lines.size() && lines.get(i).startsWith(" "); i++) spec.append(lines.get(i)).append('\n');
        JsonNode parsed = new ObjectMapper().readTree(spec.toString());
        assertEquals("dln", parsed.get("task").asText(), spec.toString());
        Path file = tmp.resolve("spec.json");
        Files.writeString(file, spec);

        BadInputTest.Proc sweep = launch(tmp, 8, "sweep", "--spec", file.toString(), "--out", tmp.resolve("sw").toString(), "--jobs", "2");
        assertEquals(0, sweep.code(), sweep.out() + sweep.err());
        assertTrue(sweep.out().startsWith("6 of 6 cells done, 0 failed"), sweep.out());
        for (String cell : List.of("seed-0_lr-0.05", "seed-2_lr-0.1")) {
            assertTrue(Files.isRegularFile(tmp.resolve("sw/cells/" + cell + "/stages.json")), cell);
        }
        BadInputTest.Proc compare = launch(tmp, 3, "compare", tmp.resolve("sw").toString());
        assertEquals(0, compare.code(), compare.err());
        assertFalse(compare.out().contains("PARTIAL"), compare.out());
        assertFalse(new ObjectMapper().readTree(tmp.resolve("sw/compare.json").toFile()).get("partial").asBoolean());
    }

    @Test
    void compareOnASweepWithAFailedCellComparesTheRestAndSaysItIsPartial(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("spec.json");
        Files.writeString(file, "{\"task\": \"dln\", \"seeds\": [0], \"shards\": 1, \"train\": {\"steps\": 200, \"num-checkpoints\": 4, "
                + "\"lr\": [0.05, 50]}, \"trajectory\": {\"draws\": 50, \"chains\": 2, \"targets-from\": \"model\"}}");
        Path sw = tmp.resolve("sw");
        BadInputTest.Proc sweep = launch(tmp, 5, "sweep", "--spec", file.toString(), "--out", sw.toString(), "--jobs", "2");
        assertEquals(1, sweep.code(), "a cell failed: " + sweep.out() + sweep.err());
        assertTrue(sweep.err().contains("FAILED seed-0_lr-50: train exit 1: training diverged"), "the reason is the step's error: " + sweep.err());

        BadInputTest.Proc compare = launch(tmp, 3, "compare", sw.toString());
        assertEquals(0, compare.code(), compare.err());
        assertTrue(compare.out().startsWith("PARTIAL: 1 cells have no λ̂ records and are left out:\n  seed-0_lr-50: train exit 1: training diverged"),
                compare.out());
        assertTrue(compare.out().contains("setting lr-0.05: 1 runs (seeds 0)"), compare.out());
        assertTrue(compare.err().startsWith("note: a partial comparison: 1 of the sweep's cells"), compare.err());
        JsonNode json = new ObjectMapper().readTree(sw.resolve("compare.json").toFile());
        assertTrue(json.get("partial").asBoolean());
        assertEquals("seed-0_lr-50", json.get("unfinished_cells").get(0).get("cell").asText());
        assertTrue(json.get("unfinished_cells").get(0).get("reason").asText().contains("training diverged"), json.toString());
        assertEquals(1, json.get("settings").size());
        assertEquals(1, json.get("settings").get(0).get("runs").size());
        assertTrue(Files.isRegularFile(sw.resolve("report.html")));
    }

    @Test
    void stagesAndReportSayEveryCheckpointIsNotALocalMinimum(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, CliTest.run("train", "--task", "dln", "--steps", "200", "--num-checkpoints", "4", "--out", run.toString(), "--quiet").code());
        // the DLN on its saddles, λ̂ of the data's basin: every chain runs downhill
        CliTest.Run t = CliTest.run("trajectory", "--run", run.toString(), "--draws", "100", "--chains", "2", "--quiet");
        assertEquals(0, t.code(), t.err());
        for (String command : List.of("stages", "report")) {
            BadInputTest.Proc p = BadInputTest.launch(tmp, command, "--run", run.toString());
            assertEquals(2, p.code(), p.err());
            assertEquals(1, p.err().lines().count(), p.err());
            assertTrue(p.err().startsWith("error: λ̂ was estimated at 6 checkpoints, but 6 of them are not local minima"), p.err());
            assertTrue(p.err().contains("0 remain, stage detection needs at least 5") && p.err().contains("--targets-from model"), p.err());
            assertFalse(p.err().contains("trajectory has 0 checkpoints"), p.err());
        }
    }

    @Test
    void trainsHelpListsEveryTaskThatTrainsAndOnlyThose() {
        CliTest.Run help = CliTest.run("train", "--help");
        assertEquals(0, help.code());
        String tasks = help.out().substring(help.out().indexOf("\nTasks:\n"));
        String option = help.out().substring(help.out().indexOf("\n      --task=<task>"), help.out().indexOf("\n      --steps=<steps>"));
        List<String> trainable = TaskRegistry.trainableNames();
        assertTrue(trainable.containsAll(List.of("dln", "mlp", "induction", "tms", "icl-linreg", "grokking")), trainable.toString());
        for (String name : TaskRegistry.names()) {
            boolean trains = TaskRegistry.get(name).trains();
            assertEquals(trains, tasks.contains("\n  " + name + " "), name + " in the Tasks list:\n" + tasks);
            assertEquals(trains, option.replaceAll("\\s+", " ").matches(".*[ ,]" + name + "[ ,].*"), name + " in --task:\n" + option);
            if (!trains) {
                CliTest.Run r = CliTest.run("train", "--task", name, "--steps", "1", "--out", "x");
                assertEquals(2, r.code());
                assertTrue(r.err().contains("train one of " + trainable), r.err());
            }
        }
        CliTest.Run unknown = CliTest.run("train", "--task", "nope", "--steps", "1", "--out", "x");
        assertEquals("error: unknown task 'nope': use one of " + trainable, unknown.err().strip());
    }

    @Test
    void noHelpTextHasAFormattingWarning() {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> checked = new ArrayList<>();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            List<CommandLine> todo = new ArrayList<>(List.of(Main.newCommandLine()));
            while (!todo.isEmpty()) {
                CommandLine c = todo.removeFirst();
                todo.addAll(c.getSubcommands().values());
                List<String> args = new ArrayList<>(List.of(c.getCommandSpec().qualifiedName().split(" ")));
                args.removeFirst();
                args.add("--help");
                if (c.getCommandSpec().optionsMap().get("--help") == null) continue;
                CliTest.Run r = CliTest.run(args.toArray(String[]::new));
                assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
                checked.add(c.getCommandSpec().qualifiedName());
            }
        } finally {
            System.setErr(saved);
        }
        assertTrue(checked.contains("lambdahat compare") && checked.size() >= 14, checked.toString());
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertFalse(warnings.contains("Could not format") || warnings.contains("WARN"), warnings);
    }

    @Test
    void anUnknownCommandWithHelpIsAnError(@TempDir Path tmp) throws Exception {
        BadInputTest.Proc p = BadInputTest.launch(tmp, "bif", "--help");
        assertEquals(2, p.code(), p.out());
        assertEquals("", p.out(), "no help text: the command does not exist");
        assertTrue(p.err().startsWith("error: unknown command 'bif' of lambdahat; the commands are info, llc, train, import"), p.err());
        BadInputTest.Proc sub = BadInputTest.launch(tmp, "sweep", "bif", "--help");
        assertEquals(2, sub.code());
        assertTrue(sub.err().startsWith("error: unknown command 'bif' of lambdahat sweep; the commands are status, resume"), sub.err());
        assertEquals(0, CliTest.run("sweep", "status", "--help").code());
        assertEquals(0, CliTest.run("help", "train").code());
    }

    @Test
    void aSpecKeyGivenTwiceIsRefusedByName(@TempDir Path tmp) throws Exception {
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, "{\"task\": \"dln\", \"seeds\": [0],\n \"train\": {\"steps\": 200, \"lr\": 0.05, \"lr\": 0.1}}");
        BadInputTest.Proc p = BadInputTest.launch(tmp, "sweep", "--spec", spec.toString(), "--out", tmp.resolve("sw").toString());
        assertEquals(2, p.code(), p.err());
        assertEquals("error: sweep spec " + spec + ": key 'lr' is given twice (line 2); give each key once (a list of values sweeps over them)",
                p.err().strip());
        assertFalse(Files.exists(tmp.resolve("sw")));
        Files.writeString(spec, "{\"task\": \"dln\", \"seeds\": [0], \"seeds\": [1]}");
        BadInputTest.Proc top = BadInputTest.launch(tmp, "sweep", "--spec", spec.toString(), "--out", tmp.resolve("sw").toString(), "--dry-run");
        assertEquals(2, top.code());
        assertTrue(top.err().contains("key 'seeds' is given twice"), top.err());
    }
}
