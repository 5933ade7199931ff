package io.lambdahat.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.io.SafeTensors;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.io.TensorInfo;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.run.MetricsFile;
import io.lambdahat.run.MetricsRow;
import io.lambdahat.run.RunConfig;
import io.lambdahat.run.RunFolder;
import io.lambdahat.simd.SimdProvider;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.lambdahat.data.Seeds;
import io.lambdahat.tasks.TaskOptions;
import io.lambdahat.tasks.TaskRegistry;
import io.lambdahat.tasks.TrainingTask;

/**
 * Trains a {@link ChainModel} (C = 1) on a {@link TrainingTask} for N updates and writes the run folder:
 * <pre>
 *   DIR/config.json                              the full run config ("run") and the environment it ran in
 *   DIR/metrics.csv                              step, train_loss, held_out_loss, lr, task metrics
 *   DIR/checkpoints/step-000123.safetensors      named weights without the chain axis, at each checkpoint step
 *   DIR/state/trainer.safetensors                weights, optimiser buffers and counters of the last saved step
 * </pre>
 * Update t + 1 evaluates the minibatch loss of {@link TrainingTask#batch}(t) at the current weights, back-propagates
 * into the flat [1, P] gradient, clips it by global norm if asked, and lets the optimiser step at the schedule's
 * lr(t). Step s (s updates taken) gets a metrics row when s is a multiple of log-every or a checkpoint step, and a
 * checkpoint when s is in the checkpoint schedule (which always holds 0 and N).
 *
 * <p><b>Resume.</b> At every checkpoint the row is forced to disk, then the checkpoint and then the state are
 * written atomically. Running again on the same DIR with the same config continues from the saved state: the
 * weights, optimiser buffers and counters come back exactly and minibatches are a pure function of the update
 * index, so the result is bit-for-bit the one of an uninterrupted run. A finished run is not redone; a DIR that
 * holds another config is refused. Files appear only complete (atomic renames of hidden temporaries); temporaries
 * left by a killed process are removed on the next start.
 */
public final class Trainer {
    /** The run's config file in the run folder. */
    public static final String CONFIG = RunFolder.CONFIG;
    /** The folder of the resumable state in the run folder. */
    public static final String STATE_FOLDER = RunFolder.STATE_FOLDER;
    /** The resumable state's file in {@link #STATE_FOLDER}. */
    public static final String STATE_FILE = RunFolder.STATE_FILE;
    static final String FORMAT = "lambdahat-train/1";
    private static final String PARAMS = "params";
    private static final String OPTIMIZER_PREFIX = "optimizer.";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String taskName;
    private final TrainingTask task;
    private final TrainConfig config;
    private boolean replacing;
    private final Path dir;
    private TrainingObserver observer = TrainingObserver.NONE;
    private long stopAfter = Long.MAX_VALUE;
    private Map<String, String> taskOptions;
    private Device device = Device.CPU;
    private boolean libtorchUpdates;
    /** Updates per read-back of the training losses on the libtorch path (rows and checkpoints also read them). */
    static final int LOSS_READOUT_STEPS = 64;

    /**
     * A trainer; nothing happens until {@link #run}.
     *
     * @param taskName the task's registry name, recorded in config.json and checkpoint metadata
     * @param task     the task (its seed and batch should be the config's: see {@link TrainConfig#taskOptions})
     * @param config   the trainer's settings
     * @param dir      the run folder (created if missing)
     */
    public Trainer(String taskName, TrainingTask task, TrainConfig config, Path dir) {
        this.taskName = taskName;
        this.task = task;
        this.config = config;
        this.dir = dir;
    }

    /**
     * Who hears the progress.
     *
     * @param o the observer, or null for none
     * @return this trainer
     */
    public Trainer observer(TrainingObserver o) {
        this.observer = o == null ? TrainingObserver.NONE : o;
        return this;
    }

