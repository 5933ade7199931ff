package io.lambdahat.tasks;

import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.io.FileFormatException;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.Transformer;
import io.lambdahat.nn.TransformerConfig;
import io.lambdahat.run.RunFolder;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import io.lambdahat.data.EpochSampler;
import io.lambdahat.data.Seeds;

/**
 * The induction-bump setting (docs/SCIENCE.md §4): a 2-layer attention-only transformer (d_model 32, 1 head per layer,
 * learned positions, pre-LayerNorm, vocabulary 32, context 32) on sequences of a fixed random bigram chain, half of
 * them made periodic so that only in-context copying predicts the repeats. The model learns the bigram statistics
 * first, then forms induction heads: the held-out loss bumps down and the in-context-learning score falls.
 *
 * <p>Options: n (training sequences, default 32768), held-out (sequences, 512), layers (2), heads (1), d-model (32),
 * vocab (32), context (32). Metrics: icl_score (mean loss over the last 4 positions minus the first 4),
 * induction_accuracy (top-1 accuracy where the target repeats an earlier token of a periodic sequence), and for each
 * head h of each layer l its previous-token score prev_token_lLhH (mean attention on position t − 1) and its
 * induction score induction_score_lLhH (mean attention from a token's second occurrence to the position after its
 * first; {@link InductionTask#attentionScore}), read from the same no-grad forward pass on the held-out set.
 */
