package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.dynamics.Boundary;
import io.lambdahat.dynamics.MetricTransition;
import io.lambdahat.dynamics.StageAnalysis;
import io.lambdahat.dynamics.StageDetector;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.run.MetricsFile;
import io.lambdahat.run.MetricsRow;
import io.lambdahat.run.RunFolder;
import io.lambdahat.sweep.SweepComparison;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.trajectory.TrajectoryRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code lambdahat compare} on a synthetic sweep of two settings × four seeds whose λ̂ curves are known: λ̂ = 30 +
 * 15·cos(ln step − ln p) (a maximum at step p, a minimum at p·e^π) and a task metric that rises fastest at 1.5·p, so
 * the λ̂ maximum leads the metric by ln 1.5 in ln step. The median curves, the matched transition steps and the
 * lead/lag intervals are checked against values computed here from the written curves and from the stage detector run
 * on each cell alone, with the t quantile from the table.
 */
class CompareTest {
    /** Peaks per seed, by setting (the sweep's lr values). */
    static final Map<String, double[]> PEAKS = Map.of("0.05", new double[] {100, 120, 150, 180}, "0.1", new double[] {60, 70, 80, 90});
    static final double LEAD = Math.log(1.5);
    static final int CHECKPOINTS = 41;   // an odd count: the every-other-checkpoint run ends on the last step too

    static long step(int i) {
        return Math.round(Math.pow(10, 1 + 3.5 * i / (CHECKPOINTS - 1)));   // 10 … ~31 600, log-spaced
    }

    /** A sweep folder with the cells seed-S_lr-L, each holding λ̂ records and metrics.csv written by the project's writers. */
    static Path writeSweep(Path sweep) throws Exception {
        Files.createDirectories(sweep);
        Files.writeString(sweep.resolve("sweep.json"), """
                {"task": "dln", "seeds": [0, 1, 2, 3], "train": {"steps": 30000, "lr": [0.05, 0.1]}, "stages": false}
                """);
        for (int seed = 0; seed < 4; seed++) {
            for (String lr : List.of("0.05", "0.1")) {
                Path run = sweep.resolve("cells/seed-" + seed + "_lr-" + lr);
                // the last seed of the second setting has every other checkpoint only: the union of steps is read by interpolation
                writeRun(run, PEAKS.get(lr)[seed], 31L * seed + lr.length(), lr.equals("0.1") && seed == 3 ? 2 : 1);
            }
        }
        return sweep;
    }

    static double llc(long step, double peak, Random rng) {
        return 30 + 15 * Math.cos(Math.log(step) - Math.log(peak)) + 0.3 * rng.nextGaussian();
    }

