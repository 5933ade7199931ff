package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named parameters of a model and where each lives in the flat parameter vector of length P. All parameters
 * of one chain are one contiguous row of P values (row-major within each parameter), so SGLD and its statistics
 * are single passes over memory. Names are stable ("layers.0.weight" style): checkpoints and weight-refined λ̂
 * key on them.
 */
public final class ParameterLayout {
    /**
     * One named parameter: its shape (no chain axis) and its offset in the flat vector.
     *
     * @param name   the parameter's name ("layers.0.weight")
     * @param shape  its shape without the chain axis (torch's [out, in] for weights)
     * @param offset index of its first value in the flat [P] vector
     * @param size   its number of values, the product of the shape
     */
    public record Entry(String name, long[] shape, long offset, long size) {
        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    private final List<Entry> entries;
    private final Map<String, Entry> byName;
    private final long size;

    private ParameterLayout(List<Entry> entries) {
        this.entries = Collections.unmodifiableList(entries);
        Map<String, Entry> m = new LinkedHashMap<>();
        long total = 0;
        for (Entry e : entries) {
            if (m.put(e.name(), e) != null) throw new IllegalArgumentException("duplicate parameter name " + e.name());
            total += e.size();
        }
        this.byName = m;
        this.size = total;
    }

    /** {@return an empty builder; parameters are laid out in the order they are added} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return every parameter in layout order (unmodifiable)} */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * One parameter by name.
     *
     * @param name the parameter's name
     * @return its entry
     * @throws IllegalArgumentException if there is no parameter of that name (the message lists them)
     */
    public Entry get(String name) {
        Entry e = byName.get(name);
        if (e == null) throw new IllegalArgumentException("no parameter named '" + name + "'; parameters: " + byName.keySet());
        return e;
    }

    /**
     * Whether a parameter exists.
     *
     * @param name the parameter's name
     * @return true if the layout has a parameter of that name
     */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** {@return P, the number of parameters of one chain} */
    public long size() {
        return size;
    }

    /**
     * Concatenates named parameters (no chain axis) into the flat [P] vector in layout order. Every parameter must be
     * present with the layout's shape; a mismatch names the parameter and both shapes.
     *
     * @param params every parameter by name, each with the layout's shape (no chain axis)
     * @param dtype  the floating type of the result
     * @return the flat vector [P], owned by the caller's scope
     * @throws IllegalArgumentException if a parameter is missing, unexpected or of the wrong shape
     */
    public Tensor flatten(Map<String, Tensor> params, DType dtype) {
        for (String name : params.keySet()) {
            if (!byName.containsKey(name)) {
                throw new IllegalArgumentException("unexpected parameter '" + name + "': the model has " + byName.keySet());
            }
        }
        Tensor[] parts = new Tensor[entries.size()];
        try (Scope s = Scope.open()) {
            int i = 0;
            for (Entry e : entries) {
                Tensor p = params.get(e.name());
                if (p == null) throw new IllegalArgumentException("missing parameter '" + e.name() + "' " + Arrays.toString(e.shape()));
                if (!Arrays.equals(p.shape(), e.shape())) {
                    throw new IllegalArgumentException("parameter '" + e.name() + "' has shape " + Arrays.toString(p.shape())
                            + " but the model needs " + Arrays.toString(e.shape()));
                }
                parts[i++] = p.reshape(e.size());
            }
            return s.keep(Tensor.cat(0, parts).to(dtype));
        }
    }

    /**
     * The named parameters of a flat vector, as views shaped like the layout.
     *
     * @param flat the parameters [P] (any shape with P values)
     * @return the views by name, in layout order, owned by the caller's scope
     * @throws IllegalArgumentException if {@code flat} does not hold exactly P values
     */
    public Map<String, Tensor> unflatten(Tensor flat) {
        if (flat.numel() != size) throw new IllegalArgumentException("flat vector has " + flat.numel() + " values, the layout " + size);
        Map<String, Tensor> m = new LinkedHashMap<>();
        try (Tensor row = flat.reshape(size)) {
            for (Entry e : entries) {
                try (Tensor slice = row.narrow(0, e.offset(), e.size())) {
                    m.put(e.name(), slice.reshape(e.shape()));
                }
            }
        }
        return m;
    }

    /** Lays out parameters one after another; get one from {@link ParameterLayout#builder()}. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private long offset;

        private Builder() {}

        /**
         * Appends a parameter after the ones added so far.
         *
         * @param name  the parameter's name, unique in the layout
         * @param shape its shape without the chain axis, every dimension positive
         * @return this builder
         * @throws IllegalArgumentException if a dimension is not positive
         */
        public Builder add(String name, long... shape) {
            long n = 1;
            for (long d : shape) {
                if (d <= 0) throw new IllegalArgumentException("parameter " + name + " has a non-positive dimension: " + Arrays.toString(shape));
                n = Math.multiplyExact(n, d);
            }
            entries.add(new Entry(name, shape.clone(), offset, n));
            offset += n;
            return this;
        }

        /**
         * The layout of the parameters added so far.
         *
         * @return the layout
         * @throws IllegalArgumentException if two parameters share a name
         */
        public ParameterLayout build() {
            return new ParameterLayout(new ArrayList<>(entries));
        }
    }
}