    /**
     * Where the weights, gradients and optimiser state live (default: the CPU). On CUDA the optimiser step runs as
     * libtorch operations ({@link TorchOpsOptimizer}), minibatches are copied over as they are drawn, the losses come
     * back to the host in blocks of {@value #LOSS_READOUT_STEPS} updates (or at the next metrics row), and the
     * held-out evaluation runs on a CPU copy of the weights. A run saved on one device resumes on another.
     *
     * @param device cpu or cuda:N
     * @return this trainer
     * @throws IllegalArgumentException if {@code device} is null
     */
    public Trainer device(Device device) {
        if (device == null) throw new IllegalArgumentException("the device must be given (Device.CPU or Device.cuda(n))");
        this.device = device;
        return this;
    }

    /**
     * Runs the update as libtorch operations even on the CPU, exactly as on CUDA (off by default: the CPU uses the
     * fused Vector API kernels). For checking the device path where no GPU is at hand.
     *
     * @param on whether to take the libtorch path on the CPU
     * @return this trainer
     */
    public Trainer libtorchUpdates(boolean on) {
        this.libtorchUpdates = on;
        return this;
    }

    /**
     * Pauses this call once {@code step} updates are taken (saving the state there, so the next run continues
     * from it exactly); the run folder stays resumable. Without it the call runs to N.
     *
     * @param step the update after which to pause, at least 1
     * @return this trainer
     * @throws IllegalArgumentException if {@code step} is below 1
     */
    public Trainer stopAfter(long step) {
        if (step < 1) throw new IllegalArgumentException("stop step must be at least 1, got " + step);
        this.stopAfter = step;
        return this;
    }

    /**
     * Records the options the task was built from (as given to {@link TaskRegistry}), so that {@link #openTask} can
     * rebuild it from config.json. They are kept beside the "run" block: equivalent spellings do not block a resume.
     *
     * @param options the task options by name, as given
     * @return this trainer
     */
    public Trainer recordTaskOptions(Map<String, String> options) {
        this.taskOptions = new LinkedHashMap<>(options);
        return this;
    }

    /**
     * Rebuilds the task of the run in {@code dir} from its config.json through {@link TaskRegistry} (for λ̂ at its
     * checkpoints: same data, same held-out set). The caller closes it.
     *
     * @param dir a run folder
     * @return the task
     * @throws IOException if config.json cannot be read
     * @throws IllegalArgumentException if there is no run, or the rebuilt task's settings differ from the recorded ones
     */
    public static TrainingTask openTask(Path dir) throws IOException {
        return openTask(RunFolder.of(dir));
    }

    /**
     * Rebuilds the task of a run from its config (see {@link #openTask(Path)}).
     *
     * @param folder a run folder
     * @return the task; the caller closes it
     * @throws IOException if config.json cannot be read
     * @throws IllegalArgumentException if there is no run, or the rebuilt task's settings differ from the recorded ones
     */
    public static TrainingTask openTask(RunFolder folder) throws IOException {
        RunConfig config = folder.config();
        Path file = config.file();
        JsonNode run = config.run();
        String name = config.taskName();
        Map<String, String> options = new LinkedHashMap<>(config.taskOptions());
        TrainingTask task = TaskRegistry.get(name).create(new TaskOptions(config.seed(), config.batch(), options));
        JsonNode rebuilt = taskSettings(name, task);
        if (rebuilt.equals(run.get("task"))) return withDataCache(task, folder);
        task.close();
        // A run trained under other defaults (e.g. induction's held-out set was 2048 sequences, now 512): its recorded
        // settings, as options, rebuild it when they are the task's own options.
        Map<String, String> recorded = new LinkedHashMap<>(options);
        run.get("task").fields().forEachRemaining(e -> {
            if (!e.getKey().equals("name") && e.getValue().isValueNode()) recorded.putIfAbsent(e.getKey().replace('_', '-'), e.getValue().asText());
        });
        try {
            TrainingTask again = TaskRegistry.get(name).create(new TaskOptions(config.seed(), config.batch(), recorded));
            if (taskSettings(name, again).equals(run.get("task"))) return withDataCache(again, folder);
            again.close();
        } catch (IllegalArgumentException notOptions) {
            // the recorded settings are not all options of the task: report the first difference below
        }
        throw new IllegalArgumentException("the task rebuilt from " + file + " differs from the recorded one ("
                + firstDifference("run.task", run.get("task"), rebuilt) + "); was it trained without recorded task options?");
    }

