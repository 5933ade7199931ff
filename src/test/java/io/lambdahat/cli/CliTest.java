package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The commands run against string writers: output, JSON keys, exit codes and error lines. */
public class CliTest {
    /** A command's exit code and what it wrote to stdout and stderr. */
    public record Run(int code, String out, String err) {}

    /** Runs one command line in process, as the {@code lambdahat} launcher would, capturing its output. */
    public static Run run(String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void infoJsonHasTheDocumentedKeys() throws Exception {
        Run r = run("info", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (String k : new String[] {"libtorch_version", "libtorch_path", "blas", "threads", "cuda_available", "cuda_devices", "vector_species", "java_version"}) {
            assertTrue(j.has(k), "missing key " + k);
        }
        // the engine is libtorch 2.x, and the library in use is the one the shim's RUNPATH names, a file that exists
        assertTrue(j.get("libtorch_version").asText().matches("2\\.\\d+.*"), j.get("libtorch_version").asText());
        Path lib = Path.of(j.get("libtorch_path").asText());
        assertTrue(java.nio.file.Files.isRegularFile(lib) && lib.getFileName().toString().startsWith("libtorch"), lib.toString());
        assertTrue(j.get("java_version").asText().startsWith("25"));
    }

    @Test
    void llcJsonCarriesDevinterpKeysAndAReasonableEstimate(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("llc.json");
        Run r = run("llc", "--task", "linreg", "--dim", "4", "--burnin", "300", "--draws", "600", "--chains", "2",
                "--lr", "2e-6", "--json", "--out", file.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (String k : new String[] {"llc/mean", "llc/std", "llc/stderr", "llc-chain/0", "llc-chain/1", "init_loss", "llc/means",
                "llc/stds", "llc/trace", "loss/trace", "mala_accept/mean", "rhat", "ess", "diverged_chains", "config"}) {
            assertTrue(j.has(k), "missing key " + k);
        }
        assertEquals("n/ln(n)", j.get("config").get("nbeta_rule").asText());
        assertEquals(10_000 / Math.log(10_000), j.get("nbeta").asDouble(), 1e-6);
        assertEquals(600, j.get("llc/trace").get(0).size());
        assertEquals(2.0, j.get("llc/mean").asDouble(), 0.6, "linear regression with d = 4 has λ = 2");
        assertEquals(new ObjectMapper().readTree(Files.readString(file)), j, "--out writes the same JSON");
    }

    @Test
    void llcOnUserDataAndCheckpointMatchesTheBuiltInTask(@TempDir Path dir) throws Exception {
        var model = new io.lambdahat.nn.DeepLinearNetwork(4, 1);
        Path data = dir.resolve("data.safetensors"), ckpt = dir.resolve("wstar.safetensors");
        try (var task = io.lambdahat.tasks.Teachers.linearRegression(4, io.lambdahat.tasks.Teachers.Options.of(10_000, 0))) {
            var tensors = new java.util.LinkedHashMap<String, io.lambdahat.torch.Tensor>();
            tensors.put("x", task.data().x());
            tensors.put("y", task.data().y());
            io.lambdahat.io.SafeTensors.write(data, tensors);
            io.lambdahat.run.Checkpoints.write(ckpt, model.layout(), task.teacherWeights(), java.util.Map.of());
        }
        String[] common = {"--burnin", "100", "--draws", "100", "--chains", "2", "--lr", "2e-6", "--json"};
        Run builtIn = run(concat(new String[] {"llc", "--task", "linreg", "--dim", "4"}, common));
        Run user = run(concat(new String[] {"llc", "--model", "linreg", "--dim", "4", "--data", data.toString(), "--checkpoint", ckpt.toString()}, common));
        assertEquals(0, user.code(), user.err());
        var m = new ObjectMapper();
        // same data, same w*, same seed: the same chains exactly
        assertEquals(m.readTree(builtIn.out()).get("llc/mean").asDouble(), m.readTree(user.out()).get("llc/mean").asDouble(), 0.0);

        Run wrongShape = run("llc", "--model", "dln", "--widths", "5,1", "--data", data.toString(), "--checkpoint", ckpt.toString());
        assertEquals(2, wrongShape.code());
        assertTrue(wrongShape.err().contains("[10000, 4]") && wrongShape.err().contains("[n, 5]"), wrongShape.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        Run missing = run("llc", "--task", "dln");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--widths"), missing.err());
        assertFalse(missing.err().contains("\tat "), "no stack trace without --verbose");

        Run eps = run("llc", "--task", "linreg", "--dim", "2", "--lr", "-1");
        assertEquals(2, eps.code());
        assertTrue(eps.err().contains("ε"), eps.err());

        Run chains = run("llc", "--task", "linreg", "--dim", "2", "--chains", "0");
        assertEquals(2, chains.code());
        assertTrue(chains.err().contains("chains"), chains.err());

        Run unknown = run("llc", "--task", "resnet");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("resnet"), unknown.err());

        Run noDir = run("llc", "--task", "linreg", "--dim", "2", "--out", "/no/such/folder/x.json");
        assertEquals(2, noDir.code());
        assertTrue(noDir.err().contains("/no/such/folder"), noDir.err());

        assertEquals(2, run("llc", "--no-such-flag").code());
    }
}
