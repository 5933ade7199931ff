package io.lambdahat.torch;

import io.lambdahat.bindings.lambdahat_h;

import java.lang.foreign.MemorySegment;

/** A seeded libtorch random generator for one device, so that results are reproducible from a seed. */
public final class Generator implements AutoCloseable {
    static {
        Native.ensureLoaded();
    }

    private MemorySegment handle;
    private final Device device;

    public Generator(Device device, long seed) {
        this.device = device;
        this.handle = Native.check(lambdahat_h.lh_generator_new(device.type().code, Math.max(device.index(), 0), seed));
    }

    public Generator(long seed) {
        this(Device.CPU, seed);
    }

    public Device device() {
        return device;
    }

    public void seed(long seed) {
        Native.check(lambdahat_h.lh_generator_set_seed(handle(), seed));
    }

    MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("generator used after close");
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            lambdahat_h.lh_generator_free(handle);
            handle = null;
        }
    }
}
