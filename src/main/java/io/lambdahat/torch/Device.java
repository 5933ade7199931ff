package io.lambdahat.torch;

/** A libtorch device: CPU, or CUDA with an index (-1 = the current device). */
public record Device(Type type, int index) {
    public enum Type {
        CPU(0), CUDA(1);
        public final int code;

        Type(int code) {
            this.code = code;
        }
    }

    public static final Device CPU = new Device(Type.CPU, -1);

    public static Device cuda(int index) {
        return new Device(Type.CUDA, index);
    }

    static Device fromCodes(int type, int index) {
        return switch (type) {
            case 0 -> CPU;
            case 1 -> new Device(Type.CUDA, index);
            default -> throw new TorchException("unsupported libtorch device type code " + type);
        };
    }

    public boolean isCuda() {
        return type == Type.CUDA;
    }

    /** Parses "cpu", "cuda" or "cuda:N". */
    public static Device parse(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("cpu")) return CPU;
        if (v.equals("cuda")) return cuda(0);
        if (v.startsWith("cuda:")) {
            try {
                int i = Integer.parseInt(v.substring(5));
                if (i >= 0) return cuda(i);
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device '" + s + "': use cpu, cuda or cuda:N");
    }

    @Override
    public String toString() {
        return type == Type.CPU ? "cpu" : "cuda:" + Math.max(index, 0);
    }
}
