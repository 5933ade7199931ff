package io.lambdahat.simd;

import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.train.AdamW;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What an embedding application does, through the public API only: the SGLD kernel and AdamW on the process's
 * {@link SimdProvider}, and (unless the argument is "kernels") a small λ̂ estimate. Prints one line per result;
 * {@code ScalarFallbackTest} runs it in a JVM without {@code jdk.incubator.vector} and compares the lines with the
 * scalar twins'.
 */
public final class ScalarFallbackMain {
    static final int P = 2_051, STEPS = 5;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ScalarFallbackMain() {}

    public static void main(String[] args) {
        System.out.println("provider " + SimdProvider.get().describe());
        System.out.println(sgld(SimdProvider.get().sgldKernel()));
        System.out.println(adamW(false));
        if (args.length == 0 || !args[0].equals("kernels")) System.out.println(llc());
    }

    /** Five SGLD steps of one chain of P float32 parameters: the bits of w and the last step's norms. */
    static String sgld(SgldKernel kernel) {
        SplittableRandom rng = new SplittableRandom(5);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate((long) P * Float.BYTES), g = arena.allocate((long) P * Float.BYTES),
                    c = arena.allocate((long) P * Float.BYTES);
            for (int i = 0; i < P; i++) {
                c.setAtIndex(F, i, (float) rng.nextGaussian());
                w.setAtIndex(F, i, c.getAtIndex(F, i) + 0.01f * (float) rng.nextGaussian());
                g.setAtIndex(F, i, (float) rng.nextGaussian());
            }
            ChainBuffers b = ChainBuffers.float32(1, P, w, g, c);
            StepNorms n = null;
            for (int t = 0; t < STEPS; t++) n = kernel.sgld(SgldParameters.of(1e-3, 50, 10), b, 0, t, 17);
            // Parameters bit for bit; norms to 12 digits (the vector kernel sums in another order).
            return String.format("sgld %08x %.12e %.12e", Arrays.hashCode(w.toArray(ValueLayout.JAVA_INT)),
                    n.distanceSq(), n.noiseSq());
        }
    }

    /** Three AdamW updates of P parameters: through {@link AdamW} (the provider), or the scalar twin directly. */
    static String adamW(boolean scalarTwin) {
        SplittableRandom rng = new SplittableRandom(6);
        try (Arena arena = Arena.ofConfined(); AdamW opt = new AdamW(P, 0.9, 0.999, 1e-8, 0.01)) {
            MemorySegment w = arena.allocate((long) P * Float.BYTES), g = arena.allocate((long) P * Float.BYTES);
            MemorySegment m = arena.allocate((long) P * Float.BYTES), v = arena.allocate((long) P * Float.BYTES);
            for (int i = 0; i < P; i++) w.setAtIndex(F, i, (float) rng.nextGaussian());
            for (int t = 1; t <= 3; t++) {
                for (int i = 0; i < P; i++) g.setAtIndex(F, i, (float) rng.nextGaussian());
                if (scalarTwin) {
                    OptimizerKernels.scalar().adamW(w, g, m, v, P,
                            OptimizerKernels.AdamWCoefficients.of(t, 1e-2, 0.9, 0.999, 1e-8, 0.01, false));
                } else {
                    opt.step(w, g, 1e-2);
                }
            }
            return String.format("adamw %08x", Arrays.hashCode(w.toArray(ValueLayout.JAVA_INT)));
        }
    }

    /** λ̂ of a DLN [4,3,4] near its rank-1 teacher, 3 chains × 300 draws: the mean and each chain, in full. */
    static String llc() {
        DeepLinearNetwork model = new DeepLinearNetwork(4, 3, 4);
        SamplerConfig cfg = SamplerConfig.builder().epsilon(1e-4).gamma(100).chains(3).burnin(100).draws(300)
                .batchSize(50).seed(4).build();
        try (Teachers.Task t = Teachers.dln(model, 1, Teachers.Options.of(1_000, 3))) {
            LlcResult r = new LangevinSampler(model, t.data(), cfg).run(t.teacherWeights());
            return "llc " + r.llcMean() + " " + Arrays.toString(r.llcPerChain());
        }
    }
}
