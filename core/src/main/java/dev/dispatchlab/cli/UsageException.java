package dev.dispatchlab.cli;

/**
 * A problem with what the user gave us (a flag, a configuration line, a capture file) rather than
 * a bug: printed as one line, without a stack trace, and the command exits with status 2.
 */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
