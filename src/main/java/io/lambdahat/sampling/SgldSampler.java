package io.lambdahat.sampling;

import io.lambdahat.data.Dataset;
import io.lambdahat.data.MinibatchStream;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.ParameterMask;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Estimates λ̂ at w* by SGLD with all chains batched: the C chains' weights are one [C, P] leaf, one forward and
 * backward per step serves every chain, and each chain has its own minibatch stream and noise.
 *
 * <p>Per step t, for each chain: L_t = minibatch loss at w_t (recorded before the update), then
 * <pre>  w ← w − (ε/2)·(nβ·∇L_B(w) + γ·(w − w*) + λ_wd·w) + √ε·ξ,   ξ ~ N(0, I)</pre>
 * optionally clamped to [w* − b, w* + b]. After burn-in a draw is recorded every k steps, and
 * λ̂_c = nβ·(mean over draws of L_t − L_init).
 *
 * <p>A chain whose loss or weights become NaN/Inf, or whose loss explodes (above 1e8·(1 + |L_init|)), is marked
 * diverged with its step and reason; it stops moving and the other chains finish.
 */
public final class SgldSampler {
    private static final double EXPLODED = 1e8;
    static final int MALA_EVERY = 10;
    private static final io.lambdahat.simd.TraceStatistics TRACES = io.lambdahat.simd.SimdProvider.get().traceStatistics();

    private final ChainModel model;
    private final Dataset data;
    private final SamplerConfig config;
    private SgldObserver observer = SgldObserver.NONE;
    private SgldUpdate update;

    /**
     * A sampler over {@code model}'s loss on {@code data}; nothing runs until {@link #run}.
     *
     * @param model  the model (chain-batched)
     * @param data   the dataset, or null for a potential with no data (then n must be given by {@link #withN})
     * @param config sampler settings
     */
    public SgldSampler(ChainModel model, Dataset data, SamplerConfig config) {
        this.model = model;
        this.data = data;
        this.config = config;
    }

    private long nOverride = -1;
    /** Steps per read-back of the losses on CUDA: long enough to keep the device busy, short enough for prompt progress. */
    static final int DEVICE_READOUT_STEPS = 64;
    private int readoutEvery;

    /**
     * The n of a model without data (for nβ = n / ln n).
     *
     * @param n the sample size the potential stands for, &ge; 2
     * @return this sampler, for chaining
     * @throws IllegalArgumentException if {@code n} is below 2
     */
    public SgldSampler withN(long n) {
        if (n < 2) throw new IllegalArgumentException("n must be at least 2, got " + n);
        this.nOverride = n;
        return this;
    }

    /**
     * Sets who is told about every step (progress bars, monitors).
     *
     * @param o the observer, or null for none
     * @return this sampler, for chaining
     */
    public SgldSampler observer(SgldObserver o) {
        this.observer = o == null ? SgldObserver.NONE : o;
        return this;
    }

    private boolean autograd;

    /**
     * Takes gradients through libtorch's autograd even where the model writes its gradient in closed form
     * ({@link io.lambdahat.nn.ClosedFormGradient}: MLP, DLN, linear regression). Same gradient up to rounding;
     * for comparisons and benchmarks.
     *
     * @param on true to force autograd
     * @return this sampler
     */
    public SgldSampler autograd(boolean on) {
        this.autograd = on;
        return this;
    }

    private ParameterMask mask;
    private List<ParameterMask> chainMasks;

    /**
     * Weight-refined λ̂: only the coordinates the mask selects move; the others stay at w*.
     *
     * @param mask the coordinates that move, or null (or a mask of all) for every coordinate
     * @return this sampler, for chaining
     */
    public SgldSampler restrictTo(ParameterMask mask) {
        this.mask = mask == null || mask.isAll() ? null : mask;
        this.chainMasks = null;
        return this;
    }

