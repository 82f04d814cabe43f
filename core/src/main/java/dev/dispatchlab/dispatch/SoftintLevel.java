package dev.dispatchlab.dispatch;

/**
 * The soft-interrupt levels of NetBSD's softint(9), lowest to highest. Each level of each CPU has
 * its own thread ({@code softclk/0}, {@code softbio/0}, {@code softnet/0}, {@code softser/0}), so
 * handlers of one level never run concurrently on one CPU, and a handler of a level never waits for
 * one of another. The JVM cannot give the levels their kernel priorities (Java thread priorities
 * are ignored by Linux for normal threads), so a level here only names a separate thread.
 */
public enum SoftintLevel {
    /** Timeouts and callouts. */
    CLOCK("softclk"),
    /** Block I/O completion. */
    BIO("softbio"),
    /** Network protocol processing: ip_input and everything above it, crypto completions. */
    NET("softnet"),
    /** Serial lines, the highest level. */
    SERIAL("softser");

    private final String threadPrefix;

    SoftintLevel(String threadPrefix) {
        this.threadPrefix = threadPrefix;
    }

    /** @return the thread name of this level on {@code cpu}, e.g. {@code "softnet/0"} */
    public String threadName(int cpu) {
        return threadPrefix + "/" + cpu;
    }
}
