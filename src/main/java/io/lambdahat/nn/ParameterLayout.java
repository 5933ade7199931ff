package io.lambdahat.nn;

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
    /** One named parameter: its shape (no chain axis) and its offset in the flat vector. */
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

    public static Builder builder() {
        return new Builder();
    }

    public List<Entry> entries() {
        return entries;
    }

    public Entry get(String name) {
        Entry e = byName.get(name);
        if (e == null) throw new IllegalArgumentException("no parameter named '" + name + "'; parameters: " + byName.keySet());
        return e;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** P, the number of parameters of one chain. */
    public long size() {
        return size;
    }

    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private long offset;

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

        public ParameterLayout build() {
            return new ParameterLayout(new ArrayList<>(entries));
        }
    }
}
