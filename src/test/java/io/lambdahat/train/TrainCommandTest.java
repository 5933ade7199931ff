package io.lambdahat.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.cli.CliTest;
import io.lambdahat.cli.CliTest.Run;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.MetricsFile;
import io.lambdahat.run.MetricsRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.lambdahat.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;
import io.lambdahat.tasks.TrainingTask;

/** {@code lambdahat train}: a run, its files and config, a rerun that does nothing, and bad input failing early. */
class TrainCommandTest {
    @Test
    void trainsWritesTheRunFolderAndResumesToNothing(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("runs/dln");
        String[] args = {"train", "--task", "dln", "--steps", "60", "--out", dir.toString(), "--num-checkpoints", "4",
                "--widths", "4,4,4", "--rank", "2", "-o", "singular-values=3,1", "--seed", "5"};
        Run r = run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trained dln"), r.out());
        assertTrue(r.err().contains("training: 60/60 (100%)"), "plain progress lines off a terminal: " + r.err());
        assertTrue(r.err().contains("ETA"), r.err());

        JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("run");
        assertEquals("dln", config.get("task").get("name").asText());
        assertEquals("[4,4,4]", config.get("task").get("widths").toString());
        assertEquals("[3.0,1.0]", config.get("task").get("singular_values").toString());
        assertEquals("sgd", config.get("optimizer").get("name").asText(), "the task's default optimiser");
        assertEquals(0.05, config.get("optimizer").get("lr").asDouble());
        assertEquals(64, config.get("batch").asInt());
        assertEquals(60, config.get("steps").asLong());
        assertEquals(5, config.get("seed").asLong());
        long[] steps = CheckpointSchedule.steps(CheckpointSchedule.Kind.BOTH, 60, 4);
        assertEquals(steps.length, Checkpoints.list(dir).size());
        List<MetricsRow> rows = MetricsFile.read(dir.resolve("metrics.csv"));
        assertEquals("step,train_loss,held_out_loss,lr,mode_1,mode_2", Files.readAllLines(dir.resolve("metrics.csv")).getFirst());
        assertEquals(60, rows.getLast().step());

        // The task rebuilt from config.json gives the recorded held-out loss at the last checkpoint.
        try (TrainingTask t = Trainer.openTask(dir); io.lambdahat.torch.Scope s = io.lambdahat.torch.Scope.open();
             var ng = io.lambdahat.torch.Torch.noGrad()) {
            io.lambdahat.torch.Tensor w = Checkpoints.loadFlat(Checkpoints.list(dir).getLast().file(), t.model().layout());
            var params = io.lambdahat.nn.ChainParameters.replicate(t.model().layout(), w, 1);
            assertEquals(rows.getLast().heldOutLoss(), t.evaluate(params.views()).loss(), 0);
            params.close();
            w.close();
        }

        Run again = run(args);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("complete"), again.out());
    }

    @Test
    void badValuesFailWithExitCodeTwoBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        String[][] bad = {
                {"--steps", "0"},
                {"--steps", "10", "--lr", "-1"},
                {"--steps", "10", "--optimizer", "lion"},
                {"--steps", "10", "--schedule", "step"},
                {"--steps", "10", "--warmup", "10"},
                {"--steps", "10", "--momentum", "1.5", "--optimizer", "sgd"},
                {"--steps", "10", "--checkpoints", "exp"},
                {"--steps", "10", "--num-checkpoints", "1"},
                {"--steps", "10", "--clip", "-2"},
                {"--steps", "10", "--rank", "9"},
                {"--steps", "10", "-o", "colour=blue"},
                {"--steps", "10", "--batch", "100000"},
        };
        String[] expected = {"--steps", "--lr", "lion", "step", "--warmup", "momentum", "exp", "--num-checkpoints", "--clip", "rank",
                "colour", "batch size"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = new String[bad[i].length + 5];
            args[0] = "train";
            args[1] = "--task";
            args[2] = "dln";
            args[3] = "--out";
            args[4] = dir.toString();
            System.arraycopy(bad[i], 0, args, 5, bad[i].length);
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", bad[i]) + ": " + r.err());
            assertTrue(r.err().contains(expected[i]), String.join(" ", bad[i]) + " names the problem: " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
        }
        assertFalse(Files.exists(dir.resolve("config.json")), "nothing was started");
        assertFalse(Files.exists(dir.resolve("checkpoints")), "nothing was started");

        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        Run notADir = run("train", "--task", "dln", "--steps", "10", "--out", file.toString());
        assertEquals(2, notADir.code());
        assertTrue(notADir.err().contains("not a folder"), notADir.err());

        Run unknown = run("train", "--task", "resnet", "--steps", "10", "--out", dir.toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("dln") && unknown.err().contains("mlp"), unknown.err());
    }
}
