package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.trajectory.TrajectoryRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * watch --on-transition: on a run whose λ̂ records rise to a peak and fall again, one look estimates the new checkpoint,
 * and the command it runs for each newly confirmed transition gets the kind and steps that the stage analysis of the
 * same records gives; a restarted watch does not announce them again.
 */
class WatchTransitionTest {
    @Test
    void onTransitionGetsTheStagesTransitionsOnce(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, CliTest.run("train", "--task", "dln", "--steps", "400", "--checkpoints", "log", "--num-checkpoints", "30",
                "--out", run.toString(), "--quiet").code());
        List<Checkpoints.Checkpoint> all = RunFolder.of(run).checkpoints();
        assertTrue(all.size() >= 15, "log-spaced checkpoints: " + all.size());
        long last = all.get(all.size() - 1).step();
        String[] sampler = {"--epsilon", "1e-6", "--gamma", "1000", "--chains", "2", "--draws", "20", "--burnin", "10"};
        // the sampler settings watch records (one real record, made as watch will remake it), so that the records agree
        CliTest.Run one = CliTest.run(cat(new String[] {"trajectory", "--run", run.toString(), "--steps", Long.toString(last), "--quiet"}, sampler));
        assertEquals(0, one.code(), one.err());
        Path lastRecord = TrajectoryRunner.recordFile(RunFolder.of(run).llcRecords(), last);
        JsonNode settings = new ObjectMapper().readTree(lastRecord.toFile()).get("config");
        Files.delete(lastRecord);
        // records for every checkpoint but the last, whose λ̂ peaks at the middle checkpoint (in log step) while the loss falls
        long peak = all.get(all.size() / 2).step();
        Random rng = new Random(3);
        for (Checkpoints.Checkpoint c : all.subList(0, all.size() - 1)) writeRecord(run, c.step(), peak, settings, rng);

        Path log = tmp.resolve("transitions.txt");
        String hook = "echo \"$LAMBDAHAT_KIND $LAMBDAHAT_STEP $LAMBDAHAT_STEP_LOW $LAMBDAHAT_STEP_HIGH $LAMBDAHAT_RUN\" >> " + log;
        String[] watch = cat(new String[] {"watch", "--run", run.toString(), "--once", "--on-transition", hook}, sampler);
        CliTest.Run r = CliTest.run(watch);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("checkpoint step " + last + "  loss "), r.out());

        // the oracle: the stages of the same records, computed by 'lambdahat stages'; confirmed = interval closed before the last step
        CliTest.Run stages = CliTest.run("stages", "--run", run.toString(), "--json");
        assertEquals(0, stages.code(), stages.err());
        List<String> expected = new ArrayList<>();
        for (JsonNode b : new ObjectMapper().readTree(stages.out()).get("llc_boundaries")) {
            if (b.get("stepHigh").asDouble() < last) {
                expected.add(String.format(Locale.ROOT, "%s %.0f %.0f %.0f %s", b.get("kind").asText().toLowerCase(Locale.ROOT),
                        b.get("step").asDouble(), b.get("stepLow").asDouble(), b.get("stepHigh").asDouble(), run.toAbsolutePath()));
            }
        }
        assertFalse(expected.isEmpty(), "the records' peak is a confirmed transition: " + stages.out());
        assertTrue(expected.stream().anyMatch(e -> e.startsWith("maximum ")), expected.toString());
        String maximum = expected.stream().filter(e -> e.startsWith("maximum ")).findFirst().orElseThrow();
        double step = Double.parseDouble(maximum.split(" ")[1]);
        assertEquals(Math.log(peak), Math.log(step), 0.5, "the maximum lies near the records' peak at step " + peak);
        assertEquals(expected, Files.readAllLines(log));
        assertEquals(expected.size(), r.out().lines().filter(l -> l.startsWith("transition: λ̂ ")).count(), r.out());

        // restarted after the last record is lost: the checkpoint is estimated again, the transitions are not announced again
        Files.delete(TrajectoryRunner.recordFile(RunFolder.of(run).llcRecords(), last));
        CliTest.Run again = CliTest.run(watch);
        assertEquals(0, again.code(), again.err());
        assertEquals(1, again.out().lines().count(), again.out());
        assertEquals(expected, Files.readAllLines(log));
    }

    private static String[] cat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static void writeRecord(Path run, long step, long peak, JsonNode settings, Random rng) throws Exception {
        double x = Math.log(step) - Math.log(peak);
        double llc = 20 + 30 * Math.exp(-x * x / 0.5) + 0.3 * rng.nextGaussian();
        double loss = 1.0 + 2.0 / (1 + Math.exp(3 * (x + 1.5))) + 0.002 * rng.nextGaussian();
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        rec.put("init_loss", loss);
        rec.put("llc/mean", llc);
        rec.put("llc/stderr", 0.3);
        rec.put("llc/std", 0.6);
        rec.put("mala_accept/mean", 0.9);
        rec.put("llc/trace", new double[][] {{llc - 1, llc, llc + 1}, {llc + 1, llc, llc - 1}});
        rec.put("config", settings);
        Path dir = Files.createDirectories(RunFolder.of(run).llcRecords());
        Files.writeString(TrajectoryRunner.recordFile(dir, step), new ObjectMapper().writeValueAsString(rec));
    }
}
