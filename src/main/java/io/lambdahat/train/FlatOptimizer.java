package io.lambdahat.train;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The state bookkeeping every flat optimiser shares: named off-heap buffers of P floats and the step count. */
abstract sealed class FlatOptimizer implements Optimizer permits AdamW, Sgd {
    /** Cache-line alignment, so vector loads of the state never straddle lines at the start. */
    private static final long ALIGNMENT = 64;

    private final long size;
    private final Arena arena = Arena.ofShared();
    private final Map<String, MemorySegment> buffers = new LinkedHashMap<>();
    /** Updates taken so far; the subclass's step increments it. */
    protected long steps;

    FlatOptimizer(long size, String... bufferNames) {
        if (size < 0) throw new IllegalArgumentException("parameter count must be ≥ 0, got " + size);
        this.size = size;
        for (String name : bufferNames) buffers.put(name, arena.allocate(Math.max(size * Float.BYTES, 1), ALIGNMENT).asSlice(0, size * Float.BYTES));
    }

    @Override
    public final long size() {
        return size;
    }

    @Override
    public final long steps() {
        return steps;
    }

    @Override
    public final Map<String, MemorySegment> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    final MemorySegment buffer(String name) {
        return buffers.get(name);
    }

    @Override
    public final void restore(long steps, Map<String, MemorySegment> saved) {
        if (steps < 0) throw new IllegalArgumentException("a saved step count must be ≥ 0, got " + steps);
        if (!saved.keySet().equals(buffers.keySet())) {
            throw new IllegalArgumentException(name() + " state needs buffers " + buffers.keySet() + " but the saved state has "
                    + saved.keySet() + "; it was saved by another optimiser");
        }
        for (Map.Entry<String, MemorySegment> e : buffers.entrySet()) {
            MemorySegment from = saved.get(e.getKey());
            if (from.byteSize() != e.getValue().byteSize()) {
                throw new IllegalArgumentException("saved " + e.getKey() + " has " + from.byteSize() / Float.BYTES
                        + " values, the optimiser needs " + size);
            }
            e.getValue().copyFrom(from);
        }
        this.steps = steps;
    }

    @Override
    public final void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
