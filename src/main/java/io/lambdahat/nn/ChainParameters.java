package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;

import java.util.HashMap;
import java.util.Map;

/**
 * The parameters of C chains of one model: a single contiguous leaf tensor [C, P] that requires grad. Named
 * parameters are views into it with a leading chain axis ([C, ...shape]), so every gradient lands in one flat
 * [C, P] buffer. Views are made per step (inside the step's scope) because they are cheap and each backward
 * pass frees the graph they belong to.
 */
public final class ChainParameters implements AutoCloseable {
    private final ParameterLayout layout;
    private final Tensor flat;
    private final int chains;

    private ChainParameters(ParameterLayout layout, Tensor flat, int chains) {
        this.layout = layout;
        this.flat = flat;
        this.chains = chains;
    }

    /** C copies of {@code single} (a [P] tensor), as a new leaf [C, P] that requires grad. */
    public static ChainParameters replicate(ParameterLayout layout, Tensor single, int chains) {
        long p = layout.size();
        if (single.numel() != p) {
            throw new IllegalArgumentException("parameter vector has " + single.numel() + " values, the model needs " + p);
        }
        Tensor flat;
        try (Tensor row = single.reshape(1, p); Tensor expanded = row.expand(chains, p)) {
            flat = expanded.contiguous();
        }
        flat.requiresGrad(true);
        return new ChainParameters(layout, flat, chains);
    }

    public static ChainParameters zeros(ParameterLayout layout, int chains, DType dtype, Device device) {
        Tensor flat = Tensor.zeros(dtype, device, chains, layout.size());
        flat.requiresGrad(true);
        return new ChainParameters(layout, flat, chains);
    }

    public ParameterLayout layout() {
        return layout;
    }

    public int chains() {
        return chains;
    }

    /** The leaf [C, P]. */
    public Tensor flat() {
        return flat;
    }

    /** The views [C, ...shape] of every parameter, by name; owned by the caller's scope. */
    public Map<String, Tensor> views() {
        Map<String, Tensor> m = new HashMap<>();
        for (ParameterLayout.Entry e : layout.entries()) m.put(e.name(), view(e));
        return m;
    }

    public Tensor view(String name) {
        return view(layout.get(name));
    }

    private Tensor view(ParameterLayout.Entry e) {
        long[] shape = new long[e.shape().length + 1];
        shape[0] = chains;
        System.arraycopy(e.shape(), 0, shape, 1, e.shape().length);
        try (Tensor slice = flat.narrow(1, e.offset(), e.size())) {
            return slice.view(shape);
        }
    }

    @Override
    public void close() {
        flat.close();
    }
}
