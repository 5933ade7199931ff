package io.lambdahat.data;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The host copy of a CPU dataset's rows against libtorch's index_select (the path a non-contiguous or CUDA dataset
 * takes), step by step across epochs, and the epochs' sampling without replacement.
 */
class MinibatchStreamTest {
    private static final int N = 10, C = 3, B = 4;

    @Test
    void hostRowsEqualLibtorchsGatherAndEpochsCoverEverySample() {
        try (Scope s = Scope.open(); Generator g = new Generator(3)) {
            Tensor x = Tensor.randn(g, DType.FLOAT32, Device.CPU, N, 2, 3);
            long[] labels = new long[N];
            for (int i = 0; i < N; i++) labels[i] = 7L * i;
            Tensor y = Tensor.of(labels, N);
            Dataset contiguous = new Dataset(x, y);
            // the same values through a transposed view: not contiguous, so libtorch gathers
            Tensor strided = x.transpose(1, 2).contiguous().transpose(1, 2);
            assertFalse(strided.isContiguous());
            Dataset viaLibtorch = new Dataset(strided, y);
            MinibatchStream host = new MinibatchStream(contiguous, C, B, 11, Device.CPU);
            MinibatchStream libtorch = new MinibatchStream(viaLibtorch, C, B, 11, Device.CPU);
            Set<Long> firstEpochChain0 = new HashSet<>();
            for (int step = 0; step < 7; step++) {
                Tensor[] a = host.next(), b = libtorch.next();
                assertArrayEquals(new long[] {C, B, 2, 3}, a[0].shape());
                assertArrayEquals(new long[] {C, B}, a[1].shape());
                assertArrayEquals(b[0].contiguous().toFloatArray(), a[0].toFloatArray(), "x at step " + step);
                long[] ids = a[1].toLongArray();
                assertArrayEquals(b[1].contiguous().toLongArray(), ids, "y at step " + step);
                if (step < N / B) for (int i = 0; i < B; i++) assertTrue(firstEpochChain0.add(ids[i] / 7), "a repeat within an epoch");
            }
            assertEquals((N / B) * B, firstEpochChain0.size());
        }
    }
}