    /**
     * How many steps run between read-backs of the chains' losses to the host (default: every step on the CPU,
     * {@value #DEVICE_READOUT_STEPS} on CUDA). With more than one, losses and the draws' norms wait in device buffers
     * and divergence is checked per block; healthy chains get the same results whatever the value.
     *
     * @param steps steps per read-back, at least 1
     * @return this sampler
     * @throws IllegalArgumentException if {@code steps} is below 1
     */
    public SgldSampler lossReadout(int steps) {
        if (steps < 1) throw new IllegalArgumentException("loss read-back every " + steps + " steps: give at least 1");
        this.readoutEvery = steps;
        return this;
    }

    /**
     * Several weight-refined λ̂ in one batched run: chain k moves only the coordinates {@code perChain.get(k)} selects
     * (one mask per chain, as many as {@link SamplerConfig#chains()}). Each chain's λ̂ is then the refined λ̂ of its
     * own selection, so grouping chains by selection (e.g. one group of chains per attention head) gives one refined
     * estimate per group from a single pass over the data.
     *
     * @param perChain one mask per chain
     * @return this sampler, for chaining
     * @throws IllegalArgumentException when the number of masks is not the number of chains
     */
    public SgldSampler restrictPerChain(List<ParameterMask> perChain) {
        if (perChain.size() != config.chains()) {
            throw new IllegalArgumentException(perChain.size() + " per-chain masks for " + config.chains() + " chains; give one mask per chain");
        }
        this.chainMasks = List.copyOf(perChain);
        this.mask = null;
        return this;
    }

    /** The [P] mask, the [C, P] per-chain masks, or null when every coordinate of every chain moves. */
    private Tensor maskTensor(Device device, long p, DType dtype) {
        if (mask != null) return Tensor.of(mask.asFloats(), device, p).to(dtype);
        if (chainMasks == null) return null;
        float[] rows = new float[Math.toIntExact(chainMasks.size() * p)];
        for (int k = 0; k < chainMasks.size(); k++) {
            float[] row = chainMasks.get(k).asFloats();
            if (row.length != p) throw new IllegalArgumentException("mask of chain " + k + " has " + row.length + " coordinates, the model " + p);
            System.arraycopy(row, 0, rows, Math.toIntExact(k * p), row.length);
        }
        return Tensor.of(rows, device, chainMasks.size(), p).to(dtype);
    }

    /**
     * Replaces the update kernel (default: {@link SgldUpdate#forConfig}).
     *
     * @param u the update, or null for the default; the caller closes it
     * @return this sampler, for chaining
     */
    public SgldSampler update(SgldUpdate u) {
        this.update = u;
        return this;
    }

