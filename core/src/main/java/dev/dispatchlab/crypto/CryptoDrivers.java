package dev.dispatchlab.crypto;

/**
 * The interchangeable crypto drivers (see {@link CryptoDriver}); each constant says how many threads
 * it uses and where its handoffs are. {@link #create} builds one from a {@link CryptoDriverConfig}.
 */
public enum CryptoDrivers {

    /**
     * Synchronous, inline in the submitter's context with the submitter's transform. No threads, no
     * handoffs, no wakeups; the continuation runs before {@code submit} returns.
     */
    SOFTWARE("software") {
        @Override
        public CryptoDriver create(CryptoDriverConfig config) {
            return new SoftwareDriver(config);
        }
    },

    /**
     * An emulated accelerator (a BCM5822 or QAT stand-in): {@code engines} device threads plus one
     * watchdog thread (unless its period is 0). Handoffs: submitter to engine through the submission
     * ring, engine to the completion-interrupt handler through the completion ring; a wakeup when a
     * doorbell finds an engine asleep, and one interrupt per coalesced batch of completions.
     */
    OFFLOAD("offload") {
        @Override
        public CryptoDriver create(CryptoDriverConfig config) {
            return new OffloadDriver(config);
        }
    },

    /**
     * Per request: payloads below the threshold inline (as {@link #SOFTWARE}), large ones to an
     * {@link #OFFLOAD} engine unless its queue is deep or full, then inline. Threads and handoffs as
     * {@code OFFLOAD}, for the requests that go there.
     */
    AUTO("auto") {
        @Override
        public CryptoDriver create(CryptoDriverConfig config) {
            return new AutoDriver(config);
        }
    };

    private final String label;

    CryptoDrivers(String label) {
        this.label = label;
    }

    /** Builds the driver; an offload or auto driver starts its device threads here. */
    public abstract CryptoDriver create(CryptoDriverConfig config);

    /** @return the stable name used in configuration, tables and JSON */
    public String label() {
        return label;
    }

    /** @return the driver whose {@link #label()} is {@code s} (case-insensitive), or null */
    public static CryptoDrivers byLabel(String s) {
        for (CryptoDrivers d : values()) {
            if (d.label.equalsIgnoreCase(s)) {
                return d;
            }
        }
        return null;
    }
}
