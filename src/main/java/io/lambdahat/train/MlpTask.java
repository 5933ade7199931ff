package io.lambdahat.train;

import io.lambdahat.data.Dataset;
import io.lambdahat.data.Teachers;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.Mlp;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MSE regression of an MLP student on a teacher of the same architecture ({@link Teachers#mlp}: Gaussian weights
 * scaled by 1/√fan-in, zero biases) with inputs uniform in [−range, range]. The student starts from torch's
 * nn.Linear initialisation, U(−1/√fan-in, 1/√fan-in) for weights and biases.
 *
 * <p>Options: widths (default 4,32,1), activation (relu or tanh; relu), n (training samples, 4096), held-out
 * (1024), noise (label noise σ, 0), input-range (1).
 */
public final class MlpTask implements TrainingTask {
    private final Mlp model;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final Dataset train;
    private final Tensor heldOutX;
    private final Tensor heldOutY;
    private final Tensor teacher;
    private final EpochSampler sampler;

    static MlpTask create(TaskOptions o) {
        return new MlpTask(o);
    }

    private MlpTask(TaskOptions o) {
        int[] widths = o.integers("widths", new int[] {4, 32, 1});
        Mlp.Activation activation = Mlp.Activation.parse(o.string("activation", "relu"));
        long n = o.longValue("n", 4096);
        long heldOut = o.longValue("held-out", 1024);
        if (n < 1 || heldOut < 1) throw new IllegalArgumentException("n and held-out must be at least 1, got " + n + " and " + heldOut);
        double noise = o.real("noise", 0);
        double range = o.real("input-range", 1.0);
        this.model = new Mlp(activation, Mlp.Objective.MSE, widths);
        this.sampler = new EpochSampler(n, o.batch(), o.seed());
        Teachers.Options teacherOptions = new Teachers.Options(n + heldOut, Seeds.derive(o.seed(), Seeds.TEACHER), range, noise, DType.FLOAT32);
        try (Scope s = Scope.open(); Teachers.Task task = Teachers.mlp(model, teacherOptions)) {
            Tensor x = task.data().x(), y = task.data().y();
            this.train = new Dataset(s.release(x.narrow(0, 0, n).contiguous()), s.release(y.narrow(0, 0, n).contiguous()));
            this.heldOutX = s.release(x.narrow(0, n, heldOut).contiguous());
            this.heldOutY = s.release(y.narrow(0, n, heldOut).contiguous());
            this.teacher = s.release(task.teacherWeights().copy());
        }
        settings.put("widths", widths.clone());
        settings.put("activation", activation.name().toLowerCase(java.util.Locale.ROOT));
        settings.put("n", n);
        settings.put("held_out", heldOut);
        settings.put("noise", noise);
        settings.put("input_range", range);
    }

    @Override
    public ChainModel model() {
        return model;
    }

    @Override
    public Tensor initialParameters(Generator g) {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> params = new HashMap<>();
            for (ParameterLayout.Entry e : model.layout().entries()) {
                long fanIn = e.name().endsWith(".bias") ? model.layout().get(e.name().replace(".bias", ".weight")).shape()[1] : e.shape()[1];
                double bound = 1 / Math.sqrt(fanIn);
                params.put(e.name(), Tensor.rand(g, DType.FLOAT32, Device.CPU, e.shape()).mul(2 * bound).sub(bound));
            }
            return s.release(model.layout().flatten(params, DType.FLOAT32));
        }
    }

    @Override
    public Tensor[] batch(long t) {
        return sampler.batch(train, t);
    }

    @Override
    public Evaluation evaluate(Map<String, Tensor> params) {
        try (Scope s = Scope.open()) {
            return new Evaluation(model.loss(params, heldOutX.unsqueeze(0), heldOutY.unsqueeze(0)).item(), Map.of());
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
        heldOutX.close();
        heldOutY.close();
        teacher.close();
    }
}
