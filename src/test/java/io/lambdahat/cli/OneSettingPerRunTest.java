package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.trajectory.RunRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One sampler setting per run, whichever command chooses it first: the pilot runs at the run's last checkpoint whatever
 * subset is selected, its ε and γ are recorded in DIR/trajectory-settings.json and reused, so trajectory on a subset and
 * then on the whole run, or watch and then trajectory, compose; watch prints each record's findings as trajectory does.
 */
class OneSettingPerRunTest {
    private static final String[] SAMPLER = {"--draws", "30", "--burnin", "20", "--chains", "2"};

    private static String[] cat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    private static Path train(Path root) {
        Path run = root.resolve("run");
        CliTest.Run t = CliTest.run("train", "--task", "dln", "--steps", "300", "--num-checkpoints", "5", "--out", run.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        return run;
    }

    /** ε of every record of the run. */
    private static List<Double> epsilons(Path run) throws Exception {
        List<Double> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(RunRecords.folder(run))) {
            for (Path f : s.sorted().toList()) out.add(new ObjectMapper().readTree(f.toFile()).at("/config/epsilon").asDouble());
        }
        return out;
    }

    private static double recordedEpsilon(Path run) throws Exception {
        JsonNode doc = new ObjectMapper().readTree(run.resolve("trajectory-settings.json").toFile());
        assertEquals(1, doc.get("settings").size(), doc.toString());
        assertEquals(300, doc.get("settings").get(0).get("step").asLong(), "chosen at the run's last checkpoint");
        return doc.get("settings").get(0).get("epsilon").asDouble();
    }

    @Test
    void aSubsetThenTheWholeRunSampleWithOneSetting(@TempDir Path root) throws Exception {
        Path run = train(root);
        BadInputTest.Proc subset = BadInputTest.launch(root, cat(new String[] {"trajectory", "--run", run.toString(), "--steps", "0,1,45"}, SAMPLER));
        assertEquals(0, subset.code(), subset.err());
        assertTrue(subset.err().contains("settings for every checkpoint (at step 300)"), "the pilot ran at the run's last checkpoint:\n" + subset.err());
        double epsilon = recordedEpsilon(run);

        BadInputTest.Proc whole = BadInputTest.launch(root, cat(new String[] {"trajectory", "--run", run.toString()}, SAMPLER));
        assertEquals(0, whole.code(), "the whole run after a subset is not refused:\n" + whole.err());
        assertTrue(whole.out().startsWith("λ̂ at 8 checkpoints of " + run + " (3 already done, 0 failed)"), whole.out());
        assertTrue(whole.err().contains("as recorded in trajectory-settings.json (chosen at step 300)"), whole.err());
        assertEquals(List.of(epsilon, epsilon, epsilon, epsilon, epsilon, epsilon, epsilon, epsilon), epsilons(run));

        // one shard of another run alone chooses the same setting as the whole run did
        Path other = Files.createDirectories(root.resolve("other"));
        Path second = train(other);
        BadInputTest.Proc shard = BadInputTest.launch(root, cat(new String[] {"trajectory", "--run", second.toString(), "--shard", "1/3"}, SAMPLER));
        assertEquals(0, shard.code(), shard.err());
        assertEquals(epsilon, recordedEpsilon(second), 0.0, "same run, same last checkpoint, same pilot: the same ε");
    }

    @Test
    void watchSamplesWithTheRunsSettingPrintsTheFindingsAndTrajectoryReusesItsRecords(@TempDir Path root) throws Exception {
        Path run = train(root);
        BadInputTest.Proc watch = BadInputTest.launch(root, cat(new String[] {"watch", "--run", run.toString(), "--once"}, SAMPLER));
        assertEquals(0, watch.code(), watch.err());
        assertTrue(watch.err().contains("note: settings for every checkpoint (at step 300)"), watch.err());
        double epsilon = recordedEpsilon(run);
        assertNotEquals(1e-4, epsilon, "the pilot's ε, not the task's fixed default");
        assertEquals(8, watch.out().lines().filter(l -> l.startsWith("checkpoint step ")).count(), watch.out());
        // the DLN's early checkpoints are saddles: the screen says so, as the records do
        for (String line : watch.out().lines().filter(l -> l.startsWith("checkpoint step ")).toList()) {
            long step = Long.parseLong(line.split("\\s+")[2]);
            RunRecords.Entry e = RunRecords.parse(RunRecords.folder(run).resolve(String.format("step-%09d.json", step)));
            assertTrue(line.endsWith(RunRecords.flags(e)), line + " shows " + RunRecords.flags(e));
            if (e.notLocalMinimum()) assertTrue(line.contains("[not local minimum"), line);
        }
        assertTrue(watch.out().contains("[not local minimum"), watch.out());

        BadInputTest.Proc traj = BadInputTest.launch(root, cat(new String[] {"trajectory", "--run", run.toString()}, SAMPLER));
        assertEquals(0, traj.code(), "trajectory after watch is not refused:\n" + traj.err());
        assertTrue(traj.out().startsWith("λ̂ at 8 checkpoints of " + run + " (8 already done, 0 failed)"), traj.out());
        assertEquals(8, epsilons(run).stream().filter(e -> e == epsilon).count());
    }
}