    static void writeRun(Path run, double peak, long noiseSeed, int every) throws Exception {
        Path dir = Files.createDirectories(RunRecords.folder(run));
        Random rng = new Random(noiseSeed);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < CHECKPOINTS; i += every) {
            long step = step(i);
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("step", step);
            rec.put("init_loss", 1 + 2 / (1 + Math.exp(3 * (Math.log(step) - Math.log(peak) + 1))) + 0.002 * rng.nextGaussian());
            rec.put("llc/mean", llc(step, peak, rng));
            rec.put("llc/stderr", 0.3);
            AtomicFiles.writeString(TrajectoryRunner.recordFile(dir, step), json.writeValueAsString(rec));
        }
        try (MetricsFile metrics = RunFolder.of(run).openMetrics(List.of("acc"), -1)) {
            for (int i = 0; i < 80; i++) {
                long step = Math.round(Math.pow(10, 1 + 3.5 * i / 79.0));
                double acc = 1 / (1 + Math.exp(-3 * (Math.log(step) - Math.log(1.5 * peak)))) + 0.003 * rng.nextGaussian();
                metrics.append(new MetricsRow(step, 0.5, Double.NaN, 0.05, Map.of("acc", acc)));
            }
        }
    }

    static SweepComparison.Comparison compare(Path sweep) throws Exception {
        return SweepComparison.compare(sweep, run -> {
            var a = io.lambdahat.workflow.RunStages.analyse(run);
            return new SweepComparison.CellStages(a.stages(), a.metrics());
        });
    }

    @Test
    void medianCurvesMatchedTransitionsAndLeadIntervalsAgreeWithTheOracles(@TempDir Path root) throws Exception {
        Path sweep = writeSweep(root.resolve("sw"));
        SweepComparison.Comparison c = compare(sweep);
        assertEquals(List.of("lr-0.05", "lr-0.1"), c.settings().stream().map(SweepComparison.Setting::name).toList());
        for (SweepComparison.Setting s : c.settings()) {
            assertEquals(List.of(0L, 1L, 2L, 3L), s.runs().stream().map(SweepComparison.Run::seed).toList());
            assertTrue(s.notes().isEmpty(), s.notes().toString());
            String lr = s.name().substring("lr-".length());

            // median and band: at every step, from the four runs' own values (read back from the records) sorted here
            List<List<RunRecords.Entry>> records = new ArrayList<>();
            for (int seed = 0; seed < 4; seed++) records.add(RunRecords.read(sweep.resolve("cells/seed-" + seed + "_" + s.name())));
            assertEquals(CHECKPOINTS, s.llc().steps().length, "the union of the runs' steps");
            for (int i = 0; i < CHECKPOINTS; i++) {
                long step = step(i);
                assertEquals(step, s.llc().steps()[i]);
                double[] v = new double[4];
                for (int r = 0; r < 4; r++) v[r] = at(records.get(r), step);
                Arrays.sort(v);
                assertEquals((v[1] + v[2]) / 2, s.llc().median()[i], 1e-12, "median at step " + step);
                assertEquals(v[0] + 0.75 * (v[1] - v[0]), s.llc().low()[i], 1e-12, "25 % at step " + step);
                assertEquals(v[2] + 0.25 * (v[3] - v[2]), s.llc().high()[i], 1e-12, "75 % at step " + step);
            }

            // transitions: each cell's boundaries from the stage detector alone, the metric's from its own samples
            double[][] maxMin = new double[2][4];
            double[] leadSteps = new double[4], leadLog = new double[4], metricSteps = new double[4];
            for (int seed = 0; seed < 4; seed++) {
                StageAnalysis a = StageDetector.detect(RunRecords.trajectory(records.get(seed)));
                List<Boundary> b = a.llcBoundaries();
                assertEquals(List.of(Boundary.Kind.MAXIMUM, Boundary.Kind.MINIMUM), b.stream().map(Boundary::kind).toList(), s.name() + " seed " + seed);
                maxMin[0][seed] = b.get(0).step();
                maxMin[1][seed] = b.get(1).step();
                List<MetricsRow> rows = RunFolder.of(sweep.resolve("cells/seed-" + seed + "_" + s.name())).metrics();
                MetricTransition m = MetricTransition.fastest("acc", rows.stream().mapToLong(MetricsRow::step).toArray(),
                        rows.stream().mapToDouble(r -> r.metrics().get("acc")).toArray(), 1.0, a.options().significanceZ()).orElseThrow();
                metricSteps[seed] = m.step();
                leadSteps[seed] = m.step() - b.get(0).step();
                leadLog[seed] = Math.log(m.step() + 1) - Math.log(b.get(0).step() + 1);
                // the truth the synthetic curves were made with
                assertEquals(Math.log(PEAKS.get(lr)[seed]), Math.log(b.get(0).step()), 0.3, "maximum near the peak");
                assertEquals(Math.log(1.5 * PEAKS.get(lr)[seed]), Math.log(m.step()), 0.15, "metric transition near 1.5·peak");
            }
            // the metric's fastest change across the seeds, whether or not λ̂ has a boundary: each seed's own step
            assertEquals(1, s.metrics().size());
            SweepComparison.MetricSteps acc = s.metrics().getFirst();
            assertEquals("acc", acc.metric());
            assertArrayEquals(new long[] {0, 1, 2, 3}, acc.seeds());
            assertArrayEquals(metricSteps, acc.steps(), 0.0);
            double[] sortedMetric = metricSteps.clone();
            Arrays.sort(sortedMetric);
            assertEquals((sortedMetric[1] + sortedMetric[2]) / 2, acc.medianStep(), 1e-9);
            assertEquals(sortedMetric[0], acc.minStep(), 0.0);
            assertEquals(sortedMetric[3], acc.maxStep(), 0.0);
            assertEquals(2, s.transitions().size());
            SweepComparison.Transition max = s.transitions().get(0), min = s.transitions().get(1);
            assertEquals("maximum 1", max.name());
            assertEquals("minimum 1", min.name());
            for (int k = 0; k < 2; k++) {
                SweepComparison.Transition t = s.transitions().get(k);
                double[] steps = maxMin[k].clone();
                Arrays.sort(steps);
                assertEquals(4, t.occurrences().size());
                for (int seed = 0; seed < 4; seed++) assertEquals(maxMin[k][seed], t.occurrences().get(seed).boundary().step(), 0.0);
                assertEquals((steps[1] + steps[2]) / 2, t.medianStep(), 1e-9);
                assertEquals(steps[0], t.minStep(), 0.0);
                assertEquals(steps[3], t.maxStep(), 0.0);
            }
            // the lead of the maximum over the metric: mean ± t(0.975, 3)·sd/√4, t from the table
            double mean = Arrays.stream(leadLog).average().orElseThrow();
            double sd = Math.sqrt(Arrays.stream(leadLog).map(x -> (x - mean) * (x - mean)).sum() / 3);
            assertEquals(mean, max.leadLogSteps().mean(), 1e-12);
            assertEquals(mean - 3.182446 * sd / 2, max.leadLogSteps().low(), 1e-6);
            assertEquals(mean + 3.182446 * sd / 2, max.leadLogSteps().high(), 1e-6);
            double meanSteps = Arrays.stream(leadSteps).average().orElseThrow();
            double sdSteps = Math.sqrt(Arrays.stream(leadSteps).map(x -> (x - meanSteps) * (x - meanSteps)).sum() / 3);
            assertEquals(meanSteps - 3.182446 * sdSteps / 2, max.leadSteps().low(), 1e-6 * Math.abs(meanSteps) + 1e-6);
            assertEquals(meanSteps + 3.182446 * sdSteps / 2, max.leadSteps().high(), 1e-6 * Math.abs(meanSteps) + 1e-6);
            assertTrue(max.leadSteps().low() > 0, "λ̂'s maximum comes before the metric's rise: " + max.leadSteps());
            assertEquals(LEAD, mean, 0.25, "the lead the curves were made with, ln 1.5");
            // the minimum is far after the metric's rise: it lags, by about π − ln 1.5 in ln step
            assertEquals(LEAD - Math.PI, min.leadLogSteps().mean(), 0.4);
            assertTrue(min.leadLogSteps().high() < 0);
        }
    }

    /** A run's λ̂ at a step: its record's, or linear in ln(step + 1) between its neighbouring records. */
    static double at(List<RunRecords.Entry> entries, long step) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).step() == step) return entries.get(i).llcMean();
            if (entries.get(i).step() > step) {
                RunRecords.Entry a = entries.get(i - 1), b = entries.get(i);
                double w = (Math.log(step + 1.0) - Math.log(a.step() + 1.0)) / (Math.log(b.step() + 1.0) - Math.log(a.step() + 1.0));
                return (1 - w) * a.llcMean() + w * b.llcMean();
            }
        }
        return Double.NaN;
    }

    @Test
    void compareWritesTheTablesJsonAndReportAndRefusesWhatIsNotASweep(@TempDir Path root) throws Exception {
        Path sweep = writeSweep(root.resolve("sw"));
        CliTest.Run r = CliTest.run("compare", sweep.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("setting lr-0.05: 4 runs (seeds 0, 1, 2, 3)"), r.out());
        SweepComparison.Band llc = compare(sweep).settings().getFirst().llc();
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "at step %d (4 runs): median %.4g", step(CHECKPOINTS - 1), llc.median()[CHECKPOINTS - 1])), r.out());
        assertTrue(r.out().contains("maximum 1") && r.out().contains("minimum 1"), r.out());
        JsonNode json = new ObjectMapper().readTree(sweep.resolve("compare.json").toFile());
        assertEquals(2, json.get("settings").size());
        JsonNode max = json.get("settings").get(0).get("transitions").get(0);
        assertEquals(4, max.get("seeds").size());
        assertEquals(compare(sweep).settings().getFirst().transitions().getFirst().medianStep(), max.get("median_step").asDouble(), 1e-9);
        String html = Files.readString(sweep.resolve("report.html"));
        assertEquals(2 * 3, html.split("data:image/png;base64,", -1).length - 1, "λ̂, loss and transition charts per setting");

        Path empty = Files.createDirectories(root.resolve("not-a-sweep"));
        CliTest.Run bad = CliTest.run("compare", empty.toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains(empty + " is not a sweep folder (no sweep.json): run 'lambdahat sweep"), bad.err());

        Path unfinished = sweep.resolve("cells/seed-2_lr-0.1/llc");
        try (var files = Files.list(unfinished)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(unfinished);
        // a cell without records is left out and listed; the others are still compared, and the result says it is partial
        CliTest.Run partial = CliTest.run("compare", sweep.toString());
        assertEquals(0, partial.code(), partial.err());
        assertTrue(partial.out().startsWith("PARTIAL: 1 cells have no λ̂ records and are left out:\n  seed-2_lr-0.1: not run yet\n"), partial.out());
        JsonNode partialJson = new ObjectMapper().readTree(sweep.resolve("compare.json").toFile());
        assertTrue(partialJson.get("partial").asBoolean());
        assertEquals(2, partialJson.get("settings").size());
        assertEquals(3, partialJson.get("settings").get(1).get("runs").size(), "setting lr-0.1 keeps its three finished seeds");

        // with no cell to compare, it is still refused
        try (var cells = Files.list(sweep.resolve("cells"))) {
            for (Path cell : cells.toList()) {
                Path records = cell.resolve("llc");
                if (!Files.isDirectory(records)) continue;
                try (var files = Files.list(records)) {
                    for (Path f : files.toList()) Files.delete(f);
                }
                Files.delete(records);
            }
        }
        CliTest.Run none = CliTest.run("compare", sweep.toString());
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().startsWith("error: no cell of " + sweep + " has λ̂ records"), none.err());
        assertTrue(none.err().contains("finish the sweep first"), none.err());
    }
}
