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

import java.util.List;

/**
 * Estimates λ̂ at w* by Langevin sampling — SGLD, RMSProp-SGLD or SGNHT ({@link SamplerConfig#sampler()}) — with all
 * chains batched: the C chains' weights are one [C, P] leaf, one forward and
 * backward per step serves every chain, and each chain has its own minibatch stream and noise.
 *
 * <p>Per step t, for each chain: L_t = minibatch loss at w_t (recorded before the update), then
 * <pre>  w ← w − (ε/2)·(nβ·∇L_B(w) + γ·(w − w*) + λ_wd·w) + √ε·ξ,   ξ ~ N(0, I)</pre>
 * optionally clamped to [w* − b, w* + b]. After burn-in a draw is recorded every k steps, and
 * λ̂_c = nβ·(mean over draws of L_t − L_init).
 *
 * <p>A chain whose loss or weights become NaN/Inf, or whose loss explodes (above 1e8·(1 + |L_init|)), is marked
 * diverged with its step and reason; it stops moving and the other chains finish.
 *
 * <p>The class sets a run up and hands it to its parts: {@link StepCoefficients} (ε, nβ, γ, … resolved once),
 * {@link ChainLoop} (moves the chains), {@link DrawTrace} (the draws and divergence), {@link MinibatchBlocks} (the
 * minibatches of the blocked loop) and {@link TraceSummary} (the {@link LlcResult} built from the trace). The update
 * above is SGLD's; RMSProp-SGLD preconditions it and SGNHT adds a thermostat (see {@link Sampler}).
 */
public final class LangevinSampler {
    private final ChainModel model;
    private final Dataset data;
    private final SamplerConfig config;
    private SamplerObserver observer = SamplerObserver.NONE;
    private SgldUpdate update;

