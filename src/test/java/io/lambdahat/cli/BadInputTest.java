package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.InvalidInputException;
import io.lambdahat.io.SafeTensors;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.trajectory.RunRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bad inputs of a user, each through the real {@code ./lambdahat} launcher in its own process: the exit code, one or
 * two lines on stderr naming the problem (never a Java stack trace, never the JVM's incubator warning), no
 * {@code hs_err_pid*.log}, and every file that was there before byte for byte unchanged.
 */
class BadInputTest {
    private static Path root;
    private static final int P = 4;

    /** A command's exit code and output, from a real process. */
    record Proc(int code, String out, String err) {}

    static Proc launch(Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of(System.getProperty("user.dir"), "lambdahat").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("LAMBDAHAT_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().remove("LAMBDAHAT_JAVA_OPTS");
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("lambdahat " + String.join(" ", args) + " hung");
        }
        return new Proc(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Tensor floats(Random rng, int rows, int cols, int badRow, int badCol, float bad) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        if (badRow >= 0) v[badRow * cols + badCol] = bad;
        return Tensor.of(v, rows, cols);
    }

    private static void data(Path file, int rows, int xRow, int xCol, float xBad, int yRow, float yBad) throws Exception {
        Random rng = new Random(1);
        try (Tensor x = floats(rng, rows, P, xRow, xCol, xBad); Tensor y = floats(rng, rows, 1, yRow, 0, yBad)) {
            SafeTensors.write(file, new LinkedHashMap<>(Map.of("x", x, "y", y)));
        }
    }

    @BeforeAll
    static void fixtures() throws Exception {
        root = Files.createTempDirectory("lambdahat-bad-input");
        data(root.resolve("data.safetensors"), 200, -1, 0, 0, -1, 0);
        data(root.resolve("inf-x.safetensors"), 200, 3, 1, Float.POSITIVE_INFINITY, -1, 0);
        data(root.resolve("nan-y.safetensors"), 200, -1, 0, 0, 5, Float.NaN);
        data(root.resolve("one.safetensors"), 1, -1, 0, 0, -1, 0);
        var layout = new DeepLinearNetwork(P, 1).layout();
        try (Tensor w = Tensor.of(new float[] {0.5f, -1f, 0.25f, 2f}, P)) {
            Checkpoints.write(root.resolve("w.safetensors"), layout, w, Map.of());
        }
        try (Tensor w = Tensor.of(new float[] {0.5f, -1f, Float.NaN, 2f}, P)) {
            Checkpoints.write(root.resolve("nan-w.safetensors"), layout, w, Map.of());
        }
        try (Tensor x = floats(new Random(2), 10, P, -1, 0, 0)) {
            io.lambdahat.io.Npy.write(root.resolve("x.npy"), x);
        }
        Files.createDirectories(root.resolve("a-folder"));
        Files.writeString(root.resolve("earlier.json"), "{\"llc/mean\": 2.0}\n");
        Path run = root.resolve("run");
        assertEquals(0, CliTest.run("train", "--task", "dln", "--steps", "40", "--num-checkpoints", "5", "--out", run.toString(), "--quiet").code());
        CliTest.Run t = CliTest.run("trajectory", "--run", run.toString(), "--draws", "20", "--burnin", "5", "--chains", "2", "--quiet");
        assertEquals(0, t.code(), t.err());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * One attack: the arguments ({@code R/} stands for the fixture folder), the exit code, what stderr must name, and
     * what to do to a copy of the run first ({@code RUN} in the arguments is that copy).
     */
    record Attack(String name, int code, List<String> stderrNames, Consumer<Path> damageRun, String... args) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Consumer<Path> write(String file, String text) {
        return run -> {
            try {
                Files.writeString(run.resolve(file), text);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private static final String[] USER = {"llc", "--model", "linreg", "--dim", "4", "--draws", "20", "--burnin", "5"};

    private static String[] user(String data, String checkpoint, String... more) {
        List<String> a = new ArrayList<>(List.of(USER));
        a.addAll(List.of("--data", "R/" + data, "--checkpoint", "R/" + checkpoint, "--out", "R/earlier.json"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static List<Attack> attacks() {
        String cuda = Torch.cudaAvailable() ? "cuda:" + Torch.cudaDeviceCount() : "cuda";
        return List.of(
                new Attack("missing --data", 2, List.of("no such file: R/nope.safetensors", "--data"), null, user("nope.safetensors", "w.safetensors")),
                new Attack("missing --checkpoint", 2, List.of("no such file: R/nope.safetensors", "--checkpoint"), null,
                        user("data.safetensors", "nope.safetensors")),
                new Attack("missing --targets", 2, List.of("no such file: R/nope.npy", "--targets"), null,
                        user("x.npy", "w.safetensors", "--targets", "R/nope.npy")),
                new Attack("--checkpoint is a folder", 2, List.of("R/a-folder is a folder, expected a safetensors file"), null,
                        user("data.safetensors", "a-folder")),
                new Attack("missing file, --json", 2, List.of("no such file"), null, user("nope.safetensors", "w.safetensors", "--json")),
                new Attack("NaN in the weights", 2, List.of("parameter layers.0.weight", "nan-w.safetensors", "NaN at index [0, 2]"), null,
                        user("data.safetensors", "nan-w.safetensors")),
                new Attack("Inf in x", 2, List.of("tensor x of R/inf-x.safetensors holds +Inf at index [3, 1]"), null,
                        user("inf-x.safetensors", "w.safetensors")),
                new Attack("NaN in y", 2, List.of("tensor y of R/nan-y.safetensors holds NaN at index [5, 0]"), null,
                        user("nan-y.safetensors", "w.safetensors")),
                new Attack("one sample", 2, List.of("R/one.safetensors holds 1 sample", "--data"), null, user("one.safetensors", "w.safetensors")),
                new Attack("--n 1", 2, List.of("--n must be at least 2"), null, "llc", "--task", "linreg", "--dim", "2", "--n", "1"),
                new Attack("every chain diverged", 1, List.of("every chain diverged", "--epsilon"), null,
                        "llc", "--task", "linreg", "--dim", "2", "--lr", "1e9", "--draws", "30", "--burnin", "5", "--json"),
                new Attack("chains × draws beyond the heap", 2, List.of("Java heap", "-Xmx"), null,
                        "llc", "--task", "linreg", "--dim", "2", "--chains", "100000", "--draws", "1000000"),
                new Attack("data beyond memory", 2, List.of("native memory", "physical memory available"), null,
                        "llc", "--task", "linreg", "--dim", "4", "--n", "100000000000"),
                new Attack("model beyond memory", 2, List.of("native memory", "1.00e+10 parameters"), null,
                        "llc", "--task", "dln", "--widths", "100000,100000", "--out", "R/earlier.json"),
                new Attack("config.json is {}", 2, List.of("config.json: has no run.task.name"), write("config.json", "{}"),
                        "trajectory", "--run", "RUN"),
                new Attack("config.json truncated", 2, List.of("config.json: not valid JSON"), write("config.json", "{\"run\": {\"task\": {\"na"),
                        "trajectory", "--run", "RUN"),
                new Attack("calibrate: calibration.json is a folder", 2, List.of("calibration.json: it is a folder"), run -> {
                    try {
                        Files.createDirectories(run.resolve("calibration.json"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, "calibrate", "--run", "RUN", "--grid", "2", "--draws", "10", "--burnin", "5"),
                new Attack("no CUDA", 2, List.of("CUDA is not available"), null, "llc", "--task", "linreg", "--dim", "2", "--device", cuda),
                new Attack("--chains abc", 2, List.of("'abc' is not an int", "lambdahat llc --help"), null, "llc", "--chains", "abc"),
                new Attack("--chains abc, --json", 2, List.of("'abc' is not an int"), null, "llc", "--chains", "abc", "--json"));
    }

    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String key = dir.relativize(p).toString();
                if (Files.isDirectory(p)) m.put(key + "/", "");
                else m.put(key, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void isRefusedInOneOrTwoLinesAndChangesNothing(Attack a) throws Exception {
        Path work = Files.createTempDirectory(root, "attack");
        Path run = work.resolve("run");
        boolean needsRun = List.of(a.args()).contains("RUN");
        if (needsRun) {
            try (Stream<Path> s = Files.walk(root.resolve("run"))) {
                for (Path p : s.toList()) Files.copy(p, run.resolve(root.resolve("run").relativize(p).toString()));
            }
            if (a.damageRun() != null) a.damageRun().accept(run);
        }
        String[] args = Stream.of(a.args()).map(s -> s.equals("RUN") ? run.toString() : s.replace("R/", root + "/")).toArray(String[]::new);
        Map<String, String> before = snapshot(root);

        Proc p = launch(work, args);

        String err = p.err().replace(root + "/", "R/");
        assertEquals(a.code(), p.code(), err);
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() == 1 || lines.size() == 2, "one or two lines on stderr:\n" + err);
        assertTrue(lines.getFirst().startsWith("error: "), err);
        for (String name : a.stderrNames()) assertTrue(err.contains(name), "stderr names " + name + ":\n" + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception") || err.contains("incubator") || err.contains(".tmp"), err);
        assertEquals(before, snapshot(root), "no file was written, changed or left behind (no hs_err_pid*.log)");
        if (List.of(args).contains("--json")) {
            JsonNode j = new ObjectMapper().readTree(p.out());
            if (a.code() == 1) {
                assertEquals(4, j.get("diverged_chains").size(), "the per-chain facts are written: " + p.out());
                assertTrue(j.has("llc-chain/3") && j.has("loss/trace"), p.out());
            } else {
                assertEquals(a.code(), j.get("error").get("exit_code").asInt(), p.out());
                assertTrue(j.get("error").get("message").asText().contains(a.stderrNames().getFirst().replace("R/", root + "/")), p.out());
            }
        }
    }

    @Test
    void aCommandThatWorksPrintsNothingOnStderrAndVerboseAddsTheTrace() throws Exception {
        Proc info = launch(root, "info");
        assertEquals(0, info.code(), info.err());
        assertEquals("", info.err(), "no incubator warning, nothing else");
        Proc verbose = launch(root, "llc", "--model", "linreg", "--dim", "4", "--data", "nope.safetensors", "--checkpoint", "w.safetensors", "--verbose");
        assertEquals(2, verbose.code());
        assertTrue(verbose.err().startsWith("error: no such file: nope.safetensors") && verbose.err().contains("\tat "), verbose.err());
    }

    @Test
    void stagesAndReportSkipADamagedRecordWithOneLineEach() throws Exception {
        Path run = root.resolve("repair");
        StagesAndReportTest.writeSyntheticRun(run);
        List<Path> records;
        try (Stream<Path> s = Files.list(RunRecords.folder(run))) {
            records = s.sorted().toList();
        }
        Path truncated = records.get(3), edited = records.get(7);
        Files.writeString(truncated, Files.readString(truncated).substring(0, 40));
        Files.writeString(edited, "{}");
        Map<String, String> before = snapshot(run);

        Proc stages = launch(run, "stages", "--run", run.toString());
        assertEquals(0, stages.code(), stages.err());
        List<String> notes = stages.err().lines().toList();
        assertEquals(2, notes.size(), "one line per damaged record:\n" + stages.err());
        assertTrue(notes.get(0).contains(truncated.toString()) && notes.get(0).contains("not valid JSON"), notes.get(0));
        assertTrue(notes.get(1).contains(edited.toString()) && notes.get(1).contains("has no step"), notes.get(1));
        // the other 38 checkpoints still show the peak of StagesAndReportTest's synthetic run: a type-A then a type-B stage
        assertEquals(List.of("A", "B"), new ObjectMapper().readTree(run.resolve("stages.json").toFile()).get("stages").findValuesAsText("type"));
        before.remove("stages.json");
        Map<String, String> after = snapshot(run);
        after.remove("stages.json");
        assertEquals(before, after, "stages changes no record");
    }

    @Test
    void trajectoryRecomputesATruncatedOrNaNRecord() throws Exception {
        Path run = root.resolve("run-repair");
        try (Stream<Path> s = Files.walk(root.resolve("run"))) {
            for (Path p : s.toList()) Files.copy(p, run.resolve(root.resolve("run").relativize(p).toString()));
        }
        List<Path> records;
        try (Stream<Path> s = Files.list(RunRecords.folder(run))) {
            records = s.sorted().toList();
        }
        Path truncated = records.get(1), nan = records.get(2);
        String truncatedBefore = Files.readString(truncated);
        Files.writeString(truncated, truncatedBefore.substring(0, truncatedBefore.length() / 2));
        JsonNode rec = new ObjectMapper().readTree(nan.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) rec).put("llc/mean", "NaN");
        Files.writeString(nan, rec.toString());
        Map<String, String> before = snapshot(RunRecords.folder(run));

        Proc t = launch(run, "trajectory", "--run", run.toString(), "--draws", "20", "--burnin", "5", "--chains", "2", "--quiet");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains(truncated.getFileName() + " (not valid JSON"), t.err());
        assertTrue(t.err().contains(nan.getFileName() + " (its λ̂ (llc/mean) is \"NaN\""), t.err());
        assertTrue(Files.exists(Path.of(truncated + ".damaged")) && Files.exists(Path.of(nan + ".damaged")), "kept for inspection");
        // same seed, same checkpoint: the recomputed record is the one the truncated file was cut from
        assertEquals(new ObjectMapper().readTree(truncatedBefore).get("llc/mean"), new ObjectMapper().readTree(truncated.toFile()).get("llc/mean"));
        assertTrue(Double.isFinite(RunRecords.parse(nan).llcMean()));
        Map<String, String> after = snapshot(RunRecords.folder(run));
        for (Path r : records) {
            if (!r.equals(truncated) && !r.equals(nan)) assertEquals(before.get(r.getFileName().toString()), after.get(r.getFileName().toString()), "untouched: " + r);
        }
    }

    @Test
    void calibrateRefusesAFolderItCannotWriteBeforeTheWork() throws Exception {
        Path run = root.resolve("run-readonly");
        try (Stream<Path> s = Files.walk(root.resolve("run"))) {
            for (Path p : s.toList()) Files.copy(p, run.resolve(root.resolve("run").relativize(p).toString()));
        }
        boolean chattr = false;
        run.toFile().setWritable(false, false);
        if (Files.isWritable(run) || canCreate(run)) {
            // root ignores permission bits; the immutable attribute holds even for root where the file system has it
            chattr = new ProcessBuilder("chattr", "+i", run.toString()).start().waitFor() == 0;
        }
        try {
            assumeTrue(!canCreate(run), "cannot make a folder unwritable here");
            Proc p = launch(root, "calibrate", "--run", run.toString(), "--grid", "2", "--draws", "10", "--burnin", "5");
            assertEquals(2, p.code(), p.err());
            assertEquals(List.of("error: cannot write " + run.resolve("calibration.json") + ": folder " + run.toAbsolutePath() + " is not writable"),
                    p.err().lines().toList());
        } finally {
            if (chattr) new ProcessBuilder("chattr", "-i", run.toString()).start().waitFor();
            run.toFile().setWritable(true, false);
        }
    }

    private static boolean canCreate(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static CommandLine quietLine(StringWriter out, StringWriter err) {
        CommandLine cl = Main.newCommandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl;
    }

    @Test
    void onlyRefusedInputIsExitTwoAndAnErrorIsOneLine() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = quietLine(out, err);
        assertEquals(2, ErrorHandler.report(new InvalidInputException("--chains must be at least 1"), cl, false, false));
        assertEquals(2, ErrorHandler.report(new io.lambdahat.io.FileFormatException(Path.of("a.json"), "truncated"), cl, false, false));
        assertEquals(1, ErrorHandler.report(new IllegalArgumentException("index 7 out of range"), cl, false, false),
                "an IllegalArgumentException from inside a computation is a failed run, not the user's mistake");
        assertEquals(1, ErrorHandler.report(new OutOfMemoryError("Java heap space"), cl, false, true));
        List<String> lines = err.toString().lines().toList();
        assertEquals(4, lines.size(), err.toString());
        assertTrue(lines.get(3).startsWith("error: out of memory (Java heap space): the Java heap limit is ") && lines.get(3).contains("-Xmx"), lines.get(3));
        assertTrue(out.toString().contains("\"exit_code\":1"), out.toString());
    }
}
