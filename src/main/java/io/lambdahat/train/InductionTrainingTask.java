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
 * <p>Options: n (training sequences, default 32768), held-out (sequences, 512), layers (2), heads (1), d-model (32),
 * vocab (32), context (32). Metrics: icl_score (mean loss over the last 4 positions minus the first 4) and
 * induction_accuracy (top-1 accuracy where the target repeats an earlier token of a periodic sequence).
 */
final class InductionTrainingTask implements TrainingTask {
    /**
     * Held-out sequences by default. Measured on the 3000-step demo run (steps 0, 1091, 1364, 3000), 512 sequences give
     * standard errors of at most 0.036 nats for the held-out loss, 0.061 for the ICL score and 0.008 for the induction
     * accuracy, each under 15 % of the change across the induction bump (0.26, 0.44, 0.34), at a quarter of the cost
     * of 2048 (0.018, 0.030, 0.004). The same sequences serve every row, so most of that error is an offset shared by
     * the rows rather than noise between them.
     */
    static final int HELD_OUT = 512;
    /** Held-out sequences per forward pass of {@link #evaluate}. */
    static final int EVAL_CHUNK = 256;
    private final Transformer model;
    private final InductionTask task;
    private final int n, heldOut;
    private final long trainSeed;
    // Generated on first use: rebuilding the task to read its settings (stages, a resume check) or to sample λ̂ on
    // the training set (no held-out set) does not pay for data it never reads.
    private Dataset train;
    private Tensor heldOutX, heldOutY, heldOutMask;
    private final EpochSampler sampler;
    private final Map<String, Object> settings = new LinkedHashMap<>();

    static InductionTrainingTask create(TaskOptions o) {
        return new InductionTrainingTask(o);
    }

    private InductionTrainingTask(TaskOptions o) {
        int n = o.integer("n", 32768);
        int heldOut = o.integer("held-out", HELD_OUT);
        int layers = o.integer("layers", 2), heads = o.integer("heads", 1), dModel = o.integer("d-model", 32);
        int vocab = o.integer("vocab", 32), context = o.integer("context", 32);
        if (n < 1 || heldOut < 1) throw new io.lambdahat.InvalidInputException("n and held-out must be at least 1, got " + n + " and " + heldOut);
        this.model = new Transformer(TransformerConfig.attentionOnly(layers, heads, dModel, context, vocab));
        this.task = new InductionTask(vocab, context, Seeds.derive(o.seed(), Seeds.TEACHER));
        this.sampler = new EpochSampler(n, o.batch(), o.seed());
        this.n = n;
        this.heldOut = heldOut;
        this.trainSeed = Seeds.derive(o.seed(), Seeds.TRAIN_DATA);
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
        return sampler.batch(trainingSet(), t);
    }

    private void generateHeldOut() {
        InductionTask.Sequences held = task.heldOut(heldOut);
        try (Scope s = Scope.open()) {
            Tensor[] xy = InductionTask.split(held.toTensor(Device.CPU));
            this.heldOutX = s.release(xy[0].contiguous());
            this.heldOutY = s.release(xy[1].contiguous());
            this.heldOutMask = s.release(held.repeatMask(Device.CPU));
        }
    }

    /**
     * Held-out loss, ICL score and induction accuracy from one no-grad forward pass, in chunks of
     * {@value #EVAL_CHUNK} sequences (their intermediates stay in cache; one pass over all of them allocated and
     * page-faulted tens of megabytes per row). Each chunk adds its sums; the metrics are the ratios at the end, so
     * they equal those of a single pass up to float rounding.
     */
    @Override
    public Evaluation evaluate(Map<String, Tensor> params) {
        if (heldOutX == null) generateHeldOut();
        long n = heldOutX.size(0), t = heldOutX.size(1);
        long k = Math.min(4, t / 2);
        double lossSum = 0, earlySum = 0, lateSum = 0, hits = 0, repeats = 0;
        try (var ng = Torch.noGrad()) {
            for (long from = 0; from < n; from += EVAL_CHUNK) {
                long len = Math.min(EVAL_CHUNK, n - from);
                try (Scope s = Scope.open()) {
                    Tensor x = heldOutX.narrow(0, from, len).unsqueeze(0), y = heldOutY.narrow(0, from, len).unsqueeze(0);
                    Tensor mask = heldOutMask.narrow(0, from, len);
                    Tensor logits = model.logits(params, x);
                    Tensor perPosition = Transformer.positionLoss(logits, y);                  // [1, len, T]
                    double[] sums = Tensor.stack(0, perPosition.sum(),
                            perPosition.narrow(2, 0, k).sum(), perPosition.narrow(2, t - k, k).sum(),
                            logits.argmax(-1, false).eq(y).to(mask.dtype()).squeeze(0).mul(mask).sum().to(perPosition.dtype()),
                            mask.sum().to(perPosition.dtype())).to(DType.FLOAT64).toDoubleArray();
                    lossSum += sums[0];
                    earlySum += sums[1];
                    lateSum += sums[2];
                    hits += sums[3];
                    repeats += sums[4];
                }
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        // the ICL score: mean loss over the last k positions minus the first k (InductionTask.iclScore)
        metrics.put("icl_score", (lateSum - earlySum) / (n * k));
        metrics.put("induction_accuracy", repeats == 0 ? Double.NaN : hits / repeats);
        return new Evaluation(lossSum / (n * t), metrics);
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
        if (train == null) {
            // drawn inside whatever scope the first caller has open: taken out of it, the task owns the data
            try (Scope s = Scope.open()) {
                Dataset d = task.dataset(n, trainSeed);
                s.release(d.x());
                s.release(d.y());
                train = d;
            }
        }
        return train;
    }

    @Override
    public void close() {
        if (train != null) train.close();
        if (heldOutX != null) {
            heldOutX.close();
            heldOutY.close();
            heldOutMask.close();
        }
    }
}
