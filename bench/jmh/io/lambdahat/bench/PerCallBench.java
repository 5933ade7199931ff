package io.lambdahat.bench;

import io.lambdahat.bindings.lambdahat_h;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Op;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The per-call cost of the native boundary: one add of two 16-element float32 tensors, its result freed every
 * time, as native-build/bench/add_floor.cpp does from C++ (the floor) and bench/python/percall_add.py from
 * Python (the bar the boxed path must clear). libtorch runs on one intra-op thread in all three.
 *
 * <p>{@code typed}, {@code typedScope}, {@code boxed} and {@code boxedScope} are the public paths:
 * {@link Tensor#add} (the typed shim function) and {@link Op} (the dispatcher's callBoxed), each freed by close
 * or by a {@link Scope} opened around the one add. The rest take the public API away piece by piece, to show
 * where the time over C++ goes: {@code floorBindings} is the bare generated downcalls ({@code lh_add} +
 * {@code lh_tensor_free}: no Tensor object, no scope lookup, no error read), {@code floorCritical} the same
 * linked with {@code Linker.Option.critical(false)}, {@code floorBoxed} {@code lh_op_call} with a frame filled
 * once, {@code scopeOnly} an empty Scope, {@code emptyDowncall*} the Java-to-native transition alone, and
 * {@code cppInProcess} add_floor's own loop run inside this JVM (bench/percall.sh builds it).
 *
 * <p>{@link #main} times the paths in interleaved rounds for paired ratios on a machine whose load changes.
 */
@State(org.openjdk.jmh.annotations.Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerCallBench {
    private static final Op ADD = Op.find("aten::add", "Tensor");

    private static final MethodHandle ADD_CRITICAL = Linker.nativeLinker().downcallHandle(
            lambdahat_h.lh_add$address(), lambdahat_h.lh_add$descriptor(), Linker.Option.critical(false));
    private static final MethodHandle FREE_CRITICAL = Linker.nativeLinker().downcallHandle(
            lambdahat_h.lh_tensor_free$address(), lambdahat_h.lh_tensor_free$descriptor(), Linker.Option.critical(false));
    private static final MethodHandle LIVE_CRITICAL = Linker.nativeLinker().downcallHandle(
            lambdahat_h.lh_live_tensors$address(), lambdahat_h.lh_live_tensors$descriptor(), Linker.Option.critical(false));

    /**
     * The add_floor loop built as a library (bench/percall.sh builds it and names it with -Dpercall.floor.lib):
     * the C++ floor timed inside this JVM, so the Java paths can be compared with it under the same load.
     */
    private static final MethodHandle CPP_FLOOR = cppFloor();

    private static MethodHandle cppFloor() {
        String lib = System.getProperty("percall.floor.lib");
        if (lib == null) return null;
        MemorySegment symbol = SymbolLookup.libraryLookup(Path.of(lib), Arena.global()).find("percall_add_floor")
                .orElseThrow(() -> new UnsatisfiedLinkError(lib + " has no percall_add_floor; rebuild it with bench/percall.sh"));
        return Linker.nativeLinker().downcallHandle(symbol,
                FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_LONG));
    }

    private Tensor a;
    private Tensor b;
    private MemorySegment rawA;
    private MemorySegment rawB;
    private long liveBefore;
    private Arena frameArena;
    private MemorySegment rawOp;
    private MemorySegment tags;
    private MemorySegment values;
    private MemorySegment ptrs;
    private MemorySegment outTags;
    private MemorySegment outValues;
    private MemorySegment outPtrs;

    @Setup
    public void setUp() {
        Torch.setThreads(1);
        if (Torch.threads() != 1) throw new IllegalStateException("libtorch did not take 1 intra-op thread");
        liveBefore = Torch.liveTensors();
        var generator = new Generator(1);
        a = Tensor.rand(generator, DType.FLOAT32, Device.CPU, 16);
        b = Tensor.rand(generator, DType.FLOAT32, Device.CPU, 16);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment shape = arena.allocateFrom(ValueLayout.JAVA_LONG, 16);
            rawA = lambdahat_h.lh_rand(shape, 1, DType.FLOAT32.code, 0, -1, MemorySegment.NULL);
            rawB = lambdahat_h.lh_rand(shape, 1, DType.FLOAT32.code, 0, -1, MemorySegment.NULL);
        }
        if (rawA.address() == 0 || rawB.address() == 0) throw new IllegalStateException("lh_rand failed");
        // A boxed-call frame filled once: what lh_op_call costs without Op.Call's per-call Java work.
        frameArena = Arena.ofConfined();
        rawOp = lambdahat_h.lh_op_find(frameArena.allocateFrom("aten::add"), frameArena.allocateFrom("Tensor"));
        if (rawOp.address() == 0) throw new IllegalStateException("lh_op_find failed");
        tags = frameArena.allocateFrom(ValueLayout.JAVA_INT, lambdahat_h.LH_ARG_TENSOR(), lambdahat_h.LH_ARG_TENSOR());
        values = frameArena.allocate(ValueLayout.JAVA_LONG, 2);
        ptrs = frameArena.allocate(ValueLayout.ADDRESS, 2);
        ptrs.setAtIndex(ValueLayout.ADDRESS, 0, rawA);
        ptrs.setAtIndex(ValueLayout.ADDRESS, 1, rawB);
        outTags = frameArena.allocate(ValueLayout.JAVA_INT, 4);
        outValues = frameArena.allocate(ValueLayout.JAVA_LONG, 4);
        outPtrs = frameArena.allocate(ValueLayout.ADDRESS, 4);
        checkSum();
    }

    /** Every path must compute a + b; a wrong answer here would make its timing meaningless. */
    private void checkSum() {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        float[][] results = new float[2][];
        try (Tensor c = a.add(b)) {
            results[0] = c.toFloatArray();
        }
        try (Tensor c = ADD.call().tensor(a).tensor(b).returnTensor()) {
            results[1] = c.toFloatArray();
        }
        for (float[] r : results) {
            for (int i = 0; i < 16; i++) {
                if (r[i] != x[i] + y[i]) throw new IllegalStateException("add disagrees with a + b at " + i);
            }
        }
    }

    @TearDown
    public void tearDown() {
        a.close();
        b.close();
        lambdahat_h.lh_tensor_free(rawA);
        lambdahat_h.lh_tensor_free(rawB);
        frameArena.close();
        long leaked = Torch.liveTensors() - liveBefore;
        if (leaked != 0) throw new IllegalStateException(leaked + " tensors leaked by the benchmark loop");
    }

    // ---------------------------------------------------------------- the public paths

    @Benchmark
    public Tensor typed() {
        try (Tensor c = a.add(b)) {
            return c;
        }
    }

    @Benchmark
    public Tensor typedScope() {
        try (Scope scope = Scope.open()) {
            return a.add(b);
        }
    }

    @Benchmark
    public Tensor boxed() {
        try (Tensor c = ADD.call().tensor(a).tensor(b).returnTensor()) {
            return c;
        }
    }

    @Benchmark
    public Tensor boxedScope() {
        try (Scope scope = Scope.open()) {
            return ADD.call().tensor(a).tensor(b).returnTensor();
        }
    }

    // ---------------------------------------------------------------- the breakdown

    /** The C++ floor inside this JVM, 1000 adds per downcall (needs -Dpercall.floor.lib). */
    @Benchmark
    @OperationsPerInvocation(1000)
    public double cppInProcess() throws Throwable {
        if (CPP_FLOOR == null) throw new IllegalStateException("cppInProcess needs -Dpercall.floor.lib=<libpercall_floor.so>");
        return (double) CPP_FLOOR.invokeExact(1000L);
    }

    /** The generated bindings alone: two downcalls and a NULL test, nothing of Tensor. */
    @Benchmark
    public long floorBindings() {
        MemorySegment c = lambdahat_h.lh_add(rawA, rawB, 1.0);
        if (c.address() == 0) throw new IllegalStateException("lh_add failed");
        long address = c.address();
        lambdahat_h.lh_tensor_free(c);
        return address;
    }

    /** The same two downcalls linked as critical: no thread-state transition, no safepoint poll on return. */
    @Benchmark
    public long floorCritical() throws Throwable {
        MemorySegment c = (MemorySegment) ADD_CRITICAL.invokeExact(rawA, rawB, 1.0);
        if (c.address() == 0) throw new IllegalStateException("lh_add failed");
        long address = c.address();
        int status = (int) FREE_CRITICAL.invokeExact(c);
        return address + status;
    }

    /** The boxed call with its frame filled once: the dispatcher's boxing, without Op.Call's Java side. */
    @Benchmark
    public long floorBoxed() {
        int n = lambdahat_h.lh_op_call(rawOp, 2, tags, values, ptrs, 4, outTags, outValues, outPtrs);
        if (n != 1 || outTags.get(ValueLayout.JAVA_INT, 0) != lambdahat_h.LH_ARG_TENSOR()) {
            throw new IllegalStateException("aten::add did not return one tensor");
        }
        MemorySegment c = outPtrs.get(ValueLayout.ADDRESS, 0);
        lambdahat_h.lh_tensor_free(c);
        return c.address();
    }

    /** An empty Scope opened and closed: the part of typedScope and boxedScope that is not the add. */
    @Benchmark
    public Scope scopeOnly() {
        try (Scope scope = Scope.open()) {
            return scope;
        }
    }

    /** One downcall into a function that only loads a counter: the transition's price. */
    @Benchmark
    public long emptyDowncall() {
        return lambdahat_h.lh_live_tensors();
    }

    @Benchmark
    public long emptyDowncallCritical() throws Throwable {
        return (long) LIVE_CRITICAL.invokeExact();
    }

    // ---------------------------------------------------------------- interleaved rounds

    private static final String[] PATHS = {"typed", "typedScope", "boxed", "boxedScope", "floorBindings",
            "floorCritical", "floorBoxed", "cppInProcess", "python"};
    private static final int BARE = 4;
    private static final int CPP = 7;
    private static final int PYTHON = 8;

    /** Keeps each result reachable from the heap, as JMH's blackhole does, so no path gets its Tensor scalar-replaced. */
    private Object last;

    /** Runs {@code calls} adds of one path and returns ns per add. */
    private double window(int path, int calls, Partner python) throws Throwable {
        if (path == PYTHON) return python.round(calls);
        long sum = 0;
        long start = System.nanoTime();
        switch (path) {
            case 0 -> { for (int i = 0; i < calls; i++) last = typed(); }
            case 1 -> { for (int i = 0; i < calls; i++) last = typedScope(); }
            case 2 -> { for (int i = 0; i < calls; i++) last = boxed(); }
            case 3 -> { for (int i = 0; i < calls; i++) last = boxedScope(); }
            case 4 -> { for (int i = 0; i < calls; i++) sum += floorBindings(); }
            case 5 -> { for (int i = 0; i < calls; i++) sum += floorCritical(); }
            case 6 -> { for (int i = 0; i < calls; i++) sum += floorBoxed(); }
            case CPP -> last = (double) CPP_FLOOR.invokeExact((long) calls);
            default -> throw new IllegalArgumentException("no path " + path);
        }
        double ns = (double) (System.nanoTime() - start) / calls;
        if (sum == 42) last = sum;
        return ns;
    }

    /**
     * The Python loop in another process, run in lock step with this one: each request is one timed round of
     * adds there ({@code percall_add.py --serve}) while this JVM waits on the pipe, so its rounds interleave
     * with the Java ones and see the same load. The time is taken inside Python, leaving the pipe out.
     */
    private static final class Partner implements AutoCloseable {
        private final Process process;
        private final BufferedWriter requests;
        private final BufferedReader replies;

        Partner(String command) throws IOException {
            process = new ProcessBuilder(command.trim().split("\\s+")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        double round(int calls) throws IOException {
            requests.write(calls + "\n");
            requests.flush();
            String reply = replies.readLine();
            if (reply == null) throw new IOException("the Python partner ended early (exit " + process.exitValue() + ")");
            return Double.parseDouble(reply.trim());
        }

        @Override
        public void close() throws IOException, InterruptedException {
            requests.close();
            if (process.waitFor() != 0) throw new IOException("the Python partner failed (exit " + process.exitValue() + ")");
        }
    }

    /**
     * The paths timed in turn, a few milliseconds each, round after round, in a fresh random order each
     * round. On a shared machine the load changes from second to second, so separate runs of two paths can see
     * different loads; here the paths of one round see nearly the same one, and a path's ratio within a round
     * to the C++ floor (add_floor's loop in this process, with -Dpercall.floor.lib), to Python (a partner
     * process run in lock step, with -Dpercall.python="/usr/bin/python3 bench/python/percall_add.py --serve")
     * or to the bare downcalls is a paired measurement. Prints per path: median, min and 25th percentile ns per
     * add, and the medians over rounds of the paired ratios. Args: rounds (default 300), calls per path per
     * round (default 4000).
     */
    public static void main(String[] args) throws Throwable {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        if (rounds < 1 || calls < 1) throw new IllegalArgumentException("rounds and calls must be at least 1");
        String partnerCommand = System.getProperty("percall.python");
        PerCallBench bench = new PerCallBench();
        bench.setUp();
        try (Partner python = partnerCommand == null ? null : new Partner(partnerCommand)) {
            int[] active = IntStream.range(0, PATHS.length)
                    .filter(p -> (p != CPP || CPP_FLOOR != null) && (p != PYTHON || python != null)).toArray();
            int n = active.length;
            for (int p : active) bench.window(p, 100_000, python);
            double[][] ns = new double[PATHS.length][rounds];
            // A fresh order each round: the window right after Python's starts a thread just woken, which the
            // scheduler favours on a busy machine, and no path may always be the one to get that.
            Random order = new Random(1);
            int[] sequence = active.clone();
            for (int r = 0; r < rounds; r++) {
                for (int k = n - 1; k > 0; k--) {
                    int j = order.nextInt(k + 1);
                    int t = sequence[k];
                    sequence[k] = sequence[j];
                    sequence[j] = t;
                }
                for (int p : sequence) ns[p][r] = bench.window(p, calls, python);
            }
            System.out.printf(Locale.ROOT, "%-14s %9s %9s %9s %9s %9s %9s%n",
                    "path", "median", "min", "p25", "/C++", "/Python", "/bare");
            for (int p : active) {
                System.out.printf(Locale.ROOT, "%-14s %9.1f %9.1f %9.1f %9s %9s %9.3f%n", PATHS[p],
                        quantile(ns[p], 0.5), quantile(ns[p], 0), quantile(ns[p], 0.25),
                        CPP_FLOOR == null ? "-" : String.format(Locale.ROOT, "%.3f", pairedRatio(ns[p], ns[CPP])),
                        python == null ? "-" : String.format(Locale.ROOT, "%.3f", pairedRatio(ns[p], ns[PYTHON])),
                        pairedRatio(ns[p], ns[BARE]));
            }
        }
        bench.tearDown();
    }

    private static double pairedRatio(double[] path, double[] base) {
        double[] ratio = new double[path.length];
        for (int r = 0; r < path.length; r++) ratio[r] = path[r] / base[r];
        return quantile(ratio, 0.5);
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
