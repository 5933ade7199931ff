package io.lambdahat.tasks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training tasks by name. A task is a factory from {@link TaskOptions} plus the optimiser settings that
 * train it well when the user gives none. Adding a task is one {@link #register} line in the static block.
 */
public final class TaskRegistry {
    /** Builds a task from its options; throws IllegalArgumentException on a bad option. */
    @FunctionalInterface
    public interface Factory {
        /**
         * Builds the task.
         *
         * @param options the run's seed, batch and the task's options
         * @return the task, owned by the caller
         * @throws IllegalArgumentException on a bad option
         */
        TrainingTask create(TaskOptions options);
    }

    /**
     * The optimiser, learning rate, batch size and weight decay a task trains well with.
     *
     * @param optimizer "adamw", "adam" or "sgd"
     * @param lr        the learning rate
     * @param batch     the minibatch size
     * @param weightDecay the optimiser's weight decay
     * @param metricRows about how many metrics rows a run writes when --log-every is not given (checkpoint rows come on
     *                  top): few enough that the held-out evaluation costs at most about a tenth of the training
     */
    public record Defaults(String optimizer, double lr, int batch, double weightDecay, int metricRows) {
        /** The rows of a task whose evaluation costs next to nothing: {@value #DENSE_ROWS}. */
        public static final int DENSE_ROWS = 500;

        /**
         * Defaults without weight decay and with {@value #DENSE_ROWS} metrics rows.
         *
         * @param optimizer "adamw", "adam" or "sgd"
         * @param lr        the learning rate
         * @param batch     the minibatch size
         */
        public Defaults(String optimizer, double lr, int batch) {
            this(optimizer, lr, batch, 0, DENSE_ROWS);
        }
    }

    /**
     * A registered task.
     *
     * @param name     its registry name
     * @param summary  a one-line summary for --help
     * @param defaults the settings it trains well with
     * @param factory  what builds it
     * @param trains   whether {@code lambdahat train} trains it (false for a run brought in from elsewhere)
     */
    public record Definition(String name, String summary, Defaults defaults, Factory factory, boolean trains) {
        /**
         * A task that {@code lambdahat train} trains.
         *
         * @param name     its registry name
         * @param summary  one line on what it is
         * @param defaults the settings it trains well with
         * @param factory  what builds it
         */
        public Definition(String name, String summary, Defaults defaults, Factory factory) {
            this(name, summary, defaults, factory, true);
        }

        /**
         * Builds the task and rejects options it does not take.
         *
         * @param options the run's seed, batch and the task's options
         * @return the task, owned by the caller
         * @throws IllegalArgumentException on a bad or unknown option
         */
        public TrainingTask create(TaskOptions options) {
            TrainingTask task = factory.create(options);
            try {
                options.checkAllUsed(name);
            } catch (IllegalArgumentException e) {
                task.close();
                throw e;
            }
            return task;
        }
    }

    private static final Map<String, Definition> TASKS = Collections.synchronizedMap(new LinkedHashMap<>());

    static {
        register(new Definition("dln", "deep linear network learning a teacher with well-separated singular values from a "
                + "small initialisation (saddle-to-saddle)", new Defaults("sgd", 0.05, 64), DlnTask::create));
        register(new Definition("mlp", "MLP regression on an MLP teacher of the same architecture",
                new Defaults("adamw", 3e-3, 64), DatasetTrainingTask::mlp));
        register(new Definition("induction", "2-layer attention-only transformer on bigram sequences with repeats: the "
                + "induction bump", new Defaults("adamw", 1e-3, 32, 0, 40), InductionTrainingTask::create));
        register(new Definition("tms", "toy model of superposition: sparse features through a 2-d bottleneck",
                new Defaults("adamw", 1e-2, 256), DatasetTrainingTask::tms));
        register(new Definition("icl-linreg", "in-context linear regression with a small transformer (D = 4, K = 16)",
                new Defaults("adamw", 1e-3, 64), DatasetTrainingTask::iclLinearRegression));
        register(new Definition("grokking", "modular addition mod 53 from 40 % of the pairs (devinterp's grokking MLP): "
                + "memorises, then generalises", new Defaults("adam", 5e-3, 128, 2e-4, Defaults.DENSE_ROWS), GrokkingTrainingTask::create));
        register(new Definition("torchscript", "a PyTorch run imported by 'lambdahat import' (TorchScript module, safetensors "
                + "state_dict checkpoints); not trained here", new Defaults("adamw", 1e-3, 32), TorchScriptTask::create, false));
    }

    private TaskRegistry() {}

    /**
     * Adds a task.
     *
     * @param definition the task
     * @throws IllegalArgumentException if a task of that name is already registered
     */
    public static void register(Definition definition) {
        String key = definition.name().toLowerCase(Locale.ROOT);
        if (TASKS.putIfAbsent(key, definition) != null) throw new IllegalArgumentException("task " + key + " is already registered");
    }

    /**
     * A task by name (case and surrounding blanks ignored).
     *
     * @param name the task's name
     * @return its definition
     * @throws IllegalArgumentException naming the known tasks when there is none of that name
     */
    public static Definition get(String name) {
        Definition d = TASKS.get(name.trim().toLowerCase(Locale.ROOT));
        if (d == null) throw new io.lambdahat.InvalidInputException("unknown task '" + name + "': use one of " + names());
        return d;
    }

    /**
     * A task that {@code lambdahat train} trains, by name.
     *
     * @param name the task's name
     * @return its definition
     * @throws io.lambdahat.InvalidInputException naming the tasks that train when there is none of that name, or it does not train
     */
    public static Definition trainable(String name) {
        Definition d = TASKS.get(name.trim().toLowerCase(Locale.ROOT));
        if (d == null) throw new io.lambdahat.InvalidInputException("unknown task '" + name + "': use one of " + trainableNames());
        if (!d.trains()) {
            throw new io.lambdahat.InvalidInputException("task " + d.name() + ": " + d.summary() + "; train one of " + trainableNames());
        }
        return d;
    }

    /**
     * The registered tasks that {@code lambdahat train} trains.
     *
     * @return their names in registration order
     */
    public static List<String> trainableNames() {
        synchronized (TASKS) {
            return TASKS.values().stream().filter(Definition::trains).map(Definition::name).toList();
        }
    }

    /**
     * The registered tasks.
     *
     * @return their names in registration order
     */
    public static List<String> names() {
        synchronized (TASKS) {
            return new ArrayList<>(TASKS.keySet());
        }
    }
}
