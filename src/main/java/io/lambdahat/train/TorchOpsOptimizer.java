package io.lambdahat.train;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link AdamW} or {@link Sgd} as a few libtorch operations on the flat [P] float32 tensors of any device (what the
 * trainer runs on CUDA, where the Vector API kernels cannot reach the memory). It takes the float32 coefficients of
 * the CPU optimiser it mirrors, so both compute the same update up to the rounding of fused multiply-adds; its
 * state buffers have the same names, so a run saved on one device resumes on the other.
 */
public final class TorchOpsOptimizer implements AutoCloseable {
    private final Optimizer settings;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final long size;
    private long steps;

    /**
     * An optimiser with zeroed state on {@code device}.
     *
     * @param settings the CPU optimiser whose hyper-parameters to use (its own buffers are not touched; a size-0
     *                 one from {@link TrainConfig#newOptimizer} is enough)
     * @param size     P, the number of parameters
     * @param device   where the state buffers live
     * @throws IllegalArgumentException if {@code size} is negative or {@code settings} is neither AdamW nor SGD
     */
    public TorchOpsOptimizer(Optimizer settings, long size, Device device) {
        if (size < 0) throw new IllegalArgumentException("parameter count must be ≥ 0, got " + size);
        if (!(settings instanceof AdamW) && !(settings instanceof Sgd)) {
            throw new IllegalArgumentException("no libtorch-ops version of optimiser " + settings.name() + "; use adam, adamw or sgd");
        }
        this.settings = settings;
        this.size = size;
        for (String name : settings.buffers().keySet()) buffers.put(name, Tensor.zeros(DType.FLOAT32, device, size));
    }

    /**
     * The optimiser's name, as the CPU one has it.
     *
     * @return "adamw" or "sgd"
     */
    public String name() {
        return settings.name();
    }

    /**
     * The number of parameters.
     *
     * @return P
     */
    public long size() {
        return size;
    }

    /**
     * Updates taken so far.
     *
     * @return torch's "step"
     */
    public long steps() {
        return steps;
    }

    /**
     * One update in place, queued on the tensors' device (nothing is read back).
     *
     * @param w    the [P] (or [1, P]) float32 weights, updated in place
     * @param grad the gradient at {@code w}, same shape; read only
     * @param lr   this update's learning rate
     * @throws IllegalArgumentException if the shapes or the learning rate are wrong
     */
    public void step(Tensor w, Tensor grad, double lr) {
        if (w.numel() != size || grad.numel() != size) {
            throw new IllegalArgumentException("the optimiser holds state for " + size + " parameters but got " + w.numel()
                    + " parameters and " + grad.numel() + " gradient values");
        }
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and ≥ 0, got " + lr);
        try (Scope s = Scope.open()) {
            Tensor flatW = w.view(size), g = grad.view(size);
            if (settings instanceof AdamW adam) stepAdamW(adam, flatW, g, lr);
            else stepSgd((Sgd) settings, flatW, g, lr);
        }
        steps++;
    }

    private void stepAdamW(AdamW adam, Tensor w, Tensor g, double lr) {
        io.lambdahat.simd.OptimizerKernels.AdamWCoefficients c = adam.coefficients(steps + 1, lr);
        Tensor m = buffers.get(AdamW.EXP_AVG), v = buffers.get(AdamW.EXP_AVG_SQ);
        if (c.l2() != 0) g = g.add(w.mul(c.l2()));
        w.mulInPlace(c.decay());
        m.mulInPlace(c.beta1()).addInPlace(g, c.oneMinusBeta1());
        v.mulInPlace(c.beta2()).addInPlace(g.square(), c.oneMinusBeta2());
        Tensor denom = v.sqrt().div(c.bc2Sqrt()).add(c.eps());
        w.addInPlace(m.div(denom), -c.stepSize());
    }

    private void stepSgd(Sgd sgd, Tensor w, Tensor g, double lr) {
        io.lambdahat.simd.OptimizerKernels.SgdCoefficients c = sgd.coefficients(lr);
        Tensor d = c.weightDecay() == 0 ? g : g.add(w, c.weightDecay());
        if (c.useMomentum()) {
            Tensor b = buffers.get(Sgd.MOMENTUM_BUFFER);
            if (steps == 0) b.copyFrom(d);
            else b.mulInPlace(c.momentum()).addInPlace(d, c.oneMinusDampening());
            d = c.nesterov() ? d.add(b, c.momentum()) : b;
        }
        w.addInPlace(d, c.minusLr());
    }

    /**
     * The live state buffers by name (torch.optim's names), each [P] float32 on the device.
     *
     * @return an unmodifiable view; empty for plain SGD
     */
    public Map<String, Tensor> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /**
     * Puts back a saved state.
     *
     * @param steps the updates taken when it was saved
     * @param saved every buffer by name, each P float32 values in host memory
     * @throws IllegalArgumentException if the names or sizes do not match this optimiser's
     */
    public void restore(long steps, Map<String, MemorySegment> saved) {
        if (steps < 0) throw new IllegalArgumentException("a saved step count must be ≥ 0, got " + steps);
        if (!saved.keySet().equals(buffers.keySet())) {
            throw new IllegalArgumentException(name() + " state needs buffers " + buffers.keySet() + " but the saved state has "
                    + saved.keySet() + "; it was saved by another optimiser");
        }
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            MemorySegment from = saved.get(e.getKey());
            if (from.byteSize() != size * Float.BYTES) {
                throw new IllegalArgumentException("saved " + e.getKey() + " has " + from.byteSize() / Float.BYTES
                        + " values, the optimiser needs " + size);
            }
            try (Scope s = Scope.open()) {
                e.getValue().copyFrom(Tensor.fromSegment(from, DType.FLOAT32, size));
            }
        }
        this.steps = steps;
    }

    /** Frees the state buffers. */
    @Override
    public void close() {
        buffers.values().forEach(Tensor::close);
        buffers.clear();
    }
}
