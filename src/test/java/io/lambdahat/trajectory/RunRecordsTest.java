package io.lambdahat.trajectory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.dynamics.Trajectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record whose λ̂ or loss is not finite (a diverged checkpoint) never becomes data for stage detection. */
class RunRecordsTest {
    private static void write(Path dir, long step, double loss, double llc, double stderr) throws Exception {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        rec.put("init_loss", loss);
        rec.put("llc/mean", llc);
        rec.put("llc/stderr", stderr);
        // written as the trajectory runner writes them: Jackson turns NaN and ±∞ into the strings "NaN", "Infinity"
        Files.writeString(TrajectoryRunner.recordFile(dir, step), new ObjectMapper().writeValueAsString(rec));
    }

    @Test
    void nonFiniteLossOrLlcIsLeftOut(@TempDir Path run) throws Exception {
        Path dir = Files.createDirectories(RunRecords.folder(run));
        for (int i = 0; i < 6; i++) write(dir, 10L * (i + 1), 2.0 - 0.1 * i, 5.0 + i, 0.5);
        write(dir, 15, 1.95, Double.NaN, Double.NaN);                 // every chain diverged
        write(dir, 25, Double.POSITIVE_INFINITY, 6.5, 0.5);           // loss overflowed
        write(dir, 35, 1.75, Double.NEGATIVE_INFINITY, 0.5);
        write(dir, 45, Double.NaN, 7.5, 0.5);
        List<RunRecords.Entry> entries = RunRecords.read(run);
        assertEquals(10, entries.size());
        Trajectory t = RunRecords.trajectory(entries);
        assertArrayEquals(new long[] {10, 20, 30, 40, 50, 60}, t.steps());
        assertArrayEquals(new double[] {2.0, 1.9, 1.8, 1.7, 1.6, 1.5}, t.loss(), 1e-12);
        assertArrayEquals(new double[] {5, 6, 7, 8, 9, 10}, t.llcMean(), 0.0);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, t.llcStderr(), 0.0);
    }

    @Test
    void aMissingStandardErrorDropsThemAll(@TempDir Path run) throws Exception {
        Path dir = Files.createDirectories(RunRecords.folder(run));
        for (int i = 0; i < 6; i++) write(dir, 10L * (i + 1), 2.0 - 0.1 * i, 5.0 + i, i == 3 ? Double.NaN : 0.5);
        Trajectory t = RunRecords.trajectory(RunRecords.read(run));
        assertEquals(6, t.size());
        assertNull(t.llcStderr(), "standard errors are used only when every usable checkpoint has one");
    }
}