    /**
     * Runs the chains from w* and returns the estimate.
     *
     * @param wStar the checkpoint w*, [P] with P the model's parameter count; left unchanged
     * @return the estimate with its traces and diagnostics
     * @throws IllegalArgumentException if w* has the wrong size, n is unknown (no data and no {@link #withN}), or
     *         the nβ rule gives a non-positive value
     */
    public LlcResult run(Tensor wStar) {
        long p = model.layout().size();
        if (wStar.numel() != p) {
            throw new IllegalArgumentException("w* has " + wStar.numel() + " values but " + model.describe() + " has " + p + " parameters");
        }
        long n = data != null ? data.size() : nOverride;
        if (n < 2) throw new IllegalArgumentException("a model without data needs n (withN) for nβ");
        int c = config.chains();
        int batch = data == null ? 1 : config.batchSize();
        double nbeta = config.nbetaRule().value(n, batch, config.nbeta());
        if (!(nbeta > 0) || Double.isInfinite(nbeta)) {
            throw new IllegalArgumentException("nβ = " + nbeta + " from rule " + config.nbetaRule().label + " is not positive; use a larger n or batch, or --nbeta");
        }
        Device device = config.device();
        SgldUpdate kernel = update != null ? update : SgldUpdate.forConfig(config, wStar.dtype());
        long started = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        List<LlcResult.Divergence> diverged = new ArrayList<>();
        int draws = config.draws();
        double[][] lossTrace, distance, weightNorm, driftNorm, noiseNorm;
        double[] acceptSum;
        long[] acceptCount;
        boolean[] frozen;
        double initLoss;

        try (Scope run = Scope.open(); Generator noise = new Generator(device, config.seed())) {
            Tensor center = wStar.to(device).contiguous();
            Tensor maskTensor = maskTensor(device, p, center.dtype());
            ChainParameters params = ChainParameters.replicate(model.layout(), center, c);
            Dataset onDevice = data == null ? null : (data.x().device().equals(device) ? data : data.to(device));
            MinibatchStream batches = onDevice == null ? null : new MinibatchStream(onDevice, c, batch, config.seed(), device);
            InitLoss.Estimate dataInit = dataLoss(center, onDevice);
            double fullInit = dataInit == null ? Double.NaN : dataInit.value();
            double firstBatchMean = Double.NaN;
            // MALA's acceptance is defined for the plain Langevin proposal only
            Mala mala = config.mala() && config.sampler() == Sampler.SGLD ? new Mala(nbeta, config, maskTensor == null ? null : maskTensor.to(DType.FLOAT64), device.isCuda()) : null;
            long total = config.totalSteps();
            // Views of the leaf are made once: the update writes the leaf's memory in place, which views follow.
            Map<String, Tensor> views = params.views();
            StepGradient gradients = StepGradient.of(model, params, views, autograd);
            int block = readoutEvery > 0 ? readoutEvery : device.isCuda() ? DEVICE_READOUT_STEPS : 1;
            Trace tr = new Trace(c, draws, warnings, diverged, fullInit);
            if (block == 1) {
                perStepLoop(tr, total, gradients, batches, params, center, maskTensor, mala, kernel, nbeta, noise);
            } else {
                try (BlockedBatches blocked = onDevice == null ? null : new BlockedBatches(onDevice, c, batch, config.seed(), block)) {
                    deferredLoop(tr, block, total, gradients, blocked, params, center, maskTensor, mala, kernel, nbeta, noise);
                }
            }
            lossTrace = tr.loss;
            distance = tr.distance;
            weightNorm = tr.weightNorm;
            driftNorm = tr.driftNorm;
            noiseNorm = tr.noiseNorm;
            acceptSum = tr.acceptSum;
            acceptCount = tr.acceptCount;
            frozen = tr.frozen;
            firstBatchMean = tr.firstBatchMean;
            initLoss = dataInit != null ? fullInit : firstBatchMean;
            lastInitLoss = dataInit != null ? dataInit : new InitLoss.Estimate(firstBatchMean, Double.NaN, (long) c * batch);
            if (mala != null) mala.close();
            gradients.close();
            if (kernel != update) kernel.close(); // an update passed in is the caller's to close
            params.close();
            if (onDevice != null && onDevice != data) onDevice.close();
        }
        return summarise(n, nbeta, initLoss, lossTrace, distance, weightNorm, driftNorm, noiseNorm, acceptSum, acceptCount,
                frozen, diverged, warnings, (System.nanoTime() - started) / 1e9);
    }

    /** What the loop records per chain; filled in step order whichever loop runs. */
    private static final class Trace {
        final double[][] loss, distance, weightNorm, driftNorm, noiseNorm;
        final double[] acceptSum;
        final long[] acceptCount;
        final boolean[] frozen;
        final List<String> warnings;
        final List<LlcResult.Divergence> diverged;
        final double fullInit;
        double firstBatchMean = Double.NaN;
        int draw;

        Trace(int c, int draws, List<String> warnings, List<LlcResult.Divergence> diverged, double fullInit) {
            loss = new double[c][draws];
            distance = new double[c][draws];
            weightNorm = new double[c][draws];
            driftNorm = new double[c][draws];
            noiseNorm = new double[c][draws];
            acceptSum = new double[c];
            acceptCount = new long[c];
            frozen = new boolean[c];
            this.warnings = warnings;
            this.diverged = diverged;
            this.fullInit = fullInit;
        }

