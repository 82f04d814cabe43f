package dev.dispatchlab.cli;

/**
 * A run that did not pass its own checks (accounting did not balance, a payload arrived corrupted,
 * a thread was left running): an error, never a result. Exit status 1.
 */
public final class RunFailedException extends RuntimeException {

    public RunFailedException(String message) {
        super(message);
    }
}
