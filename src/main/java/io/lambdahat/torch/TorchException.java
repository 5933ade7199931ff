package io.lambdahat.torch;

/** A failure reported by libtorch (through the shim's last-error protocol), with libtorch's own message. */
public class TorchException extends RuntimeException {
    public TorchException(String message) {
        super(message);
    }
}
