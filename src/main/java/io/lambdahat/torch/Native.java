package io.lambdahat.torch;

import io.lambdahat.bindings.lambdahat_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The error protocol and per-thread scratch memory shared by the torch API. Every native call that can fail
 * returns a sentinel (NULL handle or negative status); {@link #check} then reads and clears the shim's
 * thread-local message and throws it as a {@link TorchException}.
 */
final class Native {
    static {
        NativeLibrary.load();
    }

    private Native() {}

    static void ensureLoaded() {
        // the static initialiser above does the work
    }

    static MemorySegment check(MemorySegment handle) {
        if (handle.address() == 0) throw lastError();
        return handle;
    }

    static int check(int status) {
        if (status < 0) throw lastError();
        return status;
    }

    static long check(long value) {
        if (value < 0) throw lastError();
        return value;
    }

    static TorchException lastError() {
        MemorySegment message = lambdahat_h.lh_last_error();
        String text = message.address() == 0 ? "libtorch call failed without a message"
                : message.reinterpret(Long.MAX_VALUE).getString(0);
        lambdahat_h.lh_clear_error();
        return new TorchException(text);
    }

    /**
     * Reusable native memory of the calling thread for small call arguments (shapes, dims, boxed-call frames).
     * Its contents are valid only until the next native call of the same thread that uses it.
     */
    static final class Scratch {
        static final int LONGS = 512;
        final MemorySegment longs;

        private Scratch() {
            this.longs = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG, LONGS);
        }

        private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

        static Scratch get() {
            return CURRENT.get();
        }

        /** Copies the values into the thread's scratch longs (from offset 0) and returns that segment. */
        MemorySegment longs(long... values) {
            if (values.length > LONGS) throw new IllegalArgumentException("too many dimensions: " + values.length);
            MemorySegment.copy(values, 0, longs, ValueLayout.JAVA_LONG, 0, values.length);
            return longs;
        }
    }
}
