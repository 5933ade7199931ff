package io.lambdahat.sampling;

import io.lambdahat.data.Dataset;
import io.lambdahat.tasks.InductionTask;
import io.lambdahat.data.MinibatchStream;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.Transformer;
import io.lambdahat.nn.TransformerConfig;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.Locale;
import java.util.Map;

/**
 * The SGLD step on the induction transformer (bench/transformer_llc.sh, issue 19), at batch 32 and C = 1, 4, 8 chains:
 * <ol>
 *   <li>a profile of one chain-batched step, part by part (minibatch assembly, forward, backward, loss read-back, SGLD
 *       update, gradient reset), each timed around its own call;</li>
 *   <li>{@link LangevinSampler#run} itself (burn-in + draws, MALA off as in a trajectory's cheap setting is not assumed: on,
 *       as the CLI runs it), in ms per chain-step, which bench/python/transformer_llc_sequential.py measures for a
 *       plain PyTorch loop over the same model with its chains one after another;</li>
 *   <li>L(w*) over the n training sequences and over {@link InitLoss#SUBSAMPLE}'s rows ({@link InitLoss#evaluate}).</li>
 * </ol>
 * Not a test (no timing assertions).
 *
 * <pre>
 * java ... -cp target/classes:target/test-classes io.lambdahat.sampling.TransformerLlcBench [steps] [chains,...] [n] [profile,sampler,init-loss] [induction|mid]
 * </pre>
 */
