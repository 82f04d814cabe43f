package dev.dispatchlab.report;

import java.io.IOException;

/**
 * A file given to the report that is not a result document (missing, not JSON, or JSON some other
 * command wrote). The message is one line that names the file and says what is wrong, so the
 * command can print it as it is and exit with status 2.
 */
public final class BadResultFileException extends IOException {

    public BadResultFileException(String message) {
        super(message);
    }
}
