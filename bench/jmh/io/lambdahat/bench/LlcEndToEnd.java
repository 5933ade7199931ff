package io.lambdahat.bench;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lambdahat.data.Dataset;
import io.lambdahat.data.MinibatchStream;
import io.lambdahat.io.Npy;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.ClosedFormGradient;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.Mlp;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.SamplerObserver;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.sampling.SgldUpdate;
import io.lambdahat.sampling.StepCoefficients;
import io.lambdahat.sampling.TorchOpsSgldUpdate;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java side of the end-to-end λ̂ benchmark (bench/llc-e2e.sh): runs {@link LangevinSampler} on a task written by
 * bench/python/llc_e2e_data.py (x.npy, y.npy, wstar.npy, task.json) and prints one JSON line per measurement, in the
 * same shape as the Python references' lines. libtorch runs on one thread.
 *
 * <pre>
 * e2e      --data DIR --burnin N --draws N --batch B --eps E --gamma G [--chains 4] [--nbeta X] [--seed 0]
 *          [--repeats 3] [--mala on|off] [--update default|torch] [--gradient closed|autograd] [--label L]
 *          λ̂ estimates (gradient: the model's closed form where it has one, the default, or libtorch's autograd); run 0 is the JVM's first (cold: class loading and JIT included), later runs are warm.
 * scaling  --data DIR --batch B --eps E --gamma G [--chains-list 1,2,4,8,16] [--steps 300] [--warmup 50]
 *          [--repeats 3] [--mala on|off]
 *          seconds per SGLD step (all chains) for each C, timed between steps warmup and warmup + steps.
 * profile  --data DIR --batch B --eps E --gamma G [--chains 4] [--steps 300] [--warmup 100] [--update default|torch]
 *          [--gradient closed|autograd]
 *          where a step's time goes: the sampler's step (MALA off) replayed phase by phase with public APIs,
 *          plus the tensor handles each step creates.
 * </pre>
 */
public final class LlcEndToEnd {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final ObjectMapper JSON = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

    private LlcEndToEnd() {}

    public static void main(String[] argv) throws IOException {
        if (argv.length == 0) throw usage("missing command");
        if (!List.of("e2e", "scaling", "profile").contains(argv[0])) throw usage("unknown command " + argv[0]);
        Map<String, String> a = options(Arrays.copyOfRange(argv, 1, argv.length));
        Torch.setThreads(1);
        try (Task task = Task.load(Path.of(required(a, "data")))) {
            switch (argv[0]) {
                case "e2e" -> e2e(task, a);
                case "scaling" -> scaling(task, a);
                case "profile" -> profile(task, a);
                default -> throw usage("unknown command " + argv[0]);
            }
        }
    }

    // ------------------------------------------------------------------ e2e

    private static void e2e(Task task, Map<String, String> a) throws IOException {
        int repeats = Integer.parseInt(a.getOrDefault("repeats", "3"));
        boolean mala = onOff(a.getOrDefault("mala", "on"));
        String update = a.getOrDefault("update", "default");
        boolean autograd = autograd(a);
        SamplerConfig base = config(a).mala(mala).build();
        for (int run = 0; run < repeats; run++) {
            SamplerConfig cfg = base.toBuilder().seed(base.seed() + 1000L * run).build();
            LangevinSampler sampler = new LangevinSampler(task.model, task.data, cfg).update(update(update, cfg)).autograd(autograd);
            long started = System.nanoTime(), cpu = CPU.getCurrentThreadCpuTime();
            LlcResult r = sampler.run(task.wstar);
            double wall = (System.nanoTime() - started) / 1e9, cpuSeconds = (CPU.getCurrentThreadCpuTime() - cpu) / 1e9;
            Map<String, Object> m = record("java" + (mala ? "" : "-nomala") + (update.equals("default") ? "" : "-torchops")
                    + (autograd ? "-autograd" : ""), task, a, cfg, r.nbeta());
            m.put("init_loss", r.initLoss());
            m.put("run", run);
            m.put("seconds", wall);
            m.put("cpu_seconds", cpuSeconds);
            m.put("sampler_seconds", r.seconds());
            m.put("steps", cfg.totalSteps());
            m.put("llc_mean", r.llcMean());
            m.put("llc_std", r.llcStd());
            m.put("llc_stderr", r.llcStderr());
            m.put("llc_chains", r.llcPerChain());
            List<Map<String, Object>> diverged = new ArrayList<>();
            for (LlcResult.Divergence d : r.diverged()) diverged.add(Map.of("chain", d.chain(), "step", d.step(), "reason", d.reason()));
            m.put("diverged", diverged);
            m.put("mala_accept", r.malaAcceptanceMean());
            m.put("rhat", r.rhat());
            emit(m);
        }
    }

