package io.lambdahat.bench;

import io.lambdahat.simd.ChainBuffers;
import io.lambdahat.simd.GaussianNoise;
import io.lambdahat.simd.SgldKernel;
import io.lambdahat.simd.SgldParameters;
import io.lambdahat.simd.SimdProvider;
import io.lambdahat.simd.StepNorms;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * One SGLD step of one chain with P parameters, fused with its Gaussian noise and its four norms, four ways on
 * one thread (libtorch is set to one intra-op thread):
 * <ul>
 *   <li>{@code vector}: {@link SimdProvider#sgldKernel()} on the tensors' memory, zero copy;</li>
 *   <li>{@code scalar}: its plain scalar twin;</li>
 *   <li>{@code torchOps}: the same step as libtorch ops: a randn tensor, w − w*, the drift, two in-place adds, and
 *       the same norms ({@code torchUpdateOnly}: without the norms);</li>
 *   <li>{@code triad}: the memory-bandwidth reference, a = b + s·c over 4P/3 floats, which moves the 16 bytes per
 *       parameter the step moves (read w, g, w*; write w);</li>
 *   <li>{@code vectorNoise}: the vector noise alone, written to a P-float buffer;</li>
 *   <li>{@code vectorViaData}: {@code vector} as the sampler's update takes it every step: the three tensors' memory
 *       fetched through {@code Tensor.data()} first, the gradient's from a new handle (closed after the step).</li>
 * </ul>
 * bench/sgld-update.sh runs it and prints ns per parameter and the ratios. Besides JMH's wall-clock score, each
 * benchmark reports the CPU time of its thread ({@link Cpu}): on a machine shared with other work, wall time
 * counts the time the thread waited for a core, CPU time does not, so the ratios are taken on CPU time.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SgldUpdateBench {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long SEED = 2024;

    @Param({"1000", "10000", "100000", "1000000", "10000000"})
    public int p;

    private final SgldParameters h = SgldParameters.of(1e-4, 100, 1);
    private final SgldKernel vector = SimdProvider.get().sgldKernel(), scalar = SgldKernel.scalar();
    private final GaussianNoise noise = SimdProvider.get().gaussianNoise();
    private Generator generator;
    private Tensor w, g, centre, noiseOut, triadA, triadB, triadC;
    private ChainBuffers buffers;
    private int triadLength;
    private long step;

    @Setup
    public void setUp(BenchmarkParams params) {
        Torch.setThreads(1);
        generator = new Generator(SEED);
        w = Tensor.randn(generator, DType.FLOAT32, Device.CPU, p).mulInPlace(0.1);
        g = Tensor.randn(generator, DType.FLOAT32, Device.CPU, p);
        centre = w.copy();
        noiseOut = Tensor.zeros(DType.FLOAT32, Device.CPU, p);
        buffers = ChainBuffers.float32(1, p, w.data(), g.data(), centre.data());
        triadLength = (int) (4L * p / 3);
        triadA = Tensor.zeros(DType.FLOAT32, Device.CPU, triadLength);
        triadB = Tensor.randn(generator, DType.FLOAT32, Device.CPU, triadLength);
        triadC = Tensor.randn(generator, DType.FLOAT32, Device.CPU, triadLength);
        warmUp(params.getBenchmark());
    }

    /**
     * Runs this fork's variant on a small problem until C2 has compiled it (the forks run with -Xbatch): a Vector API
     * loop left to the interpreter or to C1 runs a thousand times slower and would spoil the first iterations.
     */
    private void warmUp(String benchmark) {
        int n = 2048;
        try (Tensor a = Tensor.zeros(DType.FLOAT32, Device.CPU, n);
             Tensor b = Tensor.randn(generator, DType.FLOAT32, Device.CPU, n);
             Tensor c = Tensor.randn(generator, DType.FLOAT32, Device.CPU, n)) {
            ChainBuffers small = ChainBuffers.float32(1, n, a.data(), b.data(), c.data());
            String variant = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            for (int i = 0; i < 3000; i++) {
                switch (variant) {
                    case "vector", "vectorViaData" -> vector.sgld(h, small, 0, i, SEED);
                    case "scalar" -> scalar.sgld(h, small, 0, i, SEED);
                    case "triad" -> triad(a.data(), b.data(), c.data(), n);
                    case "vectorNoise" -> noise.fill(a.data(), 0, n, SEED, 0, i);
                    default -> i = 3000;
                }
            }
        }
    }

    @TearDown
    public void tearDown() {
        for (Tensor t : new Tensor[] {w, g, centre, noiseOut, triadA, triadB, triadC}) t.close();
        generator.close();
    }

    /** CPU time of the benchmark thread over an iteration, and the calls it made. */
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        private static final java.lang.management.ThreadMXBean THREADS =
                java.lang.management.ManagementFactory.getThreadMXBean();
        public long cpuNanos;
        public long calls;
        private long start;

        @Setup(Level.Iteration)
        public void start() {
            calls = 0;
            cpuNanos = 0;
            start = THREADS.getCurrentThreadCpuTime();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            cpuNanos = THREADS.getCurrentThreadCpuTime() - start;
        }
    }

    @Benchmark
    public StepNorms vector(Cpu cpu) {
        cpu.calls++;
        return vector.sgld(h, buffers, 0, step++ & 0xFFFFFFFL, SEED);
    }

    @Benchmark
    public StepNorms vectorViaData(Cpu cpu) {
        cpu.calls++;
        // A new handle to the gradient each step, as the sampler's backward pass gives it.
        try (Tensor gradient = g.share()) {
            ChainBuffers b = ChainBuffers.float32(1, p, w.data(), gradient.data(), centre.data());
            return vector.sgld(h, b, 0, step++ & 0xFFFFFFFL, SEED);
        }
    }

    @Benchmark
    public StepNorms scalar(Cpu cpu) {
        cpu.calls++;
        return scalar.sgld(h, buffers, 0, step++ & 0xFFFFFFFL, SEED);
    }

    @Benchmark
    public double torchOps(Cpu cpu) {
        cpu.calls++;
        try (Scope ignored = Scope.open()) {
            Tensor xi = Tensor.randn(generator, DType.FLOAT32, Device.CPU, p);
            Tensor drift = g.mul(0.5 * h.epsilon() * h.nBeta()).add(w.sub(centre), 0.5 * h.epsilon() * h.gamma());
            w.addInPlace(drift, -1).addInPlace(xi, Math.sqrt(h.epsilon()));
            return w.sub(centre).square().sum().item() + w.square().sum().item() + g.square().sum().item()
                    + drift.square().sum().item() + h.epsilon() * xi.square().sum().item();
        }
    }

    @Benchmark
    public void torchUpdateOnly(Cpu cpu) {
        cpu.calls++;
        try (Scope ignored = Scope.open()) {
            Tensor xi = Tensor.randn(generator, DType.FLOAT32, Device.CPU, p);
            Tensor drift = g.mul(0.5 * h.epsilon() * h.nBeta()).add(w.sub(centre), 0.5 * h.epsilon() * h.gamma());
            w.addInPlace(drift, -1).addInPlace(xi, Math.sqrt(h.epsilon()));
        }
    }

    @Benchmark
    public void triad(Cpu cpu) {
        cpu.calls++;
        triad(triadA.data(), triadB.data(), triadC.data(), triadLength);
    }

    /** a = b + 1.5·c over n floats. */
    private static void triad(MemorySegment a, MemorySegment b, MemorySegment c, int n) {
        FloatVector s = FloatVector.broadcast(FLOATS, 1.5f);
        int i = 0;
        for (int upper = FLOATS.loopBound(n); i < upper; i += FLOATS.length()) {
            long o = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(FLOATS, c, o, ORDER).fma(s, FloatVector.fromMemorySegment(FLOATS, b, o, ORDER))
                    .intoMemorySegment(a, o, ORDER);
        }
        for (; i < n; i++) {
            a.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i,
                    b.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i)
                            + 1.5f * c.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i));
        }
    }

    @Benchmark
    public void vectorNoise(Cpu cpu) {
        cpu.calls++;
        noise.fill(noiseOut.data(), 0, p, SEED, 0, step++ & 0xFFFFFFFL);
    }
}
