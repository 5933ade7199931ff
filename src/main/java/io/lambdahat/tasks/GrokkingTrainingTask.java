package io.lambdahat.tasks;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ModularAdditionMlp;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.lambdahat.data.EpochSampler;
import io.lambdahat.data.Seeds;

/**
 * Grokking on modular addition, in the setting of devinterp's grokking example: p = 53, 40 % of the p² pairs for
 * training, embedding width 12, hidden width 48 ({@link ModularAdditionMlp}), trained with Adam (L2 weight decay in
 * the gradient). The network first memorises the training pairs, then — with the training loss already near zero —
 * the test accuracy climbs to 1 as weight decay pulls it to the generalising solution.
 *
 * <p>Options: p (53), train-fraction (0.4), embedding (12), hidden (48). The held-out loss is the test loss; the
 * metrics are train_set_loss (the loss on the whole training set), train_accuracy and test_accuracy.
 */
final class GrokkingTrainingTask implements TrainingTask {
    private final ModularAdditionMlp model;
    private final Dataset train;
    private final Dataset test;
    private final EpochSampler sampler;
    private final Map<String, Object> settings = new LinkedHashMap<>();

    static GrokkingTrainingTask create(TaskOptions o) {
        return new GrokkingTrainingTask(o);
    }

    private GrokkingTrainingTask(TaskOptions o) {
        int p = o.integer("p", 53);
        double fraction = o.real("train-fraction", 0.4);
        int embedding = o.integer("embedding", 12), hidden = o.integer("hidden", 48);
        ModularAdditionTask task = new ModularAdditionTask(p, fraction);
        this.model = new ModularAdditionMlp(p, embedding, hidden);
        Dataset[] sets = task.split(Seeds.derive(o.seed(), Seeds.TRAIN_DATA));
        this.train = sets[0];
        this.test = sets[1];
        try {
            this.sampler = new EpochSampler(train.size(), o.batch(), o.seed());
        } catch (IllegalArgumentException e) {
            close();
            throw e;
        }
        settings.put("p", p);
        settings.put("train_fraction", fraction);
        settings.put("train_pairs", train.size());
        settings.put("test_pairs", test.size());
        settings.put("embedding", embedding);
        settings.put("hidden", hidden);
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
            Tensor testY = test.y().unsqueeze(0), trainY = train.y().unsqueeze(0);
            Tensor testLogits = model.logits(params, test.x().unsqueeze(0));
            Tensor trainLogits = model.logits(params, train.x().unsqueeze(0));
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("train_set_loss", io.lambdahat.nn.Losses.crossEntropy(trainLogits, trainY).item());
            metrics.put("train_accuracy", ModularAdditionMlp.accuracy(trainLogits, trainY).item());
            metrics.put("test_accuracy", ModularAdditionMlp.accuracy(testLogits, testY).item());
            return new Evaluation(io.lambdahat.nn.Losses.crossEntropy(testLogits, testY).item(), metrics);
        }
    }

    @Override
    public List<String> metricNames() {
        return List.of("train_set_loss", "train_accuracy", "test_accuracy");
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
        test.close();
    }
}
