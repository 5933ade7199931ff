package io.lambdahat.torchscript;

import io.lambdahat.data.Dataset;
import io.lambdahat.tasks.InductionTask;
import io.lambdahat.io.SafeTensors;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.nn.Transformer;
import io.lambdahat.nn.TransformerConfig;
import io.lambdahat.sampling.InitLoss;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The λ̂ step of the induction transformer as a TorchScript module against the built-in transformer on the same
 * weights and data (bench/torchscript_llc.sh; issue 16's targets: TorchScript ≤ 1.3× the built-in's time). Two phases:
 * <ol>
 *   <li>{@code prepare DIR}: the built-in model's weights (TransformerLens names) to DIR/builtin.safetensors and the
 *       induction data to DIR/data.safetensors, for examples/python/from_lambdahat.py to script and for the plain
 *       PyTorch loop (bench/python/torchscript_sgld.py) to read;</li>
 *   <li>{@code time DIR CHAINS DRAWS BATCH}: {@link LangevinSampler#run} over each model (a warm-up run first), in ms per
 *       chain-step; DIR/scripted holds what from_lambdahat.py wrote.</li>
 * </ol>
 * Not a test (no timing assertions).
 */
public final class TorchScriptLlcBench {
    private TorchScriptLlcBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        Transformer builtIn = new Transformer(TransformerConfig.induction());
        if (args[0].equals("prepare")) {
            try (Scope s = Scope.open(); Generator g = new Generator(7); Dataset data = InductionTask.standard(0).dataset(2048, 11)) {
                Tensor w = builtIn.initialWeights(g, DType.FLOAT32);
                Map<String, Tensor> named = new LinkedHashMap<>();
                Map<String, Tensor> views = ChainParameters.viewsOf(builtIn.layout(), w.unsqueeze(0));
                for (var e : builtIn.layout().entries()) named.put(e.name(), views.get(e.name()).squeeze(0).contiguous());
                SafeTensors.write(dir.resolve("builtin.safetensors"), named);
                SafeTensors.write(dir.resolve("data.safetensors"), Map.of("x", data.x(), "y", data.y()));
            }
            return;
        }
        int chains = Integer.parseInt(args[2]), draws = Integer.parseInt(args[3]), batch = Integer.parseInt(args[4]);
        SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-4).gamma(100).nbeta(100).chains(chains).burnin(0).draws(draws)
                .batchSize(batch).seed(3).mala(false).initLoss(InitLoss.MINIBATCH_MEAN).build();
        System.out.printf(Locale.ROOT, "libtorch %s, %d thread(s); %s, P = %d; %d chains × %d draws, batch %d%n", Torch.version(), Torch.threads(),
                builtIn.describe(), builtIn.layout().size(), chains, draws, batch);
        try (Scope s = Scope.open();
             TorchScriptModel scripted = TorchScriptModel.load(dir.resolve("scripted/model.pt"), ScriptModule.Loss.CROSS_ENTROPY, Device.CPU)
                     .notes(note -> System.out.println("note: " + note))) {
            Map<String, Tensor> loaded = SafeTensors.load(dir.resolve("builtin.safetensors"));
            Tensor[] parts = builtIn.layout().entries().stream().map(e -> loaded.get(e.name()).reshape(-1)).toArray(Tensor[]::new);
            Tensor wBuiltIn = Tensor.cat(0, parts);
            Tensor wScripted = scripted.loadWeights(dir.resolve("scripted/state.safetensors"));
            Map<String, Tensor> data = SafeTensors.load(dir.resolve("data.safetensors"));
            Dataset d = new Dataset(data.get("x"), data.get("y"));  // its tensors belong to the scope
            if (args.length > 5 && args[5].equals("profile")) {
                profile("built-in", builtIn, d, wBuiltIn, chains, batch, draws);
                profile("torchscript", scripted, d, wScripted, chains, batch, draws);
                return;
            }
            time("built-in", builtIn, d, wBuiltIn, cfg);
            time("torchscript", scripted, d, wScripted, cfg);
            System.out.println("torchscript chains: " + (scripted.chainsBatched() ? "batched (one forward for all)" : "one by one"));
        }
    }

    /**
     * Forward alone (no gradients), then forward + backward, of one step's C chains on one fixed batch: the median over
     * {@code steps} repetitions of each, in two separate loops (so that the executor is not switched between gradient
     * modes from one call to the next), and the tensor handles the steps left open (each would hold its step's graph).
     */
    private static void profile(String name, ChainModel model, Dataset data, Tensor wStar, int chains, int batch, int steps) {
        try (Scope s = Scope.open(); ChainParameters p = ChainParameters.replicate(model.layout(), wStar, chains)) {
            Tensor x = data.x().narrow(0, 0, batch).unsqueeze(0).expand(chains, batch, data.x().size(1)).contiguous();
            Tensor y = data.y().narrow(0, 0, batch).unsqueeze(0).expand(chains, batch, data.y().size(1)).contiguous();
            p.flat().requiresGrad(true);
            Map<String, Tensor> views = p.views();
            double[] forward = new double[steps], both = new double[steps], gradForward = new double[steps];
            long live = Torch.liveTensors();
            for (int i = -5; i < steps; i++) {
                try (Scope step = Scope.open(); var ng = Torch.noGrad()) {
                    long t0 = System.nanoTime();
                    model.loss(views, x, y).sum().item();
                    if (i >= 0) forward[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            for (int i = -5; i < steps; i++) {
                try (Scope step = Scope.open()) {
                    long t0 = System.nanoTime();
                    Tensor loss = model.loss(views, x, y).sum();
                    loss.item();
                    long t1 = System.nanoTime();
                    loss.backward();
                    p.flat().grad().sum().item();
                    if (i >= 0) {
                        both[i] = (System.nanoTime() - t0) / 1e6;
                        gradForward[i] = (t1 - t0) / 1e6;
                    }
                    p.flat().zeroGrad();
                }
            }
            // a tensor left behind by a step keeps that step's graph and memory; each step then runs on fresh pages
            long leftBehind = Torch.liveTensors() - live;
            java.util.Arrays.sort(forward);
            java.util.Arrays.sort(both);
            java.util.Arrays.sort(gradForward);
            System.out.printf(Locale.ROOT, "%s C = %d: forward %.3f ms; with gradients: forward %.3f ms, forward + backward %.3f ms per step "
                    + "(medians of %d); %d tensor(s) left behind%n", name, chains, forward[steps / 2], gradForward[steps / 2], both[steps / 2], steps,
                    leftBehind);
        }
    }

    /** Times a run twice: the chains in one call on one thread ("NAME, one thread") and at the default chain threads ("NAME"). */
    private static void time(String name, ChainModel model, Dataset data, Tensor wStar, SamplerConfig cfg) {
        for (int threads : new int[] {1, 0}) {
            SamplerConfig warmUp = cfg.toBuilder().draws(Math.max(10, cfg.draws() / 10)).build();
            new LangevinSampler(model, data, warmUp).chainThreads(threads).run(wStar);
            long t0 = System.nanoTime();
            LlcResult r = new LangevinSampler(model, data, cfg).chainThreads(threads).run(wStar);
            double ms = (System.nanoTime() - t0) / 1e6;
            System.out.printf(Locale.ROOT, "%s%s: %.0f ms, %.3f ms per chain-step (λ̂ = %.2f)%n", name, threads == 1 ? ", one thread" : "", ms,
                    ms / ((double) cfg.draws() * cfg.chains()), r.llcMean());
            System.out.flush();
        }
    }
}
