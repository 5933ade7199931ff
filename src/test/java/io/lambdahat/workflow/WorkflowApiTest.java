package io.lambdahat.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.cli.CliTest;
import io.lambdahat.dynamics.Boundary;
import io.lambdahat.dynamics.Stage;
import io.lambdahat.run.RunFolder;
import io.lambdahat.torch.Device;
import io.lambdahat.train.CheckpointSchedule;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.trajectory.TrajectoryRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A run's stages and report from Java without the CLI: train a small deep linear network, λ̂ at its checkpoints,
 * the stages and the report through {@code io.lambdahat.workflow}; the stages equal those {@code lambdahat stages}
 * computes from the same folder, and the report's files are there.
 */
class WorkflowApiTest {
    @Test
    void stagesAndReportOfARunWithoutTheCli(@TempDir Path dir) throws Exception {
        // the program an integrator writes
        Path run = dir.resolve("dln");
        RunTraining.train("dln", RunTraining.defaults("dln", 600).checkpoints(CheckpointSchedule.Kind.LOG).numCheckpoints(16).build(),
                Map.of(), run);
        var sampler = TaskSamplerDefaults.forTrainingTask("dln").builder().epsilon(1e-6).gamma(1000).chains(2).draws(100).burnin(100).build();
        RunFolder folder = RunFolder.of(run);
        CheckpointLlc.Result estimates = CheckpointLlc.estimate(folder, CheckpointSelection.every(folder, 1),
                new CheckpointLlc.Plan(sampler, false, false, TrajectoryRunner.Mismatch.STOP), note -> { }, TrajectoryRunner.Listener.NONE);
        RunStages.Analysis stages = RunStages.analyse(run);
        RunReportWriter.Written report = RunReportWriter.write(run);

        assertEquals(0, estimates.failed());
        int checkpoints = folder.checkpoints().size();
        assertTrue(checkpoints >= 8, "log-spaced checkpoints: " + checkpoints);
        assertEquals(checkpoints, estimates.outcomes().size());
        assertEquals(checkpoints, RunRecords.read(run).size(), "one record per checkpoint");
        assertTrue(Files.isRegularFile(report.html()) && Files.size(report.html()) > 10_000, "report.html with its charts");
        assertEquals(folder.reportHtml(), report.html());
        assertEquals(checkpoints + 1, Files.readAllLines(folder.trajectoryCsv()).size(), "trajectory.csv: a header and a row per checkpoint");
        assertTrue(Files.size(folder.reportFolder().resolve("loss_llc.png")) > 1000);

        // what the CLI computes from the same folder, independently of the analysis above
        CliTest.Run cli = CliTest.run("stages", "--run", run.toString(), "--json");
        assertEquals(0, cli.code(), cli.err());
        JsonNode json = new ObjectMapper().readTree(cli.out());
        List<Stage> ours = stages.stages().stages();
        assertEquals(ours.size(), json.get("stages").size(), cli.out());
        for (int i = 0; i < ours.size(); i++) {
            JsonNode s = json.get("stages").get(i);
            assertEquals(ours.get(i).startStep(), s.get("startStep").asDouble(), 1e-9 * Math.max(1, ours.get(i).startStep()));
            assertEquals(ours.get(i).endStep(), s.get("endStep").asDouble(), 1e-9 * Math.max(1, ours.get(i).endStep()));
            assertEquals(ours.get(i).type().name(), s.get("type").asText());
        }
        List<Boundary> boundaries = stages.stages().llcBoundaries();
        assertEquals(boundaries.size(), json.get("llc_boundaries").size());
        for (int i = 0; i < boundaries.size(); i++) {
            assertEquals(boundaries.get(i).kind().name(), json.get("llc_boundaries").get(i).get("kind").asText());
            assertEquals(boundaries.get(i).step(), json.get("llc_boundaries").get(i).get("step").asDouble(), 1e-9 * boundaries.get(i).step());
        }
        // and the table it prints is the library's
        CliTest.Run table = CliTest.run("stages", "--run", run.toString());
        assertTrue(table.out().contains(io.lambdahat.report.RunReport.stageTable(stages.stages())), table.out());
        assertEquals(Device.CPU, estimates.config().device());

        // checkpoint selection: every third (and the last), and named steps
        List<Long> steps = folder.checkpoints().stream().map(c -> c.step()).toList();
        List<Long> everyThird = new java.util.ArrayList<>();
        for (int i = 0; i < steps.size(); i += 3) everyThird.add(steps.get(i));
        if (!everyThird.getLast().equals(steps.getLast())) everyThird.add(steps.getLast());
        assertEquals(everyThird, CheckpointSelection.every(folder, 3).stream().map(c -> c.step()).toList());
        assertEquals(List.of(steps.get(1), steps.getLast()),
                CheckpointSelection.atSteps(folder, List.of(steps.getLast(), steps.get(1))).stream().map(c -> c.step()).toList());
        var missing = assertThrows(io.lambdahat.InvalidInputException.class, () -> CheckpointSelection.atSteps(folder, List.of(steps.getLast() + 1)));
        assertTrue(missing.getMessage().contains("no checkpoint at steps [" + (steps.getLast() + 1) + "]"), missing.getMessage());
    }
}
