package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;

/**
 * The sampler's memory, as the kernels see it: the parameters of C chains in one contiguous row-major [C, P]
 * buffer (row c = chain c), their gradients [C, P], the checkpoint w* [P] shared by all chains, and optionally a
 * mask [P] and RMSProp's running mean of g⊙g [C, P]. All in native byte order, typically libtorch tensors reached
 * zero-copy through {@code Tensor.data()}. Elements are float32 or float64, the same type in every buffer (the mask
 * has its own type).
 *
 * @param precision     element type of params, grads, centre and squareAverage
 * @param chains        C
 * @param size          P, the parameters per chain
 * @param params        [C, P], updated in place
 * @param grads         [C, P], the minibatch gradient of the mean loss at params
 * @param centre        [P], w*
 * @param mask          null: every coordinate moves
 * @param squareAverage [C, P] V of RMSProp-SGLD, updated in place; null when only plain SGLD is used
 */
public record ChainBuffers(Precision precision, int chains, long size, MemorySegment params, MemorySegment grads,
                           MemorySegment centre, Mask mask, MemorySegment squareAverage) {

    /** Element type of the parameter, gradient, centre and square-average buffers. */
    public enum Precision {
        /** 4-byte IEEE single precision. */
        FLOAT32(4),
        /** 8-byte IEEE double precision. */
        FLOAT64(8);

        /** Bytes per element. */
        public final int bytes;

        Precision(int bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * Checks that every buffer is present and large enough.
     *
     * @throws NullPointerException if precision, params, grads or centre is null
     * @throws IllegalArgumentException if there is no chain, P is negative, a buffer is smaller than its shape needs,
     *         or the mask has fewer than P elements
     */
    public ChainBuffers {
        if (precision == null) throw new NullPointerException("precision");
        if (chains < 1) throw new IllegalArgumentException("need at least one chain, got " + chains);
        if (size < 0) throw new IllegalArgumentException("negative parameter count " + size);
        long rows;
        try {
            rows = Math.multiplyExact(Math.multiplyExact((long) chains, size), precision.bytes);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(chains + " chains × " + size + " parameters overflow a 64-bit size");
        }
        check("params", params, rows, chains, size, precision);
        check("grads", grads, rows, chains, size, precision);
        check("centre (w*)", centre, size * precision.bytes, 1, size, precision);
        if (squareAverage != null) check("squareAverage (RMSProp V)", squareAverage, rows, chains, size, precision);
        if (mask != null && mask.length() < size) {
            throw new IllegalArgumentException("mask holds " + mask.length() + " elements but the model has " + size
                    + " parameters: give one mask element per parameter");
        }
    }

    private static void check(String name, MemorySegment s, long bytes, int chains, long size, Precision p) {
        if (s == null) throw new NullPointerException(name + " segment is required");
        if (s.byteSize() < bytes) {
            throw new IllegalArgumentException(name + " holds " + s.byteSize() + " bytes, fewer than the " + bytes
                    + " of [" + chains + ", " + size + "] " + p + ": pass the whole contiguous buffer");
        }
    }

    /**
     * Float32 buffers without mask or square average.
     *
     * @param chains C, &ge; 1
     * @param size P, the parameters per chain
     * @param params [C, P] parameters, updated in place
     * @param grads [C, P] minibatch gradients of the mean loss
     * @param centre [P], the checkpoint w*
     * @return the buffers
     * @throws IllegalArgumentException if a segment is smaller than its shape needs
     */
    public static ChainBuffers float32(int chains, long size, MemorySegment params, MemorySegment grads,
                                       MemorySegment centre) {
        return new ChainBuffers(Precision.FLOAT32, chains, size, params, grads, centre, null, null);
    }

    /**
     * Float64 buffers without mask or square average.
     *
     * @param chains C, &ge; 1
     * @param size P, the parameters per chain
     * @param params [C, P] parameters, updated in place
     * @param grads [C, P] minibatch gradients of the mean loss
     * @param centre [P], the checkpoint w*
     * @return the buffers
     * @throws IllegalArgumentException if a segment is smaller than its shape needs
     */
    public static ChainBuffers float64(int chains, long size, MemorySegment params, MemorySegment grads,
                                       MemorySegment centre) {
        return new ChainBuffers(Precision.FLOAT64, chains, size, params, grads, centre, null, null);
    }

    /**
     * A copy with a mask: only the coordinates it marks move (weight-refined λ̂).
     *
     * @param mask P elements, or null for every coordinate
     * @return the new buffers
     * @throws IllegalArgumentException if the mask has fewer than P elements
     */
    public ChainBuffers withMask(Mask mask) {
        return new ChainBuffers(precision, chains, size, params, grads, centre, mask, squareAverage);
    }

    /**
     * A copy with RMSProp's running mean of g⊙g, as RMSProp-SGLD needs.
     *
     * @param squareAverage [C, P] in the buffers' precision, updated in place; null to drop it
     * @return the new buffers
     * @throws IllegalArgumentException if the segment is smaller than [C, P]
     */
    public ChainBuffers withSquareAverage(MemorySegment squareAverage) {
        return new ChainBuffers(precision, chains, size, params, grads, centre, mask, squareAverage);
    }

    /** Element offset of chain c's row in params, grads and squareAverage. */
    long rowOffset(int chain) {
        return chain * size;
    }

    void checkRange(int chain, long from, long to) {
        if (chain < 0 || chain >= chains) {
            throw new IndexOutOfBoundsException("chain " + chain + " outside [0, " + chains + ")");
        }
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("coordinates [" + from + ", " + to + ") outside [0, " + size + ")");
        }
    }

    MemorySegment requireSquareAverage() {
        if (squareAverage == null) {
            throw new IllegalStateException("RMSProp-SGLD needs the running mean V of g⊙g: add a [C, P] buffer with "
                    + "withSquareAverage (zeros, or g⊙g of the first step)");
        }
        return squareAverage;
    }
}
