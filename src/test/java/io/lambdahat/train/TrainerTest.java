package io.lambdahat.train;

import io.lambdahat.io.SafeTensors;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.MetricsFile;
import io.lambdahat.run.MetricsRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import io.lambdahat.data.EpochSampler;
import io.lambdahat.tasks.DlnTask;
import io.lambdahat.tasks.TaskRegistry;
import io.lambdahat.tasks.TrainingTask;

/** End-to-end runs of the trainer: saddle-to-saddle learning, checkpoints, resume, and the files a run leaves. */
class TrainerTest {
    static final long DLN_STEPS = 1000;

    @TempDir
    static Path shared;
    static Path dlnRun;
    static List<MetricsRow> dlnRows;
    static double[] plateaus;

    static TrainConfig.Builder dln(long steps) {
        return TrainConfig.builder().steps(steps).batch(64).seed(7).optimizer("sgd").lr(0.05).logEvery(10).numCheckpoints(12);
    }

    static TrainingTask task(TrainConfig config) {
        return TaskRegistry.get("dln").create(config.taskOptions(Map.of()));
    }

    static TrainResult train(TrainConfig config, Path dir) throws IOException {
        try (TrainingTask t = task(config)) {
            return new Trainer("dln", t, config, dir).run();
        }
    }

    @BeforeAll
    static void trainTheDln() throws IOException {
        dlnRun = shared.resolve("dln");
        TrainConfig config = dln(DLN_STEPS).build();
        try (TrainingTask t = task(config)) {
            plateaus = ((DlnTask) t).plateauLosses();
            TrainResult r = new Trainer("dln", t, config, dlnRun).run();
            assertTrue(r.complete());
            assertEquals(DLN_STEPS, r.endStep());
        }
        dlnRows = MetricsFile.read(dlnRun.resolve(MetricsFile.NAME));
    }

    static double[] heldOut(List<MetricsRow> rows) {
        return rows.stream().mapToDouble(MetricsRow::heldOutLoss).toArray();
    }

    /**
     * Plateaus are maximal runs of at least three consecutive rows within 10 % of each other; a drop is a later
     * plateau (or the end of the curve) at least 2× lower than the one before it. Returns the plateau levels
     * that were followed by a drop.
     */
    static List<Double> plateausThenDrops(double[] loss) {
        List<Double> levels = new ArrayList<>();
        int i = 0;
        while (i + 2 < loss.length) {
            if (spread(loss, i, i + 3) < 1.1) {
                int end = i + 3;
                while (end < loss.length && spread(loss, i, end + 1) < 1.1) end++;
                levels.add(median(Arrays.copyOfRange(loss, i, end)));
                i = end;
            } else {
                i++;
            }
        }
        levels.add(loss[loss.length - 1]);
        List<Double> dropped = new ArrayList<>();
        for (int k = 0; k + 1 < levels.size(); k++) if (levels.get(k + 1) < levels.get(k) / 2) dropped.add(levels.get(k));
        return dropped;
    }

