package io.lambdahat.gpu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.data.Dataset;
import io.lambdahat.io.Npy;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.Transformer;
import io.lambdahat.nn.TransformerConfig;
import io.lambdahat.sampling.InitLoss;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.sampling.TorchOpsSgldUpdate;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import io.lambdahat.data.EpochSampler;
import io.lambdahat.tasks.TaskOptions;
import io.lambdahat.train.TrainConfig;
import io.lambdahat.train.TrainResult;
import io.lambdahat.train.Trainer;
import io.lambdahat.tasks.TrainingTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Java side of bench/gpu: λ̂ of an attention-only transformer with all chains batched, and training throughput
 * through {@link Trainer}, on one device. It writes the shared inputs (tokens.npy, wstar.npy) that
 * bench/python/gpu_llc_transformer.py reads, so the PyTorch baseline runs the same model on the same data, and
 * java.json with the timings. Sizes are arguments (key=value), so a CPU dry run exercises the very same code:
 *
 * <pre>java ... io.lambdahat.gpu.GpuBenchmark out=DIR device=cuda layers=2 heads=8 d_model=256 context=256 vocab=5000
 *      chains=8 draws=500 burnin=100 batch=32 n=1024 train_steps=200</pre>
 */
public final class GpuBenchmark {
    private GpuBenchmark() {}

