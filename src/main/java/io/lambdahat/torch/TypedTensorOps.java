package io.lambdahat.torch;

import io.lambdahat.bindings.lambdahat_h;

import java.lang.foreign.MemorySegment;

import static io.lambdahat.torch.Tensor.wrap;

/**
 * The operations of {@link Tensor} that the shim exports as typed functions of their own (arithmetic, matrix
 * products, sums and means, in-place updates, reshape and slicing): one downcall each, without the boxed
 * dispatcher call of {@link TensorOps}, because they sit in the samplers' inner loops. Hand-written, as each has its
 * own C signature in {@code native-build/include}; the boxed operators are generated from their schemas instead.
 */
abstract sealed class TypedTensorOps permits TensorOps {
    TypedTensorOps() {}

    /** The native handle of this tensor; throws {@link IllegalStateException} once it is closed. */
    abstract MemorySegment handle();

    /** This tensor as what it is (the only subclass is {@link Tensor}), for the methods that return it. */
    final Tensor self() {
        return (Tensor) this;
    }

    // ---------------------------------------------------------------- arithmetic

    /**
     * Elementwise sum, broadcasting.
     *
     * @param other the addend
     * @return this + other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor add(Tensor other) {
        return wrap(lambdahat_h.lh_add(handle(), other.handle(), 1.0));
    }

    /**
     * Elementwise scaled sum, broadcasting.
     *
     * @param other the addend
     * @param alpha the factor on {@code other}
     * @return this + alpha * other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor add(Tensor other, double alpha) {
        return wrap(lambdahat_h.lh_add(handle(), other.handle(), alpha));
    }

    /**
     * Elementwise difference, broadcasting.
     *
     * @param other the subtrahend
     * @return this - other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor sub(Tensor other) {
        return wrap(lambdahat_h.lh_sub(handle(), other.handle(), 1.0));
    }

    /**
     * Elementwise product, broadcasting.
     *
     * @param other the factor
     * @return this * other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor mul(Tensor other) {
        return wrap(lambdahat_h.lh_mul(handle(), other.handle()));
    }

    /**
     * Elementwise quotient, broadcasting.
     *
     * @param other the divisor
     * @return this / other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor div(Tensor other) {
        return wrap(lambdahat_h.lh_div(handle(), other.handle()));
    }

    /**
     * Adds a scalar to every element.
     *
     * @param s the addend
     * @return this + s, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor add(double s) {
        return wrap(lambdahat_h.lh_add_scalar(handle(), s));
    }

    /**
     * Subtracts a scalar from every element.
     *
     * @param s the subtrahend
     * @return this - s, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor sub(double s) {
        return wrap(lambdahat_h.lh_add_scalar(handle(), -s));
    }

    /**
     * Multiplies every element by a scalar.
     *
     * @param s the factor
     * @return this * s, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor mul(double s) {
        return wrap(lambdahat_h.lh_mul_scalar(handle(), s));
    }

    /**
     * Divides every element by a scalar (as a multiplication by 1/s).
     *
     * @param s the divisor
     * @return this / s, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor div(double s) {
        return wrap(lambdahat_h.lh_mul_scalar(handle(), 1.0 / s));
    }

    /**
     * Matrix product with numpy's rules ([N, K] @ [K, M], batched over leading dimensions, vectors promoted).
     *
     * @param other the right operand
     * @return this @ other, a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor matmul(Tensor other) {
        return wrap(lambdahat_h.lh_matmul(handle(), other.handle()));
    }

    /**
     * Batched matrix product: [B, N, K] @ [B, K, M] gives [B, N, M] (e.g. one matrix per chain).
     *
     * @param other the right operand, [B, K, M]
     * @return the product [B, N, M], a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor bmm(Tensor other) {
        return wrap(lambdahat_h.lh_bmm(handle(), other.handle()));
    }

    /**
     * Batched matrix product added to this: beta * this + alpha * (a @ b).
     *
     * @param a left factors [B, N, K]
     * @param b right factors [B, K, M]
     * @param beta the factor on this (broadcast to [B, N, M])
     * @param alpha the factor on the product
     * @return the result [B, N, M], a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor baddbmm(Tensor a, Tensor b, double beta, double alpha) {
        return wrap(lambdahat_h.lh_baddbmm(handle(), a.handle(), b.handle(), beta, alpha));
    }

    /**
     * Batched matrix product added to this: this + a @ b (a batched affine layer).
     *
     * @param a left factors [B, N, K]
     * @param b right factors [B, K, M]
     * @return the result [B, N, M], a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor baddbmm(Tensor a, Tensor b) {
        return baddbmm(a, b, 1.0, 1.0);
    }

    /**
     * Sum of all elements.
     *
     * @return a 0-dimensional tensor (the caller, or the open scope, owns it)
     */
    public Tensor sum() {
        return wrap(lambdahat_h.lh_sum(handle(), MemorySegment.NULL, 0, 0));
    }

