package io.lambdahat.train;

import io.lambdahat.data.Dataset;
import io.lambdahat.data.InductionTask;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.Transformer;
import io.lambdahat.nn.TransformerConfig;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The induction-bump setting (LLC.md §4): a 2-layer attention-only transformer (d_model 32, 1 head per layer,
 * learned positions, pre-LayerNorm, vocabulary 32, context 32) on sequences of a fixed random bigram chain, half of
 * them made periodic so that only in-context copying predicts the repeats. The model learns the bigram statistics
 * first, then forms induction heads: the held-out loss bumps down and the in-context-learning score falls.
 *
 * <p>Options: n (training sequences, default 32768), held-out (sequences, 2048), layers (2), heads (1), d-model (32),
 * vocab (32), context (32). Metrics: icl_score (mean loss over the last 4 positions minus the first 4) and
 * induction_accuracy (top-1 accuracy where the target repeats an earlier token of a periodic sequence).
 */
public final class InductionTrainingTask implements TrainingTask {
    private final Transformer model;
    private final InductionTask task;
    private final Dataset train;
    private final Tensor heldOutX, heldOutY, heldOutMask;
    private final EpochSampler sampler;
    private final Map<String, Object> settings = new LinkedHashMap<>();

    static InductionTrainingTask create(TaskOptions o) {
        return new InductionTrainingTask(o);
    }

    private InductionTrainingTask(TaskOptions o) {
        int n = o.integer("n", 32768);
        int heldOut = o.integer("held-out", 2048);
        int layers = o.integer("layers", 2), heads = o.integer("heads", 1), dModel = o.integer("d-model", 32);
        int vocab = o.integer("vocab", 32), context = o.integer("context", 32);
        if (n < 1 || heldOut < 1) throw new io.lambdahat.InvalidInputException("n and held-out must be at least 1, got " + n + " and " + heldOut);
        this.model = new Transformer(TransformerConfig.attentionOnly(layers, heads, dModel, context, vocab));
        this.task = new InductionTask(vocab, context, Seeds.derive(o.seed(), Seeds.TEACHER));
        this.sampler = new EpochSampler(n, o.batch(), o.seed());
        this.train = task.dataset(n, Seeds.derive(o.seed(), Seeds.TRAIN_DATA));
        InductionTask.Sequences held = task.heldOut(heldOut);
        try (Scope s = Scope.open()) {
            Tensor[] xy = InductionTask.split(held.toTensor(Device.CPU));
            this.heldOutX = s.release(xy[0].contiguous());
            this.heldOutY = s.release(xy[1].contiguous());
            this.heldOutMask = s.release(held.repeatMask(Device.CPU));
        }
        settings.put("n", n);
        settings.put("held_out", heldOut);
        settings.put("layers", layers);
        settings.put("heads", heads);
        settings.put("d_model", dModel);
        settings.put("vocab", vocab);
        settings.put("context", context);
    }

    @Override
    public ChainModel model() {
        return model;
    }

    @Override
    public Tensor initialParameters(Generator g) {
        return model.initialWeights(g, DType.FLOAT32);
    }

    @Override
    public Tensor[] batch(long t) {
        return sampler.batch(train, t);
    }

    @Override
    public Evaluation evaluate(Map<String, Tensor> params) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            Tensor x = heldOutX.unsqueeze(0), y = heldOutY.unsqueeze(0);
            Tensor logits = model.logits(params, x);
            Tensor perPosition = Transformer.positionLoss(logits, y);
            double loss = perPosition.mean().item();
            double icl = InductionTask.iclScore(perPosition).item();
            double accuracy = InductionTask.inductionAccuracy(logits, y, heldOutMask.unsqueeze(0)).item();
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("icl_score", icl);
            metrics.put("induction_accuracy", accuracy);
            return new Evaluation(loss, metrics);
        }
    }

    @Override
    public List<String> metricNames() {
        return List.of("icl_score", "induction_accuracy");
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
    public void close() {
        train.close();
        heldOutX.close();
        heldOutY.close();
        heldOutMask.close();
    }
}
