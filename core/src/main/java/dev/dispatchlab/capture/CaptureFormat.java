package dev.dispatchlab.capture;

/** The capture file formats this package reads, told apart by their first bytes. */
public enum CaptureFormat {
    /** libpcap, magic {@code a1b2c3d4}: microsecond timestamps, either byte order. */
    PCAP,
    /** libpcap, magic {@code a1b23c4d}: nanosecond timestamps, either byte order. */
    PCAP_NANOS,
    /** pcapng (draft-ietf-opsawg-pcapng): sections, interfaces, packet blocks. */
    PCAPNG,
    /** RFC 1761 snoop version 2 (Solaris). */
    SNOOP
}
