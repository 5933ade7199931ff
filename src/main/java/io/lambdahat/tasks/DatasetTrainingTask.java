package io.lambdahat.tasks;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.IclRegressionTransformer;
import io.lambdahat.nn.Mlp;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.nn.ToyModelOfSuperposition;
import io.lambdahat.nn.TransformerConfig;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import io.lambdahat.data.EpochSampler;
import io.lambdahat.data.Seeds;

/**
 * A task that trains on a fixed generated training set with a held-out set and no task metrics; the mlp, tms and
 * icl-linreg tasks are built this way.
 */
final class DatasetTrainingTask implements TrainingTask {
    private final ChainModel model;
    private final Function<Generator, Tensor> initialiser;
    private final Dataset train;
    private final Dataset heldOut;
    private final EpochSampler sampler;
    private final Map<String, Object> settings;
    private final Tensor teacher; // a known true parameter [P], or null

    private DatasetTrainingTask(ChainModel model, Function<Generator, Tensor> initialiser, Dataset train, Dataset heldOut, TaskOptions o,
                                Map<String, Object> settings, Tensor teacher) {
        this.model = model;
        this.initialiser = initialiser;
        this.train = train;
        this.heldOut = heldOut;
        this.sampler = new EpochSampler(train.size(), o.batch(), o.seed());
        this.settings = settings;
        this.teacher = teacher;
    }

    /**
     * mlp: MSE regression of an MLP student on a teacher of the same architecture ({@link Teachers#mlp}: Gaussian
     * weights scaled by 1/√fan-in, zero biases) with inputs uniform in [−range, range]. The student starts from
     * torch's nn.Linear initialisation, U(−1/√fan-in, 1/√fan-in) for weights and biases. Options: widths (4,32,1),
     * activation (relu or tanh; relu), n (4096), held-out (1024), noise (label noise σ, 0), input-range (1).
     */
    static DatasetTrainingTask mlp(TaskOptions o) {
        int[] widths = o.integers("widths", new int[] {4, 32, 1});
        Mlp.Activation activation = Mlp.Activation.parse(o.string("activation", "relu"));
        long n = o.longValue("n", 4096), heldOut = o.longValue("held-out", 1024);
        if (n < 1 || heldOut < 1) throw new io.lambdahat.InvalidInputException("n and held-out must be at least 1, got " + n + " and " + heldOut);
        double noise = o.real("noise", 0), range = o.real("input-range", 1.0);
        Mlp model = new Mlp(activation, Mlp.Objective.MSE, widths);
        Teachers.Options teacherOptions = new Teachers.Options(n + heldOut, Seeds.derive(o.seed(), Seeds.TEACHER), range, noise, DType.FLOAT32);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("widths", widths.clone());
        s.put("activation", activation.name().toLowerCase(java.util.Locale.ROOT));
        s.put("n", n);
        s.put("held_out", heldOut);
        s.put("noise", noise);
        s.put("input_range", range);
        try (Scope scope = Scope.open(); Teachers.Task task = Teachers.mlp(model, teacherOptions)) {
            Tensor x = task.data().x(), y = task.data().y();
            Dataset train = new Dataset(scope.release(x.narrow(0, 0, n).contiguous()), scope.release(y.narrow(0, 0, n).contiguous()));
            Dataset held = new Dataset(scope.release(x.narrow(0, n, heldOut).contiguous()), scope.release(y.narrow(0, n, heldOut).contiguous()));
            return new DatasetTrainingTask(model, g -> linearInit(model.layout(), g), train, held, o, s, scope.release(task.teacherWeights().copy()));
        }
    }

