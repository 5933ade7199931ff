package io.lambdahat.data;

import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;

import java.util.Arrays;

/**
 * n samples held as tensors: inputs x [n, ...] and targets y [n, ...] (float for regression, int64 classes for
 * classification). The dataset owns them; close it to free them.
 */
public final class Dataset implements AutoCloseable {
    private final Tensor x;
    private final Tensor y;
    private final long n;

    public Dataset(Tensor x, Tensor y) {
        long nx = x.size(0), ny = y.size(0);
        if (nx != ny) {
            throw new IllegalArgumentException("inputs have " + nx + " samples " + Arrays.toString(x.shape())
                    + " but targets have " + ny + " " + Arrays.toString(y.shape()));
        }
        if (nx == 0) throw new IllegalArgumentException("the dataset is empty");
        this.x = x;
        this.y = y;
        this.n = nx;
    }

    public Tensor x() {
        return x;
    }

    public Tensor y() {
        return y;
    }

    public long size() {
        return n;
    }

    /** A copy on another device (the original stays as it is). */
    public Dataset to(Device device) {
        return new Dataset(x.to(device), y.to(device));
    }

    @Override
    public void close() {
        x.close();
        y.close();
    }
}
