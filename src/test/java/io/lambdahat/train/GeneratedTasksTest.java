package io.lambdahat.train;

import io.lambdahat.cli.CliTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A short seeded run of each generated task lowers its held-out loss (small configurations, seconds each). */
class GeneratedTasksTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "tms;300;0.01;n=2048,held-out=512;0.5",
            // in-context regression needs thousands of steps to use the context; a short run only starts to move
            "icl-linreg;80;0.003;d-model=16,mlp=32,heads=2,n=1024,held-out=256;1.0",
            "induction;80;0.003;n=1024,held-out=256;0.95"})
    void aShortRunLowersTheHeldOutLoss(String task, int steps, double lr, String options, double factor, @TempDir Path dir) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--task", task, "--steps", Integer.toString(steps), "--lr",
                Double.toString(lr), "--batch", "32", "--num-checkpoints", "3", "--seed", "3", "--out", dir.toString(), "--quiet"));
        for (String kv : options.split(",")) args.addAll(List.of("-o", kv));
        CliTest.Run r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
        int col = List.of(rows.get(0).split(",")).indexOf("held_out_loss");
        double first = Double.parseDouble(rows.get(1).split(",")[col]);
        double last = Double.parseDouble(rows.get(rows.size() - 1).split(",")[col]);
        System.out.printf("%s: held-out loss %.4f -> %.4f over %d steps%n", task, first, last, steps);
        assertTrue(last < factor * first, task + ": held-out loss " + first + " -> " + last);
    }
}
