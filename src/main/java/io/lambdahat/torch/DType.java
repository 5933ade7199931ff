package io.lambdahat.torch;

/** Element types, with libtorch's ScalarType codes. */
public enum DType {
    /** Unsigned 8-bit integers (bytes, images). */
    UINT8(0, 1),
    /** Signed 8-bit integers. */
    INT8(1, 1),
    /** Signed 16-bit integers. */
    INT16(2, 2),
    /** Signed 32-bit integers. */
    INT32(3, 4),
    /** Signed 64-bit integers: libtorch's index type (labels, token ids, minibatch indices). */
    INT64(4, 8),
    /** IEEE half precision. */
    FLOAT16(5, 2),
    /** IEEE single precision: the default for models and SGLD chains. */
    FLOAT32(6, 4),
    /** IEEE double precision: for reference runs and numerically delicate statistics. */
    FLOAT64(7, 8),
    /** Booleans, one byte each (comparison results, masks). */
    BOOL(11, 1),
    /** bfloat16: float32's exponent range with an 8-bit significand. */
    BFLOAT16(15, 2);

    /** libtorch's ScalarType code, as passed through the shim. */
    public final int code;
    /** Bytes per element. */
    public final int byteSize;

    DType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    /**
     * The type with a given libtorch ScalarType code.
     *
     * @param code the code libtorch reported
     * @return the matching type
     * @throws TorchException if the code is not one of these types (complex, quantised, ...)
     */
    public static DType fromCode(int code) {
        for (DType d : values()) if (d.code == code) return d;
        throw new TorchException("unsupported libtorch dtype code " + code);
    }

    /**
     * Whether this is a floating-point type (the only kind that can carry gradients).
     *
     * @return true for float16, bfloat16, float32 and float64
     */
    public boolean isFloatingPoint() {
        return this == FLOAT16 || this == FLOAT32 || this == FLOAT64 || this == BFLOAT16;
    }

    /**
     * Parses "float32", "f32", "float64", "double", ... as users write them on the command line.
     *
     * @param s the name, in any case
     * @return the type
     * @throws IllegalArgumentException naming the accepted values if {@code s} is not one of them
     */
    public static DType parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "float32", "f32", "float" -> FLOAT32;
            case "float64", "f64", "double" -> FLOAT64;
            case "float16", "f16", "half" -> FLOAT16;
            case "bfloat16", "bf16" -> BFLOAT16;
            case "int64", "long" -> INT64;
            case "int32", "int" -> INT32;
            default -> throw new IllegalArgumentException("unknown dtype '" + s + "': use float32 or float64");
        };
    }
}
