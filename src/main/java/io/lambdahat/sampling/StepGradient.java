package io.lambdahat.sampling;

import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.ClosedFormGradient;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a step's losses and gradient come from: the model's closed form when it has one (no autograd graph to
 * record and replay, which dominates a step of the small dense models), libtorch's autograd otherwise. Either way
 * {@link #grad()} is the gradient of the sum of the chains' losses over the flat [C, P] parameters.
 */
abstract sealed class StepGradient implements AutoCloseable {
    /**
     * The gradient source for a model: its closed form when it has one and {@code autograd} is not forced; else
     * autograd, over the workers' groups of chains at once when there is more than one group and the model can be
     * evaluated on several threads ({@link ChainModel#forAnotherThread}; see {@link ChainGroups}), else over all chains
     * in one call.
     *
     * @param model    the model
     * @param params   the chains' parameters
     * @param views    views of the parameters by name (made once per run)
     * @param autograd use autograd even where the model has a closed form
     * @param workers  the run's groups of chains and their threads (one group: all chains in one call)
     * @return the source; the caller closes it
     */
    static StepGradient of(ChainModel model, ChainParameters params, Map<String, Tensor> views, boolean autograd, ChainWorkers workers) {
        if (!autograd && model instanceof ClosedFormGradient closed) return new ClosedForm(closed, params, views);
        if (workers.groups() > 1) {
            ChainModel[] models = ChainGroups.modelsFor(model, workers.groups());
            if (models != null) return new ChainGroups(models, params, workers);
        }
        return new Autograd(model, params, views);
    }

    /**
     * How many groups of chains to evaluate at once on the CPU: one per core (up to C) when libtorch's own intra-op
     * pool runs on one thread, else one (the pool uses the cores). A step of a small model is a long series of small
     * operators that libtorch runs on one thread each (its pool splits only large ones), so the chains' forward and
     * backward passes, independent of one another, are spread over the cores instead (bench/README.md, "Chains on
     * several cores"). One group on CUDA, where the device is shared and the host only queues work.
     *
     * @param device      where the chains live
     * @param chains      C
     * @param cores       the cores this process may use
     * @param torchThreads libtorch's intra-op thread count
     * @return the number of groups, 1 to C
     */
    static int groupsFor(io.lambdahat.torch.Device device, int chains, int cores, int torchThreads) {
        // libtorch's pool already spreads ops over threads: more threads would start a team per group (on an SMT host
        // the pool's default is the physical cores, the process's count the logical ones)
        if (device.isCuda() || chains < 2 || torchThreads > 1) return 1;
        return Math.max(1, Math.min(chains, cores));
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

    /**
     * Autograd over contiguous groups of chains, each evaluated (forward and backward) on a thread of its own, the first
     * on the calling thread. Each group's weights are a leaf of their own that shares the rows of the [C, P] weights
     * (so the update, which writes those rows in place, moves them too), its gradient is copied into its rows of one
     * [C, P] buffer, and a model that keeps state between calls (a TorchScript module binds chains into its
     * attributes) is copied once per group ({@link ChainModel#forAnotherThread}). The chains never mix, so each
     * chain's loss and gradient are those of the one-call path.
     */
    private static final class ChainGroups extends StepGradient {
        private final ChainWorkers workers;
        /** One per group, the first the caller's model; the others its {@link ChainModel#forAnotherThread} copies. */
        private final ChainModel[] models;
        private final Tensor[] leaves;
        private final List<Map<String, Tensor>> views = new ArrayList<>();
        private final Tensor grad;
        private final Tensor[] gradRows;
        /** Each leaf's gradient, one handle kept across steps as in {@link Autograd}. */
        private final Tensor[] leafGrads;

        /**
         * One model per group, the first the model itself, or null when the model must be evaluated on one thread.
         *
         * @param model  the model
         * @param groups how many groups
         * @return the models (copies the caller closes through {@link #close}), or null
         */
        static ChainModel[] modelsFor(ChainModel model, int groups) {
            ChainModel[] models = new ChainModel[groups];
            models[0] = model;
            try {
                for (int g = 1; g < groups; g++) {
                    models[g] = model.forAnotherThread();
                    if (models[g] == null) return null;  // the first answer decides: a model never returns null after a copy
                }
            } catch (RuntimeException e) {
                closeCopies(models);
                throw e;
            }
            return models;
        }

        private static void closeCopies(ChainModel[] models) {
            RuntimeException failure = null;
            for (int g = 1; g < models.length; g++) {
                if (models[g] != null && models[g] != models[0] && models[g] instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        if (failure == null) failure = new IllegalStateException("closing a model copy", e);
                    }
                }
            }
            if (failure != null) throw failure;
        }

        ChainGroups(ChainModel[] models, ChainParameters params, ChainWorkers workers) {
            this.workers = workers;
            this.models = models;
            int groups = workers.groups();
            leaves = new Tensor[groups];
            gradRows = new Tensor[groups];
            leafGrads = new Tensor[groups];
            Tensor flat = params.flat();
            // owned by the open scope (the run's), closed here first
            grad = Tensor.zeros(flat.dtype(), flat.device(), flat.shape());
            for (int g = 0; g < groups; g++) {
                try (Scope s = Scope.open()) {
                    Tensor rows = flat.narrow(0, workers.start(g), workers.size(g));
                    leaves[g] = s.keep(rows.detach().requiresGrad(true));
                }
                gradRows[g] = grad.narrow(0, workers.start(g), workers.size(g));
                views.add(ChainParameters.viewsOf(params.layout(), leaves[g]));
            }
        }

        /** Group g's losses [C_g] (the caller closes them), its gradient written into its rows of {@link #grad}. */
        private Tensor group(int g, Tensor x, Tensor y) {
            try (Scope s = Scope.open()) {
                Tensor xg = x == null ? null : x.narrow(0, workers.start(g), workers.size(g));
                Tensor yg = y == null ? null : y.narrow(0, workers.start(g), workers.size(g));
                Tensor perChain = models[g].loss(views.get(g), xg, yg);
                perChain.sum().backward();
                if (leafGrads[g] == null) leafGrads[g] = s.release(leaves[g].grad());
                try (var ng = Torch.noGrad()) {
                    gradRows[g].copyFrom(leafGrads[g]);
                    leafGrads[g].zeroInPlace();
                }
                return s.keep(perChain.detach());
            }
        }

        @Override
        Tensor lossAndGradient(Tensor x, Tensor y) {
            Tensor[] losses = new Tensor[workers.groups()];
            try {
                workers.run(g -> losses[g] = group(g, x, y));
                return Tensor.cat(0, losses);
            } finally {
                for (Tensor l : losses) if (l != null) l.close();
            }
        }

        @Override
        Tensor grad() {
            return grad;
        }

        @Override
        void clear() {
            // every row is overwritten by the next step's copies; the leaves' gradients are zeroed after each copy
        }

        @Override
        public void close() {
            try {
                closeCopies(models);
            } finally {
                for (Tensor t : leafGrads) if (t != null) t.close();
                for (Map<String, Tensor> v : views) for (Tensor t : v.values()) t.close();
                for (Tensor t : gradRows) if (t != null) t.close();
                for (Tensor t : leaves) if (t != null) t.close();
                grad.close();
            }
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
