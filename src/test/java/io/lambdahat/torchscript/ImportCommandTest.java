package io.lambdahat.torchscript;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.cli.CliTest;
import io.lambdahat.train.ImportedRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.lambdahat.torchscript.TorchScriptFixtures.file;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A PyTorch run (TorchScript module, state_dict checkpoints written by PyTorch) as a run folder: steps parsed from the
 * names, checkpoints linked not copied, trajectory's records equal to llc at each checkpoint one by one, and the bad
 * globs as one line with exit code 2.
 */
class ImportCommandTest {
    static final String[] SAMPLER = {"--chains", "2", "--draws", "20", "--burnin", "10", "--batch", "32", "--lr", "1e-5", "--seed", "3"};

    static String[] with(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void stepsComeFromTheFileOrFolderName() {
        assertEquals(1500, ImportedRun.stepOf(Path.of("/x/step_001500.safetensors")));
        assertEquals(1500, ImportedRun.stepOf(Path.of("/x/checkpoint-1500/model.safetensors")));
        assertEquals(7, ImportedRun.stepOf(Path.of("/x/run2/ckpt-7.safetensors")));
        var e = assertThrows(IllegalArgumentException.class, () -> ImportedRun.stepOf(Path.of("/x/final/model.safetensors")));
        assertTrue(e.getMessage().startsWith("cannot tell the step of checkpoint /x/final/model.safetensors"), e.getMessage());
    }

    @Test
    void importThenTrajectoryGivesLlcAtEachCheckpoint(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        String glob = file("run_hf").toAbsolutePath() + "/checkpoint-*/model.safetensors";
        CliTest.Run imported = CliTest.run("import", "--torchscript", file("run_mlp.pt").toString(), "--checkpoints", glob,
                "--data", file("run_data.safetensors").toString(), "--metrics", file("run_log.jsonl").toString(), "--out", run.toString());
        assertEquals(0, imported.code(), imported.err());
        assertTrue(imported.out().startsWith("imported 5 checkpoints (steps 1 … 60) of run_mlp.pt into " + run), imported.out());
        Path link = run.resolve("checkpoints/step-000000020.safetensors");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(file("run_hf").toAbsolutePath().normalize().resolve("checkpoint-20/model.safetensors"), Files.readSymbolicLink(link));
        assertEquals("step,train_loss", Files.readAllLines(run.resolve("metrics.csv")).get(0));

        CliTest.Run traj = CliTest.run(with(new String[] {"trajectory", "--run", run.toString(), "--quiet"}, SAMPLER));
        assertEquals(0, traj.code(), traj.err());
        ObjectMapper json = new ObjectMapper();
        for (long step : List.of(1L, 3L, 8L, 20L, 60L)) {
            JsonNode record = json.readTree(run.resolve(String.format("llc/step-%09d.json", step)).toFile());
            CliTest.Run one = CliTest.run(with(new String[] {"llc", "--torchscript", file("run_mlp.pt").toString(), "--data",
                    file("run_data.safetensors").toString(), "--checkpoint",
                    file("run_hf").resolve("checkpoint-" + step + "/model.safetensors").toString(), "--json"}, SAMPLER));
            assertEquals(0, one.code(), one.err());
            JsonNode direct = json.readTree(one.out());
            assertEquals(direct.get("llc/mean").asDouble(), record.get("llc/mean").asDouble(), 0.0, "step " + step);
            assertEquals(direct.get("init_loss").asDouble(), record.get("init_loss").asDouble(), 0.0, "step " + step);
            assertEquals(direct.get("loss/trace").toString(), record.get("loss/trace").toString(), "step " + step);
        }
        CliTest.Run report = CliTest.run("report", "--run", run.toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(Files.isRegularFile(run.resolve("report.html")));
    }

    @Test
    void badGlobsAndModulesAreOneLineWithExitCodeTwo(@TempDir Path tmp) {
        String[] common = {"import", "--torchscript", file("run_mlp.pt").toString(), "--data", file("run_data.safetensors").toString(),
                "--out", tmp.resolve("r").toString(), "--checkpoints"};
        String none = file("run_flat").toAbsolutePath() + "/nothing_*.safetensors";
        CliTest.Run r = CliTest.run(with(common, none));
        assertEquals(2, r.code());
        assertEquals("error: --checkpoints '" + none + "' matches no file", r.err().strip());

        String dup = file("run_dup").toAbsolutePath() + "/*.safetensors";
        r = CliTest.run(with(common, dup));
        assertEquals(2, r.code());
        Path d = file("run_dup").toAbsolutePath().normalize();
        assertEquals("error: --checkpoints '" + dup + "' matches two files for step 10: " + d.resolve("step-010.safetensors") + " and "
                + d.resolve("step_10.safetensors") + "; narrow the pattern", r.err().strip());
        assertFalse(Files.exists(tmp.resolve("r/config.json")));

        r = CliTest.run("import", "--torchscript", file("not_torchscript.pt").toString(), "--data", file("run_data.safetensors").toString(),
                "--out", tmp.resolve("r").toString(), "--checkpoints", file("run_flat").toAbsolutePath() + "/*.safetensors");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: " + file("not_torchscript.pt") + " is not a TorchScript module"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        // a checkpoint still being written is left out (with a note) until it is complete
        Path partialRun = tmp.resolve("p");
        r = CliTest.run("import", "--torchscript", file("run_mlp.pt").toString(), "--data", file("run_data.safetensors").toString(),
                "--out", partialRun.toString(), "--checkpoints", file("run_partial").toAbsolutePath() + "/*.safetensors");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("step_2.safetensors is still being written (or truncated); left out until it is complete"), r.err());
        assertTrue(Files.exists(partialRun.resolve("checkpoints/step-000000001.safetensors")));
        assertFalse(Files.exists(partialRun.resolve("checkpoints/step-000000002.safetensors"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
}
