package io.lambdahat.torch;

import io.lambdahat.bindings.lambdahat_h;

/** Process-wide libtorch settings and facts: version, threads, CUDA, seeding, grad mode, live tensors. */
public final class Torch {
    static {
        Native.ensureLoaded();
    }

    private Torch() {}

    /**
     * libtorch's version, as the shim was built against it (e.g. {@code 2.1.2}).
     *
     * @return the version string
     */
    public static String version() {
        return lambdahat_h.lh_version().reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** {@return the file of the libtorch library in use (the one the shim's RUNPATH chose), or "" if it cannot be told} */
    public static String libraryPath() {
        return Native.check(lambdahat_h.lh_torch_library_path()).reinterpret(Long.MAX_VALUE).getString(0);
    }

    /**
     * libtorch's BLAS, as its build configuration names it ({@code BLAS_INFO}: mkl, open, …).
     *
     * @return the name, or "unknown" when the configuration does not say
     */
    public static String blas() {
        String config = Native.check(lambdahat_h.lh_torch_config()).reinterpret(Long.MAX_VALUE).getString(0);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("BLAS_INFO=([^,\\s]+)").matcher(config);
        return m.find() ? m.group(1) : "unknown";
    }

    /**
     * Number of intra-op threads libtorch uses on the CPU.
     *
     * @return the thread count
     */
    public static int threads() {
        return Native.check(lambdahat_h.lh_get_num_threads());
    }

    /**
     * Sets the number of intra-op CPU threads, process-wide (e.g. one per chain worker to avoid oversubscription).
     *
     * @param n the thread count, &ge; 1
     * @throws TorchException if libtorch rejects the count
     */
    public static void setThreads(int n) {
        Native.check(lambdahat_h.lh_set_num_threads(n));
    }

    /**
     * Whether libtorch was built with CUDA and sees at least one device.
     *
     * @return true if {@code Device.cuda(0)} can be used
     */
    public static boolean cudaAvailable() {
        return Native.check(lambdahat_h.lh_cuda_is_available()) == 1;
    }

    /**
     * Number of CUDA devices libtorch sees.
     *
     * @return the count, 0 without CUDA
     */
    public static int cudaDeviceCount() {
        return Native.check(lambdahat_h.lh_cuda_device_count());
    }

    /**
     * Waits until every queued kernel on a CUDA device has finished (before reading a clock); no-op on the CPU.
     *
     * @param device the device to wait for
     */
    public static void synchronize(Device device) {
        if (device.isCuda()) Native.check(lambdahat_h.lh_cuda_synchronize(Math.max(device.index(), 0)));
    }

    /**
     * Seeds libtorch's default generators (CPU and CUDA), those used when a {@code null} {@link Generator} is passed.
     *
     * @param seed the seed
     */
    public static void manualSeed(long seed) {
        Native.check(lambdahat_h.lh_manual_seed(seed));
    }

    /**
     * Number of tensor handles the shim holds: the leak check's counter.
     *
     * @return handles created and not yet closed, over the whole process
     */
    public static long liveTensors() {
        return lambdahat_h.lh_live_tensors();
    }

    /**
     * Whether autograd records operations on this thread.
     *
     * @return true unless inside {@link #noGrad()}
     */
    public static boolean gradEnabled() {
        return lambdahat_h.lh_grad_mode_enabled() == 1;
    }

    /**
     * Switches autograd off for this thread until the returned guard is closed (sampling steps that need no graph).
     *
     * @return the guard; close it (try-with-resources) to restore the previous mode
     */
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