    /**
     * A task that draws its training set keeps it in the run folder (written when training first draws it, read back
     * by every command that works on the run) instead of drawing it again each time.
     */
    private static TrainingTask withDataCache(TrainingTask task, RunFolder folder) {
        task.cacheTrainingSetIn(folder);
        return task;
    }

    private static JsonNode taskSettings(String name, TrainingTask task) throws IOException {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("name", name);
        settings.putAll(task.settings());
        return JSON.readTree(JSON.writeValueAsString(settings));
    }

    /**
     * Trains into a folder whose run was just deleted ({@link RunFolder#deleteRun}): the files that are not a run's,
     * which it keeps, do not make the folder "not empty".
     *
     * @return this trainer
     */
    public Trainer replacing() {
        this.replacing = true;
        return this;
    }

    /**
     * Checks that a folder can hold a run; call it before any expensive work.
     *
     * @param dir the run folder
     * @throws IllegalArgumentException when it cannot
     */
    public static void checkOutputDir(Path dir) {
        RunFolder.of(dir).checkWritable();
    }

    /**
     * The "run" part of config.json: everything that determines the result.
     *
     * @return format, task, model and the trainer's settings
     */
    public Map<String, Object> runConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", taskName);
        t.putAll(task.settings());
        m.put("task", t);
        ChainModel model = task.model();
        Map<String, Object> mo = new LinkedHashMap<>();
        mo.put("describe", model.describe());
        mo.put("parameters", model.layout().size());
        List<Map<String, Object>> layout = new ArrayList<>();
        for (ParameterLayout.Entry e : model.layout().entries()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", e.name());
            entry.put("shape", e.shape());
            layout.add(entry);
        }
        mo.put("layout", layout);
        m.put("model", mo);
        m.putAll(config.toJson());
        return m;
    }

    private Map<String, Object> environment() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("libtorch", Torch.version());
        m.put("torch_threads", Torch.threads());
        m.put("java", Runtime.version().toString());
        m.put("vector_species", SimdProvider.get().describe());
        m.put("device", device.toString());
        m.put("update", onLibtorchPath() ? "libtorch ops" : "vector api");
        return m;
    }

    /**
     * Trains from the saved state (or from scratch) up to N, or up to {@link #stopAfter}.
     *
     * @return what was done: steps, checkpoints written, the last losses, the time taken
     * @throws IOException if the run folder cannot be read or written
     * @throws IllegalArgumentException if the folder holds another run or is in use
     * @throws IllegalStateException if training diverges (a non-finite minibatch loss)
     */
    public TrainResult run() throws IOException {
        long started = System.nanoTime();
        RunFolder folder = RunFolder.of(dir);
        folder.checkWritable(replacing);
        checkSameRun();
        withDataCache(task, folder);
        Files.createDirectories(folder.checkpointFolder());
        Files.createDirectories(folder.stateFolder());
        ChainModel model = task.model();
        ParameterLayout layout = model.layout();
        long p = layout.size();
        long total = config.steps();
        long[] checkpoints = config.checkpointSteps();

        try (FileChannel lockChannel = FileChannel.open(folder.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(lockChannel)) {
            checkOrWriteConfig();
            folder.removeStaleTemporaries();

            boolean torchPath = onLibtorchPath();
            // On the libtorch path the CPU optimiser only holds the hyper-parameters (size 0); the state is on the device.
            try (Scope runScope = Scope.open();
                 Optimizer optimizer = config.newOptimizer(torchPath ? 0 : p);
                 TorchOpsOptimizer deviceOptimizer = torchPath ? new TorchOpsOptimizer(optimizer, p, device) : null) {
                ChainParameters params = ChainParameters.zeros(layout, 1, DType.FLOAT32, device);
                MemorySegment w = torchPath ? null : params.flat().data();
                Path stateFile = folder.stateFile();
                SavedState saved = Files.exists(stateFile) ? loadState(stateFile, params, optimizer, deviceOptimizer) : null;
                long start = saved == null ? 0 : saved.step;
                if (saved == null) {
                    try (Generator g = new Generator(Seeds.derive(config.seed(), Seeds.INIT)); Scope s = Scope.open();
                         Tensor init = task.initialParameters(g)) {
                        checkInitial(init, p);
                        if (torchPath) {
                            try (var ng = Torch.noGrad()) {
                                params.flat().select(0, 0).copyFrom(init);
                            }
                        } else {
                            MemorySegment.copy(init.contiguous().data(), 0, w, 0, p * Float.BYTES);
                        }
                    }
                }
                if (start >= total) {
                    List<MetricsRow> rows = folder.metrics();
                    MetricsRow last = rows.isEmpty() ? null : rows.getLast();
                    return new TrainResult(dir, start, start, true, 0, last == null ? Double.NaN : last.trainLoss(),
                            last == null ? Double.NaN : last.heldOutLoss(), seconds(started), 0, 0);
                }

                LearningRateSchedule schedule = config.newSchedule();
                int written = 0;
                double lossSum = saved == null ? 0 : saved.lossSum;
                long lossCount = saved == null ? 0 : saved.lossCount;
                MetricsRow lastRow = null;
                long rows = 0, evalNanos = 0;
                try (MetricsFile metrics = folder.openMetrics(task.metricNames(), saved == null ? -1 : start)) {
                    if (saved == null) {
                        long evalStarted = System.nanoTime();
                        lastRow = row(0, Double.NaN, schedule.lr(0), params);
                        evalNanos += System.nanoTime() - evalStarted;
                        rows++;
                        metrics.append(lastRow);
                        observer.onRow(lastRow);
                        checkpoint(0, params, metrics, optimizer, deviceOptimizer, folder, stateFile, lastRow);
                        written++;
                    }
                    long end = Math.max(start, Math.min(total, stopAfter));
                    double lr = Double.NaN;
                    Tensor lossBuffer = torchPath ? Tensor.zeros(DType.FLOAT64, device, LOSS_READOUT_STEPS) : null;
                    double[] pendingLr = new double[LOSS_READOUT_STEPS];
                    int pending = 0;
                    Prefetch prefetch = torchPath ? new Prefetch() : null;
                    for (long t = start; t < end; t++) {
                        long step = t + 1;
                        lr = schedule.lr(t);
                        boolean isCheckpoint = CheckpointSchedule.contains(checkpoints, step);
                        boolean isRow = isCheckpoint || step % config.logEvery() == 0;
                        if (torchPath) {
                            updateOnDevice(prefetch.batch(t, end), params, deviceOptimizer, lr, lossBuffer, pending);
                            pendingLr[pending++] = lr;
                            if (pending == LOSS_READOUT_STEPS || isRow || step == end) {
                                double[] losses;
                                try (Scope s = Scope.open()) {
                                    losses = lossBuffer.narrow(0, 0, pending).toDoubleArray();
                                }
                                for (int i = 0; i < pending; i++) {
                                    long at = step - pending + 1 + i;
                                    checkLoss(losses[i], at);
                                    lossSum += losses[i];
                                    lossCount++;
                                    observer.onStep(at, total, losses[i], pendingLr[i]);
                                }
                                pending = 0;
                            }
                        } else {
                            double loss = update(t, params, w, optimizer, lr);
                            lossSum += loss;
                            lossCount++;
                            observer.onStep(step, total, loss, lr);
                        }
                        if (isRow) {
                            long evalStarted = System.nanoTime();
                            lastRow = row(step, lossSum / lossCount, lr, params);
                            evalNanos += System.nanoTime() - evalStarted;
                            rows++;
                            lossSum = 0;
                            lossCount = 0;
                            metrics.append(lastRow);
                            observer.onRow(lastRow);
                        }
                        if (isCheckpoint) {
                            checkpoint(step, params, metrics, optimizer, deviceOptimizer, folder, stateFile, lastRow);
                            written++;
                        } else if (step == end) {
                            metrics.force();
                            saveState(stateFile, step, params, optimizer, deviceOptimizer, lossSum, lossCount);
                        }
                    }
                    if (prefetch != null) prefetch.close();
                    return new TrainResult(dir, start, end, end == total, written, lastRow == null ? Double.NaN : lastRow.trainLoss(),
                            lastRow == null ? Double.NaN : lastRow.heldOutLoss(), seconds(started), rows, evalNanos / 1e9);
                } finally {
                    params.close();
                }
            }
        }
    }

    private boolean onLibtorchPath() {
        return device.isCuda() || libtorchUpdates;
    }

    private static void checkLoss(double loss, long update) {
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException("training diverged at update " + update + ": the minibatch loss is " + loss
                    + "; lower --lr or clip gradients with --clip");
        }
    }

    /**
     * One update on the libtorch path, queued on the device: the minibatch loss goes into {@code lossBuffer[slot]}
     * and is checked when the block is read back.
     */
    private void updateOnDevice(Tensor[] xy, ChainParameters params, TorchOpsOptimizer optimizer, double lr, Tensor lossBuffer, int slot) {
        try (Scope s = Scope.open()) {
            Tensor perChain = task.model().loss(params.views(), xy[0], xy[1]);
            perChain.sum().backward();
            lossBuffer.narrow(0, slot, 1).copyFrom(perChain.detach().view(1));
            try (var ng = Torch.noGrad()) {
                Tensor grad = params.flat().grad();
                if (config.clip() > 0) GradientClipping.clip(grad, config.clip());
                optimizer.step(params.flat(), grad, lr);
                grad.zeroInPlace();
            }
        }
    }

    /**
     * The minibatches of the next updates, drawn from the task ahead of time (they are a pure function of the update
     * index) and copied to the device a block at a time: a copy from host memory waits for the device to finish its
     * queue, so one copy per update would synchronise every update.
     */
    private final class Prefetch implements AutoCloseable {
        private Tensor x, y; // [K, B, …] on the device, or null for a model without data
        private long from = -1;
        private int count;

        /** The minibatch of update t + 1 ({x, y}, each [1, B, …]), owned by the caller's scope. */
        Tensor[] batch(long t, long end) {
            if (from < 0 || t < from || t >= from + count) refill(t, (int) Math.min(LOSS_READOUT_STEPS, end - t));
            int i = (int) (t - from);
            return new Tensor[] {x == null ? null : x.narrow(0, i, 1), y == null ? null : y.narrow(0, i, 1)};
        }

        private void refill(long t, int k) {
            close();
            try (Scope s = Scope.open()) {
                Tensor[] xs = new Tensor[k], ys = new Tensor[k];
                for (int i = 0; i < k; i++) {
                    Tensor[] xy = task.batch(t + i);
                    xs[i] = xy[0];
                    ys[i] = xy[1];
                }
                x = xs[0] == null ? null : s.release(Tensor.cat(0, xs).to(device));
                y = ys[0] == null ? null : s.release(Tensor.cat(0, ys).to(device));
            }
            from = t;
            count = k;
        }

        @Override
        public void close() {
            if (x != null) x.close();
            if (y != null) y.close();
            x = y = null;
            from = -1;
        }
    }

    /** One update; returns the minibatch loss at the weights before it. */
    private double update(long t, ChainParameters params, MemorySegment w, Optimizer optimizer, double lr) {
        try (Scope s = Scope.open()) {
            Tensor[] xy = task.batch(t);
            Tensor perChain = task.model().loss(params.views(), xy[0], xy[1]);
            perChain.sum().backward();
            double loss = perChain.item();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("training diverged at update " + (t + 1) + ": the minibatch loss is " + loss
                        + "; lower --lr or clip gradients with --clip");
            }
            Tensor grad = params.flat().grad();
            if (!grad.isContiguous() || grad.dtype() != DType.FLOAT32) {
                throw new IllegalStateException("the gradient is not a contiguous float32 [1, P] buffer");
            }
            MemorySegment g = grad.data();
            if (config.clip() > 0) GradientClipping.clip(g, config.clip());
            optimizer.step(w, g, lr);
            grad.zeroInPlace();
            return loss;
        }
    }

    private MetricsRow row(long step, double trainLoss, double lr, ChainParameters params) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            if (!params.flat().device().isCuda()) {
                TrainingTask.Evaluation e = task.evaluate(params.views());
                return new MetricsRow(step, trainLoss, e.loss(), lr, e.metrics());
            }
            // the tasks keep their held-out data on the CPU
            try (ChainParameters host = ChainParameters.replicate(task.model().layout(), params.flat().select(0, 0).to(Device.CPU), 1)) {
                TrainingTask.Evaluation e = task.evaluate(host.views());
                return new MetricsRow(step, trainLoss, e.loss(), lr, e.metrics());
            }
        }
    }

    private static Tensor onHost(Tensor t) {
        return t.device().isCuda() ? t.to(Device.CPU) : t;
    }

    /** Checkpoint steps always carry a row, so the train-loss accumulator is empty in the state saved here. */
    private void checkpoint(long step, ChainParameters params, MetricsFile metrics, Optimizer optimizer, TorchOpsOptimizer deviceOptimizer,
                            RunFolder folder, Path stateFile, MetricsRow row) throws IOException {
        Path file;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(step));
        meta.put("task", taskName);
        meta.put("model", task.model().describe());
        meta.put("held_out_loss", Double.toString(row.heldOutLoss()));
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            file = folder.writeCheckpoint(step, config.steps(), task.model().layout(), onHost(params.flat()), meta);
        }
        metrics.force();
        saveState(stateFile, step, params, optimizer, deviceOptimizer, 0, 0);
        observer.onCheckpoint(step, file);
    }

    private void saveState(Path stateFile, long step, ChainParameters params, Optimizer optimizer, TorchOpsOptimizer deviceOptimizer,
                           double lossSum, long lossCount) throws IOException {
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put(PARAMS, onHost(params.flat().select(0, 0)));
            if (deviceOptimizer != null) {
                for (Map.Entry<String, Tensor> e : deviceOptimizer.buffers().entrySet()) tensors.put(OPTIMIZER_PREFIX + e.getKey(), onHost(e.getValue()));
            } else {
                for (Map.Entry<String, MemorySegment> e : optimizer.buffers().entrySet()) {
                    tensors.put(OPTIMIZER_PREFIX + e.getKey(), Tensor.fromSegment(e.getValue(), DType.FLOAT32, optimizer.size()));
                }
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", FORMAT);
            meta.put("step", Long.toString(step));
            meta.put("optimizer", optimizer.name());
            meta.put("optimizer_steps", Long.toString(deviceOptimizer != null ? deviceOptimizer.steps() : optimizer.steps()));
            // Exact (hexadecimal) so that the first row after a resume averages the very same numbers.
            meta.put("train_loss_sum", Double.toHexString(lossSum));
            meta.put("train_loss_count", Long.toString(lossCount));
            SafeTensors.write(stateFile, tensors, meta);
        }
    }

    private record SavedState(long step, double lossSum, long lossCount) {}

    private SavedState loadState(Path stateFile, ChainParameters params, Optimizer optimizer, TorchOpsOptimizer deviceOptimizer)
            throws IOException {
        long size = params.flat().numel();
        try (SafeTensorsFile f = SafeTensors.open(stateFile)) {
            Map<String, String> meta = f.metadata();
            if (!FORMAT.equals(meta.get("format")) || !optimizer.name().equals(meta.get("optimizer"))) {
                throw new IllegalArgumentException(stateFile + " was not saved by this run's trainer (format " + meta.get("format")
                        + ", optimizer " + meta.get("optimizer") + "); delete " + dir + " or use another --out");
            }
            Map<String, MemorySegment> buffers = new LinkedHashMap<>();
            for (String name : f.names()) {
                TensorInfo info = f.info(name);
                if (info.dtype() != DType.FLOAT32 || info.numel() != size) {
                    throw new IllegalArgumentException(stateFile + ": " + name + " is " + info + ", expected " + size + " float32 values");
                }
                if (name.startsWith(OPTIMIZER_PREFIX)) buffers.put(name.substring(OPTIMIZER_PREFIX.length()), f.segment(name));
            }
            if (!f.contains(PARAMS)) throw new IllegalArgumentException(stateFile + " holds no weights; delete it to restart the run");
            long optimizerSteps = Long.parseLong(meta.get("optimizer_steps"));
            if (deviceOptimizer != null) {
                try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
                    params.flat().select(0, 0).copyFrom(Tensor.fromSegment(f.segment(PARAMS), DType.FLOAT32, size));
                }
                deviceOptimizer.restore(optimizerSteps, buffers);
            } else {
                MemorySegment w = params.flat().data();
                MemorySegment.copy(f.segment(PARAMS), 0, w, 0, w.byteSize());
                optimizer.restore(optimizerSteps, buffers);
            }
            return new SavedState(Long.parseLong(meta.get("step")), Double.parseDouble(meta.get("train_loss_sum")),
                    Long.parseLong(meta.get("train_loss_count")));
        }
    }

    /**
     * Refuses a folder that holds a run with another config, before anything is written into it.
     *
     * @throws io.lambdahat.InvalidInputException if the folder holds another run (or a config that cannot be read)
     */
    private void checkSameRun() throws IOException {
        RunFolder folder = RunFolder.of(dir);
        if (!Files.exists(folder.configFile())) return;
        JsonNode run = JSON.readTree(JSON.writeValueAsString(runConfig()));
        JsonNode existing = folder.config().run();
        if (!run.equals(existing)) {
            throw new io.lambdahat.InvalidInputException(dir + " holds another run (" + firstDifference("run", existing, run)
                    + "); rerun with the same settings to resume it, choose another --out, or --force to delete that run and train anew");
        }
    }

    /** Writes config.json for a new run, or checks that the run already in DIR has the same config. */
    private void checkOrWriteConfig() throws IOException {
        RunFolder folder = RunFolder.of(dir);
        if (Files.exists(folder.configFile())) {
            checkSameRun();
            return;
        }
        JsonNode run = JSON.readTree(JSON.writeValueAsString(runConfig()));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("run", runConfig());
        doc.put("task_options", taskOptions == null ? Map.of() : taskOptions);
        doc.put("environment", environment());
        folder.writeConfig(JSON.writeValueAsString(doc) + "\n");
    }

    static String firstDifference(String path, JsonNode old, JsonNode now) {
        if (old == null || now == null || old.getNodeType() != now.getNodeType() || !old.isContainerNode()) {
            return path + ": " + old + " there, " + now + " now";
        }
        if (old.isObject()) {
            for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!now.get(k).equals(old.get(k))) return firstDifference(path + "." + k, old.get(k), now.get(k));
            }
            for (Iterator<String> it = old.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!now.has(k)) return firstDifference(path + "." + k, old.get(k), null);
            }
        } else {
            for (int i = 0; i < Math.max(old.size(), now.size()); i++) {
                if (i >= old.size() || i >= now.size() || !old.get(i).equals(now.get(i))) {
                    return firstDifference(path + "[" + i + "]", old.get(i), now.get(i));
                }
            }
        }
        return path;
    }

    private FileLock tryLock(FileChannel channel) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) throw new IllegalArgumentException("another process is training into " + dir + "; wait for it or use another --out");
            return lock;
        } catch (OverlappingFileLockException e) {
            throw new IllegalArgumentException("this process is already training into " + dir);
        }
    }

    private static void checkInitial(Tensor init, long p) {
        if (init.numel() != p || init.dtype() != DType.FLOAT32 || init.device().isCuda()) {
            throw new IllegalStateException("the task's initial parameters must be " + p + " float32 values on the CPU, got "
                    + init.numel() + " " + init.dtype() + " on " + init.device());
        }
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
