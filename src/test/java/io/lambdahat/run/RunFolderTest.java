package io.lambdahat.run;

import io.lambdahat.InvalidInputException;
import io.lambdahat.io.FileFormatException;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The run folder reads back what it writes, refuses a damaged config by name, and clears only its own temporaries. */
class RunFolderTest {
    private static final String CONFIG = """
            {"run": {"format": "lambdahat-train/1", "task": {"name": "dln", "widths": [3, 2, 3]}, "seed": 7, "batch": 16,
                     "model": {"layout": [{"name": "w", "shape": [2, 3]}]}},
             "task_options": {"rank": "1", "noise": "0.5"}}
            """;

    @Test
    void configIsParsedOnceIntoTypedFields(@TempDir Path dir) throws Exception {
        RunFolder run = RunFolder.of(dir);
        run.writeConfig(CONFIG);
        RunConfig c = run.config();
        assertEquals("dln", c.taskName());
        assertEquals(7, c.seed());
        assertEquals(16, c.batch());
        assertEquals(Map.of("rank", "1", "noise", "0.5"), c.taskOptions());
        assertEquals("0.5", c.taskOption("noise"));
        assertNull(c.taskOption("checkpoints"));
        assertEquals("w", c.modelLayout().get(0).get("name").asText());
        assertSame(c, run.config(), "read once");
        assertEquals(dir.resolve("config.json"), c.file());
    }

    @Test
    void aDamagedOrMissingConfigIsNamed(@TempDir Path dir) throws Exception {
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> RunFolder.of(dir).config());
        assertEquals(dir + " has no config.json: is it a folder written by 'lambdahat train --out'?", missing.getMessage());
        InvalidInputException noFolder = assertThrows(InvalidInputException.class, () -> RunFolder.of(dir.resolve("nope")).config());
        assertEquals("run folder " + dir.resolve("nope") + " does not exist", noFolder.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"run\": {\"task\": {\"name\": \"dln\"}, \"seed\": 1}}");
        FileFormatException noBatch = assertThrows(FileFormatException.class, () -> RunFolder.of(dir).config());
        assertTrue(noBatch.getMessage().contains("has no run.batch"), noBatch.getMessage());
    }

    @Test
    void checkpointsWrittenAreListedByStepAndLoadBack(@TempDir Path dir) throws Exception {
        RunFolder run = RunFolder.of(dir);
        Files.createDirectories(run.checkpointFolder());
        ParameterLayout layout = ParameterLayout.builder().add("a", 2).add("b", 1, 2).build();
        try (Scope s = Scope.open()) {
            Path late = run.writeCheckpoint(1000, 1000, layout, Tensor.of(new float[] {4, 5, 6, 7}, 4), Map.of("step", "1000"));
            Path early = run.writeCheckpoint(20, 1000, layout, Tensor.of(new float[] {0.5f, -1, 2, 3}, 1, 4), Map.of("step", "20"));
            assertEquals(dir.resolve("checkpoints/step-000020.safetensors"), early);
            List<Checkpoints.Checkpoint> all = run.checkpoints();
            assertEquals(List.of(new Checkpoints.Checkpoint(20, early), new Checkpoints.Checkpoint(1000, late)), all);
            Tensor w = Checkpoints.loadFlat(all.get(0).file(), layout);
            assertEquals(DType.FLOAT32, w.dtype());
            assertArrayEquals(new double[] {0.5, -1, 2, 3}, w.to(DType.FLOAT64).contiguous().toDoubleArray(), 0);
            assertEquals("1000", Checkpoints.metadata(late).get("step"));
        }
    }

    @Test
    void metricsRowsReadBackAsWritten(@TempDir Path dir) throws Exception {
        RunFolder run = RunFolder.of(dir);
        try (MetricsFile m = run.openMetrics(List.of("acc"), -1)) {
            m.append(new MetricsRow(0, Double.NaN, 2.5, 1e-3, Map.of("acc", 0.25)));
            m.append(new MetricsRow(10, 1.5, 2.0, 1e-3, Map.of()));
        }
        assertEquals("step,train_loss,held_out_loss,lr,acc\n0,,2.5,0.001,0.25\n10,1.5,2.0,0.001,\n", Files.readString(run.metricsFile()));
        List<MetricsRow> rows = run.metrics();
        assertEquals(2, rows.size());
        assertEquals(2.0, rows.get(1).heldOutLoss());
        assertTrue(Double.isNaN(rows.get(1).metrics().get("acc")));
        // reopened at step 0, the row of step 10 (past the saved state) is dropped
        try (MetricsFile m = run.openMetrics(List.of("acc"), 0)) {
            assertEquals(1, run.metrics().size());
        }
    }

    @Test
    void onlyTheTemporariesOfAtomicWritesAreRemoved(@TempDir Path dir) throws Exception {
        RunFolder run = RunFolder.of(dir);
        Files.createDirectories(run.checkpointFolder());
        Path stale = Files.writeString(run.checkpointFolder().resolve(".step-000010.safetensors.0123456789abcdef.tmp"), "x");
        Path staleConfig = Files.writeString(dir.resolve(".config.json.fedcba9876543210.tmp"), "x");
        Path mine = Files.writeString(dir.resolve("notes.tmp"), "x");
        run.removeStaleTemporaries();
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(staleConfig));
        assertTrue(Files.exists(mine));
    }

    @Test
    void aFolderThatHoldsSomethingElseIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "x");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> RunFolder.of(dir).checkWritable());
        assertEquals("cannot write the run to " + dir + ": the folder is not empty and holds no run (no config.json); "
                + "choose a new or empty folder", e.getMessage());
        RunFolder.of(dir.resolve("new/run")).checkWritable();  // a path below an existing writable folder is fine
    }
}