public final class InductionTrainingTask implements TrainingTask {
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
    /**
     * The cached training set's tensor: every sequence's T + 1 tokens [n, T + 1], in the narrowest integer type that
     * holds the vocabulary (uint8 up to 256 tokens: 1.1 MB instead of 8.7 MB for the default 32 768 sequences).
     */
    static final String TOKENS = "tokens";
    /** The metadata key of the tokens' CRC-32 (hex). */
    static final String CHECKSUM = "crc32";
    private final Transformer model;
    private final InductionTask task;
    private final int n, heldOut;
    private final long trainSeed, chainSeed;
    // the run folder that caches the training set, when the task belongs to a run
    private RunFolder cache;
    // Generated on first use: rebuilding the task to read its settings (stages, a resume check) or to sample λ̂ on
    // the training set (no held-out set) does not pay for data it never reads.
    private Dataset train;
    private Tensor heldOutX, heldOutY, heldOutMask, heldOutInductionMask, previousTokenMask;
    private final List<String> metricNames = new ArrayList<>();
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
        if (n < 1 || heldOut < 1) throw new InvalidInputException("n and held-out must be at least 1, got " + n + " and " + heldOut);
        this.model = new Transformer(TransformerConfig.attentionOnly(layers, heads, dModel, context, vocab));
        this.chainSeed = Seeds.derive(o.seed(), Seeds.TEACHER);
        this.task = new InductionTask(vocab, context, chainSeed);
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
        metricNames.addAll(List.of("icl_score", "induction_accuracy"));
        for (String score : List.of("prev_token", "induction_score")) {
            for (int l = 0; l < layers; l++) for (int h = 0; h < heads; h++) metricNames.add(headMetric(score, l, h));
        }
    }

    /** The metrics column of one head's score, e.g. prev_token_l0h0. */
    static String headMetric(String score, int layer, int head) {
        return score + "_l" + layer + "h" + head;
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

    /**
     * The held-out sequences the metrics are computed on (drawn from the run's seed; the same for every row).
     *
     * @return the sequences with their periods
     */
    public InductionTask.Sequences heldOutSequences() {
        return task.heldOut(heldOut);
    }

    private void generateHeldOut() {
        InductionTask.Sequences held = heldOutSequences();
        try (Scope s = Scope.open()) {
            Tensor[] xy = InductionTask.split(held.toTensor(Device.CPU));
            this.heldOutX = s.release(xy[0].contiguous());
            this.heldOutY = s.release(xy[1].contiguous());
            this.heldOutMask = s.release(held.repeatMask(Device.CPU));
            this.heldOutInductionMask = s.release(held.inductionMask(Device.CPU));
            this.previousTokenMask = s.release(InductionTask.previousTokenMask((int) heldOutX.size(1), Device.CPU));
        }
    }

    /**
     * Held-out loss, ICL score, induction accuracy and the heads' scores from one no-grad forward pass, in chunks of
     * {@value #EVAL_CHUNK} sequences (their intermediates stay in cache; one pass over all of them allocated and
     * page-faulted tens of megabytes per row). Each chunk adds its sums; the metrics are the ratios at the end, so
     * they equal those of a single pass up to float rounding.
     */
    @Override
    public Evaluation evaluate(Map<String, Tensor> params) {
        if (heldOutX == null) generateHeldOut();
        long n = heldOutX.size(0), t = heldOutX.size(1);
        long k = Math.min(4, t / 2);
        int layers = model.config().layers(), heads = model.config().heads();
        double lossSum = 0, earlySum = 0, lateSum = 0, hits = 0, repeats = 0, inductionPairs = 0;
        double[][] previousOn = new double[layers][heads], inductionOn = new double[layers][heads];
        try (var ng = Torch.noGrad()) {
            for (long from = 0; from < n; from += EVAL_CHUNK) {
                long len = Math.min(EVAL_CHUNK, n - from);
                try (Scope s = Scope.open()) {
                    Tensor x = heldOutX.narrow(0, from, len).unsqueeze(0), y = heldOutY.narrow(0, from, len).unsqueeze(0);
                    Tensor mask = heldOutMask.narrow(0, from, len);
                    Tensor inductionMask = heldOutInductionMask.narrow(0, from, len);
                    Transformer.Forward forward = model.forwardWithPatterns(params, x);
                    Tensor logits = forward.logits();
                    Tensor perPosition = Transformer.positionLoss(logits, y);                  // [1, len, T]
                    List<Tensor> sums = new ArrayList<>(List.of(perPosition.sum(),
                            perPosition.narrow(2, 0, k).sum(), perPosition.narrow(2, t - k, k).sum(),
                            logits.argmax(-1, false).eq(y).to(mask.dtype()).squeeze(0).mul(mask).sum().to(perPosition.dtype()),
                            mask.sum().to(perPosition.dtype()), inductionMask.sum().to(perPosition.dtype())));
                    for (Tensor pattern : forward.patterns()) {                                // [1, len, H, T, T]
                        sums.add(InductionTask.attentionOnMask(pattern, previousTokenMask).reshape(heads).to(perPosition.dtype()));
                        sums.add(InductionTask.attentionOnMask(pattern, inductionMask).reshape(heads).to(perPosition.dtype()));
                    }
                    double[] read = Tensor.cat(0, sums.stream().map(v -> v.reshape(-1)).toArray(Tensor[]::new))
                            .to(DType.FLOAT64).toDoubleArray();
                    lossSum += read[0];
                    earlySum += read[1];
                    lateSum += read[2];
                    hits += read[3];
                    repeats += read[4];
                    inductionPairs += read[5];
                    for (int l = 0, at = 6; l < layers; l++) {
                        for (int h = 0; h < heads; h++) previousOn[l][h] += read[at++];
                        for (int h = 0; h < heads; h++) inductionOn[l][h] += read[at++];
                    }
                }
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        // the ICL score: mean loss over the last k positions minus the first k (InductionTask.iclScore)
        metrics.put("icl_score", (lateSum - earlySum) / (n * k));
        metrics.put("induction_accuracy", repeats == 0 ? Double.NaN : hits / repeats);
        // every query t ≥ 1 of every sequence has one previous token
        for (int l = 0; l < layers; l++) for (int h = 0; h < heads; h++) metrics.put(headMetric("prev_token", l, h), previousOn[l][h] / (n * (t - 1)));
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                metrics.put(headMetric("induction_score", l, h), inductionPairs == 0 ? Double.NaN : inductionOn[l][h] / inductionPairs);
            }
        }
        return new Evaluation(lossSum / (n * t), metrics);
    }

    @Override
    public List<String> metricNames() {
        return List.copyOf(metricNames);
    }

    @Override
    public Map<String, Object> settings() {
        return new LinkedHashMap<>(settings);
    }

    /**
     * Keeps the training set in the run's folder ({@link RunFolder#trainingDataFile}): the first use reads it from
     * there when it was written before (checked against this task's settings and the file's checksum), and otherwise
     * draws it and writes it, so that commands working on the run do not draw 32 768 sequences again each time.
     *
     * @param folder the run folder
     */
    @Override
    public void cacheTrainingSetIn(RunFolder folder) {
        this.cache = folder;
    }

    @Override
    public Dataset trainingSet() {
        if (train == null) {
            // drawn inside whatever scope the first caller has open: taken out of it, the task owns the data
            try (Scope s = Scope.open()) {
                Dataset d = cache == null ? task.dataset(n, trainSeed) : cachedTrainingSet();
                s.release(d.x());
                s.release(d.y());
                train = d;
            }
        }
        return train;
    }

    /** The training set from the run folder's cache, drawn and written there first if the cache is missing. */
    private Dataset cachedTrainingSet() {
        try {
            Optional<RunFolder.StoredData> stored;
            try {
                stored = cache.readTrainingData();
            } catch (FileFormatException e) {
                throw damaged(e.problem());
            }
            if (stored.isEmpty()) {
                InductionTask.Sequences drawn = task.sample(n, trainSeed);
                try (Scope s = Scope.open()) {
                    Tensor tokens = drawn.toTensor(Device.CPU).to(storedType());
                    Map<String, String> metadata = dataSettings();
                    metadata.put(CHECKSUM, Long.toHexString(checksum(tokens)));
                    cache.writeTrainingData(Map.of(TOKENS, tokens), metadata);
                }
                return drawn.toDataset(Device.CPU);
            }
            return fromCache(stored.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the cached training set " + cache.trainingDataFile() + ": " + e.getMessage(), e);
        }
    }

    private Dataset fromCache(RunFolder.StoredData stored) {
        // the stored tensors belong to the caller's scope (trainingSet's), which frees them
        try (Scope s = Scope.open()) {
            Map<String, String> expected = dataSettings();
            for (var e : expected.entrySet()) {
                if (!e.getValue().equals(stored.metadata().get(e.getKey()))) {
                    throw damaged("it was drawn with " + e.getKey() + " = " + stored.metadata().get(e.getKey()) + ", the run's task has " + e.getValue());
                }
            }
            Tensor tokens = stored.tensors().get(TOKENS);
            long length = task.context() + 1L;
            if (tokens == null || tokens.dtype() != storedType() || tokens.dim() != 2 || tokens.size(0) != n || tokens.size(1) != length) {
                throw damaged("it holds no " + storedType().name().toLowerCase(java.util.Locale.ROOT) + " '" + TOKENS + "' [" + n + ", " + length + "]");
            }
            if (!Long.toHexString(checksum(tokens)).equals(stored.metadata().get(CHECKSUM))) {
                throw damaged("its tokens do not match their checksum");
            }
            Tensor[] xy = InductionTask.split(tokens.to(DType.INT64));
            return new Dataset(s.keep(xy[0].contiguous()), s.keep(xy[1].contiguous()));
        }
    }

    /** The narrowest integer type that holds every token id. */
    private DType storedType() {
        int v = task.vocab();
        return v <= 256 ? DType.UINT8 : v <= Short.MAX_VALUE + 1 ? DType.INT16 : DType.INT32;
    }

    /** What the training set is drawn from; a cache written under other settings is not this task's. */
    private Map<String, String> dataSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "induction training set 2");
        m.put("chain_seed", Long.toString(chainSeed));
        m.put("sample_seed", Long.toString(trainSeed));
        m.put("n", Integer.toString(n));
        m.put("vocab", Integer.toString(task.vocab()));
        m.put("context", Integer.toString(task.context()));
        m.put("periodic_probability", Double.toString(task.periodicProbability()));
        m.put("periods", task.minPeriod() + ".." + task.maxPeriod());
        return m;
    }

    private InvalidInputException damaged(String problem) {
        return new InvalidInputException("the cached training set " + cache.trainingDataFile() + " cannot be used: " + problem
                + "; delete it and rerun (the run's training set is drawn again from its seed and cached anew)");
    }

    /**
     * CRC-32 of the tokens' bytes as stored (little-endian; read in place): catches a cache whose data bytes
     * were damaged after writing.
     */
    static long checksum(Tensor tokens) {
        CRC32 crc = new CRC32();
        crc.update(tokens.contiguous().data().asByteBuffer());
        return crc.getValue();
    }

    @Override
    public void close() {
        if (train != null) train.close();
        if (heldOutX != null) {
            heldOutX.close();
            heldOutY.close();
            heldOutMask.close();
            heldOutInductionMask.close();
            previousTokenMask.close();
        }
    }
}
