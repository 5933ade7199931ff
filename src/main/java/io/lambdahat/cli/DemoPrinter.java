package io.lambdahat.cli;

import io.lambdahat.sampling.SamplerObserver;
import io.lambdahat.train.TrainingObserver;
import io.lambdahat.trajectory.TrajectoryRunner;
import io.lambdahat.workflow.CheckpointLlc;
import io.lambdahat.workflow.DemoRuns;
import io.lambdahat.workflow.RunPipeline;
import io.lambdahat.workflow.RunStages;
import io.lambdahat.workflow.RunTraining;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Prints each step as the command that does it by hand would, under a "== lambdahat ..." line. */
final class DemoPrinter implements RunPipeline.Listener, AutoCloseable {
    private final DemoRuns.Demo demo;
    private final PrintWriter o, err;
    RunPipeline.Step step = RunPipeline.Step.TRAIN;
    private TrainingProgress training;
    private Progress progress;

    DemoPrinter(DemoRuns.Demo demo, PrintWriter o, PrintWriter err) {
        this.demo = demo;
        this.o = o;
        this.err = err;
    }

    public void starting(RunPipeline.Step s) {
        step = s;
        o.println("== lambdahat " + demo.commands().get(s));
        o.flush();
    }

    public TrainingObserver trainingObserver() {
        training = new TrainingProgress(demo.pipeline().training().steps(), err, false);
        return training;
    }

    public TrajectoryRunner.Listener checkpointListener() {
        return new TrajectoryRunner.Listener() {
            public void checkpointStarted(int index, int total, long stepOf) {
                if (index == 0) progress = new Progress("checkpoints", total, err, false);
                progress.step(index, "step " + stepOf);
            }

            public SamplerObserver samplerObserver() {
                return SamplerObserver.NONE;
            }
        };
    }

    public void note(String line) {
        err.println(line);
        err.flush();
    }

    public void trained(RunTraining.Trained t) {
        close();
        RunPrinting.trained(o, demo.pipeline().dir(), t, demo.pipeline().training());
    }

    public void estimated(CheckpointLlc.Result r) {
        progress.step(r.outcomes().size(), null);
        close();
        try {
            RunPrinting.estimated(o, err, demo.pipeline().dir(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void analysed(RunStages.Analysis a) {
        RunPrinting.stages(o, a);
    }

    public void reported(Path html) {
        o.println("wrote " + html);
        o.flush();
    }

    /** Closes the progress bar of the step that is running (one that failed leaves it open). */
    @Override
    public void close() {
        if (training != null) training.close();
        if (progress != null) progress.close();
        training = null;
        progress = null;
    }
}
