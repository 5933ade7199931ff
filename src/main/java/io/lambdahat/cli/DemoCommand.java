package io.lambdahat.cli;

import io.lambdahat.run.RunFolder;
import io.lambdahat.workflow.DemoRuns;
import io.lambdahat.workflow.RunPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lambdahat demo}: the main job end to end — train, λ̂ over the checkpoints, stages, report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Train a small model, estimate λ̂ at its checkpoints, find the stages and write the report.",
                "dln: a deep linear network learning a teacher's singular values one at a time (saddle to saddle);",
                "every loss drop is a transition, and the final λ̂ is compared with Aoyagi's exact value.",
                "induction: a 2-layer attention-only transformer forms induction heads (the induction bump; 2–3 min on 2 cores).",
                "grokking: modular addition mod 53 memorises, then generalises while λ̂ falls at flat training loss."},
        footer = {"", "Example:", "  ./lambdahat demo            # dln, into runs/demo-dln", "  ./lambdahat demo dln --out /tmp/demo"})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", defaultValue = "dln", description = "which demo: dln (default), induction or grokking")
    String which;
    @Option(names = "--out", description = "run folder (default runs/demo-<which>)")
    Path out;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N, for training and the λ̂ chains (default ${DEFAULT-VALUE})")
    String device;
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        Path dir = out != null ? out : Path.of("runs", "demo-" + which.toLowerCase(Locale.ROOT));
        DemoRuns.Demo demo = DemoRuns.of(which, dir, Devices.parse(device));
        Files.createDirectories(dir.toAbsolutePath().getParent());
        PrintWriter err = spec.commandLine().getErr(), o = spec.commandLine().getOut();
        long started = System.nanoTime();
        RunPipeline.Result result;
        try (DemoPrinter printer = new DemoPrinter(demo, o, err)) {
            try {
                result = demo.pipeline().run(printer);
            } catch (Exception e) {
                return stopped(printer.step, ErrorHandler.report(e, spec.commandLine(), verbose.verbose, false), err);
            }
        }
        if (!result.complete()) return stopped(RunPipeline.Step.ESTIMATE, ErrorHandler.FAILED, err);
        if (demo.name().equals("dln")) o.print(DlnDemoCheck.summary(dir));
        o.printf("demo done in %.0f s; open %s%n", (System.nanoTime() - started) / 1e9, RunFolder.of(dir).reportHtml().toAbsolutePath());
        o.flush();
        return 0;
    }

    private static int stopped(RunPipeline.Step step, int code, PrintWriter err) {
        String name = step == RunPipeline.Step.ESTIMATE ? "trajectory" : step.name().toLowerCase(Locale.ROOT);
        err.println("error: the demo stopped at '" + name + "' (exit code " + code + "); rerun 'lambdahat demo' to resume");
        err.flush();
        return code;
    }
}
