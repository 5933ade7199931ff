package io.lambdahat.torch;

import io.lambdahat.bindings.lambdahat_h;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * One of libtorch's operators, found once by schema name and overload (e.g. {@code aten::softmax}, {@code int})
 * and called through the dispatcher's boxed interface, autograd included. Arguments left out at the end take
 * the schema's defaults.
 *
 * <pre>{@code
 * static final Op SOFTMAX = Op.find("aten::softmax", "int");
 * Tensor y = SOFTMAX.call().tensor(x).integer(-1).returnTensor();
 * }</pre>
 */
public final class Op {
    static {
        Native.ensureLoaded();
    }

    private final MemorySegment handle;
    private final String name;

    private Op(MemorySegment handle, String name) {
        this.handle = handle;
        this.name = name;
    }

    /**
     * Looks an operator up in libtorch's dispatcher, once (keep the result in a static field).
     *
     * @param name the schema name, e.g. {@code aten::softmax}
     * @param overload the overload name, e.g. {@code int}; empty for the default overload
     * @return the operator
     * @throws TorchException if libtorch has no operator of that name and overload
     */
    public static Op find(String name, String overload) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment h = Native.check(lambdahat_h.lh_op_find(arena.allocateFrom(name), arena.allocateFrom(overload)));
            return new Op(h, overload.isEmpty() ? name : name + "." + overload);
        }
    }

    /**
     * The operator's schema, as libtorch prints it (argument names, types and defaults, in call order).
     *
     * @return the schema text
     */
    public String schema() {
        return Native.check(lambdahat_h.lh_op_schema(handle)).reinterpret(Long.MAX_VALUE).getString(0);
    }

    /**
     * The operator's name with its overload, e.g. {@code aten::softmax.int}, as used in error messages.
     *
     * @return the qualified name
     */
    public String name() {
        return name;
    }

    /**
     * Starts a call: the calling thread's reusable argument frame, emptied. Push the arguments in schema order,
     * then call one of the {@code return...} methods or {@link Call#run()}.
     *
     * @return the frame, for chaining
     */
    public Call call() {
        return Call.CURRENT.get().reset(this);
    }

    MemorySegment handle() {
        return handle;
    }

    /** The argument and result frame of one boxed call (one per thread, reused; not for use across threads). */
    public static final class Call {
        private static final int MAX_ARGS = 32;
        private static final int MAX_RESULTS = 64;
        private static final int SCRATCH_BYTES = 64 * 1024;
        private static final ThreadLocal<Call> CURRENT = ThreadLocal.withInitial(Call::new);

        private final MemorySegment tags;
        private final MemorySegment values;
        private final MemorySegment ptrs;
        private final MemorySegment outTags;
        private final MemorySegment outValues;
        private final MemorySegment outPtrs;
        private final MemorySegment scratch;
        private Op op;
        private int count;
        private long scratchUsed;

        private Call() {
            var arena = java.lang.foreign.Arena.ofAuto();
            tags = arena.allocate(lambdahat_h.C_INT, MAX_ARGS);
            values = arena.allocate(lambdahat_h.C_LONG, MAX_ARGS);
            ptrs = arena.allocate(lambdahat_h.C_POINTER, MAX_ARGS);
            outTags = arena.allocate(lambdahat_h.C_INT, MAX_RESULTS);
            outValues = arena.allocate(lambdahat_h.C_LONG, MAX_RESULTS);
            outPtrs = arena.allocate(lambdahat_h.C_POINTER, MAX_RESULTS);
            scratch = arena.allocate(SCRATCH_BYTES, 8);
        }

        private Call reset(Op op) {
            this.op = op;
            this.count = 0;
            this.scratchUsed = 0;
            return this;
        }

        private Call put(int tag, long value, MemorySegment ptr) {
            if (count == MAX_ARGS) throw new IllegalArgumentException("too many arguments for " + op.name);
            tags.setAtIndex(lambdahat_h.C_INT, count, tag);
            values.setAtIndex(lambdahat_h.C_LONG, count, value);
            ptrs.setAtIndex(lambdahat_h.C_POINTER, count, ptr);
            count++;
            return this;
        }

        private MemorySegment scratch(long bytes) {
            long aligned = (bytes + 7) & ~7L;
            if (scratchUsed + aligned > SCRATCH_BYTES) throw new IllegalArgumentException("arguments too large for " + op.name);
            MemorySegment s = scratch.asSlice(scratchUsed, bytes);
            scratchUsed += aligned;
            return s;
        }

        /**
         * Pushes a tensor argument.
         *
         * @param t the tensor, not null and not closed
         * @return this frame, for chaining
         */
        public Call tensor(Tensor t) {
            return put(lambdahat_h.LH_ARG_TENSOR(), 0, t.handle());
        }

        /**
         * Pushes a tensor argument that may be absent (an optional tensor in the schema).
         *
         * @param t the tensor, or null for None
         * @return this frame, for chaining
         */
        public Call optionalTensor(Tensor t) {
            return t == null ? none() : tensor(t);
        }

        /**
         * Pushes an int argument (also a dimension or a libtorch enum such as a reduction).
         *
         * @param v the value
         * @return this frame, for chaining
         */
        public Call integer(long v) {
            return put(lambdahat_h.LH_ARG_INT(), v, MemorySegment.NULL);
        }

        /**
         * Pushes a float (double) argument.
         *
         * @param v the value
         * @return this frame, for chaining
         */
        public Call real(double v) {
            return put(lambdahat_h.LH_ARG_DOUBLE(), Double.doubleToRawLongBits(v), MemorySegment.NULL);
        }

        /**
         * Pushes an optional float argument (e.g. a clamp bound).
         *
         * @param v the value, or null for None
         * @return this frame, for chaining
         */
        public Call optionalReal(Double v) {
            return v == null ? none() : real(v);
        }

        /**
         * Pushes a bool argument.
         *
         * @param v the value
         * @return this frame, for chaining
         */
        public Call bool(boolean v) {
            return put(lambdahat_h.LH_ARG_BOOL(), v ? 1 : 0, MemorySegment.NULL);
        }

        /**
         * Pushes None, for an optional argument left unset.
         *
         * @return this frame, for chaining
         */
        public Call none() {
            return put(lambdahat_h.LH_ARG_NONE(), 0, MemorySegment.NULL);
        }

        /**
         * Pushes a ScalarType argument.
         *
         * @param d the element type
         * @return this frame, for chaining
         */
        public Call dtype(DType d) {
            return integer(d.code);
        }

        /**
         * Pushes a Device argument.
         *
         * @param d the device (a negative CUDA index means the current device)
         * @return this frame, for chaining
         */
        public Call device(Device d) {
            long index = d.index() < 0 ? 65535 : d.index();
            return put(lambdahat_h.LH_ARG_DEVICE(), (long) d.type().code * 65536 + index, MemorySegment.NULL);
        }

        /**
         * Pushes an optional Generator argument.
         *
         * @param g the generator, or null for libtorch's default generator
         * @return this frame, for chaining
         */
        public Call generator(Generator g) {
            return g == null ? none() : put(lambdahat_h.LH_ARG_GENERATOR(), 0, g.handle());
        }

        /**
         * Pushes an int[] argument (a shape, a list of dimensions).
         *
         * @param v the values, copied into the frame's scratch memory
         * @return this frame, for chaining
         * @throws IllegalArgumentException if the call's list and string arguments together exceed the frame's 64 KiB
         */
        public Call ints(long... v) {
            MemorySegment s = scratch((long) v.length * Long.BYTES);
            MemorySegment.copy(v, 0, s, lambdahat_h.C_LONG, 0, v.length);
            return put(lambdahat_h.LH_ARG_INT_LIST(), v.length, s);
        }

        /**
         * Pushes a float[] argument.
         *
         * @param v the values, copied into the frame's scratch memory
         * @return this frame, for chaining
         * @throws IllegalArgumentException if the call's list and string arguments together exceed the frame's 64 KiB
         */
        public Call reals(double... v) {
            MemorySegment s = scratch((long) v.length * Double.BYTES);
            MemorySegment.copy(v, 0, s, lambdahat_h.C_DOUBLE, 0, v.length);
            return put(lambdahat_h.LH_ARG_DOUBLE_LIST(), v.length, s);
        }

        /**
         * Pushes a Tensor[] argument.
         *
         * @param ts the tensors, none null or closed
         * @return this frame, for chaining
         * @throws IllegalArgumentException if the call's list and string arguments together exceed the frame's 64 KiB
         */
        public Call tensors(Tensor... ts) {
            MemorySegment s = scratch((long) ts.length * lambdahat_h.C_POINTER.byteSize());
            for (int i = 0; i < ts.length; i++) s.setAtIndex(lambdahat_h.C_POINTER, i, ts[i].handle());
            return put(lambdahat_h.LH_ARG_TENSOR_LIST(), ts.length, s);
        }

        /**
         * Pushes a str argument (e.g. GELU's {@code approximate}).
         *
         * @param v the value, passed as UTF-8
         * @return this frame, for chaining
         * @throws IllegalArgumentException if the call's list and string arguments together exceed the frame's 64 KiB
         */
        public Call string(String v) {
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            MemorySegment s = scratch(bytes.length + 1L);
            MemorySegment.copy(bytes, 0, s, lambdahat_h.C_CHAR, 0, bytes.length);
            s.set(lambdahat_h.C_CHAR, bytes.length, (byte) 0);
            return put(lambdahat_h.LH_ARG_STRING(), 0, s);
        }

        /** Calls the operator and returns how many results it left; read them with the result methods. */
        private int invoke() {
            int n = lambdahat_h.lh_op_call(op.handle, count, tags, values, ptrs, MAX_RESULTS, outTags, outValues, outPtrs);
            if (n < 0) {
                TorchException e = Native.lastError();
                throw new TorchException(op.name + ": " + e.getMessage());
            }
            return n;
        }

        private Tensor[] collectTensors(int n) {
            Tensor[] out = new Tensor[n];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (outTags.getAtIndex(lambdahat_h.C_INT, i) == lambdahat_h.LH_ARG_TENSOR()) {
                    out[k++] = new Tensor(outPtrs.getAtIndex(lambdahat_h.C_POINTER, i));
                }
            }
            return k == n ? out : java.util.Arrays.copyOf(out, k);
        }

        /**
         * Calls and returns the single tensor result (further tensor results are freed).
         *
         * @return the first tensor result (the caller, or the open scope, owns it)
         * @throws TorchException if libtorch rejects the arguments or the operator returns no tensor
         */
        public Tensor returnTensor() {
            Tensor[] all = collectTensors(invoke());
            if (all.length == 0) throw new TorchException(op.name + " returned no tensor");
            for (int i = 1; i < all.length; i++) all[i].close();
            return all[0];
        }

        /**
         * Calls and returns every tensor result, in order (a tensor-list result counts as its elements).
         *
         * @return the tensor results (the caller, or the open scope, owns each)
         * @throws TorchException if libtorch rejects the arguments
         */
        public Tensor[] returnTensors() {
            return collectTensors(invoke());
        }

        /**
         * Calls an operator that works in place or returns nothing the caller needs; frees any results.
         *
         * @throws TorchException if libtorch rejects the arguments
         */
        public void run() {
            for (Tensor t : collectTensors(invoke())) t.close();
        }

        /**
         * Calls and returns the first result as a number (int, bool or double results).
         *
         * @return the value; a bool gives 0 or 1
         * @throws TorchException if libtorch rejects the arguments or the first result is not a number
         */
        public double returnNumber() {
            int n = invoke();
            if (n == 0) throw new TorchException(op.name + " returned nothing");
            int tag = outTags.getAtIndex(lambdahat_h.C_INT, 0);
            long raw = outValues.getAtIndex(lambdahat_h.C_LONG, 0);
            for (Tensor t : collectTensors(n)) t.close();
            if (tag == lambdahat_h.LH_ARG_DOUBLE()) return Double.longBitsToDouble(raw);
            if (tag == lambdahat_h.LH_ARG_INT() || tag == lambdahat_h.LH_ARG_BOOL()) return raw;
            throw new TorchException(op.name + " did not return a number");
        }
    }
}
