package io.lambdahat.data;

import io.lambdahat.InvalidInputException;
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

    /**
     * Takes ownership of both tensors.
     *
     * @param x inputs [n, ...]
     * @param y targets [n, ...], one per input row
     * @throws IllegalArgumentException if x and y differ in their number of samples, or n is 0
     */
    public Dataset(Tensor x, Tensor y) {
        long nx = x.size(0), ny = y.size(0);
        if (nx != ny) {
            throw new InvalidInputException("inputs have " + nx + " samples " + Arrays.toString(x.shape())
                    + " but targets have " + ny + " " + Arrays.toString(y.shape()));
        }
        if (nx == 0) throw new InvalidInputException("the dataset is empty");
        this.x = x;
        this.y = y;
        this.n = nx;
    }

    /** {@return the inputs [n, ...], still owned by the dataset (do not close)} */
    public Tensor x() {
        return x;
    }

    /** {@return the targets [n, ...], still owned by the dataset (do not close)} */
    public Tensor y() {
        return y;
    }

    /** {@return n, the number of samples} */
    public long size() {
        return n;
    }

    /**
     * A copy on another device (the original stays as it is).
     *
     * @param device where the copy's tensors live
     * @return a new dataset that the caller closes
     */
    public Dataset to(Device device) {
        return new Dataset(x.to(device), y.to(device));
    }

    @Override
    public void close() {
        x.close();
        y.close();
    }
}
