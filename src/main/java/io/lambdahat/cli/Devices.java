package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --device}: parsed and checked before any work, so a missing GPU is one line, not libtorch's paragraph. */
final class Devices {
    private Devices() {}

    /**
     * Parses a device and checks that it can be used.
     *
     * @param value cpu, cuda or cuda:N
     * @return the device
     * @throws InvalidInputException if it is unknown, or CUDA and not available here
     */
    static Device parse(String value) {
        Device d = Device.parse(value);
        if (!d.isCuda()) return d;
        int index = Math.max(d.index(), 0);
        int count = Torch.cudaAvailable() ? Torch.cudaDeviceCount() : 0;
        if (index < count) return d;
        String why = count > 0 ? "this machine has " + count + " CUDA device" + (count == 1 ? "" : "s") + " (cuda:0 to cuda:" + (count - 1) + ")"
                : cudaLoaded() ? "no CUDA device is visible (libtorch " + Torch.version() + " has CUDA; check the driver and CUDA_VISIBLE_DEVICES)"
                : "libtorch " + Torch.version() + " was built without CUDA (build against a CUDA libtorch: see the README)";
        throw new InvalidInputException("CUDA is not available for --device " + value + ": " + why + "; or use --device cpu");
    }

    /** Whether libtorch's CUDA library is mapped into this process, i.e. the libtorch in use was built with CUDA. */
    private static boolean cudaLoaded() {
        try {
            String maps = Files.readString(Path.of("/proc/self/maps"));
            return maps.contains("libtorch_cuda") || maps.contains("libc10_cuda");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
