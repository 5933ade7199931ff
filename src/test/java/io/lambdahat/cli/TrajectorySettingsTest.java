package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.trajectory.RunRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A trajectory's records know their settings: a rerun with other settings stops and names the difference instead of
 * silently reusing the old records; --recompute replaces them, --reuse keeps them on purpose; stages and report refuse
 * records that mix settings unless asked.
 */
class TrajectorySettingsTest {
    static JsonNode config(Path run, long step) throws Exception {
        Path f;
        try (var files = Files.list(RunRecords.folder(run))) {
            f = files.filter(p -> p.getFileName().toString().equals(String.format("step-%09d.json", step))).findFirst().orElseThrow();
        }
        return new ObjectMapper().readTree(f.toFile()).get("config");
    }

    @Test
    void otherSettingsStopOrRecomputeAndMixedRecordsAreRefused(@TempDir Path root) throws Exception {
        Path run = root.resolve("run");
        assertEquals(0, CliTest.run("train", "--task", "dln", "--steps", "200", "--num-checkpoints", "4", "--out", run.toString(), "--quiet").code());
        String[] first = {"trajectory", "--run", run.toString(), "--epsilon", "1e-5", "--gamma", "10", "--draws", "40", "--burnin", "40",
                "--chains", "2", "--quiet"};
        CliTest.Run a = CliTest.run(first);
        assertEquals(0, a.code(), a.err());
        List<RunRecords.Entry> records = RunRecords.read(run);
        long last = records.getLast().step();

        CliTest.Run other = CliTest.run("trajectory", "--run", run.toString(), "--epsilon", "1e-5", "--gamma", "10", "--draws", "40",
                "--burnin", "40", "--chains", "3", "--quiet");
        assertEquals(2, other.code(), other.err());
        assertTrue(other.err().contains("num_chains: 2 → 3"), other.err());
        assertTrue(other.err().contains("--recompute") && other.err().contains("--reuse"), other.err());
        assertEquals(2, config(run, last).get("num_chains").asInt(), "nothing was replaced");

        CliTest.Run recomputed = CliTest.run("trajectory", "--run", run.toString(), "--epsilon", "1e-5", "--gamma", "10", "--draws", "40",
                "--burnin", "40", "--chains", "3", "--recompute", "--quiet");
        assertEquals(0, recomputed.code(), recomputed.err());
        for (RunRecords.Entry e : RunRecords.read(run)) assertEquals(3, config(run, e.step()).get("num_chains").asInt());

        // one record made with other settings on purpose: the trajectory now mixes settings
        CliTest.Run reused = CliTest.run("trajectory", "--run", run.toString(), "--epsilon", "2e-5", "--gamma", "10", "--draws", "40",
                "--burnin", "40", "--chains", "3", "--steps", Long.toString(last), "--recompute", "--quiet");
        assertEquals(0, reused.code(), reused.err());
        assertEquals(2e-5, config(run, last).get("epsilon").asDouble());
        CliTest.Run stages = CliTest.run("stages", "--run", run.toString());
        assertEquals(2, stages.code(), stages.err());
        assertTrue(stages.err().contains("mix sampler settings") && stages.err().contains("epsilon"), stages.err());
        CliTest.Run keep = CliTest.run("trajectory", "--run", run.toString(), "--epsilon", "1e-5", "--gamma", "10", "--draws", "40",
                "--burnin", "40", "--chains", "3", "--reuse", "--quiet");
        assertEquals(0, keep.code(), keep.err());
        assertEquals(2e-5, config(run, last).get("epsilon").asDouble(), "--reuse keeps the odd record");
    }

    @Test
    void targetsAreASettingOfEveryRecord(@TempDir Path root) throws Exception {
        Path run = root.resolve("run");
        assertEquals(0, CliTest.run("train", "--task", "dln", "--steps", "200", "--num-checkpoints", "4", "--out", run.toString(), "--quiet").code());
        String[] sampler = {"--epsilon", "1e-4", "--gamma", "1", "--draws", "40", "--burnin", "40", "--chains", "2", "--quiet"};
        CliTest.Run data = CliTest.run(with(new String[] {"trajectory", "--run", run.toString()}, sampler));
        assertEquals(0, data.code(), data.err());
        List<RunRecords.Entry> ofData = RunRecords.read(run);
        for (RunRecords.Entry e : ofData) assertEquals("data", config(run, e.step()).get("targets").asText());
        assertTrue(ofData.getFirst().notLocalMinimum(), "the initial saddle with the data's targets");

        CliTest.Run other = CliTest.run(with(new String[] {"trajectory", "--run", run.toString(), "--targets-from", "model"}, sampler));
        assertEquals(2, other.code(), other.err());
        assertTrue(other.err().contains("targets: data → model") && other.err().contains("--recompute"), other.err());

        CliTest.Run model = CliTest.run(with(new String[] {"trajectory", "--run", run.toString(), "--targets-from", "model", "--recompute"}, sampler));
        assertEquals(0, model.code(), model.err());
        List<RunRecords.Entry> ofModel = RunRecords.read(run);
        assertEquals(ofData.size(), ofModel.size());
        for (int i = 0; i < ofModel.size(); i++) {
            RunRecords.Entry d = ofData.get(i), m = ofModel.get(i);
            assertEquals(io.lambdahat.trajectory.Targets.MODEL, m.targets());
            assertEquals(0.0, m.raw().get("init_loss").asDouble(), 1e-12, "the loss against its own outputs at w*");
            // the record's loss is still the loss on the training targets: the data-target record's exact L_n(w*)
            assertEquals(d.loss(), m.loss(), 1e-6 * d.loss(), "step " + m.step());
            assertFalse(m.notLocalMinimum(), "step " + m.step());
            assertTrue(m.llcMean() > 0, "step " + m.step() + ": " + m.llcMean());
        }
        // one record back to the data's targets: the records now mix settings, and stages says how
        CliTest.Run one = CliTest.run(with(new String[] {"trajectory", "--run", run.toString(), "--targets-from", "data", "--recompute", "--steps",
                Long.toString(ofModel.getLast().step())}, sampler));
        assertEquals(0, one.code(), one.err());
        CliTest.Run stages = CliTest.run("stages", "--run", run.toString());
        assertEquals(2, stages.code(), stages.err());
        assertTrue(stages.err().contains("targets: data → model"), stages.err());

        CliTest.Run crossing = CliTest.run("llc", "--task", "crossing", "--targets-from", "model");
        assertEquals(2, crossing.code(), crossing.err());
        assertTrue(crossing.err().contains("regression model with data"), crossing.err());
        CliTest.Run unknown = CliTest.run(with(new String[] {"trajectory", "--run", run.toString(), "--targets-from", "labels"}, sampler));
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("use data (the training targets) or model"), unknown.err());
    }

    static String[] with(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
