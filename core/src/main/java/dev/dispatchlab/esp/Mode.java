package dev.dispatchlab.esp;

/** What an ESP packet of a security association protects (RFC 4301 section 4.1). */
public enum Mode {
    /** A whole IP packet, inside a new outer IP header between the SA's endpoints (next header 4 or 41). */
    TUNNEL,
    /** The upper-layer payload of the IP packet; the packet's own IP header stays in front of ESP. */
    TRANSPORT
}
