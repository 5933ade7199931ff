package io.lambdahat;

/**
 * Input that the library refuses: a setting out of range, a file that is missing or malformed, data that holds NaN.
 * The message names the input and the problem, and where possible what to do. The command line maps exactly this
 * type (and its subclasses) to exit code 2, a usage error; any other exception is a failed run (exit 1), so an
 * {@link IllegalArgumentException} thrown deep inside a computation is never mistaken for the user's mistake.
 */
public class InvalidInputException extends IllegalArgumentException {
    /**
     * Refused input.
     *
     * @param message what was refused and why, in one line
     */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * Refused input, found through a lower-level failure.
     *
     * @param message what was refused and why, in one line
     * @param cause   the failure that showed it
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