        /** Marks the chains whose loss at {@code step} is non-finite or exploded; returns whether any was newly marked. */
        boolean checkLosses(long step, double[] losses, InitLoss initLoss) {
            if (step == 0) firstBatchMean = Arrays.stream(losses).average().orElseThrow();
            double reference = initLoss == InitLoss.MINIBATCH_MEAN ? firstBatchMean : fullInit;
            boolean any = false;
            for (int k = 0; k < frozen.length; k++) {
                if (frozen[k]) continue;
                String why = !Double.isFinite(losses[k]) ? "loss is " + losses[k]
                        : losses[k] > EXPLODED * (1 + Math.abs(reference)) ? "loss exploded to " + losses[k] : null;
                if (why != null) {
                    frozen[k] = true;
                    any = true;
                    diverged.add(new LlcResult.Divergence(k, step, why));
                    warnings.add("chain " + k + " diverged at step " + step + " (" + why + ")");
                }
            }
            return any;
        }

        /**
         * Records a draw: the losses and the norms of the step taken from it. {@code frozenNormsUnknown}: a frozen
         * chain's norms are recorded as NaN, for a loop in which it went on moving until its block ended.
         */
        void record(double[] losses, double[] dist, double[] weight, double[] drift, double[] noise, boolean frozenNormsUnknown) {
            for (int k = 0; k < frozen.length; k++) {
                boolean unknown = frozen[k] && frozenNormsUnknown;
                loss[k][draw] = frozen[k] ? Double.NaN : losses[k];
                distance[k][draw] = unknown ? Double.NaN : dist[k];
                weightNorm[k][draw] = unknown ? Double.NaN : weight[k];
                driftNorm[k][draw] = unknown ? Double.NaN : drift[k];
                noiseNorm[k][draw] = unknown ? Double.NaN : noise[k];
            }
            draw++;
        }

        /** Marks the chains whose weights became non-finite at {@code step}; returns whether any was newly marked. */
        boolean checkWeights(long step, double[] weight) {
            boolean any = false;
            for (int k = 0; k < frozen.length; k++) {
                if (!frozen[k] && !Double.isFinite(weight[k])) {
                    frozen[k] = true;
                    any = true;
                    diverged.add(new LlcResult.Divergence(k, step, "weights became non-finite"));
                    warnings.add("chain " + k + " diverged at step " + step + " (weights non-finite)");
                }
            }
            return any;
        }
    }

    private boolean isDraw(long step) {
        return step >= config.burnin() && (step - config.burnin()) % config.stepsBetweenDraws() == 0;
    }

    /**
     * The host loop: every step's losses come back before the update, so a chain whose loss turns non-finite never
     * takes that step. The CPU default, where reading the losses costs nothing.
     */
    private void perStepLoop(Trace tr, long total, StepGradient gradients, MinibatchStream batches, ChainParameters params,
                             Tensor center, Tensor maskTensor, Mala mala, SgldUpdate kernel, double nbeta, Generator noise) {
        int c = tr.frozen.length;
        boolean[] frozen = tr.frozen;
        for (long step = 0; step < total; step++) {
            try (Scope s = Scope.open()) {
                Tensor[] xy = batches == null ? new Tensor[] {null, null} : batches.next();
                Tensor perChain = gradients.lossAndGradient(xy[0], xy[1]);
                double[] losses = perChain.to(DType.FLOAT64).toDoubleArray();
                tr.checkLosses(step, losses, config.initLoss());
                Tensor grad = gradients.grad();
                try (var ng = Torch.noGrad()) {
                    // MALA's acceptance is evaluated on every MALA_EVERY-th transition after burn-in: an unbiased
                    // subsample of its mean at a tenth of the cost (it needs float64 copies of the whole state).
                    if (mala != null && step > config.burnin() && step % MALA_EVERY == 0) {
                        mala.accumulate(params.flat(), grad, losses, center, frozen, tr.acceptSum, tr.acceptCount);
                    }
                    if (mala != null && step >= config.burnin() && (step + 1) % MALA_EVERY == 0) {
                        mala.remember(params.flat(), grad, losses, center);
                    }
                    boolean isDraw = isDraw(step);
                    SgldUpdate.StepNorms norms = kernel.step(params.flat(), grad, center, maskTensor, frozen, nbeta, config, noise, isDraw);
                    if (isDraw && norms != null) {
                        tr.record(losses, norms.distance(), norms.weightNorm(), norms.driftNorm(), norms.noiseNorm(), false);
                    }
                    if (norms != null) tr.checkWeights(step, norms.weightNorm());
                    kernel.resetFrozen(params.flat(), center, frozen);
                }
                gradients.clear();
                observer.onStep(step + 1, total, losses);
            }
        }
        assert tr.draw == config.draws() || c == 0;
    }

