package io.lambdahat.sampling;

import io.lambdahat.data.MinibatchStream;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.Arrays;

/**
 * The chain loop: moves the C batched chains step by step from w* and feeds every step's losses and the draws' norms
 * to the {@link DrawTrace}, which keeps the draws and marks the chains that diverge. Two loops give the same results
 * for healthy chains: {@link #runPerStep} reads the losses back every step (the CPU default), {@link #runBlocked}
 * once per block of steps (the CUDA default).
 */
final class ChainLoop {
    /** MALA's acceptance is evaluated on every MALA_EVERY-th transition after burn-in. */
    static final int MALA_EVERY = 10;

    /**
     * The chains and where they are anchored.
     *
     * @param params the [C, P] weights of all chains, moved in place
     * @param centre w*, [P]
     * @param mask   the [P] or [C, P] mask of the coordinates that move, or null for all of them
     */
    record State(ChainParameters params, Tensor centre, Tensor mask) {}

    /**
     * What moves the chains.
     *
     * @param gradients the minibatch losses and gradient per step
     * @param update    the update kernel
     * @param k         the run's step coefficients
     * @param noise     the generator of the update's noise
     * @param mala      the MALA acceptance diagnostic, or null when off
     */
    record Dynamics(StepGradient gradients, SgldUpdate update, StepCoefficients k, Generator noise, Mala mala) {}

    private final long burnin, total;
    private final int stepsBetweenDraws, draws;
    private final ChainParameters params;
    private final Tensor centre, mask;
    private final StepGradient gradients;
    private final SgldUpdate update;
    private final StepCoefficients k;
    private final Generator noise;
    private final Mala mala;
    private final DrawTrace trace;
    private final SamplerObserver observer;

    /**
     * @param schedule supplies burn-in, steps between draws and draws
     * @param chains   the chains
     * @param dynamics what moves them
     * @param trace    where the draws go
     * @param observer who is told about every step
     */
    ChainLoop(SamplerConfig schedule, State chains, Dynamics dynamics, DrawTrace trace, SamplerObserver observer) {
        this.burnin = schedule.burnin();
        this.stepsBetweenDraws = schedule.stepsBetweenDraws();
        this.total = schedule.totalSteps();
        this.draws = schedule.draws();
        this.params = chains.params();
        this.centre = chains.centre();
        this.mask = chains.mask();
        this.gradients = dynamics.gradients();
        this.update = dynamics.update();
        this.k = dynamics.k();
        this.noise = dynamics.noise();
        this.mala = dynamics.mala();
        this.trace = trace;
        this.observer = observer;
    }

    private boolean isDraw(long step) {
        return step >= burnin && (step - burnin) % stepsBetweenDraws == 0;
    }

    // MALA's acceptance is evaluated on every MALA_EVERY-th transition after burn-in: an unbiased subsample of its
    // mean at a tenth of the cost (it needs float64 copies of the whole state).
    private boolean malaAccumulates(long step) {
        return mala != null && step > burnin && step % MALA_EVERY == 0;
    }

    private boolean malaRemembers(long step) {
        return mala != null && step >= burnin && (step + 1) % MALA_EVERY == 0;
    }

    /**
     * The host loop: every step's losses come back before the update, so a chain whose loss turns non-finite never
     * takes that step. The CPU default, where reading the losses costs nothing.
     *
     * @param batches the chains' minibatches, or null for a potential without data
     */
    void runPerStep(MinibatchStream batches) {
        boolean[] frozen = trace.frozen;
        for (long step = 0; step < total; step++) {
            try (Scope s = Scope.open()) {
                Tensor[] xy = batches == null ? new Tensor[] {null, null} : batches.next();
                Tensor perChain = gradients.lossAndGradient(xy[0], xy[1]);
                double[] losses = perChain.to(DType.FLOAT64).toDoubleArray();
                trace.checkLosses(step, losses);
                Tensor grad = gradients.grad();
                try (var ng = Torch.noGrad()) {
                    if (malaAccumulates(step)) mala.accumulate(params.flat(), grad, losses, centre, frozen, trace.acceptSum, trace.acceptCount);
                    if (malaRemembers(step)) mala.remember(params.flat(), grad, losses, centre);
                    boolean isDraw = isDraw(step);
                    SgldUpdate.ChainNorms norms = update.step(params.flat(), grad, centre, mask, frozen, k, noise, isDraw);
                    if (isDraw && norms != null) trace.record(losses, norms, false);
                    if (norms != null) trace.checkWeights(step, norms.weightNorm());
                    update.resetFrozen(params.flat(), centre, frozen);
                }
                gradients.clear();
                observer.onStep(step + 1, total, losses);
            }
        }
        assert trace.draws() == draws || trace.chains() == 0;
    }

