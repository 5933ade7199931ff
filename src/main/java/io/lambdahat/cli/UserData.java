package io.lambdahat.cli;

import io.lambdahat.data.Dataset;
import io.lambdahat.io.Npy;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.io.IOException;
import java.nio.file.Path;

/** Loads a user's dataset for {@code llc --data}: float inputs, float targets (MSE) or int64 classes. */
final class UserData {
    private UserData() {}

    static Dataset load(Path data, Path targets) throws IOException {
        String name = data.getFileName().toString();
        try (Scope s = Scope.open()) {
            Tensor x, y;
            if (name.endsWith(".safetensors")) {
                if (targets != null) throw new IllegalArgumentException("--targets is for .npy inputs; " + data + " must hold tensors x and y");
                try (SafeTensorsFile f = SafeTensorsFile.open(data)) {
                    if (!f.contains("x") || !f.contains("y")) {
                        throw new IllegalArgumentException(data + " must hold tensors named x and y; it has " + f.names());
                    }
                    x = f.load("x");
                    y = f.load("y");
                }
            } else if (name.endsWith(".npy")) {
                if (targets == null) throw new IllegalArgumentException("--data " + data + " (.npy inputs) needs --targets FILE.npy");
                x = Npy.load(data);
                y = Npy.load(targets);
            } else {
                throw new IllegalArgumentException("--data must be a .safetensors file (tensors x, y) or an .npy file, got " + data);
            }
            x = x.dim() == 1 ? x.unsqueeze(1) : x;
            x = x.to(DType.FLOAT32);
            y = y.dtype().isFloatingPoint() ? (y.dim() == 1 ? y.unsqueeze(1) : y).to(DType.FLOAT32) : y.to(DType.INT64);
            return new Dataset(s.keep(x), s.keep(y));
        }
    }
}