public final class TransformerLlcBench {
    private TransformerLlcBench() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int[] chainCounts = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1, 4, 8};
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 32768;
        String parts = args.length > 3 ? args[3] : "profile,sampler,init-loss";
        // "mid": 2 layers, 8 heads, d_model 128, context 128, vocabulary 512 (P = 278 912) on uniform random tokens
        boolean mid = args.length > 4 && args[4].equals("mid");
        int batch = 32;
        Transformer model = new Transformer(mid ? TransformerConfig.attentionOnly(2, 8, 128, 128, 512) : TransformerConfig.induction());
        System.out.printf(Locale.ROOT, "libtorch %s, %d thread(s); %s, P = %d, batch %d, n = %d%n", Torch.version(), Torch.threads(),
                model.describe(), model.layout().size(), batch, n);
        try (Scope root = Scope.open(); Generator g = new Generator(7);
             Dataset data = mid ? randomTokens(g, n, 128, 512) : InductionTask.standard(0).dataset(n, 11)) {
            Tensor wStar = model.initialWeights(g, DType.FLOAT32);
            if (parts.contains("profile")) for (int c : chainCounts) profile(model, data, wStar, c, batch, steps);
            if (parts.contains("sampler")) for (int c : chainCounts) {
                SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-4).gamma(100).nbeta(100).chains(c).burnin(steps / 4)
                        .draws(steps - steps / 4).batchSize(batch).seed(3).initLoss(InitLoss.MINIBATCH_MEAN).build();
                // chain threads: 1 (all chains in one call on this thread) and the default (the idle cores, up to C)
                for (int threads : c > 1 ? new int[] {1, 0} : new int[] {1}) {
                    new LangevinSampler(model, data, cfg).chainThreads(threads).run(wStar); // warm-up
                    long t0 = System.nanoTime();
                    LlcResult r = new LangevinSampler(model, data, cfg).chainThreads(threads).run(wStar);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    System.out.printf(Locale.ROOT, "sampler C = %d%s: %d steps in %.0f ms, %.3f ms per chain-step (λ̂ = %.2f)%n", c,
                            threads == 1 ? ", one thread" : "", steps, ms, ms / steps / c, r.llcMean());
                    System.out.flush();
                }
            }
            if (parts.contains("init-loss")) for (long rows : new long[] {Long.MAX_VALUE, InitLoss.SUBSAMPLE_ROWS}) {
                for (int rep = 0; rep < 3; rep++) {
                    long t0 = System.nanoTime();
                    InitLoss.Estimate e = InitLoss.evaluate(model, wStar, data, rows);
                    System.out.printf(Locale.ROOT, "L(w*) over %d of %d sequences: %.0f ms (%.6f ± %.6f)%n", e.rows(), n,
                            (System.nanoTime() - t0) / 1e6, e.value(), e.stderr());
                }
            }
        }
    }

    /** n sequences of uniform random tokens (x) and their next tokens (y): the step's cost does not depend on them. */
    private static Dataset randomTokens(Generator g, int n, int context, int vocab) {
        try (Scope s = Scope.open()) {
            Tensor tokens = Tensor.randint(g, 0, vocab, io.lambdahat.torch.Device.CPU, n, context + 1);
            return new Dataset(s.keep(tokens.narrow(1, 0, context).contiguous()), s.keep(tokens.narrow(1, 1, context).contiguous()));
        }
    }

    private static void profile(Transformer model, Dataset data, Tensor wStar, int c, int batch, int steps) {
        SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-4).gamma(100).nbeta(100).chains(c).burnin(0).draws(steps)
                .batchSize(batch).seed(3).build();
        StepCoefficients coefficients = StepCoefficients.of(cfg, 100);
        long[] ns = new long[6];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = 0, wall0 = 0;
        try (Scope s0 = Scope.open(); Generator noise = new Generator(cfg.seed());
             SgldUpdate kernel = SgldUpdate.forConfig(cfg, DType.FLOAT32)) {
            Tensor centre = wStar.contiguous();
            ChainParameters params = ChainParameters.replicate(model.layout(), centre, c);
            Map<String, Tensor> views = params.views();
            MinibatchStream batches = new MinibatchStream(data, c, batch, cfg.seed(), data.x().device());
            boolean[] frozen = new boolean[c];
            int warm = Math.max(20, steps / 5);
            for (int step = 0; step < warm + steps; step++) {
                if (step == warm) {
                    java.util.Arrays.fill(ns, 0);
                    cpu0 = mx.getCurrentThreadCpuTime();
                    wall0 = System.nanoTime();
                }
                try (Scope s = Scope.open()) {
                    long t0 = System.nanoTime();
                    Tensor[] xy = batches.next();
                    long t1 = System.nanoTime();
                    Tensor perChain = model.loss(views, xy[0], xy[1]);
                    long t2 = System.nanoTime();
                    perChain.sum().backward();
                    long t3 = System.nanoTime();
                    double[] losses = perChain.detach().to(DType.FLOAT64).toDoubleArray();
                    long t4 = System.nanoTime();
                    try (var ng = Torch.noGrad()) {
                        kernel.step(params.flat(), params.flat().grad(), centre, null, frozen, coefficients, noise, true);
                        long t5 = System.nanoTime();
                        params.flat().grad().zeroInPlace();
                        long t6 = System.nanoTime();
                        ns[0] += t1 - t0;
                        ns[1] += t2 - t1;
                        ns[2] += t3 - t2;
                        ns[3] += t4 - t3;
                        ns[4] += t5 - t4;
                        ns[5] += t6 - t5;
                    }
                    if (!Double.isFinite(losses[0])) throw new IllegalStateException("diverged");
                }
            }
            cpu0 = mx.getCurrentThreadCpuTime() - cpu0;
            wall0 = System.nanoTime() - wall0;
            params.close();
        }
        // libtorch runs on the calling thread here (one intra-op thread), so its CPU time is the step's
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "profile C = %d: %.3f ms/step wall, %.3f CPU (%.3f CPU ms per chain-step); wall ms:",
                c, wall0 / 1e6 / steps, cpu0 / 1e6 / steps, cpu0 / 1e6 / steps / c));
        String[] names = {"minibatch", "forward", "backward", "read-back", "sgld update", "grad reset"};
        for (int i = 0; i < names.length; i++) sb.append(String.format(Locale.ROOT, " %s %.3f", names[i], ns[i] / 1e6 / steps));
        System.out.println(sb);
        System.out.flush();
    }
}