    /**
     * A sampler over {@code model}'s loss on {@code data}; nothing runs until {@link #run}.
     *
     * @param model  the model (chain-batched)
     * @param data   the dataset, or null for a potential with no data (then n must be given by {@link #withN})
     * @param config sampler settings
     */
    public LangevinSampler(ChainModel model, Dataset data, SamplerConfig config) {
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
    public LangevinSampler withN(long n) {
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
    public LangevinSampler observer(SamplerObserver o) {
        this.observer = o == null ? SamplerObserver.NONE : o;
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
    public LangevinSampler autograd(boolean on) {
        this.autograd = on;
        return this;
    }

    private int chainThreads;

    /**
     * How many threads evaluate the chains at once on the CPU, each a contiguous group of them: forward and backward
     * through autograd (for a model that can be evaluated on several threads, {@link ChainModel#forAnotherThread}), and
     * the CPU SGLD update's chains (one fused pass, shared out). Default: the environment variable
     * {@value #CHAIN_THREADS_VARIABLE} if set, else one per core (up to C) when libtorch's own intra-op pool runs on one
     * thread, else one. Always one on CUDA. Each chain's numbers do not depend on it.
     *
     * @param threads at least 1, or 0 for the default
     * @return this sampler
     * @throws IllegalArgumentException if {@code threads} is negative
     */
    public LangevinSampler chainThreads(int threads) {
        if (threads < 0) throw new IllegalArgumentException("chain threads " + threads + ": give at least 1, or 0 for the default");
        this.chainThreads = threads;
        return this;
    }

    /** The environment variable that sets the chain threads of every run in a process (a sweep sets it for its cells). */
    public static final String CHAIN_THREADS_VARIABLE = "LAMBDAHAT_CHAIN_THREADS";

    private static int defaultChainThreads(Device device, int chains) {
        String set = System.getenv(CHAIN_THREADS_VARIABLE);
        if (set != null && !set.isBlank()) {
            try {
                int n = Integer.parseInt(set.strip());
                if (n >= 1) return n;
            } catch (NumberFormatException e) {
                // named below
            }
            throw new io.lambdahat.InvalidInputException(CHAIN_THREADS_VARIABLE + "=" + set + " is not a whole number ≥ 1; unset it for the default");
        }
        return StepGradient.groupsFor(device, chains, Runtime.getRuntime().availableProcessors(), Torch.threads());
    }

    private ParameterMask mask;
    private List<ParameterMask> chainMasks;

    /**
     * Weight-refined λ̂: only the coordinates the mask selects move; the others stay at w*.
     *
     * @param mask the coordinates that move, or null (or a mask of all) for every coordinate
     * @return this sampler, for chaining
     */
    public LangevinSampler restrictTo(ParameterMask mask) {
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
    public LangevinSampler lossReadout(int steps) {
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
    public LangevinSampler restrictPerChain(List<ParameterMask> perChain) {
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
    public LangevinSampler update(SgldUpdate u) {
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
        StepCoefficients k = StepCoefficients.of(config, nbeta);
        Device device = config.device();
        long started = System.nanoTime();
        DrawTrace trace;
        InitLoss.Estimate initLoss;
        // an update passed in is the caller's to close; the one made here is closed here
        try (Scope run = Scope.open(); Generator noise = new Generator(device, config.seed());
             SgldUpdate ownUpdate = update == null ? SgldUpdate.forConfig(config, wStar.dtype()) : null) {
            SgldUpdate kernel = update != null ? update : ownUpdate;
            Tensor centre = wStar.to(device).contiguous();
            Tensor maskTensor = maskTensor(device, p, centre.dtype());
            ChainParameters params = ChainParameters.replicate(model.layout(), centre, c);
            Dataset onDevice = data == null ? null : (data.x().device().equals(device) ? data : data.to(device));
            int block = readoutEvery > 0 ? readoutEvery : device.isCuda() ? DEVICE_READOUT_STEPS : 1;
            MinibatchStream perStep = onDevice == null || block > 1 ? null : new MinibatchStream(onDevice, c, batch, config.seed(), device);
            try (MinibatchBlocks blocked = onDevice == null || block == 1 ? null : new MinibatchBlocks(onDevice, c, batch, config.seed(), block)) {
                InitLoss.Estimate dataInit = dataLoss(centre, onDevice);
                trace = new DrawTrace(c, config.draws(), config.initLoss(), dataInit == null ? Double.NaN : dataInit.value());
                // MALA's acceptance is defined for the plain Langevin proposal only
                Mala mala = config.mala() && config.sampler() == Sampler.SGLD ? new Mala(k, maskTensor == null ? null : maskTensor.to(DType.FLOAT64), device.isCuda()) : null;
                // Views of the leaf are made once: the update writes the leaf's memory in place, which views follow.
                // one group on CUDA, whatever was asked: the device runs the chains batched, the host only queues work
                int groups = device.isCuda() ? 1 : Math.min(c, chainThreads > 0 ? chainThreads : defaultChainThreads(device, c));
                try (ChainWorkers workers = new ChainWorkers(c, groups)) {
                    StepGradient gradients = StepGradient.of(model, params, params.views(), autograd, workers);
                    // the CPU update shares its chains out over the same threads (where a step updates enough values)
                    VectorSgldUpdate spread = kernel instanceof VectorSgldUpdate v ? v : null;
                    if (spread != null) spread.spreadOver(workers);
                    try {
                        ChainLoop loop = new ChainLoop(config, new ChainLoop.State(params, centre, maskTensor),
                                new ChainLoop.Dynamics(gradients, kernel, k, noise, mala), trace, observer);
                        if (block == 1) loop.runPerStep(perStep);
                        else loop.runBlocked(blocked, block);
                    } finally {
                        if (spread != null) spread.spreadOver(null);
                        gradients.close();
                    }
                }
                initLoss = dataInit != null ? dataInit : new InitLoss.Estimate(trace.firstBatchMean(), Double.NaN, (long) c * batch);
                if (mala != null) mala.close();
            }
            params.close();
            if (onDevice != null && onDevice != data) onDevice.close();
        }
        lastInitLoss = initLoss;
        return TraceSummary.of(model.describe(), config, n, nbeta, initLoss, trace, movingPerChain(c, p),
                (System.nanoTime() - started) / 1e9);
    }

    /** L(w*) as the config asks: over all n rows, or over {@link InitLoss#SUBSAMPLE}'s rows; null for the minibatch mean. */
    private InitLoss.Estimate dataLoss(Tensor centre, Dataset d) {
        return switch (config.initLoss()) {
            case FULL_DATA -> InitLoss.evaluate(model, centre, d, Long.MAX_VALUE);
            case SUBSAMPLE -> InitLoss.evaluate(model, centre, d, InitLoss.SUBSAMPLE_ROWS);
            case MINIBATCH_MEAN -> null;
        };
    }

    private InitLoss.Estimate lastInitLoss;

    /**
     * The L(w*) the last {@link #run} subtracted, with its standard error as an estimate of the full-data loss
     * (also in the result: {@link LlcResult#initLossStderr()}).
     *
     * @return the estimate, or null before the first run
     */
    public InitLoss.Estimate initLossEstimate() {
        return lastInitLoss;
    }

    /** How many coordinates move in each chain: the mask's, each chain's own mask's, or all P. */
    private long[] movingPerChain(int c, long p) {
        long[] moving = new long[c];
        for (int k = 0; k < c; k++) moving[k] = chainMasks != null ? chainMasks.get(k).count() : mask != null ? mask.count() : p;
        return moving;
    }
}
