package io.lambdahat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.trajectory.TrajectoryRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * stages and report on a synthetic run whose λ̂ rises to a peak at step 1000 while the loss falls (type A), then
 * falls while the loss stays flat (type B): the peak is found as a boundary and the two stages are typed A and B.
 */
class StagesAndReportTest {
    static void writeSyntheticRun(Path run) throws Exception {
        Path dir = Files.createDirectories(RunRecords.folder(run));
        Random rng = new Random(5);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 40; i++) {
            long step = Math.round(Math.pow(10, 1 + 3.5 * i / 39.0));            // 10 … ~31 600, log-spaced
            double x = Math.log(step) - Math.log(1000);
            double llc = 20 + 30 * Math.exp(-x * x / 2) + 0.3 * rng.nextGaussian(); // peak at step 1000
            double loss = 1.0 + 2.0 / (1 + Math.exp(3 * (x + 1.5))) + 0.002 * rng.nextGaussian(); // falls, then flat well before 1000
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("step", step);
            rec.put("init_loss", loss);
            rec.put("llc/mean", llc);
            rec.put("llc/stderr", 0.3);
            rec.put("llc/std", 0.6);
            rec.put("mala_accept/mean", 0.9);
            rec.put("llc/trace", new double[][] {{llc - 1, llc, llc + 1}, {llc + 1, llc, llc - 1}});
            Files.writeString(TrajectoryRunner.recordFile(dir, step), json.writeValueAsString(rec));
        }
    }

    @Test
    void findsTheTypeAThenTypeBStagesAndWritesTheReport(@TempDir Path run) throws Exception {
        writeSyntheticRun(run);
        CliTest.Run r = CliTest.run("stages", "--run", run.toString());
        assertEquals(0, r.code(), r.err());
        var stages = new ObjectMapper().readTree(Files.readString(run.resolve("stages.json")));
        var boundaries = stages.get("llc_boundaries");
        assertEquals(1, boundaries.size(), r.out());
        assertEquals("MAXIMUM", boundaries.get(0).get("kind").asText());
        assertEquals(Math.log(1000), Math.log(boundaries.get(0).get("step").asDouble()), 0.3, "peak within ×1.35 of step 1000");
        List<String> types = stages.get("stages").findValuesAsText("type");
        assertEquals(List.of("A", "B"), types, r.out());

        CliTest.Run rep = CliTest.run("report", "--run", run.toString());
        assertEquals(0, rep.code(), rep.err());
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), "charts embedded");
        assertTrue(Files.size(run.resolve("report/loss_llc.png")) > 10_000);
        assertEquals(41, Files.readAllLines(run.resolve("trajectory.csv")).size());
    }

    @Test
    void aRunWithoutRecordsIsAUsageError(@TempDir Path run) {
        CliTest.Run r = CliTest.run("stages", "--run", run.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("lambdahat trajectory"), r.err());
    }
}