    // ------------------------------------------------------------------ scaling

    private static void scaling(Task task, Map<String, String> a) throws IOException {
        int[] chainCounts = Arrays.stream(a.getOrDefault("chains-list", "1,2,4,8,16").split(",")).mapToInt(Integer::parseInt).toArray();
        int steps = Integer.parseInt(a.getOrDefault("steps", "300"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "50"));
        int repeats = Integer.parseInt(a.getOrDefault("repeats", "3"));
        boolean mala = onOff(a.getOrDefault("mala", "on"));
        SamplerConfig base = config(a).mala(mala).burnin(warmup).draws(steps).build();
        // A long untimed estimate first so that every C is measured with compiled code, and the order of C reversed
        // every other repeat so that any JIT progress left does not favour one end.
        timedSteps(task, base.toBuilder().chains(4).draws(4 * steps).build());
        for (int run = 0; run < repeats; run++) {
            for (int i = 0; i < chainCounts.length; i++) {
                int c = chainCounts[run % 2 == 0 ? i : chainCounts.length - 1 - i];
                SamplerConfig cfg = base.toBuilder().chains(c).seed(base.seed() + run).build();
                double[] perStep = timedSteps(task, cfg);
                Map<String, Object> m = record("java-scaling" + (mala ? "" : "-nomala"), task, a, cfg, Double.NaN);
                m.put("run", run);
                m.put("timed_steps", steps);
                m.put("seconds_per_step", perStep[0]);
                m.put("seconds_per_chain_step", perStep[0] / c);
                m.put("cpu_seconds_per_step", perStep[1]);
                m.put("cpu_seconds_per_chain_step", perStep[1] / c);
                emit(m);
            }
        }
    }

    /**
     * Wall and thread-CPU seconds per step between the end of burn-in and the last step (set-up and the first steps
     * excluded).
     */
    private static double[] timedSteps(Task task, SamplerConfig cfg) {
        long[] marks = new long[4];
        SamplerObserver clock = (step, total, losses) -> {
            if (step == cfg.burnin()) {
                marks[0] = System.nanoTime();
                marks[2] = CPU.getCurrentThreadCpuTime();
            }
            if (step == total) {
                marks[1] = System.nanoTime();
                marks[3] = CPU.getCurrentThreadCpuTime();
            }
        };
        new LangevinSampler(task.model, task.data, cfg).observer(clock).run(task.wstar);
        return new double[] {(marks[1] - marks[0]) / 1e9 / cfg.draws(), (marks[3] - marks[2]) / 1e9 / cfg.draws()};
    }

    // ------------------------------------------------------------------ profile

    private static final String[] PHASES = {"views", "minibatch", "forward", "backward", "loss to host", "grad handle",
            "update", "reset+zero grad", "free (scope close)"};

