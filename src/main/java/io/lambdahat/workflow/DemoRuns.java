package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.sampling.InitLoss;
import io.lambdahat.torch.Device;
import io.lambdahat.train.CheckpointSchedule;
import io.lambdahat.trajectory.Targets;
import io.lambdahat.trajectory.TrajectoryRunner;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The demos of {@code lambdahat demo} as pipelines. dln: a deep linear network learning a teacher's singular values one
 * at a time (saddle to saddle), with λ̂ of the learned function at each checkpoint ({@link Targets#MODEL}); induction:
 * a 2-layer attention-only transformer forming induction heads; grokking:
 * modular addition mod 53 memorising, then generalising while λ̂ falls at flat training loss.
 */
public final class DemoRuns {
    private DemoRuns() {}

    /**
     * One demo.
     *
     * @param name     its name
     * @param pipeline what it runs
     * @param commands the lambdahat command line that does each step by hand
     */
    public record Demo(String name, RunPipeline pipeline, Map<RunPipeline.Step, String> commands) {}

    /**
     * A demo into a run folder.
     *
     * @param which  dln, induction or grokking
     * @param dir    the run folder
     * @param device where training and the λ̂ chains run
     * @return the demo
     * @throws InvalidInputException if there is no such demo
     */
    public static Demo of(String which, Path dir, Device device) {
        String where = " --device " + device;
        String run = " --run " + dir;
        Map<RunPipeline.Step, String> last = Map.of(RunPipeline.Step.STAGES, "stages" + run, RunPipeline.Step.REPORT, "report" + run);
        return switch (which.toLowerCase(Locale.ROOT)) {
            // λ̂ of the learned function: every checkpoint before the last loss drop is a saddle of the data loss, where
            // λ̂ of the data's basin is undefined (the chains run downhill); against its own outputs each checkpoint is a
            // minimum, and λ̂ steps up with each learned singular value to Aoyagi's λ for that rank
            case "dln" -> new Demo("dln", new RunPipeline(dir, "dln", RunTraining.defaults("dln", 1500).numCheckpoints(20).build(), Map.of(),
                    estimation("dln", TaskSamplerDefaults.forTrainingTask("dln").builder().device(device).build(), true, Targets.MODEL), device),
                    commands("train --task dln --steps 1500 --num-checkpoints 20 --out " + dir + where,
                            "trajectory" + run + " --targets-from model" + where, last));
            // a cheap λ̂ per checkpoint: 2 chains × 200 draws at batch 32; L(w*) over a fixed 4096 of the 32768 training
            // sequences (the full-data pass would cost about as much as the sampling; the records carry its standard error)
            case "induction" -> new Demo("induction", new RunPipeline(dir, "induction",
                    RunTraining.defaults("induction", 3000).numCheckpoints(12).build(), Map.of(),
                    estimation("induction", TaskSamplerDefaults.forTrainingTask("induction").builder().batchSize(32).nbeta(100)
                            .initLoss(InitLoss.SUBSAMPLE).device(device).build(), false, Targets.DATA), device),
                    commands("train --task induction --steps 3000 --num-checkpoints 12 --out " + dir + where,
                            "trajectory" + run + " --batch 32 --nbeta 100 --init-loss subsample" + where, last));
            // both spacings, 50 each: the log-spaced half resolves memorisation (steps 1–2000, where λ̂ rises), the linear
            // half (every 500 steps) the late generalisation, which this seed does at steps ≈ 20 000–23 000. γ = 300 at
            // ε = 3e-4 relaxes the localisation in ~2/(εγ) ≈ 22 steps, well inside the 100 burn-in steps; the chains
            // agree (R̂ ≤ 1.02) where γ = 100 at ε = 1e-4 left them still drifting (see README)
            case "grokking" -> new Demo("grokking", new RunPipeline(dir, "grokking", RunTraining.defaults("grokking", 25000)
                    .checkpoints(CheckpointSchedule.Kind.BOTH).numCheckpoints(50).logEvery(100).build(), Map.of(),
                    estimation("grokking", TaskSamplerDefaults.forTrainingTask("grokking").builder().epsilon(3e-4).gamma(300).chains(4)
                            .draws(300).burnin(100).batchSize(128).device(device).build(), false, Targets.DATA), device),
                    commands("train --task grokking --steps 25000 --checkpoints both --num-checkpoints 50 --log-every 100 --out " + dir + where,
                            "trajectory" + run + " --epsilon 3e-4 --gamma 300 --chains 4 --draws 300 --burnin 100 --batch 128" + where, last));
            default -> throw new InvalidInputException("unknown demo '" + which + "': use dln, induction or grokking");
        };
    }

    private static CheckpointLlc.Plan estimation(String task, io.lambdahat.sampling.SamplerConfig sampler, boolean stepSizeLeftOut, Targets targets) {
        return new CheckpointLlc.Plan(sampler, stepSizeLeftOut && TaskSamplerDefaults.pilotChoosesSteps(task), false, TrajectoryRunner.Mismatch.STOP,
                targets);
    }

    private static Map<RunPipeline.Step, String> commands(String train, String estimate, Map<RunPipeline.Step, String> last) {
        var m = new java.util.EnumMap<RunPipeline.Step, String>(last);
        m.put(RunPipeline.Step.TRAIN, train);
        m.put(RunPipeline.Step.ESTIMATE, estimate);
        return m;
    }
}