    /** torch's nn.Linear initialisation: U(−1/√fan-in, 1/√fan-in) for each weight and its bias. */
    private static Tensor linearInit(ParameterLayout layout, Generator g) {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> params = new HashMap<>();
            for (ParameterLayout.Entry e : layout.entries()) {
                long fanIn = e.name().endsWith(".bias") ? layout.get(e.name().replace(".bias", ".weight")).shape()[1] : e.shape()[1];
                double bound = 1 / Math.sqrt(fanIn);
                params.put(e.name(), Tensor.rand(g, DType.FLOAT32, Device.CPU, e.shape()).mul(2 * bound).sub(bound));
            }
            return s.release(layout.flatten(params, DType.FLOAT32));
        }
    }

    /**
     * tms: x̂ = ReLU(WᵀW x + b) reconstructing sparse features. Options: features (5), hidden (2), feature-probability
     * (0.1), importance-decay (0.9: importance of feature i is decay^i), n (8192), held-out (2048).
     */
    static DatasetTrainingTask tms(TaskOptions o) {
        int features = o.integer("features", 5), hidden = o.integer("hidden", 2);
        double p = o.real("feature-probability", 0.1), decay = o.real("importance-decay", 0.9);
        long n = o.longValue("n", 8192), heldOut = o.longValue("held-out", 2048);
        double[] importances = TmsTask.geometricImportances(features, decay);
        TmsTask task = new TmsTask(features, p, importances);
        ToyModelOfSuperposition model = new ToyModelOfSuperposition(features, hidden, importances);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("features", features);
        s.put("hidden", hidden);
        s.put("feature_probability", p);
        s.put("importance_decay", decay);
        s.put("n", n);
        s.put("held_out", heldOut);
        return new DatasetTrainingTask(model, g -> model.initialWeights(g, DType.FLOAT32),
                task.dataset(n, Seeds.derive(o.seed(), Seeds.TRAIN_DATA), DType.FLOAT32),
                task.dataset(heldOut, Seeds.derive(o.seed(), Seeds.HELD_OUT), DType.FLOAT32), o, s, null);
    }

    /**
     * icl-linreg: a transformer predicting y_k from the pairs before it in a sequence of K (x, y) pairs with a fresh
     * task vector per sequence (D = 4, K = 16, noise variance 0.125). Options: dim (4), pairs (16), layers (2),
     * heads (4), d-model (64), mlp (256), n (16384), held-out (2048).
     */
    static DatasetTrainingTask iclLinearRegression(TaskOptions o) {
        int dim = o.integer("dim", 4), pairs = o.integer("pairs", 16);
        int layers = o.integer("layers", 2), heads = o.integer("heads", 4), dModel = o.integer("d-model", 64), mlp = o.integer("mlp", 256);
        long n = o.longValue("n", 16384), heldOut = o.longValue("held-out", 2048);
        IclLinearRegressionTask task = new IclLinearRegressionTask(dim, pairs, 0.125);
        TransformerConfig config = TransformerConfig.attentionOnly(layers, heads, dModel, task.sequenceLength(), task.tokenWidth())
                .withMlp(mlp, TransformerConfig.Activation.GELU);
        IclRegressionTransformer model = new IclRegressionTransformer(config);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("dim", dim);
        s.put("pairs", pairs);
        s.put("noise_variance", 0.125);
        s.put("layers", layers);
        s.put("heads", heads);
        s.put("d_model", dModel);
        s.put("mlp", mlp);
        s.put("n", n);
        s.put("held_out", heldOut);
        return new DatasetTrainingTask(model, g -> model.initialWeights(g, DType.FLOAT32),
                task.dataset(n, Seeds.derive(o.seed(), Seeds.TRAIN_DATA), DType.FLOAT32),
                task.dataset(heldOut, Seeds.derive(o.seed(), Seeds.HELD_OUT), DType.FLOAT32), o, s, null);
    }

    @Override
    public ChainModel model() {
        return model;
    }

    @Override
    public Tensor initialParameters(Generator g) {
        return initialiser.apply(g);
    }

    @Override
    public Tensor[] batch(long t) {
        return sampler.batch(train, t);
    }

    @Override
    public Evaluation evaluate(Map<String, Tensor> params) {
        try (Scope s = Scope.open()) {
            return new Evaluation(model.loss(params, heldOut.x().unsqueeze(0), heldOut.y().unsqueeze(0)).item(), Map.of());
        }
    }

    @Override
    public List<String> metricNames() {
        return List.of();
    }

    @Override
    public Map<String, Object> settings() {
        return new LinkedHashMap<>(settings);
    }

    @Override
    public Dataset trainingSet() {
        return train;
    }

    @Override
    public Tensor trueParameters() {
        return teacher;
    }

    @Override
    public void close() {
        train.close();
        heldOut.close();
        if (teacher != null) teacher.close();
    }
}
