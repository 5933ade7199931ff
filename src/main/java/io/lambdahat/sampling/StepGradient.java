package io.lambdahat.sampling;

import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.ClosedFormGradient;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.Map;

/**
 * Where a step's losses and gradient come from: the model's closed form when it has one (no autograd graph to
 * record and replay, which dominates a step of the small dense models), libtorch's autograd otherwise. Either way
 * {@link #grad()} is the gradient of the sum of the chains' losses over the flat [C, P] parameters.
 */
abstract sealed class StepGradient implements AutoCloseable {
    /**
     * The gradient source for a model: its closed form when it has one and {@code autograd} is not forced.
     *
     * @param model    the model
     * @param params   the chains' parameters
     * @param views    views of the parameters by name (made once per run)
     * @param autograd use autograd even where the model has a closed form
     * @return the source; the caller closes it
     */
    static StepGradient of(ChainModel model, ChainParameters params, Map<String, Tensor> views, boolean autograd) {
        if (!autograd && model instanceof ClosedFormGradient closed) return new ClosedForm(closed, params, views);
        return new Autograd(model, params, views);
    }

    /**
     * One step's per-chain losses [C], leaving {@link #grad()} filled in.
     *
     * @param x inputs [C, B, ...] (null for a model without data)
     * @param y targets [C, B, ...] (null for a model without data)
     * @return the losses, owned by the caller's scope, with no autograd history
     */
    abstract Tensor lossAndGradient(Tensor x, Tensor y);

    /** {@return the gradient [C, P] of the last step; owned by this object} */
    abstract Tensor grad();

    /** Makes the gradient ready for the next step. */
    abstract void clear();

    @Override
    public void close() {
    }

    /** The model's own closed-form gradient, written into a buffer of its own (owned by the open scope, or closed here). */
    private static final class ClosedForm extends StepGradient {
        private final ClosedFormGradient model;
        private final Map<String, Tensor> views;
        private final Tensor grad;
        private final Map<String, Tensor> gradViews;

        ClosedForm(ClosedFormGradient model, ChainParameters params, Map<String, Tensor> views) {
            this.model = model;
            this.views = views;
            Tensor flat = params.flat();
            this.grad = Tensor.zeros(flat.dtype(), flat.device(), flat.shape());
            this.gradViews = ChainParameters.viewsOf(params.layout(), grad);
        }

        @Override
        Tensor lossAndGradient(Tensor x, Tensor y) {
            try (var ng = Torch.noGrad()) {
                return model.lossAndGradient(views, x, y, gradViews);
            }
        }

        @Override
        Tensor grad() {
            return grad;
        }

        @Override
        void clear() {
            // every element is overwritten by the next step
        }

        @Override
        public void close() {
            grad.close();
            for (Tensor v : gradViews.values()) v.close();
        }
    }

    /** Autograd through the model's loss; the gradient accumulates in the leaf's .grad and is zeroed after use. */
    private static final class Autograd extends StepGradient {
        private final ChainModel model;
        private final ChainParameters params;
        private final Map<String, Tensor> views;
        /**
         * One handle on the leaf's gradient, kept across steps: backward accumulates into the same buffer (zeroed in place
         * by {@link #clear}), and a fresh handle per step would make the update map its memory anew each step (a shared
         * arena per handle, slow to close).
         */
        private Tensor grad;

        Autograd(ChainModel model, ChainParameters params, Map<String, Tensor> views) {
            this.model = model;
            this.params = params;
            this.views = views;
        }

        @Override
        Tensor lossAndGradient(Tensor x, Tensor y) {
            Tensor perChain = model.loss(views, x, y);
            perChain.sum().backward();
            return perChain.detach();
        }

        @Override
        Tensor grad() {
            if (grad == null) {
                try (Scope s = Scope.open()) {
                    grad = s.release(params.flat().grad());
                }
            }
            return grad;
        }

        @Override
        void clear() {
            try (var ng = Torch.noGrad()) {
                grad().zeroInPlace();
            }
        }

        @Override
        public void close() {
            if (grad != null) grad.close();
        }
    }
}
