package io.lambdahat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdahat.cli.CliTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grokking task trains: a short run memorises its training pairs while the test accuracy stays at chance. */
class GrokkingTaskTest {
    @Test
    void aShortRunMemorisesTheTrainingPairs(@TempDir Path dir) throws Exception {
        // p = 23: 212 training pairs, memorised within 400 Adam steps at the task's defaults (lr 5e-3, batch 128,
        // L2 2e-4); generalising takes tens of thousands of steps, so the test accuracy is still near 1/23.
        CliTest.Run r = CliTest.run("train", "--task", "grokking", "-o", "p=23", "--steps", "400", "--num-checkpoints", "2",
                "--log-every", "100", "--seed", "1", "--out", dir.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals("step,train_loss,held_out_loss,lr,train_set_loss,train_accuracy,test_accuracy", rows.get(0));
        String[] first = rows.get(1).split(","), last = rows.get(rows.size() - 1).split(",");
        assertEquals("400", last[0]);
        assertTrue(Double.parseDouble(first[5]) < 0.2, "train accuracy at step 0: " + first[5]);
        assertEquals(1.0, Double.parseDouble(last[5]), 0.0, "train accuracy after 400 steps");
        assertTrue(Double.parseDouble(last[4]) < 0.1, "training-set loss after 400 steps: " + last[4]);
        assertTrue(Double.parseDouble(last[6]) < 0.1, "test accuracy after 400 steps: " + last[6]);
        String config = Files.readString(dir.resolve("config.json"));
        assertTrue(config.contains("\"name\" : \"adam\"") && config.contains("\"weight_decay\" : 2.0E-4"), config);
        assertTrue(config.contains("\"train_pairs\" : 212"), config);
    }
}