    /**
     * The device loop: losses and the draws' norms stay in device buffers and come back once per block of steps,
     * so the host does not wait for the device every step. Each block is then replayed on the host in step order
     * (divergence checks, draws, observer), which marks a chain diverged at the first non-finite step of the
     * block exactly as {@link #runPerStep} would; such a chain only stops moving (and is put back at w*) at the
     * block's end. Its rows never mix with the others' (the model and the update act per chain), so the healthy
     * chains' results do not depend on the block length.
     *
     * @param batches the chains' minibatches in blocks, or null for a potential without data
     * @param block   steps per read-back
     */
    void runBlocked(MinibatchBlocks batches, int block) {
        int c = trace.chains();
        boolean[] frozen = trace.frozen;
        Device device = centre.device();
        // an update that cannot keep its norms on the device hands them over every step
        boolean normsOnDevice = update.keepsNormsOnDevice();
        boolean[] drawAt = new boolean[block];
        SgldUpdate.ChainNorms[] hostNorms = new SgldUpdate.ChainNorms[block];
        try (Scope buffers = Scope.open()) {
            Tensor lossBuffer = Tensor.zeros(DType.FLOAT64, device, block, c);
            Tensor normBuffer = Tensor.zeros(DType.FLOAT64, device, block, SgldUpdate.ChainNorms.ROWS, c);
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
                        boolean accumulate = malaAccumulates(step), remember = malaRemembers(step);
                        if (accumulate || remember) {
                            // MALA needs this step's losses on the host: a read-back on 2 steps in MALA_EVERY (--no-mala avoids it)
                            double[] losses = lossRow.toDoubleArray();
                            if (accumulate) mala.accumulate(params.flat(), grad, losses, centre, frozen, trace.acceptSum, trace.acceptCount);
                            if (remember) mala.remember(params.flat(), grad, losses, centre);
                        }
                        boolean isDraw = isDraw(step);
                        drawAt[filled] = isDraw;
                        if (normsOnDevice) {
                            Tensor norms = update.stepOnDevice(params.flat(), grad, centre, mask, frozen, k, noise, isDraw);
                            if (norms != null) normBuffer.select(0, filled).copyFrom(norms);
                        } else {
                            hostNorms[filled] = update.step(params.flat(), grad, centre, mask, frozen, k, noise, isDraw);
                        }
                    }
                    gradients.clear();
                }
                filled++;
                if (filled == block || step == total - 1) {
                    replay(blockStart, filled, lossBuffer, normsOnDevice ? normBuffer : null, hostNorms, drawAt);
                    try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
                        update.resetFrozen(params.flat(), centre, frozen);
                    }
                    blockStart += filled;
                    filled = 0;
                }
            }
        }
        assert trace.draws() == draws || c == 0;
    }

    /** Replays a block of {@code filled} steps on the host from one read-back of the device buffers. */
    private void replay(long blockStart, int filled, Tensor lossBuffer, Tensor normBuffer, SgldUpdate.ChainNorms[] hostNorms,
                        boolean[] drawAt) {
        int c = trace.chains();
        double[] losses, norms = null;
        try (Scope s = Scope.open()) {
            losses = lossBuffer.narrow(0, 0, filled).toDoubleArray();
            if (normBuffer != null) norms = normBuffer.narrow(0, 0, filled).toDoubleArray();
        }
        for (int i = 0; i < filled; i++) {
            long step = blockStart + i;
            double[] l = Arrays.copyOfRange(losses, i * c, i * c + c);
            trace.checkLosses(step, l);
            SgldUpdate.ChainNorms n;
            if (normBuffer == null) {
                n = hostNorms[i];
                hostNorms[i] = null;
            } else {
                n = drawAt[i] ? SgldUpdate.ChainNorms.ofRows(norms, i * SgldUpdate.ChainNorms.ROWS * c, c) : null;
            }
            if (drawAt[i] && n != null) trace.record(l, n, true);
            if (n != null) trace.checkWeights(step, n.weightNorm());
            observer.onStep(step + 1, total, l);
        }
    }
}
