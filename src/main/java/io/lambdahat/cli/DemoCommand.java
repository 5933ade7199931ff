package io.lambdahat.cli;

import io.lambdahat.run.RunFolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        String demo = which.toLowerCase(Locale.ROOT);
        String where = Devices.parse(device).toString();
        List<String[]> steps = new ArrayList<>();
        Path dir = out != null ? out : Path.of("runs", "demo-" + demo);
        switch (demo) {
            case "dln" -> {
                steps.add(new String[] {"train", "--task", "dln", "--steps", "1500", "--num-checkpoints", "20", "--out", dir.toString(), "--device", where});
                steps.add(new String[] {"trajectory", "--run", dir.toString(), "--device", where});
            }
            case "induction" -> {
                steps.add(new String[] {"train", "--task", "induction", "--steps", "3000", "--num-checkpoints", "12", "--out", dir.toString(), "--device", where});
                // a cheap λ̂ per checkpoint: 2 chains × 200 draws at batch 32; L(w*) over a fixed 4096 of the 32768 training
                // sequences (the full-data pass would cost about as much as the sampling; the records carry its standard error)
                steps.add(new String[] {"trajectory", "--run", dir.toString(), "--batch", "32", "--nbeta", "100", "--init-loss", "subsample",
                        "--device", where});
            }
            case "grokking" -> {
                // both spacings, 50 each: the log-spaced half resolves memorisation (steps 1–2000, where λ̂ rises), the
                // linear half (every 500 steps) the late generalisation, which this seed does at steps ≈ 20 000–23 000
                steps.add(new String[] {"train", "--task", "grokking", "--steps", "25000", "--checkpoints", "both", "--num-checkpoints", "50",
                        "--log-every", "100", "--out", dir.toString(), "--device", where});
                // γ = 300 at ε = 3e-4 relaxes the localisation in ~2/(εγ) ≈ 22 steps, well inside the 100 burn-in steps; the
                // chains agree (R̂ ≤ 1.02) where γ = 100 at ε = 1e-4 left them still drifting (see README)
                steps.add(new String[] {"trajectory", "--run", dir.toString(), "--lr", "3e-4", "--gamma", "300", "--chains", "4",
                        "--draws", "300", "--burnin", "100", "--batch", "128", "--device", where});
            }
            default -> throw new io.lambdahat.InvalidInputException("unknown demo '" + which + "': use dln, induction or grokking");
        }
        steps.add(new String[] {"stages", "--run", dir.toString()});
        steps.add(new String[] {"report", "--run", dir.toString()});
        Files.createDirectories(dir.toAbsolutePath().getParent());
        var err = spec.commandLine().getErr();
        var o = spec.commandLine().getOut();
        long started = System.nanoTime();
        for (String[] args : steps) {
            o.println("== lambdahat " + String.join(" ", args));
            o.flush();
            CommandLine sub = Main.newCommandLine();
            sub.setOut(o);
            sub.setErr(err);
            int code = sub.execute(args);
            if (code != 0) {
                err.println("error: the demo stopped at '" + args[0] + "' (exit code " + code + "); rerun 'lambdahat demo' to resume");
                return code;
            }
        }
        if (demo.equals("dln")) o.print(DlnDemoCheck.summary(dir));
        o.printf("demo done in %.0f s; open %s%n", (System.nanoTime() - started) / 1e9, RunFolder.of(dir).reportHtml().toAbsolutePath());
        o.flush();
        return 0;
    }
}
