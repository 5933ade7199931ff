package io.lambdahat.torch;

/** Element types, with libtorch's ScalarType codes. */
public enum DType {
    UINT8(0, 1), INT8(1, 1), INT16(2, 2), INT32(3, 4), INT64(4, 8), FLOAT16(5, 2), FLOAT32(6, 4), FLOAT64(7, 8),
    BOOL(11, 1), BFLOAT16(15, 2);

    public final int code;
    public final int byteSize;

    DType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    public static DType fromCode(int code) {
        for (DType d : values()) if (d.code == code) return d;
        throw new TorchException("unsupported libtorch dtype code " + code);
    }

    public boolean isFloatingPoint() {
        return this == FLOAT16 || this == FLOAT32 || this == FLOAT64 || this == BFLOAT16;
    }

    /** Parses "float32", "f32", "float64", "double", ... as users write them on the command line. */
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
