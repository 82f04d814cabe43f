package dev.dispatchlab.esp;

/**
 * What each security association counts, beside the per-context drop counters: the per-SA view an
 * operator reads ({@code ip -s xfrm state}). Stable ids are the ordinals.
 */
public enum SaCounter {
    /** Inbound packets that passed integrity and anti-replay and were decapsulated. */
    INBOUND_PACKETS("inbound packets"),
    /** Plaintext bytes of those packets (what ESP protected, trailer excluded). */
    INBOUND_BYTES("inbound bytes"),
    /** Inbound packets rejected by the anti-replay window (before or after the integrity check). */
    REPLAY_DROPS("replay drops"),
    /** Inbound packets whose ICV or AEAD tag did not verify. */
    INTEGRITY_FAILURES("integrity failures"),
    /** Inbound packets dropped after decryption: padding, next header, inner packet. */
    DECAPSULATION_ERRORS("decapsulation errors"),
    /** Outbound packets sealed and handed on. */
    OUTBOUND_PACKETS("outbound packets"),
    /** Bytes sealed for those packets: payload, padding and trailer. */
    OUTBOUND_BYTES("outbound bytes"),
    /** Outbound packets refused because the sequence numbers ran out. */
    SEQUENCE_EXHAUSTED("sequence exhausted");

    private final String label;

    SaCounter(String label) {
        this.label = label;
    }

    /** @return the stable name used in tables and JSON */
    public String label() {
        return label;
    }
}
