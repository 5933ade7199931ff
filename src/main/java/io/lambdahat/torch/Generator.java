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

    /**
     * A generator for {@code device}, seeded.
     *
     * @param device the device whose tensors it will fill (CUDA: its index, -1 meaning device 0)
     * @param seed the seed; equal seeds give equal streams
     * @throws TorchException if libtorch cannot create a generator on that device
     */
    public Generator(Device device, long seed) {
        this.device = device;
        this.handle = Native.check(lambdahat_h.lh_generator_new(device.type().code, Math.max(device.index(), 0), seed));
    }

    /**
     * A CPU generator, seeded.
     *
     * @param seed the seed; equal seeds give equal streams
     */
    public Generator(long seed) {
        this(Device.CPU, seed);
    }

    /**
     * The device this generator draws for.
     *
     * @return its device
     */
    public Device device() {
        return device;
    }

    /**
     * Reseeds, restarting the stream as a new generator with this seed would.
     *
     * @param seed the new seed
     */
    public void seed(long seed) {
        Native.check(lambdahat_h.lh_generator_set_seed(handle(), seed));
    }

    MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("generator used after close");
        return handle;
    }

    /** Frees the native generator; later calls do nothing. */
    @Override
    public void close() {
        if (handle != null) {
            lambdahat_h.lh_generator_free(handle);
            handle = null;
        }
    }
}