    /**
     * Replays LangevinSampler.run's step with MALA off, timing each phase in thread CPU time (steadier than wall time on a
     * shared machine); a draw every step after warm-up, as in the benchmark's settings, so the update also returns its
     * norms. With the closed-form gradient, forward and backward are one call, counted as "forward".
     */
    private static void profile(Task task, Map<String, String> a) throws IOException {
        int steps = Integer.parseInt(a.getOrDefault("steps", "300"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "100"));
        String updateName = a.getOrDefault("update", "default");
        ClosedFormGradient closed = !autograd(a) && task.model instanceof ClosedFormGradient cf ? cf : null;
        SamplerConfig cfg = config(a).mala(false).burnin(warmup).draws(steps).build();
        int c = cfg.chains();
        double nbeta = cfg.nbetaRule().value(task.data.size(), cfg.batchSize(), cfg.nbeta());
        SgldUpdate kernel = update(updateName, cfg);
        StepCoefficients coefficients = StepCoefficients.of(cfg, nbeta);
        long[] nanos = new long[PHASES.length];
        long handles = 0;
        double wall;
        boolean[] frozen = new boolean[c];
        long total = cfg.totalSteps();
        try (Scope run = Scope.open(); Generator noise = new Generator(Device.CPU, cfg.seed())) {
            Tensor centre = task.wstar.contiguous();
            ChainParameters params = ChainParameters.replicate(task.model.layout(), centre, c);
            Tensor gradBuffer = Tensor.zeros(DType.FLOAT32, Device.CPU, c, task.model.layout().size());
            Map<String, Tensor> gradViews = ChainParameters.viewsOf(task.model.layout(), gradBuffer);
            MinibatchStream batches = new MinibatchStream(task.data, c, cfg.batchSize(), cfg.seed(), Device.CPU);
            long wallStart = 0;
            for (long step = 0; step < total; step++) {
                boolean timed = step >= warmup;
                if (step == warmup) wallStart = System.nanoTime();
                long[] at = new long[PHASES.length + 1];
                at[0] = CPU.getCurrentThreadCpuTime();
                long before = Torch.liveTensors();
                try (Scope s = Scope.open()) {
                    Map<String, Tensor> views = params.views();
                    at[1] = CPU.getCurrentThreadCpuTime();
                    Tensor[] xy = batches.next();
                    at[2] = CPU.getCurrentThreadCpuTime();
                    Tensor perChain;
                    if (closed != null) {
                        try (var ng = Torch.noGrad()) {
                            perChain = closed.lossAndGradient(views, xy[0], xy[1], gradViews);
                        }
                        at[3] = at[4] = CPU.getCurrentThreadCpuTime();
                    } else {
                        perChain = task.model.loss(views, xy[0], xy[1]);
                        at[3] = CPU.getCurrentThreadCpuTime();
                        perChain.sum().backward();
                        at[4] = CPU.getCurrentThreadCpuTime();
                    }
                    double[] losses = perChain.detach().to(DType.FLOAT64).toDoubleArray();
                    for (int k = 0; k < c; k++) if (!Double.isFinite(losses[k])) frozen[k] = true;
                    at[5] = CPU.getCurrentThreadCpuTime();
                    Tensor grad = closed != null ? gradBuffer : params.flat().grad();
                    at[6] = CPU.getCurrentThreadCpuTime();
                    try (var ng = Torch.noGrad()) {
                        kernel.step(params.flat(), grad, centre, null, frozen, coefficients, noise, timed);
                        at[7] = CPU.getCurrentThreadCpuTime();
                        kernel.resetFrozen(params.flat(), centre, frozen);
                        if (closed == null) params.flat().grad().zeroInPlace();
                    }
                    if (timed) handles += Torch.liveTensors() - before;
                    at[8] = CPU.getCurrentThreadCpuTime();
                }
                at[9] = CPU.getCurrentThreadCpuTime();
                if (timed) for (int i = 0; i < PHASES.length; i++) nanos[i] += at[i + 1] - at[i];
            }
            wall = (System.nanoTime() - wallStart) / 1e3 / steps;
            kernel.close();
            params.close();
        }
        Map<String, Object> m = record("java-profile" + (updateName.equals("default") ? "" : "-torchops") + (closed == null ? "-autograd" : ""),
                task, a, cfg, nbeta);
        m.put("timed_steps", steps);
        Map<String, Double> perStep = new LinkedHashMap<>();
        long sum = 0;
        for (int i = 0; i < PHASES.length; i++) {
            perStep.put(PHASES[i], nanos[i] / 1e3 / steps);
            sum += nanos[i];
        }
        m.put("cpu_microseconds_per_step", perStep);
        m.put("cpu_microseconds_per_step_total", sum / 1e3 / steps);
        m.put("wall_microseconds_per_step", wall);
        m.put("tensor_handles_per_step", (double) handles / steps);
        m.put("noop_native_call_microseconds", noopCall());
        emit(m);
    }

