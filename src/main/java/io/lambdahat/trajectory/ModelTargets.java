package io.lambdahat.trajectory;

import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.sampling.InitLoss;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The data of λ̂ with {@link Targets#MODEL}: the training inputs x with the checkpoint's own outputs ŷ = f_{w*}(x) as
 * targets (one pass without autograd, in chunks of rows), and the loss at w* on the training targets, which the records
 * keep as the checkpoint's loss. Closing it frees ŷ (the inputs stay the training set's).
 */
public final class ModelTargets implements AutoCloseable {
    /** Input values per chunk of the forward pass. */
    static final long CHUNK_ELEMENTS = 1 << 18;

    private static final String WHY = "λ̂ with targets from the model (the checkpoint's own outputs) needs a regression model scored by the mean squared error";

    private final Dataset data;
    private final double dataLoss;

    private ModelTargets(Dataset data, double dataLoss) {
        this.data = data;
        this.dataLoss = dataLoss;
    }

    /**
     * Refuses a model whose targets cannot be its own outputs: targets from the model need a regression model scored
     * by the mean squared error, whose outputs have the targets' shape.
     *
     * @param model the model
     * @param data  its training data, or null
     * @throws InvalidInputException naming the problem: no data, a classifier (integer targets, cross-entropy), or a
     *         TorchScript module scored by its own loss or by cross-entropy
     */
    public static void check(ChainModel model, Dataset data) {
        if (model instanceof TorchScriptModel ts && ts.lossKind() != io.lambdahat.torch.ScriptModule.Loss.MSE) {
            throw new InvalidInputException(WHY + "; " + model.describe() + (ts.lossKind() == io.lambdahat.torch.ScriptModule.Loss.MODULE
                    ? " computes its own loss (--loss module), so its targets cannot be replaced by its outputs"
                    : " is scored by cross-entropy (a classifier)") + ": use targets from the data");
        }
        if (data == null) throw new InvalidInputException(WHY + "; " + model.describe() + " has no data: use targets from the data");
        if (!data.y().dtype().isFloatingPoint()) {
            throw new InvalidInputException(WHY + "; the targets of " + model.describe() + " are integer classes (a classifier scored by "
                    + "cross-entropy): use targets from the data");
        }
    }

    /**
     * The training inputs with the model's outputs at w* as targets.
     *
     * @param model the model ({@link #check} is called first)
     * @param data  the training data; stays owned by the caller and must outlive the result
     * @param wStar the checkpoint's flat weights [P]; left unchanged
     * @return the data with targets ŷ = f_{w*}(x), and L_n(w*) on the training targets; the caller closes it
     * @throws InvalidInputException if the model cannot take its targets from its outputs: {@link #check}'s reasons, a
     *         model without outputs, or outputs of another shape than the targets
     */
    public static ModelTargets at(ChainModel model, Dataset data, Tensor wStar) {
        check(model, data);
        Tensor x = data.x(), y = data.y();
        long n = data.size();
        long rowElements = Math.max(1, x.numel() / n);
        long rows = Math.max(1, Math.min(n, CHUNK_ELEMENTS / rowElements));
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            Tensor centre = wStar.device().equals(x.device()) ? wStar : wStar.to(x.device());
            List<Tensor> parts = new ArrayList<>();
            try (ChainParameters one = ChainParameters.replicate(model.layout(), centre, 1)) {
                Map<String, Tensor> views = one.views();
                for (long from = 0; from < n; from += rows) {
                    long r = Math.min(rows, n - from);
                    Tensor xb = x.narrow(0, from, r).unsqueeze(0);
                    Tensor out = model.outputs(views, xb);
                    if (out == null) throw new InvalidInputException(WHY + "; " + model.describe() + " gives no outputs to take as targets: use targets from the data");
                    long[] got = Arrays.copyOfRange(out.shape(), 1, out.dim());
                    long[] want = Arrays.copyOfRange(y.shape(), 0, y.dim());
                    want[0] = r;
                    if (!Arrays.equals(got, want)) {
                        throw new InvalidInputException(WHY + "; the outputs of " + model.describe() + " on " + r + " rows are " + Arrays.toString(got)
                                + ", not the targets' shape " + Arrays.toString(want) + ": use targets from the data");
                    }
                    parts.add(out.squeeze(0).to(y.dtype()));
                }
            }
            double dataLoss = InitLoss.evaluate(model, centre, data, Long.MAX_VALUE).value();
            Tensor yHat = s.release(Tensor.cat(0, parts.toArray(Tensor[]::new)).detach());
            Tensor inputs = s.release(x.share());
            return new ModelTargets(new Dataset(inputs, yHat), dataLoss);
        }
    }

    /** {@return the training inputs with targets f_{w*}(x), owned by this object} */
    public Dataset data() {
        return data;
    }

    /** {@return L_n(w*) on the training targets: the checkpoint's loss on the data} */
    public double dataLoss() {
        return dataLoss;
    }

    @Override
    public void close() {
        data.close();
    }
}
