package io.lambdahat.torch;

/** A failure reported by libtorch (through the shim's last-error protocol), with libtorch's own message. */
public class TorchException extends RuntimeException {
    /**
     * A failure with libtorch's message.
     *
     * @param message what libtorch reported, possibly prefixed with the operator's name
     */
    public TorchException(String message) {
        super(message);
    }
}
