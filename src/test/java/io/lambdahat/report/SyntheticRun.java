package io.lambdahat.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.trajectory.HeadTrajectory;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.trajectory.TrajectoryRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A run folder written by hand, of the size a real one reaches: λ̂ records at log-spaced steps from 0 (four chains of
 * 1000 draws each, R̂, ESS, MALA, one checkpoint that is not a local minimum and one with a warning), per-head λ̂ for
 * eight heads, and a metrics.csv with a constant learning rate and three task metrics that change close together, so
 * that their band labels would overlap on one row.
 */
final class SyntheticRun {
    /** The step of the checkpoint whose chains ran downhill. */
    static final int NOT_LOCAL = 5;
    /** The index of the checkpoint with a low-acceptance warning. */
    static final int WARNED = 40;

    private SyntheticRun() {}

    static long step(int i, int checkpoints) {
        return i == 0 ? 0 : Math.round(Math.pow(10, 4.0 * i / (checkpoints - 1)));
    }

    /** λ̂ rises in a step near 150 and falls a little after 2000. */
    static double llc(long step) {
        double x = Math.log(Math.max(step, 1));
        return 10 + 8 / (1 + Math.exp(-3 * (x - Math.log(150)))) - 3 / (1 + Math.exp(-3 * (x - Math.log(2000))));
    }

    static double loss(long step) {
        double x = Math.log(Math.max(step, 1));
        return 0.05 + 4 / (1 + Math.exp(3 * (x - Math.log(120))));
    }

    /**
     * Writes the run.
     *
     * @param run         the folder
     * @param checkpoints how many λ̂ records (distinct steps from 0 to 10 000)
     * @param heads       whether to write per-head records
     */
    static void write(Path run, int checkpoints, boolean heads) throws IOException {
        write(run, checkpoints, heads, 11);
    }

    /**
     * Writes the run with its own noise.
     *
     * @param run         the folder
     * @param checkpoints how many λ̂ records
     * @param heads       whether to write per-head records
     * @param seed        the noise's seed (runs of one sweep setting differ by it)
     */
    static void write(Path run, int checkpoints, boolean heads, long seed) throws IOException {
        Path dir = Files.createDirectories(RunRecords.folder(run));
        Path headDir = heads ? Files.createDirectories(HeadTrajectory.folder(run)) : null;
        Random rng = new Random(seed);
        ObjectMapper json = new ObjectMapper();
        long previous = -1;
        for (int i = 0; i < checkpoints; i++) {
            long step = Math.max(step(i, checkpoints), previous + 1);
            previous = step;
            double llc = llc(step) + 0.1 * rng.nextGaussian() + (seed == 11 ? 0 : 0.5 * (seed % 5));
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("step", step);
            rec.put("init_loss", loss(step));
            rec.put("llc/mean", i == NOT_LOCAL ? -4.0 : llc);
            rec.put("llc/stderr", 0.2 + 0.01 * (i % 7));
            rec.put("llc/std", 0.5);
            rec.put("mala_accept/mean", i == WARNED ? 0.31 : 0.9 - 0.001 * i);
            rec.put("rhat", 1.0 + 0.001 * (i % 13));
            rec.put("ess", List.of(60.0 + i % 5, 55.0, 58.0, 61.0));
            double[][] trace = new double[4][1000];
            for (double[] chain : trace) for (int t = 0; t < chain.length; t++) chain[t] = llc * (1 - Math.exp(-t / 50.0)) + 0.5 * rng.nextGaussian();
            rec.put("llc/trace", trace);
            List<Map<String, Object>> issues = new ArrayList<>();
            if (i == WARNED) issues.add(Map.of("kind", "low_acceptance", "severity", "warning"));
            rec.put("diagnostics", Map.of("not_local_minimum", i == NOT_LOCAL, "issues", issues));
            rec.put("config", Map.of("sampler", "sgld", "epsilon", 1e-3, "gamma", 100.0, "nbeta", 30.0, "num_chains", 4,
                    "num_draws", 1000, "num_burnin_steps", 0));
            Files.writeString(TrajectoryRunner.recordFile(dir, step), json.writeValueAsString(rec));
            if (heads) {
                Map<String, Object> h = new LinkedHashMap<>();
                for (int l = 0; l < 2; l++) {
                    for (int k = 0; k < 4; k++) {
                        double v = 1 + 0.5 * k + (l == 1 && k == 2 ? 3 / (1 + Math.exp(-3 * (Math.log(Math.max(step, 1)) - Math.log(300)))) : 0);
                        h.put("L" + l + "H" + k, Map.of("llc/mean", v + 0.02 * rng.nextGaussian(), "llc/stderr", 0.05));
                    }
                }
                Files.writeString(TrajectoryRunner.recordFile(headDir, step), json.writeValueAsString(Map.of("step", step, "heads", h)));
            }
        }
        StringBuilder csv = new StringBuilder("step,train_loss,held_out_loss,lr,mode_1,mode_2,mode_3\n");
        for (long s = 0; s <= 10_000; s += s < 1000 ? 2 : 20) {
            double x = Math.log(Math.max(s, 1));
            csv.append(String.format(Locale.ROOT, "%d,%.6g,%.6g,0.05,%.6g,%.6g,%.6g%n", s, loss(s), loss(s) * 1.05,
                    4 / (1 + Math.exp(-8 * (x - Math.log(110)))), 2 / (1 + Math.exp(-8 * (x - Math.log(130)))),
                    1 / (1 + Math.exp(-8 * (x - Math.log(160))))));
        }
        Files.writeString(run.resolve("metrics.csv"), csv);
    }
}
