package io.lambdahat.simd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one entry point to the CPU kernels: chooses, once per JVM, between the Vector API implementations and their
 * scalar twins, which give the same numbers (bit for bit where the interfaces say so) more slowly.
 *
 * <p>The Vector API lives in the incubator module {@code jdk.incubator.vector}, which a JVM resolves only when asked
 * ({@code --add-modules jdk.incubator.vector}, as {@code ./lambdahat} and the tests do), and it is only fast where C2
 * compiles it. {@link #get()} therefore returns the vector provider when the module is readable and C2 is on, and
 * otherwise the scalar one, after one line on standard error that says why and what to pass. The classes that use the
 * Vector API are package-private and loaded only by the vector provider, which is itself loaded by name after those
 * checks: an application that embeds lambdahat without the module runs, and never meets a
 * {@code NoClassDefFoundError}.
 *
 * <p>The system property {@code lambdahat.simd=scalar} chooses the scalar twins without a warning (for comparisons);
 * {@code lambdahat.simd.bits} (64, 128, 256 or 512) forces the vector shape, which tests use for narrow shapes.
 */
public abstract class SimdProvider {
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_PROVIDER = "io.lambdahat.simd.VectorSimdProvider";

    SimdProvider() {}

    /**
     * The process's provider: Vector API kernels where the module is readable and C2 is on, else the scalar twins.
     *
     * @return the provider chosen at the first call
     */
    public static SimdProvider get() {
        return Chosen.PROVIDER;
    }

    /**
     * The scalar twins, whatever the JVM offers: the test oracle.
     *
     * @return the scalar provider
     */
    public static SimdProvider scalar() {
        return ScalarSimdProvider.INSTANCE;
    }

    /**
     * Whether the kernels run on the Vector API.
     *
     * @return false for the scalar twins
     */
    public abstract boolean vectorised();

    /**
     * What runs, as {@code lambdahat info} reports it.
     *
     * @return the float species, e.g. "Species[float, 8, S_256_BIT]", or "scalar" and the reason
     */
    public abstract String describe();

    /**
     * The fused SGLD and RMSProp-SGLD step.
     *
     * @return a stateless, thread-safe kernel
     */
    public abstract SgldKernel sgldKernel();

    /**
     * The counter-based Gaussian noise.
     *
     * @return a stateless, thread-safe generator
     */
    public abstract GaussianNoise gaussianNoise();

    /**
     * Dot products, norms, distances and sums.
     *
     * @return a stateless, thread-safe instance
     */
    public abstract Reductions reductions();

    /**
     * The flat optimisers' passes (AdamW, SGD, clipping).
     *
     * @return a stateless, thread-safe instance
     */
    public abstract OptimizerKernels optimizerKernels();

    /** The Welford updates of {@link RunningMoments}. */
    abstract MomentsKernel momentsKernel();

    /**
     * Trace statistics (ESS, R̂) whose inner products run on {@link #reductions()}.
     *
     * @return a stateless, thread-safe instance
     */
    public TraceStatistics traceStatistics() {
        return TraceStatistics.of(reductions());
    }

    /**
     * An empty running mean and variance whose updates run on this provider.
     *
     * @param dimension d, the coordinates per observation (&ge; 1)
     * @return an empty accumulator
     * @throws IllegalArgumentException if {@code dimension} is below 1
     */
    public RunningMoments runningMoments(int dimension) {
        return new RunningMoments(dimension, momentsKernel());
    }

    @Override
    public String toString() {
        return "SimdProvider[" + describe() + "]";
    }

    /** Holds the choice, made when {@link #get()} is first called (once per class loader, so once per JVM). */
    private static final class Chosen {
        static final SimdProvider PROVIDER = choose(System.getProperty("lambdahat.simd", ""),
                ModuleLayer.boot().findModule(VECTOR_MODULE), compilerProblem(), System.err::println);
    }

    /**
     * The choice, from what the JVM offers; {@code warn} receives the one warning line when the twins stand in.
     *
     * @param setting the {@code lambdahat.simd} property: "scalar", or anything else for the automatic choice
     * @param vectorModule the incubator module in the boot layer, if resolved
     * @param compilerProblem why C2 cannot compile the Vector API here, or null when it can
     * @param warn where the warning goes
     * @return the provider
     */
    static SimdProvider choose(String setting, Optional<Module> vectorModule, String compilerProblem,
                               Consumer<String> warn) {
        if (setting.equals("scalar")) return ScalarSimdProvider.INSTANCE;
        if (vectorModule.isEmpty() || !SimdProvider.class.getModule().canRead(vectorModule.get())) {
            warn.accept("lambdahat: warning: " + VECTOR_MODULE + " is not readable, so the CPU kernels run as their "
                    + "scalar twins (the same numbers, slower); pass --add-modules " + VECTOR_MODULE + " to the JVM");
            return ScalarSimdProvider.INSTANCE;
        }
        if (compilerProblem != null) {
            warn.accept("lambdahat: warning: " + compilerProblem + ", so the CPU kernels run as their scalar twins "
                    + "(the same numbers; the Vector API is slow without C2)");
            return ScalarSimdProvider.INSTANCE;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> vector = lookup.findClass(VECTOR_PROVIDER);
            return (SimdProvider) lookup.findConstructor(vector, MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            warn.accept("lambdahat: warning: the Vector API kernels failed to load (" + e
                    + "), so the CPU kernels run as their scalar twins (the same numbers, slower)");
            return ScalarSimdProvider.INSTANCE;
        }
    }

    /**
     * Why this JVM cannot compile Vector API code with C2, or null when it can: interpreted only ({@code -Xint}),
     * a client-only JIT ({@code -XX:TieredStopAtLevel} below 4), or the compiler switched off. A JVM that does not
     * answer (not HotSpot) is taken to have an optimising compiler.
     */
    static String compilerProblem() {
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted mode")) return "the JVM runs interpreted only (-Xint)";
        if (info.contains("emulated-client")) return "the JVM runs without C2 (emulated client)";
        try {
            var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (hotspot == null) return null;
            if (hotspot.getVMOption("UseCompiler").getValue().equals("false")) return "the JVM's JIT compiler is off";
            if (hotspot.getVMOption("TieredCompilation").getValue().equals("true")) {
                int level = Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue());
                if (level < 4) return "C2 is off (-XX:TieredStopAtLevel=" + level + ")";
            }
            return null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
