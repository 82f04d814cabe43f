package dev.dispatchlab.esp;

/**
 * A security association file that cannot be used, with where and why:
 * {@code "sa.conf:3: aes-gcm-16 needs keying material of 20, 28 or 36 bytes (key then 4-byte salt), got 16"}.
 * The message is complete as it stands; the command line prints it and exits with status 2, without
 * a stack trace.
 */
public final class SaConfigException extends Exception {

    private final String file;
    private final int line;
    private final String problem;

    /**
     * @param file    the file name as the user gave it
     * @param line    1-based line number, or 0 when the problem is the whole file (unreadable, empty)
     * @param problem what is wrong, with the offending value
     */
    public SaConfigException(String file, int line, String problem) {
        super(line > 0 ? file + ":" + line + ": " + problem : file + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    /** @return the 1-based line, 0 for a whole-file problem */
    public int line() {
        return line;
    }

    /** @return the message without the location */
    public String problem() {
        return problem;
    }
}