    /**
     * Sum over some dimensions.
     *
     * @param keepDim keep the reduced dimensions with size 1 (for broadcasting back)
     * @param dims the dimensions to reduce, negative counting from the end
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor sum(boolean keepDim, long... dims) {
        return wrap(lambdahat_h.lh_sum(handle(), Native.Scratch.get().longs(dims), dims.length, keepDim ? 1 : 0));
    }

    /**
     * Mean of all elements.
     *
     * @return a 0-dimensional tensor (the caller, or the open scope, owns it)
     */
    public Tensor mean() {
        return wrap(lambdahat_h.lh_mean(handle(), MemorySegment.NULL, 0, 0));
    }

    /**
     * Mean over some dimensions.
     *
     * @param keepDim keep the reduced dimensions with size 1 (for broadcasting back)
     * @param dims the dimensions to reduce, negative counting from the end
     * @return a new tensor (the caller, or the open scope, owns it)
     */
    public Tensor mean(boolean keepDim, long... dims) {
        return wrap(lambdahat_h.lh_mean(handle(), Native.Scratch.get().longs(dims), dims.length, keepDim ? 1 : 0));
    }

    // ---------------------------------------------------------------- in place

    /**
     * In-place scaled sum: this += alpha * other (the SGLD parameter update's form).
     *
     * @param other the addend, broadcastable to this shape
     * @param alpha the factor on {@code other}
     * @return this tensor, for chaining
     */
    public Tensor addInPlace(Tensor other, double alpha) {
        Native.check(lambdahat_h.lh_add_(handle(), other.handle(), alpha));
        return self();
    }

    /**
     * In-place elementwise product: this *= other.
     *
     * @param other the factor, broadcastable to this shape
     * @return this tensor, for chaining
     */
    public Tensor mulInPlace(Tensor other) {
        Native.check(lambdahat_h.lh_mul_(handle(), other.handle()));
        return self();
    }

    /**
     * In-place scaling: this *= s.
     *
     * @param s the factor
     * @return this tensor, for chaining
     */
    public Tensor mulInPlace(double s) {
        Native.check(lambdahat_h.lh_mul_scalar_(handle(), s));
        return self();
    }

    /**
     * Overwrites this tensor's values with {@code src}'s, converting dtype and device as needed.
     *
     * @param src the values, broadcastable to this shape
     * @return this tensor, for chaining
     */
    public Tensor copyFrom(Tensor src) {
        Native.check(lambdahat_h.lh_copy_(handle(), src.handle()));
        return self();
    }

    /**
     * Sets every element to zero.
     *
     * @return this tensor, for chaining
     */
    public Tensor zeroInPlace() {
        Native.check(lambdahat_h.lh_zero_(handle()));
        return self();
    }

    // ---------------------------------------------------------------- shape

    /**
     * The same elements in a new shape: a view when the strides allow, else a copy.
     *
     * @param shape the new dimensions with the same product; one may be -1 (inferred)
     * @return a new handle (the caller, or the open scope, owns it)
     */
    public Tensor reshape(long... shape) {
        return wrap(lambdahat_h.lh_reshape(handle(), Native.Scratch.get().longs(shape), shape.length));
    }

    /**
     * A view of a slice along one dimension: indices [start, start + length).
     *
     * @param dim the dimension, negative counting from the end
     * @param start the first index kept
     * @param length how many indices to keep
     * @return a new handle sharing storage (the caller, or the open scope, owns it)
     */
    public Tensor narrow(long dim, long start, long length) {
        return wrap(lambdahat_h.lh_narrow(handle(), dim, start, length));
    }

    /**
     * A view of one index along a dimension, which is removed (e.g. one chain of [C, P]).
     *
     * @param dim the dimension, negative counting from the end
     * @param index the index kept, negative counting from the end
     * @return a new handle sharing storage, one dimension fewer (the caller, or the open scope, owns it)
     */
    public Tensor select(long dim, long index) {
        return wrap(lambdahat_h.lh_select(handle(), dim, index));
    }

    /**
     * The entries at the given indices along a dimension, copied (e.g. the rows of a minibatch).
     *
     * @param dim the dimension, negative counting from the end
     * @param index a 1-dimensional int64 tensor of indices
     * @return a new tensor whose {@code dim} has index.numel() entries (the caller, or the open scope, owns it)
     */
    public Tensor indexSelect(long dim, Tensor index) {
        return wrap(lambdahat_h.lh_index_select(handle(), dim, index.handle()));
    }
}
