package io.lambdahat.torchscript;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.cli.CliTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.lambdahat.torchscript.ImportCommandTest.SAMPLER;
import static io.lambdahat.torchscript.ImportCommandTest.with;
import static io.lambdahat.torchscript.TorchScriptFixtures.file;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code calibrate --torchscript} and {@code trajectory --torchscript} on a PyTorch run's files directly: each gives
 * what the same command gives on the run imported by {@code lambdahat import} first (the oracle: the run-folder path,
 * tested against {@code llc} one checkpoint at a time in ImportCommandTest), and bad input is one line with exit code 2.
 */
class TorchScriptCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String glob() {
        return file("run_hf").toAbsolutePath() + "/checkpoint-*/model.safetensors";
    }

    private static Path imported(Path tmp, String name) {
        Path run = tmp.resolve(name);
        CliTest.Run r = CliTest.run("import", "--torchscript", file("run_mlp.pt").toString(), "--checkpoints", glob(),
                "--data", file("run_data.safetensors").toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        return run;
    }

    @Test
    void trajectoryOnTheModuleAndGlobEqualsImportThenTrajectory(@TempDir Path tmp) throws Exception {
        Path viaImport = imported(tmp, "imported");
        CliTest.Run a = CliTest.run(with(new String[] {"trajectory", "--run", viaImport.toString(), "--quiet"}, SAMPLER));
        assertEquals(0, a.code(), a.err());
        Path direct = tmp.resolve("direct");
        String[] command = with(new String[] {"trajectory", "--torchscript", file("run_mlp.pt").toString(), "--checkpoints", glob(),
                "--data", file("run_data.safetensors").toString(), "--run", direct.toString()}, SAMPLER);
        CliTest.Run b = CliTest.run(command);
        assertEquals(0, b.code(), b.err());
        assertTrue(b.err().contains("5 new checkpoints of run_mlp.pt linked into " + direct), b.err());
        for (long step : List.of(1L, 3L, 8L, 20L, 60L)) {
            JsonNode x = record(viaImport, step), y = record(direct, step);
            assertEquals(x.get("llc/mean").asDouble(), y.get("llc/mean").asDouble(), 0.0, "step " + step);
            assertEquals(x.get("loss/trace").toString(), y.get("loss/trace").toString(), "step " + step);
        }
        // again: the same run, nothing new to link, every record kept
        CliTest.Run again = CliTest.run(command);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("0 new checkpoints"), again.err());
        assertTrue(again.out().startsWith("λ̂ at 5 checkpoints of " + direct + " (5 already done, 0 failed)"), again.out());
        assertEquals(0, CliTest.run("stages", "--run", direct.toString()).code());
    }

    @Test
    void calibrateOnTheModuleAndCheckpointEqualsCalibrateOnTheImportedRun(@TempDir Path tmp) throws Exception {
        Path run = imported(tmp, "imported");
        String[] sweep = {"--grid", "2", "--eps-range", "1e-5,1e-4", "--nbeta-range", "0.5,2", "--chains", "2", "--draws", "20",
                "--burnin", "10", "--batch", "32", "--seed", "3", "--quiet"};
        CliTest.Run a = CliTest.run(with(new String[] {"calibrate", "--run", run.toString(), "--step", "20"}, sweep));
        assertTrue(a.code() == 0 || a.code() == 1, a.err());
        Path out = tmp.resolve("calibration");
        CliTest.Run b = CliTest.run(with(new String[] {"calibrate", "--torchscript", file("run_mlp.pt").toString(), "--data",
                file("run_data.safetensors").toString(), "--checkpoint", file("run_hf").resolve("checkpoint-20/model.safetensors").toString(),
                "--out", out.toString()}, sweep));
        assertEquals(a.code(), b.code(), b.err());
        assertTrue(b.out().startsWith("calibration at " + file("run_hf").resolve("checkpoint-20/model.safetensors") + " over 2 × 2 cells"), b.out());
        JsonNode x = JSON.readTree(run.resolve("calibration.json").toFile()), y = JSON.readTree(out.resolve("calibration.json").toFile());
        assertEquals(20, y.get("step").asLong(), "the step comes from the checkpoint's folder name");
        assertEquals(4, y.get("cells").size());
        for (int i = 0; i < 4; i++) {
            JsonNode p = x.get("cells").get(i), q = y.get("cells").get(i);
            assertEquals(p.get("epsilon").asDouble(), q.get("epsilon").asDouble(), 0.0);
            assertEquals(p.get("nbeta").asDouble(), q.get("nbeta").asDouble(), 0.0);
            assertEquals(p.get("llc").asDouble(), q.get("llc").asDouble(), 0.0, "cell " + i);
        }
        assertTrue(Files.isRegularFile(out.resolve("calibration.html")));
    }

    @Test
    void badInputIsOneLineWithExitCodeTwo(@TempDir Path tmp) throws Exception {
        String mlp = file("run_mlp.pt").toString(), data = file("run_data.safetensors").toString();
        String ck = file("run_hf").resolve("checkpoint-20/model.safetensors").toString();
        Path out = tmp.resolve("c");
        assertBad("--torchscript " + mlp + " needs --data (a .safetensors file with tensors x and y)",
                "calibrate", "--torchscript", mlp, "--out", out.toString());
        assertBad("--torchscript needs --out DIR for calibration.json and calibration.html", "calibrate", "--torchscript", mlp, "--data", data);
        assertBad("no such file: " + tmp.resolve("none.safetensors") + " (--data, a .safetensors file with tensors x and y, or an .npy of inputs)",
                "calibrate", "--torchscript", mlp, "--data", tmp.resolve("none.safetensors").toString(), "--out", out.toString());
        assertBad("--data, --targets and --loss go with --torchscript MODEL.pt; a run folder brings its own",
                "calibrate", "--run", imported(tmp, "imported").toString(), "--data", data);
        // module and weights do not fit: every mismatch named in one line
        CliTest.Run r = CliTest.run("calibrate", "--torchscript", file("dln_4_3_4.pt").toString(), "--data", data, "--checkpoint", ck,
                "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: " + ck + " does not fit dln_4_3_4.pt: "), r.err());
        assertTrue(r.err().contains("layers.0.weight is [16, 8], the module needs [3, 4]") && r.err().contains("unexpected tensor layers.0.bias [16]"), r.err());
        assertFalse(Files.exists(out.resolve("calibration.json")));

        Path run = tmp.resolve("t");
        assertBad("--torchscript needs --checkpoints 'DIR/*.safetensors' for a trajectory",
                "trajectory", "--torchscript", mlp, "--data", data, "--run", run.toString());
        assertBad("--torchscript " + mlp + " needs --data (a .safetensors file with tensors x and y)",
                "trajectory", "--torchscript", mlp, "--checkpoints", glob(), "--run", run.toString());
        // the module does not fit the data: forward fails on x, named with its shape
        r = CliTest.run("trajectory", "--torchscript", file("dln_4_3_4.pt").toString(), "--data", data, "--checkpoints",
                file("run_flat").toAbsolutePath() + "/*.safetensors", "--run", run.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(run.resolve("config.json")), "nothing written for a module that does not fit");
        // a run folder that holds another run
        Path other = imported(tmp, "other");
        r = CliTest.run("trajectory", "--torchscript", mlp, "--data", data, "--checkpoints", file("run_flat").toAbsolutePath() + "/*.safetensors",
                "--run", other.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + other + " already holds another run (checkpoints "), r.err());
        assertBad(other + " was imported with --loss cross-entropy, not mse; give a new --run folder for another loss",
                "trajectory", "--torchscript", mlp, "--data", data, "--checkpoints", glob(), "--loss", "mse", "--run", other.toString());
        assertBad("--checkpoints and --metrics go with --torchscript MODEL.pt", "trajectory", "--run", other.toString(), "--checkpoints", glob());
        // a classifier's targets cannot be its own outputs
        r = CliTest.run("trajectory", "--run", other.toString(), "--targets-from", "model");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: λ̂ with targets from the model (the checkpoint's own outputs) needs a regression model")
                && r.err().contains("scored by cross-entropy (a classifier)"), r.err());
        assertFalse(Files.exists(other.resolve("llc")), "no record written");
    }

    private static void assertBad(String message, String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals("error: " + message, r.err().strip());
    }

    private static JsonNode record(Path run, long step) throws Exception {
        return JSON.readTree(run.resolve(String.format("llc/step-%09d.json", step)).toFile());
    }
}
