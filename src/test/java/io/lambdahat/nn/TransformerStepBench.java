package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.Locale;
import java.util.Map;

/**
 * Milliseconds per training step (forward, loss, backward) of the transformer at batch 32, for the induction
 * configuration and a 2-layer, 4-head, d_model 64 model, at C = 1 and C = 8 chains, and the whole step with the
 * trainer's AdamW at C = 1 (bench/transformer_step.sh runs it
 * beside its PyTorch twin). Also prints the loss of
 * deterministic weights and tokens, which bench/python/transformer_step.py reproduces in PyTorch: the same number
 * from both is a check that the two implement the same model. Not a test (no timing assertions).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlambdahat.native.dir=target/native \
 *      -cp target/classes:target/test-classes io.lambdahat.nn.TransformerStepBench [threads] [steps] [chains,...] [device]
 * </pre>
 */
public final class TransformerStepBench {
    private TransformerStepBench() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int[] chainCounts = args.length > 2 ? java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1, 8};
        Device device = args.length > 3 ? Device.parse(args[3]) : Device.CPU;
        Torch.setThreads(threads);
        System.out.printf(Locale.ROOT, "libtorch %s, %d thread(s), %s, batch 32, float32%n", Torch.version(), Torch.threads(), device);
        TransformerConfig[] configs = {TransformerConfig.induction(), TransformerConfig.attentionOnly(2, 4, 64, 64, 64)};
        for (TransformerConfig cfg : configs) {
            Transformer model = new Transformer(cfg);
            System.out.printf(Locale.ROOT, "%-40s P = %d, check loss (float64) = %.12f%n", cfg.describe(),
                    model.layout().size(), checkLoss(model));
            for (int chains : chainCounts) {
                double[] ms = msPerStep(model, chains, 32, steps, device, false);
                System.out.printf(Locale.ROOT, "  C = %d: %8.3f ms/step wall, %8.3f ms/step CPU of the calling thread  (%.3f CPU ms per chain-step)%n",
                        chains, ms[0], ms[1], ms[1] / chains);
                System.out.flush();
            }
            if (device.equals(Device.CPU)) {
                double[] ms = msPerStep(model, 1, 32, steps, device, true);
                System.out.printf(Locale.ROOT, "  training step with AdamW: %8.3f ms/step wall, %8.3f ms/step CPU of the calling thread%n", ms[0], ms[1]);
            }
        }
    }

    /** w_i = 0.05 sin(0.37 i + 0.1) over the flat layout; x[b][t] = (7b + 3t + bt mod 5) mod V, y = x shifted by 1. */
    static double checkLoss(Transformer model) {
        int b = 4, t = model.config().context(), v = model.config().vocab();
        long p = model.layout().size();
        double[] w = new double[(int) p];
        for (int i = 0; i < w.length; i++) w[i] = 0.05 * Math.sin(0.37 * i + 0.1);
        long[] x = new long[b * t], y = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                x[i * t + j] = token(i, j, v);
                y[i * t + j] = token(i, j + 1, v);
            }
        }
        try (Scope s = Scope.open()) {
            Map<String, Tensor> params = TransformerTest.views(model.layout(), Tensor.of(w, 1, p));
            return model.loss(params, Tensor.of(x, 1, b, t), Tensor.of(y, 1, b, t)).item();
        }
    }

    private static long token(int b, int t, int v) {
        return (7L * b + 3L * t + (long) b * t % 5) % v;
    }

    private static void warmAdamW(long p) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined();
             io.lambdahat.train.AdamW scratch = new io.lambdahat.train.AdamW(p, 0.9, 0.999, 1e-8, 0.01)) {
            java.lang.foreign.MemorySegment w = arena.allocate(p * Float.BYTES, 64), g = arena.allocate(p * Float.BYTES, 64);
            long start = System.nanoTime();
            for (int i = 0; i < 1500; i++) scratch.step(w, g, 1e-3);
            System.out.printf(Locale.ROOT, "  (AdamW kernel JIT warm-up: 1500 passes over %d floats took %.1f s)%n", p, (System.nanoTime() - start) / 1e9);
        }
    }

    /** {wall, CPU time of this thread} per step; with one libtorch thread the CPU time is immune to other load. */
    private static double[] msPerStep(Transformer model, int chains, int batch, int steps, Device device, boolean withAdamW) {
        int t = model.config().context(), v = model.config().vocab();
        try (Scope s = Scope.open(); io.lambdahat.torch.Generator g = new io.lambdahat.torch.Generator(1)) {
            Tensor single = model.initialWeights(g, DType.FLOAT32);
            ChainParameters params = ChainParameters.replicate(model.layout(), single.to(device), chains);
            Tensor x = Tensor.randint(g, 0, v, Device.CPU, chains, batch, t).to(device);
            Tensor y = Tensor.randint(g, 0, v, Device.CPU, chains, batch, t).to(device);
            int warmup = Math.max(10, steps / 5);
            // the trainer's optimiser: one fused Vector API pass over the flat float32 buffer
            io.lambdahat.train.AdamW adam = withAdamW ? new io.lambdahat.train.AdamW(params.flat().numel(), 0.9, 0.999, 1e-8, 0.01) : null;
            // Vector API code runs interpreted (~50 ms per AdamW pass here) until C2 compiles it, which takes a few
            // hundred passes: warm the kernel on a scratch copy so that the timing is the steady state, as PyTorch's
            // is (the one-off cost, about 4 s per process, is printed by warmAdamW)
            if (adam != null) warmAdamW(params.flat().numel());
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long start = 0, cpuStart = 0;
            long[] phases = new long[3];
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    Torch.synchronize(device);
                    start = System.nanoTime();
                    cpuStart = mx.getCurrentThreadCpuTime();
                }
                boolean timed = i >= warmup;
                long t0 = System.nanoTime();
                try (Scope step = Scope.open()) {
                    Tensor loss = model.loss(params.views(), x, y).sum();
                    long t1 = System.nanoTime();
                    loss.backward();
                    long t2 = System.nanoTime();
                    if (adam != null) adam.step(params.flat().data(), params.flat().grad().data(), 1e-3);
                    params.flat().zeroGrad();
                    if (timed) {
                        phases[0] += t1 - t0;
                        phases[1] += t2 - t1;
                        phases[2] += System.nanoTime() - t2;
                    }
                }
            }
            Torch.synchronize(device);
            double wall = (System.nanoTime() - start) / 1e6 / steps;
            double cpu = (mx.getCurrentThreadCpuTime() - cpuStart) / 1e6 / steps;
            params.close();
            if (adam != null) adam.close();
            if (device.equals(Device.CPU)) {
                System.out.printf(Locale.ROOT, "    (wall ms per step: forward + loss %.3f, backward %.3f, %s %.3f)%n", phases[0] / 1e6 / steps,
                        phases[1] / 1e6 / steps, adam != null ? "AdamW + zero grad" : "zero grad", phases[2] / 1e6 / steps);
            }
            return new double[] {wall, cpu};
        }
    }
}
