package io.lambdahat.run;

import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.torch.Scope;
import io.lambdahat.train.TrainConfig;
import io.lambdahat.train.Trainer;
import io.lambdahat.tasks.TaskRegistry;
import io.lambdahat.tasks.TrainingTask;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The induction run's training set, cached in the run folder at train time: a command that reopens the run gets the
 * very tokens the task draws from its seed, and a damaged or foreign cache stops it with a message naming the file
 * and the fix.
 */
class TrainingDataCacheTest {
    private static final Map<String, String> OPTIONS = Map.of("n", "96", "held-out", "8", "d-model", "8", "vocab", "8", "context", "16");

    @TempDir
    static Path shared;

    static Path run, otherSeedRun;

    @BeforeAll
    static void train() throws IOException {
        run = train(shared.resolve("run"), 3);
        otherSeedRun = train(shared.resolve("other-seed"), 4);
    }

    private static Path train(Path dir, long seed) throws IOException {
        TrainConfig config = TrainConfig.builder().steps(3).batch(8).seed(seed).optimizer("adamw").lr(1e-3).logEvery(3).numCheckpoints(2).build();
        try (TrainingTask task = TaskRegistry.get("induction").create(config.taskOptions(OPTIONS))) {
            new Trainer("induction", task, config, dir).recordTaskOptions(OPTIONS).run();
        }
        return dir;
    }

    /** The tokens the task draws from the run's seed without any cache: x then y. */
    private static long[][] drawn(long seed) {
        TrainConfig config = TrainConfig.builder().steps(3).batch(8).seed(seed).build();
        try (TrainingTask task = TaskRegistry.get("induction").create(config.taskOptions(OPTIONS)); Scope s = Scope.open()) {
            return new long[][] {task.trainingSet().x().toLongArray(), task.trainingSet().y().toLongArray()};
        }
    }

    private static long[][] reopened(Path dir) throws IOException {
        try (TrainingTask task = Trainer.openTask(dir); Scope s = Scope.open()) {
            Dataset d = task.trainingSet();
            return new long[][] {d.x().toLongArray(), d.y().toLongArray()};
        }
    }

    private static Path copyOf(Path dir, Path to) throws IOException {
        Files.createDirectories(to.resolve(RunFolder.DATA_FOLDER));
        Files.copy(dir.resolve(RunFolder.CONFIG), to.resolve(RunFolder.CONFIG));
        Files.copy(RunFolder.of(dir).trainingDataFile(), RunFolder.of(to).trainingDataFile());
        return to;
    }

    @Test
    void trainingWritesTheCacheAndAReopenedRunReadsTheSameTokensBitForBit() throws IOException {
        Path file = RunFolder.of(run).trainingDataFile();
        assertTrue(Files.isRegularFile(file), "train wrote DIR/data/train.safetensors");
        // vocabulary 8: one byte a token, 96 sequences of 17 tokens, after the header
        try (io.lambdahat.io.SafeTensorsFile f = io.lambdahat.io.SafeTensors.open(file)) {
            assertEquals(96 * 17, Files.size(file) - f.headerLength() - 8);
        }
        long[][] expected = drawn(3), got = reopened(run);
        assertEquals(96 * 16, got[0].length);
        assertArrayEquals(expected[0], got[0], "inputs");
        assertArrayEquals(expected[1], got[1], "targets");
        assertTrue(!java.util.Arrays.equals(expected[0], drawn(4)[0]), "another seed draws other tokens");
    }

    @Test
    void aMissingCacheIsDrawnAgainAndWritten(@TempDir Path dir) throws IOException {
        Path copy = copyOf(run, dir.resolve("copy"));
        Files.delete(RunFolder.of(copy).trainingDataFile());
        long[][] got = reopened(copy);
        assertTrue(Files.isRegularFile(RunFolder.of(copy).trainingDataFile()), "written again");
        assertArrayEquals(drawn(3)[0], got[0]);
        assertArrayEquals(drawn(3)[0], reopened(copy)[0], "read back from the new cache");
    }

    @Test
    void aTruncatedCacheStopsWithTheFileAndTheFix(@TempDir Path dir) throws IOException {
        Path copy = copyOf(run, dir.resolve("copy"));
        Path file = RunFolder.of(copy).trainingDataFile();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> reopened(copy));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("delete it and rerun"), e.getMessage());
    }

    @Test
    void aChangedTokenFailsTheChecksum(@TempDir Path dir) throws IOException {
        Path copy = copyOf(run, dir.resolve("copy"));
        Path file = RunFolder.of(copy).trainingDataFile();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - 8);       // a token of the last sequence
            int b = f.read();
            f.seek(f.length() - 8);
            f.write(b ^ 1);
        }
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> reopened(copy));
        assertTrue(e.getMessage().contains("checksum") && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void anotherRunsCacheIsRefused(@TempDir Path dir) throws IOException {
        Path copy = copyOf(run, dir.resolve("copy"));
        Files.copy(RunFolder.of(otherSeedRun).trainingDataFile(), RunFolder.of(copy).trainingDataFile(), StandardCopyOption.REPLACE_EXISTING);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> reopened(copy));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
    }
}
