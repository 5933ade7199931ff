package io.lambdahat.torch;

import io.lambdahat.bindings.lambdahat_h;

/** Process-wide libtorch settings and facts: version, threads, CUDA, seeding, grad mode, live tensors. */
public final class Torch {
    static {
        Native.ensureLoaded();
    }

    private Torch() {}

    public static String version() {
        return lambdahat_h.lh_version().reinterpret(Long.MAX_VALUE).getString(0);
    }

    public static int threads() {
        return Native.check(lambdahat_h.lh_get_num_threads());
    }

    public static void setThreads(int n) {
        Native.check(lambdahat_h.lh_set_num_threads(n));
    }

    public static boolean cudaAvailable() {
        return Native.check(lambdahat_h.lh_cuda_is_available()) == 1;
    }

    public static int cudaDeviceCount() {
        return Native.check(lambdahat_h.lh_cuda_device_count());
    }

    public static void synchronize(Device device) {
        if (device.isCuda()) Native.check(lambdahat_h.lh_cuda_synchronize(Math.max(device.index(), 0)));
    }

    /** Seeds libtorch's default generators (CPU and CUDA). */
    public static void manualSeed(long seed) {
        Native.check(lambdahat_h.lh_manual_seed(seed));
    }

    /** Number of tensor handles the shim holds: the leak check's counter. */
    public static long liveTensors() {
        return lambdahat_h.lh_live_tensors();
    }

    public static boolean gradEnabled() {
        return lambdahat_h.lh_grad_mode_enabled() == 1;
    }

    /** Switches autograd off for this thread until the returned guard is closed. */
    public static GradMode noGrad() {
        return new GradMode(Native.check(lambdahat_h.lh_grad_mode_set(0)) == 1);
    }

    /** Restores the previous grad mode of the thread when closed. */
    public static final class GradMode implements AutoCloseable {
        private final boolean previous;
        private boolean closed;

        private GradMode(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                lambdahat_h.lh_grad_mode_set(previous ? 1 : 0);
            }
        }
    }
}
