package io.lambdahat.cli;

import io.lambdahat.data.Dataset;
import io.lambdahat.InvalidInputException;
import io.lambdahat.io.Npy;
import io.lambdahat.io.NonFinite;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a user's dataset for {@code llc --data}: float inputs, float targets (MSE) or int64 classes. */
final class UserData {
    private UserData() {}

    /**
     * Checks the files before anything is read: they exist, are files, and fit in memory (a float32 copy of each is made).
     *
     * @param data    the --data file
     * @param targets the --targets file, or null
     * @return the bytes the loaded data will take, for the run's memory estimate
     */
    static long check(Path data, Path targets) throws IOException {
        CliFiles.requireFile(data, "--data", data.toString().endsWith(".npy") ? "an .npy file" : "a safetensors file");
        long bytes = Files.size(data);
        if (targets != null) {
            CliFiles.requireFile(targets, "--targets", "an .npy file");
            bytes += Files.size(targets);
        }
        return bytes;
    }

    static Dataset load(Path data, Path targets) throws IOException {
        String name = data.getFileName().toString();
        try (Scope s = Scope.open()) {
            Tensor x, y;
            String xName, yName;
            if (name.endsWith(".safetensors")) {
                if (targets != null) throw new InvalidInputException("--targets is for .npy inputs; " + data + " must hold tensors x and y");
                try (SafeTensorsFile f = SafeTensorsFile.open(data)) {
                    if (!f.contains("x") || !f.contains("y")) {
                        throw new InvalidInputException(data + " must hold tensors named x and y; it has " + f.names());
                    }
                    x = f.load("x");
                    y = f.load("y");
                }
                xName = "tensor x of " + data;
                yName = "tensor y of " + data;
            } else if (name.endsWith(".npy")) {
                if (targets == null) throw new InvalidInputException("--data " + data + " (.npy inputs) needs --targets FILE.npy");
                x = Npy.load(data);
                y = Npy.load(targets);
                xName = "inputs " + data;
                yName = "targets " + targets;
            } else {
                throw new InvalidInputException("--data must be a .safetensors file (tensors x, y) or an .npy file, got " + data);
            }
            x = x.dim() == 1 ? x.unsqueeze(1) : x;
            x = x.to(DType.FLOAT32).contiguous();
            NonFinite.require(x.data(), x.shape(), xName);
            y = y.dtype().isFloatingPoint() ? (y.dim() == 1 ? y.unsqueeze(1) : y).to(DType.FLOAT32).contiguous() : y.to(DType.INT64);
            if (y.dtype() == DType.FLOAT32) NonFinite.require(y.data(), y.shape(), yName);
            if (x.dim() >= 1 && x.shape()[0] < 2) {
                throw new InvalidInputException(data + " holds " + x.shape()[0] + " sample" + (x.shape()[0] == 1 ? "" : "s")
                        + "; λ̂ needs at least 2 (nβ = n/ln n), so give --data a file with more rows");
            }
            return new Dataset(s.keep(x), s.keep(y));
        }
    }
}
