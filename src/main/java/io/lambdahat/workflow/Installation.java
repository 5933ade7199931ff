package io.lambdahat.workflow;

import io.lambdahat.simd.SimdProvider;
import io.lambdahat.torch.Torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What this installation runs on: libtorch, its threads and CUDA devices, the SIMD kernels and the Java version. */
public final class Installation {
    private Installation() {}

    /**
     * The facts, by name: libtorch_version, libtorch_path, blas, threads, cuda_available, cuda_devices, vector_species,
     * java_version.
     *
     * @return the facts, in that order
     */
    public static Map<String, Object> facts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("libtorch_version", Torch.version());
        m.put("libtorch_path", Torch.libraryPath());
        m.put("blas", Torch.blas());
        m.put("threads", Torch.threads());
        boolean cuda = Torch.cudaAvailable();
        m.put("cuda_available", cuda);
        List<String> devices = new ArrayList<>();
        if (cuda) for (int i = 0; i < Torch.cudaDeviceCount(); i++) devices.add("cuda:" + i);
        m.put("cuda_devices", devices);
        m.put("vector_species", SimdProvider.get().describe());
        m.put("java_version", Runtime.version().toString());
        return m;
    }
}
