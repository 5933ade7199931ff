package io.lambdahat.io;

import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Model checkpoints: safetensors files of named parameters without the chain axis, in a model's
 * {@link ParameterLayout}. The flat [P] vector is what the sampler takes as w*.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** Reads a checkpoint into a flat [P] vector of the given dtype (a copy: the file is closed on return). */
    public static Tensor loadFlat(Path file, ParameterLayout layout, DType dtype) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file); Scope s = Scope.open()) {
            Map<String, Tensor> named = new LinkedHashMap<>();
            for (String name : f.names()) named.put(name, f.tensor(name));
            try {
                return s.keep(layout.flatten(named, dtype));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " does not fit the model: " + e.getMessage(), e);
            }
        }
    }

    /** Writes a flat [P] vector as named parameters (atomically). */
    public static void saveFlat(Path file, ParameterLayout layout, Tensor flat, Map<String, String> metadata) throws IOException {
        try (Scope s = Scope.open()) {
            SafeTensors.write(file, layout.unflatten(flat), metadata);
        }
    }
}