    static double spread(double[] v, int from, int to) {
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (int i = from; i < to; i++) {
            lo = Math.min(lo, v[i]);
            hi = Math.max(hi, v[i]);
        }
        return hi / lo;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    @Test
    void dlnGoesSaddleToSaddle() {
        // Evenly spaced rows only (the log-spaced checkpoints add rows early on).
        List<MetricsRow> even = dlnRows.stream().filter(r -> r.step() % 10 == 0).toList();
        assertEquals(DLN_STEPS / 10 + 1, even.size(), "a row every 10 steps");
        double[] loss = heldOut(even);
        assertEquals(plateaus[0], loss[0], 0.1 * plateaus[0], "the start: Σ s² / d_out");
        assertTrue(loss[loss.length - 1] < 1e-4 * loss[0], "held-out loss falls by over 10⁴: " + loss[0] + " → " + loss[loss.length - 1]);

        List<Double> dropped = plateausThenDrops(loss);
        assertTrue(dropped.size() >= 2, "at least two plateaus each followed by a drop, found " + dropped + " in " + Arrays.toString(loss));
        // The plateaus sit where the theory puts them: L_k = Σ_{j>k} s_j² / d_out after k modes are learned.
        for (int k = 1; k <= 2; k++) {
            double level = plateaus[k];
            int run = 0, best = 0;
            for (double l : loss) {
                run = Math.abs(l - level) < 0.1 * level ? run + 1 : 0;
                best = Math.max(best, run);
            }
            assertTrue(best >= 3, "a plateau at L_" + k + " = " + level + " lasting ≥ 3 rows, longest " + best);
        }
        // Modes are learned one at a time, strongest first, each to its singular value.
        double[] s = {5, 2.5, 1.25};
        long previous = -1;
        for (int i = 0; i < 3; i++) {
            String name = "mode_" + (i + 1);
            final int mode = i;
            long half = dlnRows.stream().filter(r -> r.metrics().get(name) > s[mode] / 2).mapToLong(MetricsRow::step).findFirst().orElse(-1);
            assertTrue(half > previous, name + " reaches half its strength at step " + half + ", after the previous mode (" + previous + ")");
            previous = half;
            assertEquals(s[i], dlnRows.getLast().metrics().get(name), 0.01 * s[i], name + " ends at s_" + (i + 1));
        }
    }

    @Test
    void checkpointsReloadToTheSameWeightsAndLoss() throws IOException {
        TrainConfig config = dln(DLN_STEPS).build();
        List<Checkpoints.Checkpoint> files = Checkpoints.list(dlnRun);
        assertArrayEquals(config.checkpointSteps(), files.stream().mapToLong(Checkpoints.Checkpoint::step).toArray());
        try (TrainingTask t = task(config); Scope s = Scope.open(); var ng = Torch.noGrad()) {
            ParameterLayout layout = t.model().layout();
            for (Checkpoints.Checkpoint c : files) {
                try (SafeTensorsFile f = SafeTensors.open(c.file())) {
                    assertEquals(layout.entries().stream().map(ParameterLayout.Entry::name).toList(), f.names(), "named in layout order");
                    for (ParameterLayout.Entry e : layout.entries()) assertArrayEquals(e.shape(), f.info(e.name()).shape(), "no chain axis");
                    assertEquals(Long.toString(c.step()), f.metadata().get("step"));
                }
                Tensor flat = Checkpoints.loadFlat(c.file(), layout);
                ChainParameters params = ChainParameters.replicate(layout, flat, 1);
                double loss = t.evaluate(params.views()).loss();
                MetricsRow row = dlnRows.stream().filter(r -> r.step() == c.step()).findFirst().orElseThrow();
                assertEquals(row.heldOutLoss(), loss, 0, "held-out loss of the reloaded checkpoint at step " + c.step());
                params.close();
                flat.close();
            }
            // The last checkpoint holds exactly the weights of the saved state.
            Tensor last = Checkpoints.loadFlat(files.getLast().file(), layout);
            Map<String, Tensor> state = SafeTensors.load(dlnRun.resolve(Trainer.STATE_FOLDER).resolve(Trainer.STATE_FILE));
            assertArrayEquals(state.get("params").toFloatArray(), last.toFloatArray());
            state.values().forEach(Tensor::close);
            last.close();
        }
    }

    @Test
    void aFinishedRunIsNotRedone() throws IOException {
        Path last = Checkpoints.list(dlnRun).getLast().file();
        var before = Files.getLastModifiedTime(last);
        String metrics = Files.readString(dlnRun.resolve(MetricsFile.NAME));
        TrainResult again = train(dln(DLN_STEPS).build(), dlnRun);
        assertTrue(again.complete());
        assertEquals(DLN_STEPS, again.startStep());
        assertEquals(0, again.checkpointsWritten());
        assertEquals(before, Files.getLastModifiedTime(last));
        assertEquals(metrics, Files.readString(dlnRun.resolve(MetricsFile.NAME)));
    }

    static final Pattern FINAL_NAMES = Pattern.compile("config\\.json|metrics\\.csv|\\.lock|checkpoints|state|step-\\d{6}\\.safetensors|trainer\\.safetensors");

    static List<String> allFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    static void assertSameRun(Path expected, Path actual) throws IOException {
        assertEquals(allFiles(expected), allFiles(actual));
        assertEquals(Files.readString(expected.resolve(MetricsFile.NAME)), Files.readString(actual.resolve(MetricsFile.NAME)), "metrics.csv");
        for (Checkpoints.Checkpoint c : Checkpoints.list(expected)) {
            Map<String, Tensor> a = SafeTensors.load(c.file());
            Map<String, Tensor> b = SafeTensors.load(actual.resolve(expected.relativize(c.file())));
            for (String name : a.keySet()) assertArrayEquals(a.get(name).toFloatArray(), b.get(name).toFloatArray(), c.file().getFileName() + " " + name);
            a.values().forEach(Tensor::close);
            b.values().forEach(Tensor::close);
        }
    }

    @Test
    void resumeAfterAPauseOrACrashGivesTheUninterruptedRun(@TempDir Path tmp) throws IOException {
        // AdamW with decay, a cosine schedule and clipping: every piece of state a resume must bring back.
        TrainConfig config = dln(200).numCheckpoints(6).logEvery(7).optimizer("adamw").lr(3e-3).weightDecay(0.01)
                .schedule(LearningRateSchedule.Kind.COSINE).warmup(30).clip(1.0).build();
        Path straight = tmp.resolve("straight"), paused = tmp.resolve("paused"), crashed = tmp.resolve("crashed");
        train(config, straight);

        try (TrainingTask t = task(config)) {
            TrainResult first = new Trainer("dln", t, config, paused).stopAfter(95).run();
            assertFalse(first.complete());
            assertEquals(95, first.endStep());
        }
        TrainResult rest = train(config, paused);
        assertEquals(95, rest.startStep());
        assertTrue(rest.complete());
        assertSameRun(straight, paused);

        // A crash between checkpoints: the rows written after the last saved state are dropped and written again.
        long[] lastCheckpointBeforeCrash = {-1};
        try (TrainingTask t = task(config)) {
            Trainer trainer = new Trainer("dln", t, config, crashed).observer(new TrainingObserver() {
                @Override
                public void onStep(long step, long total, double trainLoss, double lr) {
                    if (step == 170) throw new IllegalStateException("simulated crash");
                }

                @Override
                public void onCheckpoint(long step, Path file) {
                    lastCheckpointBeforeCrash[0] = step;
                }
            });
            assertThrows(IllegalStateException.class, trainer::run);
        }
        List<MetricsRow> partial = MetricsFile.read(crashed.resolve(MetricsFile.NAME));
        assertTrue(partial.getLast().step() > lastCheckpointBeforeCrash[0], "rows past the last checkpoint exist before resuming");
        // A temporary left by a killed atomic write is cleaned up, never taken for a checkpoint.
        Path stale = crashed.resolve("checkpoints/.step-000200.safetensors.0123456789abcdef.tmp");
        Files.writeString(stale, "half a file");
        TrainResult resumed = train(config, crashed);
        assertEquals(lastCheckpointBeforeCrash[0], resumed.startStep());
        assertFalse(Files.exists(stale));
        assertSameRun(straight, crashed);
        for (String f : allFiles(crashed)) {
            for (String part : f.split("/")) assertTrue(FINAL_NAMES.matcher(part).matches(), "unexpected file " + f);
        }
    }

    @Test
    void onlyCompleteFilesAreEverVisible(@TempDir Path tmp) throws IOException {
        TrainConfig config = dln(120).numCheckpoints(5).build();
        Path dir = tmp.resolve("run");
        List<Long> seen = new ArrayList<>();
        try (TrainingTask t = task(config)) {
            new Trainer("dln", t, config, dir).observer(new TrainingObserver() {
                @Override
                public void onStep(long step, long total, double trainLoss, double lr) {
                    try {
                        for (String f : allFiles(dir)) {
                            for (String part : f.split("/")) assertTrue(FINAL_NAMES.matcher(part).matches(), "visible mid-run: " + f);
                        }
                        for (Checkpoints.Checkpoint c : Checkpoints.list(dir)) {
                            try (SafeTensorsFile file = SafeTensors.open(c.file())) {
                                assertEquals(t.model().layout().entries().size(), file.size());
                            }
                        }
                        seen.add(step);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }).run();
        }
        assertEquals(120, seen.size());
    }

    @Test
    void aDifferentConfigIsRefusedAndAnotherSeedGivesOtherWeights(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("run");
        train(dln(40).numCheckpoints(3).build(), dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train(dln(40).numCheckpoints(3).lr(0.01).build(), dir));
        assertTrue(e.getMessage().contains("run.optimizer.lr"), e.getMessage());

        Path other = tmp.resolve("other");
        train(dln(40).numCheckpoints(3).seed(8).build(), other);
        try (Scope s = Scope.open()) {
            float[] a = SafeTensors.load(Checkpoints.list(dir).getLast().file()).get("layers.0.weight").toFloatArray();
            float[] b = SafeTensors.load(Checkpoints.list(other).getLast().file()).get("layers.0.weight").toFloatArray();
            assertFalse(Arrays.equals(a, b));
        }

        Path notARun = tmp.resolve("busy");
        Files.createDirectories(notARun);
        Files.writeString(notARun.resolve("notes.txt"), "mine");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Trainer.checkOutputDir(notARun)).getMessage().contains("not empty"));
    }

    @Test
    void mlpTeacherRegressionLearns(@TempDir Path tmp) throws IOException {
        TrainConfig config = TrainConfig.builder().steps(400).batch(64).seed(3).optimizer("adamw").lr(3e-3)
                .schedule(LearningRateSchedule.Kind.COSINE).warmup(20).clip(5).numCheckpoints(3).logEvery(50).build();
        try (TrainingTask t = TaskRegistry.get("mlp").create(config.taskOptions(Map.of("widths", "4,32,1")))) {
            new Trainer("mlp", t, config, tmp).run();
        }
        List<MetricsRow> rows = MetricsFile.read(tmp.resolve(MetricsFile.NAME));
        double first = rows.getFirst().heldOutLoss(), last = rows.getLast().heldOutLoss();
        assertTrue(last < first / 10, "held-out loss " + first + " → " + last);
        assertEquals(0.5 * 3e-3 * (1 + Math.cos(Math.PI * (399 - 20) / 380.0)), rows.getLast().lr(), 1e-15, "lr of the last update");
    }

    @Test
    void epochSamplerIsAPureFunctionOfTheUpdate() {
        EpochSampler s = new EpochSampler(10, 4, 5);
        long[] later = s.indices(7);
        long[] sequence = new long[40];
        for (int t = 0; t < 10; t++) System.arraycopy(s.indices(t), 0, sequence, 4 * t, 4);
        assertArrayEquals(Arrays.copyOfRange(sequence, 28, 32), later, "the same batch whether or not earlier ones were drawn");
        for (int epoch = 0; epoch < 4; epoch++) {
            long[] e = Arrays.copyOfRange(sequence, 10 * epoch, 10 * epoch + 10);
            Arrays.sort(e);
            assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, e, "epoch " + epoch + " visits every sample once");
        }
        assertFalse(Arrays.equals(Arrays.copyOfRange(sequence, 0, 10), Arrays.copyOfRange(sequence, 10, 20)), "epochs reshuffle");
        assertThrows(IllegalArgumentException.class, () -> new EpochSampler(10, 11, 0));
    }
}