    /**
     * The device loop: losses and the draws' norms stay in device buffers and come back once per block of steps,
     * so the host does not wait for the device every step. Each block is then replayed on the host in step order
     * (divergence checks, draws, observer), which marks a chain diverged at the first non-finite step of the
     * block exactly as {@link #perStepLoop} would; such a chain only stops moving (and is put back at w*) at the
     * block's end. Its rows never mix with the others' (the model and the update act per chain), so the healthy
     * chains' results do not depend on the block length.
     */
    private void deferredLoop(Trace tr, int block, long total, StepGradient gradients, BlockedBatches batches,
                              ChainParameters params, Tensor center, Tensor maskTensor, Mala mala, SgldUpdate kernel,
                              double nbeta, Generator noise) {
        int c = tr.frozen.length;
        boolean[] frozen = tr.frozen;
        Device device = center.device();
        TorchOpsSgldUpdate onDevice = kernel instanceof TorchOpsSgldUpdate t ? t : null;
        boolean[] drawAt = new boolean[block];
        SgldUpdate.StepNorms[] hostNorms = new SgldUpdate.StepNorms[block];
        try (Scope buffers = Scope.open()) {
            Tensor lossBuffer = Tensor.zeros(DType.FLOAT64, device, block, c);
            Tensor normBuffer = Tensor.zeros(DType.FLOAT64, device, block, 4, c);
            long blockStart = 0;
            int filled = 0;
            for (long step = 0; step < total; step++) {
                try (Scope s = Scope.open()) {
                    Tensor[] xy = batches == null ? new Tensor[] {null, null} : batches.next();
                    Tensor perChain = gradients.lossAndGradient(xy[0], xy[1]);
                    Tensor lossRow = lossBuffer.select(0, filled);
                    lossRow.copyFrom(perChain);
                    Tensor grad = gradients.grad();
                    try (var ng = Torch.noGrad()) {
                        boolean accumulate = mala != null && step > config.burnin() && step % MALA_EVERY == 0;
                        boolean remember = mala != null && step >= config.burnin() && (step + 1) % MALA_EVERY == 0;
                        if (accumulate || remember) {
                            // MALA needs this step's losses on the host: a read-back on 2 steps in MALA_EVERY (--no-mala avoids it)
                            double[] losses = lossRow.toDoubleArray();
                            if (accumulate) mala.accumulate(params.flat(), grad, losses, center, frozen, tr.acceptSum, tr.acceptCount);
                            if (remember) mala.remember(params.flat(), grad, losses, center);
                        }
                        boolean isDraw = isDraw(step);
                        drawAt[filled] = isDraw;
                        if (onDevice != null) {
                            Tensor norms = onDevice.stepOnDevice(params.flat(), grad, center, maskTensor, frozen, nbeta, config, noise, isDraw);
                            if (norms != null) normBuffer.select(0, filled).copyFrom(norms);
                        } else {
                            hostNorms[filled] = kernel.step(params.flat(), grad, center, maskTensor, frozen, nbeta, config, noise, isDraw);
                        }
                    }
                    gradients.clear();
                }
                filled++;
                if (filled == block || step == total - 1) {
                    replay(tr, blockStart, filled, total, lossBuffer, onDevice != null ? normBuffer : null, hostNorms, drawAt);
                    try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
                        kernel.resetFrozen(params.flat(), center, frozen);
                    }
                    blockStart += filled;
                    filled = 0;
                }
            }
        }
        assert tr.draw == config.draws() || c == 0;
    }

    /**
     * The minibatches of {@link MinibatchStream} (the very same indices for the same seed) for the device loop: the
     * indices of a block of steps are drawn on the host and copied to the device at once, because a copy from host
     * memory waits for the device to finish its queue, and one per step would synchronise every step.
     */
    static final class BlockedBatches implements AutoCloseable {
        private final Dataset data;
        private final int chains, batch, block;
        private final MinibatchStream indices;
        private final Dataset positions;
        private Tensor onDevice; // [block, C·B] int64
        private int used;

        BlockedBatches(Dataset data, int chains, int batch, long seed, int block) {
            this.data = data;
            this.chains = chains;
            this.batch = batch;
            this.block = block;
            // a stream over the positions 0 … n−1 themselves yields the indices it would gather
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.arange(data.size(), DType.INT64, Device.CPU);
                Tensor y = x.share();
                this.positions = new Dataset(s.release(x), s.release(y));
            }
            this.indices = new MinibatchStream(positions, chains, batch, seed, Device.CPU);
            this.used = block;
        }

        /** The next step's minibatch of every chain: {x [C, B, …], y [C, B, …]}, owned by the caller's scope. */
        Tensor[] next() {
            if (used == block) refill();
            Tensor idx = onDevice.select(0, used++);
            return new Tensor[] {MinibatchStream.gather(data.x(), idx, chains, batch), MinibatchStream.gather(data.y(), idx, chains, batch)};
        }

        private void refill() {
            long[] all = new long[block * chains * batch];
            try (Scope s = Scope.open()) {
                for (int i = 0; i < block; i++) {
                    long[] step = indices.next()[0].contiguous().toLongArray();
                    System.arraycopy(step, 0, all, i * step.length, step.length);
                }
                Tensor next = s.release(Tensor.of(all, data.x().device(), block, (long) chains * batch));
                if (onDevice != null) onDevice.close();
                onDevice = next;
            }
            used = 0;
        }

        @Override
        public void close() {
            if (onDevice != null) onDevice.close();
            positions.close();
        }
    }

    /** Replays a block of {@code filled} steps on the host from one read-back of the device buffers. */
    private void replay(Trace tr, long blockStart, int filled, long total, Tensor lossBuffer, Tensor normBuffer,
                        SgldUpdate.StepNorms[] hostNorms, boolean[] drawAt) {
        int c = tr.frozen.length;
        double[] losses, norms = null;
        try (Scope s = Scope.open()) {
            losses = lossBuffer.narrow(0, 0, filled).toDoubleArray();
            if (normBuffer != null) norms = normBuffer.narrow(0, 0, filled).toDoubleArray();
        }
        for (int i = 0; i < filled; i++) {
            long step = blockStart + i;
            double[] l = Arrays.copyOfRange(losses, i * c, i * c + c);
            tr.checkLosses(step, l, config.initLoss());
            SgldUpdate.StepNorms n;
            if (normBuffer == null) {
                n = hostNorms[i];
                hostNorms[i] = null;
            } else if (drawAt[i]) {
                int at = i * 4 * c;
                n = new SgldUpdate.StepNorms(
                        Arrays.copyOfRange(norms, at + TorchOpsSgldUpdate.DISTANCE * c, at + TorchOpsSgldUpdate.DISTANCE * c + c),
                        Arrays.copyOfRange(norms, at + TorchOpsSgldUpdate.WEIGHT * c, at + TorchOpsSgldUpdate.WEIGHT * c + c),
                        Arrays.copyOfRange(norms, at + TorchOpsSgldUpdate.DRIFT * c, at + TorchOpsSgldUpdate.DRIFT * c + c),
                        Arrays.copyOfRange(norms, at + TorchOpsSgldUpdate.NOISE * c, at + TorchOpsSgldUpdate.NOISE * c + c));
            } else {
                n = null;
            }
            if (drawAt[i] && n != null) tr.record(l, n.distance(), n.weightNorm(), n.driftNorm(), n.noiseNorm(), true);
            if (n != null) tr.checkWeights(step, n.weightNorm());
            observer.onStep(step + 1, total, l);
        }
    }

    /** L(w*) as the config asks: over all n rows, or over {@link InitLoss#SUBSAMPLE}'s rows; NaN for the minibatch mean. */
    private InitLoss.Estimate dataLoss(Tensor center, Dataset d) {
        return switch (config.initLoss()) {
            case FULL_DATA -> InitLoss.evaluate(model, center, d, Long.MAX_VALUE);
            case SUBSAMPLE -> InitLoss.evaluate(model, center, d, InitLoss.SUBSAMPLE_ROWS);
            case MINIBATCH_MEAN -> null;
        };
    }

    private InitLoss.Estimate lastInitLoss;

    /**
     * The L(w*) the last {@link #run} subtracted, with its standard error as an estimate of the full-data loss.
     *
     * @return the estimate, or null before the first run
     */
    public InitLoss.Estimate initLossEstimate() {
        return lastInitLoss;
    }

    private LlcResult summarise(long n, double nbeta, double initLoss, double[][] lossTrace, double[][] distance,
                                double[][] weightNorm, double[][] driftNorm, double[][] noiseNorm, double[] acceptSum,
                                long[] acceptCount, boolean[] frozen, List<LlcResult.Divergence> diverged,
                                List<String> warnings, double seconds) {
        int c = lossTrace.length, draws = config.draws();
        double[] perChain = new double[c];
        double[][] llcTrace = new double[c][draws];
        double[] accept = new double[c];
        List<Double> healthy = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            for (int t = 0; t < draws; t++) llcTrace[k][t] = nbeta * (lossTrace[k][t] - initLoss);
            perChain[k] = frozen[k] ? Double.NaN : nbeta * (mean(lossTrace[k]) - initLoss);
            if (!frozen[k]) healthy.add(perChain[k]);
            accept[k] = acceptCount[k] == 0 ? Double.NaN : acceptSum[k] / acceptCount[k];
        }
        double m = healthy.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double sd = healthy.size() < 2 ? Double.NaN
                : Math.sqrt(healthy.stream().mapToDouble(v -> (v - m) * (v - m)).sum() / (healthy.size() - 1));
        double se = healthy.size() < 2 ? Double.NaN : sd / Math.sqrt(healthy.size());
        double[] means = new double[draws], stds = new double[draws];
        for (int t = 0; t < draws; t++) {
            double s = 0, s2 = 0;
            int k2 = 0;
            for (int k = 0; k < c; k++) if (!frozen[k]) { s += llcTrace[k][t]; k2++; }
            means[t] = k2 == 0 ? Double.NaN : s / k2;
            for (int k = 0; k < c; k++) if (!frozen[k]) s2 += (llcTrace[k][t] - means[t]) * (llcTrace[k][t] - means[t]);
            stds[t] = k2 < 2 ? Double.NaN : Math.sqrt(s2 / (k2 - 1));
        }
        double[][] healthyTraces = java.util.stream.IntStream.range(0, c).filter(k -> !frozen[k]).mapToObj(k -> lossTrace[k]).toArray(double[][]::new);
        double rhat = healthyTraces.length >= 2 && draws >= 4 ? TRACES.splitRhat(healthyTraces) : Double.NaN;
        double[] ess = new double[c];
        for (int k = 0; k < c; k++) ess[k] = frozen[k] ? Double.NaN : TRACES.ess(lossTrace[k]);
        double acc = Arrays.stream(accept).filter(a -> !Double.isNaN(a)).average().orElse(Double.NaN);
        Diagnostics diagnostics = Diagnostics.of(config, perChain, m, se, llcTrace, distance, movingPerChain(c, model.layout().size()),
                frozen, rhat, acc);
        warnings.addAll(diagnostics.messages());
        return new LlcResult(model.describe(), config, n, nbeta, initLoss, perChain, m, sd, se, lossTrace, llcTrace, means, stds,
                accept, distance, weightNorm, driftNorm, noiseNorm, rhat, ess, List.copyOf(diverged), List.copyOf(warnings), diagnostics, seconds);
    }

    /** How many coordinates move in each chain: the mask's, each chain's own mask's, or all P. */
    private long[] movingPerChain(int c, long p) {
        long[] moving = new long[c];
        for (int k = 0; k < c; k++) moving[k] = chainMasks != null ? chainMasks.get(k).count() : mask != null ? mask.count() : p;
        return moving;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }
}
