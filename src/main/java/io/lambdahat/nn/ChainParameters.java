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

    /**
     * C copies of one parameter vector, as a new leaf [C, P] that requires grad: every chain starts at w*.
     *
     * @param layout the model's parameter layout
     * @param single the parameters [P] (any shape with P values), in the layout's order; not taken over
     * @param chains C, the number of chains
     * @return the chains' parameters; the caller closes them
     * @throws IllegalArgumentException if {@code single} does not hold exactly P values
     */
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

    /**
     * All-zero parameters for C chains, as a new leaf [C, P] that requires grad.
     *
     * @param layout the model's parameter layout
     * @param chains C, the number of chains
     * @param dtype floating type of the parameters
     * @param device where they live
     * @return the chains' parameters; the caller closes them
     */
    public static ChainParameters zeros(ParameterLayout layout, int chains, DType dtype, Device device) {
        Tensor flat = Tensor.zeros(dtype, device, chains, layout.size());
        flat.requiresGrad(true);
        return new ChainParameters(layout, flat, chains);
    }

    /** {@return the layout that names the P columns} */
    public ParameterLayout layout() {
        return layout;
    }

    /** {@return C, the number of chains} */
    public int chains() {
        return chains;
    }

    /** {@return the leaf [C, P], owned by this object (do not close)} */
    public Tensor flat() {
        return flat;
    }

    /** {@return the views [C, ...shape] of every parameter, by name; owned by the caller's scope} */
    public Map<String, Tensor> views() {
        return viewsOf(layout, flat);
    }

    /**
     * The views [C, ...shape] of every parameter in any [C, P] tensor laid out like the parameters (e.g. a
     * gradient buffer), by name.
     *
     * @param layout the layout that names the P columns
     * @param flat   a [C, P] tensor
     * @return the views by name, owned by the caller's scope
     */
    public static Map<String, Tensor> viewsOf(ParameterLayout layout, Tensor flat) {
        Map<String, Tensor> m = new HashMap<>();
        for (ParameterLayout.Entry e : layout.entries()) m.put(e.name(), view(flat, e));
        return m;
    }

    /**
     * The view of one parameter.
     *
     * @param name the parameter's name in the layout
     * @return the view [C, ...shape] into the leaf, owned by the caller's scope
     * @throws IllegalArgumentException if the layout has no parameter of that name
     */
    public Tensor view(String name) {
        return view(flat, layout.get(name));
    }

    private static Tensor view(Tensor flat, ParameterLayout.Entry e) {
        long[] shape = new long[e.shape().length + 1];
        shape[0] = flat.size(0);
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
