package io.lambdahat.torch;

/**
 * A libtorch device: CPU, or CUDA with an index.
 *
 * @param type the kind of device
 * @param index the CUDA device index; -1 means the current device (always -1 for the CPU)
 */
public record Device(Type type, int index) {
    /** The kinds of device, with the shim's codes. */
    public enum Type {
        /** The host CPU. */
        CPU(0),
        /** An NVIDIA GPU through CUDA. */
        CUDA(1);
        /** The shim's code for this kind. */
        public final int code;

        Type(int code) {
            this.code = code;
        }
    }

    /** The host CPU. */
    public static final Device CPU = new Device(Type.CPU, -1);

    /**
     * A CUDA device.
     *
     * @param index the device index, 0 for the first GPU (-1: the current device)
     * @return the device
     */
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

    /**
     * Whether this is a CUDA device.
     *
     * @return true for CUDA
     */
    public boolean isCuda() {
        return type == Type.CUDA;
    }

    /**
     * Parses "cpu", "cuda" (device 0) or "cuda:N", as users write them on the command line.
     *
     * @param s the name, in any case, surrounding spaces ignored
     * @return the device
     * @throws IllegalArgumentException naming the accepted forms if {@code s} is none of them
     */
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
        throw new io.lambdahat.InvalidInputException("unknown device '" + s + "': use cpu, cuda or cuda:N");
    }

    @Override
    public String toString() {
        return type == Type.CPU ? "cpu" : "cuda:" + Math.max(index, 0);
    }
}
