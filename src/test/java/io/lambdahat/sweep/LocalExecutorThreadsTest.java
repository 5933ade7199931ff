package io.lambdahat.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The local executor shares the cores among its children: each step's process sees OMP_NUM_THREADS = cores / jobs. */
class LocalExecutorThreadsTest {
    @Test
    void eachChildGetsItsShareOfTheCores(@TempDir Path root) throws Exception {
        Assumptions.assumeTrue(System.getenv("OMP_NUM_THREADS") == null, "OMP_NUM_THREADS is set here: the user's choice is passed on instead");
        assertEquals(4, LocalExecutor.threadsPerProcess(8, 2));
        assertEquals(1, LocalExecutor.threadsPerProcess(2, 2));
        assertEquals(1, LocalExecutor.threadsPerProcess(2, 3), "never fewer than one");
        assertEquals(2, LocalExecutor.threadsPerProcess(5, 2));

        // a launcher that records what each step's process was given, in place of lambdahat
        Path seen = root.resolve("threads.txt");
        Path launcher = root.resolve("launcher");
        Files.writeString(launcher, "echo \"$OMP_NUM_THREADS\" >> '" + seen + "'\n");
        SweepSpec spec = SweepSpec.parse(new ObjectMapper().readTree("{\"task\": \"dln\", \"seeds\": [0, 1], \"shards\": 2}"), (c, k) -> true);
        int cores = Runtime.getRuntime().availableProcessors();
        for (int jobs : List.of(1, 2)) {
            Files.deleteIfExists(seen);
            SweepFolder folder = new SweepFolder(root.resolve("sweep-" + jobs));
            int failed = new LocalExecutor(launcher, folder, spec, jobs, new PrintWriter(java.io.Writer.nullWriter())).run(spec.cells());
            assertEquals(0, failed);
            // two cells × (train, two trajectory shards, stages)
            List<String> lines = Files.readAllLines(seen);
            assertEquals(8, lines.size());
            for (String line : lines) assertEquals(Integer.toString(Math.max(1, cores / jobs)), line, "jobs " + jobs);
        }
    }
}