    /** The benchmark's settings, every one with the value as default. */
    record Settings(Path out, Device device, int layers, int heads, int dModel, int context, int vocab, int chains, int draws,
                    int burnin, int batch, int n, int trainSteps, double epsilon, double gamma, double nbeta, double lr, long seed) {
        static Settings parse(String[] args) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String a : args) {
                int eq = a.indexOf('=');
                if (eq < 1) throw new IllegalArgumentException("arguments are key=value, got '" + a + "'");
                m.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
            }
            Settings s = new Settings(Path.of(take(m, "out", "target/gpu-out")), Device.parse(take(m, "device", "cuda")),
                    Integer.parseInt(take(m, "layers", "2")), Integer.parseInt(take(m, "heads", "8")),
                    Integer.parseInt(take(m, "d_model", "256")), Integer.parseInt(take(m, "context", "256")),
                    Integer.parseInt(take(m, "vocab", "5000")), Integer.parseInt(take(m, "chains", "8")),
                    Integer.parseInt(take(m, "draws", "500")), Integer.parseInt(take(m, "burnin", "100")),
                    Integer.parseInt(take(m, "batch", "32")), Integer.parseInt(take(m, "n", "1024")),
                    Integer.parseInt(take(m, "train_steps", "200")), Double.parseDouble(take(m, "epsilon", "1e-5")),
                    Double.parseDouble(take(m, "gamma", "100")), Double.parseDouble(take(m, "nbeta", "100")),
                    Double.parseDouble(take(m, "lr", "1e-3")), Long.parseLong(take(m, "seed", "0")));
            if (!m.isEmpty()) throw new IllegalArgumentException("unknown argument(s) " + m.keySet());
            return s;
        }

        private static String take(Map<String, String> m, String key, String fallback) {
            String v = m.remove(key);
            return v == null ? fallback : v;
        }

        Map<String, Object> toJson() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("device", device.toString());
            j.put("layers", layers);
            j.put("heads", heads);
            j.put("d_model", dModel);
            j.put("context", context);
            j.put("vocab", vocab);
            j.put("chains", chains);
            j.put("draws", draws);
            j.put("burnin", burnin);
            j.put("batch", batch);
            j.put("n", n);
            j.put("train_steps", trainSteps);
            j.put("epsilon", epsilon);
            j.put("gamma", gamma);
            j.put("nbeta", nbeta);
            j.put("lr", lr);
            j.put("seed", seed);
            return j;
        }
    }

    /**
     * Writes tokens.npy ([n, context + 1] int64, uniform over the vocabulary, from the seed) and wstar.npy (the
     * transformer's initial weights [P] float32) into the output folder; both sides read them.
     */
    static void writeInputs(Settings s, Transformer model) throws IOException {
        Files.createDirectories(s.out());
        long[] tokens = new long[s.n() * (s.context() + 1)];
        SplittableRandom rng = new SplittableRandom(s.seed());
        for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(s.vocab());
        try (Scope scope = Scope.open(); Generator g = new Generator(s.seed() + 1)) {
            Npy.write(s.out().resolve("tokens.npy"), Tensor.of(tokens, s.n(), s.context() + 1));
            Npy.write(s.out().resolve("wstar.npy"), model.initialWeights(g, DType.FLOAT32));
        }
    }

    static SamplerConfig samplerConfig(Settings s, int chains, int draws, int burnin) {
        return SamplerConfig.builder().epsilon(s.epsilon()).gamma(s.gamma()).nbeta(s.nbeta()).chains(chains).burnin(burnin).draws(draws)
                .batchSize(s.batch()).seed(s.seed()).initLoss(InitLoss.MINIBATCH_MEAN).mala(false).device(s.device()).build();
    }

    /**
     * The sampler as CUDA runs it: libtorch-ops update and losses read back in blocks, forced on the CPU too, so that
     * a CPU dry run goes through the same code.
     */
    static LangevinSampler sampler(Transformer model, Dataset data, SamplerConfig config) {
        return new LangevinSampler(model, data, config).update(new TorchOpsSgldUpdate()).lossReadout(64);
    }

    /** The mean next-token loss at w* of the first 4 sequences, the number the PyTorch side prints too. */
    static double checkLoss(Transformer model, Tensor wStar, Dataset data) {
        try (Scope scope = Scope.open(); var ng = Torch.noGrad(); ChainParameters one = ChainParameters.replicate(model.layout(), wStar, 1)) {
            return model.loss(one.views(), data.x().narrow(0, 0, 4).unsqueeze(0), data.y().narrow(0, 0, 4).unsqueeze(0)).item();
        }
    }

    /**
     * A training task over the benchmark's tokens, as the built-in tasks are: data on the CPU, minibatches by
     * {@link EpochSampler} (the trainer copies them to the device a block at a time), no metrics.
     */
    static final class TokenTask implements TrainingTask {
        private final Transformer model;
        private final Tensor wStar;
        private final Dataset train;
        private final EpochSampler sampler;

        TokenTask(Transformer model, Tensor wStar, Dataset onHost, int batch, long seed) {
            this.model = model;
            this.wStar = wStar;
            this.train = onHost;
            this.sampler = new EpochSampler(onHost.size(), batch, seed);
        }

        public ChainModel model() { return model; }

        public Tensor initialParameters(Generator g) { return wStar.copy(); }

        public Tensor[] batch(long t) {
            return sampler.batch(train, t);
        }

        public Evaluation evaluate(Map<String, Tensor> params) {
            // held out: the first 4 sequences (the trainer evaluates on the CPU)
            try (Scope s = Scope.open()) {
                double loss = model.loss(params, train.x().narrow(0, 0, 4).unsqueeze(0), train.y().narrow(0, 0, 4).unsqueeze(0)).item();
                return new Evaluation(loss, Map.of());
            }
        }

        public List<String> metricNames() { return List.of(); }

        public Map<String, Object> settings() { return Map.of("benchmark", "tokens"); }

        public void close() {}
    }

    static double trainSeconds(Settings s, Transformer model, Tensor wStar, Dataset onHost, int steps, Path dir) throws IOException {
        TrainConfig config = TrainConfig.builder().steps(steps).batch(s.batch()).seed(s.seed()).optimizer("adamw").lr(s.lr())
                .numCheckpoints(2).logEvery(steps).build();
        try (TokenTask task = new TokenTask(model, wStar, onHost, s.batch(), s.seed())) {
            long started = System.nanoTime();
            TrainResult r = new Trainer("tokens", task, config, dir).device(s.device()).libtorchUpdates(true).run();
            Torch.synchronize(s.device());
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("  trained %d steps in %.2f s (held-out loss %.4f)%n", steps, seconds, r.heldOutLoss());
            return seconds;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    public static void main(String[] args) throws Exception {
        Settings s = Settings.parse(args);
        if (s.device().isCuda() && !Torch.cudaAvailable()) throw new IllegalStateException("device " + s.device() + " asked for but libtorch sees no CUDA");
        Transformer model = new Transformer(TransformerConfig.attentionOnly(s.layers(), s.heads(), s.dModel(), s.context(), s.vocab()));
        writeInputs(s, model);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("settings", s.toJson());
        out.put("libtorch", Torch.version());
        out.put("parameters", model.layout().size());
        System.out.printf("java: libtorch %s on %s, %s, P = %d%n", Torch.version(), s.device(), model.describe(), model.layout().size());
        try (Scope scope = Scope.open()) {
            Tensor tokens = Npy.load(s.out().resolve("tokens.npy"));
            Tensor wStar = Npy.load(s.out().resolve("wstar.npy"));
            Tensor[] xy = io.lambdahat.tasks.InductionTask.split(tokens);
            try (Dataset data = new Dataset(xy[0].contiguous(), xy[1].contiguous()); Dataset onDevice = data.to(s.device())) {
                double check = checkLoss(model, wStar, data);
                out.put("check_loss", check);
                System.out.printf("  check loss at w* (4 sequences) = %.6f%n", check);

                // warm-up: CUDA context, cuBLAS handles and the caching allocator, outside the timed runs
                sampler(model, onDevice, samplerConfig(s, s.chains(), 4, 2)).run(wStar);
                Torch.synchronize(s.device());
                long started = System.nanoTime();
                LlcResult r = sampler(model, onDevice, samplerConfig(s, s.chains(), s.draws(), s.burnin())).run(wStar);
                Torch.synchronize(s.device());
                double llcSeconds = (System.nanoTime() - started) / 1e9;
                long steps = (long) s.burnin() + s.draws();
                System.out.printf("  λ̂ %d chains batched × %d steps: %.2f s, λ̂ = %.3f ± %.3f, %d diverged%n", s.chains(), steps, llcSeconds,
                        r.llcMean(), r.llcStderr(), r.diverged().size());
                Map<String, Object> llc = new LinkedHashMap<>();
                llc.put("seconds", llcSeconds);
                llc.put("steps_per_chain", steps);
                llc.put("llc_mean", r.llcMean());
                llc.put("llc_stderr", r.llcStderr());
                llc.put("init_loss", r.initLoss());
                llc.put("diverged", r.diverged().size());
                out.put("llc", llc);

                Path runs = s.out().resolve("java-train");
                deleteTree(runs); // a finished run in the folder would be resumed to nothing
                trainSeconds(s, model, wStar, data, Math.max(2, s.trainSteps() / 10), runs.resolve("warmup"));
                double trainSeconds = trainSeconds(s, model, wStar, data, s.trainSteps(), runs.resolve("timed"));
                double tokensPerSecond = (double) s.trainSteps() * s.batch() * s.context() / trainSeconds;
                System.out.printf("  training: %.0f tokens/s%n", tokensPerSecond);
                Map<String, Object> train = new LinkedHashMap<>();
                train.put("seconds", trainSeconds);
                train.put("steps", s.trainSteps());
                train.put("tokens_per_second", tokensPerSecond);
                out.put("train", train);
            }
        }
        Files.writeString(s.out().resolve("java.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out) + "\n");
    }
}