    /**
     * CPU microseconds of the cheapest round trip to libtorch that makes and frees a tensor (a view of a [4] tensor),
     * the unit of the per-step op overhead.
     */
    private static double noopCall() {
        try (Tensor t = Tensor.zeros(DType.FLOAT32, Device.CPU, 4)) {
            int reps = 100_000;
            for (int i = 0; i < reps; i++) t.view(2, 2).close();
            long start = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) t.view(2, 2).close();
            return (CPU.getCurrentThreadCpuTime() - start) / 1e3 / reps;
        }
    }

    // ------------------------------------------------------------------ shared

    /** default: what the sampler picks for the configuration (on the CPU the fused Vector API kernel); torch: libtorch ops. */
    private static SgldUpdate update(String name, SamplerConfig cfg) {
        return switch (name) {
            case "default" -> SgldUpdate.forConfig(cfg, DType.FLOAT32);
            case "torch" -> new TorchOpsSgldUpdate();
            default -> throw usage("--update must be default or torch, got " + name);
        };
    }

    private static SamplerConfig.Builder config(Map<String, String> a) {
        SamplerConfig.Builder b = SamplerConfig.builder()
                .epsilon(Double.parseDouble(required(a, "eps")))
                .gamma(Double.parseDouble(required(a, "gamma")))
                .chains(Integer.parseInt(a.getOrDefault("chains", "4")))
                .burnin(Integer.parseInt(a.getOrDefault("burnin", "100")))
                .draws(Integer.parseInt(a.getOrDefault("draws", "200")))
                .batchSize(Integer.parseInt(required(a, "batch")))
                .seed(Long.parseLong(a.getOrDefault("seed", "0")));
        if (a.containsKey("nbeta")) b.nbeta(Double.parseDouble(a.get("nbeta")));
        return b;
    }

    private static Map<String, Object> record(String impl, Task task, Map<String, String> a, SamplerConfig cfg, double nbeta) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("impl", impl);
        m.put("label", a.get("label"));
        m.put("model", task.model.describe());
        m.put("parameters", task.model.layout().size());
        m.put("n", task.data.size());
        m.put("chains", cfg.chains());
        m.put("batch", cfg.batchSize());
        m.put("burnin", cfg.burnin());
        m.put("draws", cfg.draws());
        m.put("eps", cfg.epsilon());
        m.put("gamma", cfg.gamma());
        m.put("nbeta", nbeta);
        m.put("threads", Torch.threads());
        m.put("torch", Torch.version());
        return m;
    }

    private static void emit(Map<String, Object> m) throws IOException {
        System.out.println(JSON.writeValueAsString(m));
        System.out.flush();
    }

    /** --gradient closed (the default: the model's closed form where it has one) or autograd. */
    private static boolean autograd(Map<String, String> a) {
        return switch (a.getOrDefault("gradient", "closed")) {
            case "closed" -> false;
            case "autograd" -> true;
            default -> throw usage("--gradient must be closed or autograd, got " + a.get("gradient"));
        };
    }

    private static boolean onOff(String v) {
        return switch (v) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw usage("--mala must be on or off, got " + v);
        };
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) throw usage("expected --name value pairs, got " + String.join(" ", args));
            m.put(args[i].substring(2), args[i + 1]);
        }
        return m;
    }

    private static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null) throw usage("--" + name + " is required");
        return v;
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem + "; usage: LlcEndToEnd e2e|scaling|profile --data DIR --batch B --eps E --gamma G [...]"
                + " (see the class comment, or bench/llc-e2e.sh)");
    }

    /** A task from llc_e2e_data.py: the model its task.json names, the data and w*. */
    private record Task(ChainModel model, Dataset data, Tensor wstar) implements AutoCloseable {
        static Task load(Path dir) throws IOException {
            Map<?, ?> meta = JSON.readValue(Files.readString(dir.resolve("task.json")), Map.class);
            int[] widths = ((List<?>) meta.get("widths")).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
            ChainModel model = switch ((String) meta.get("task")) {
                case "mlp" -> new Mlp(Mlp.Activation.RELU, Mlp.Objective.MSE, widths);
                case "dln" -> new DeepLinearNetwork(widths);
                default -> throw new IllegalArgumentException("task.json names task " + meta.get("task") + "; expected mlp or dln");
            };
            Tensor x = Npy.load(dir.resolve("x.npy")), y = Npy.load(dir.resolve("y.npy")), w = Npy.load(dir.resolve("wstar.npy"));
            if (w.numel() != model.layout().size()) {
                throw new IllegalArgumentException("wstar.npy has " + w.numel() + " values, " + model.describe() + " needs " + model.layout().size());
            }
            return new Task(model, new Dataset(x, y), w);
        }

        @Override
        public void close() {
            data.close();
            wstar.close();
        }
    }
}
