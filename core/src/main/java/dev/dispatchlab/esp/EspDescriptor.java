package dev.dispatchlab.esp;

/**
 * The ESP packet layout (RFC 4303 section 2) and the protocol numbers the ESP layer dispatches on.
 * Offsets are relative to the first byte of the ESP header (the SPI); the layers read and write the
 * packet array at {@code espStart + offset} through {@link dev.dispatchlab.packet.Bytes}.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  ---
 *  |              Security Parameters Index (SPI)                  |   ^        SPI_OFFSET    = 0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   |        SEQ_OFFSET    = 4
 *  |          Sequence Number (low 32 bits of the 64-bit ESN)      |   |        HEADER_LENGTH = 8
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   |  ---
 *  |  IV: ivLength bytes (0 NULL, 8 GCM/GMAC/ChaCha20, 16 AES-CBC) |   |   ^
 *  ~                                                               ~   |   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   |   | encrypted
 *  |  Payload Data: inner IP packet (tunnel) or upper-layer payload |  int.  | (not for NULL
 *  ~  (transport)                                                  ~   |   |  and GMAC)
 *  +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   |   |
 *  |               |  Padding 1, 2, 3, ... (0-255 bytes)           |   |   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   |   |
 *  |                               |  Pad Length   | Next Header   |   v   v    TRAILER_LENGTH = 2
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  ---------
 *  |  Integrity Check Value: icvLength bytes (0, 8, 12, 16, 24, 32)|
 *  ~                                                               ~
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Payload, padding, pad length and next header together are a whole number of cipher blocks and end
 * on a 4-byte boundary ({@link dev.dispatchlab.crypto.EncryptionAlgorithm#blockSize()}). With extended
 * sequence numbers the high 32 bits are never sent; they enter the ICV (appended after the trailer)
 * or the AEAD additional data. UDP encapsulation (RFC 3948) puts an 8-byte UDP header, destination
 * port {@value #NATT_PORT} and checksum 0, between the IP header and the SPI.
 */
public final class EspDescriptor {

    public static final int SPI_OFFSET = 0;
    public static final int SEQ_OFFSET = 4;
    /** SPI and sequence number. */
    public static final int HEADER_LENGTH = 8;
    /** Pad length and next header. */
    public static final int TRAILER_LENGTH = 2;
    /** RFC 3948: the UDP header in front of a UDP-encapsulated ESP packet. */
    public static final int UDP_HEADER_LENGTH = 8;
    /** RFC 3948: the IKE and NAT-T port. */
    public static final int NATT_PORT = 4500;

    /** IP protocol number of ESP. */
    public static final int PROTO_ESP = 50;
    /** IP protocol number of UDP (NAT-T encapsulation). */
    public static final int PROTO_UDP = 17;
    /** Next header of a tunnelled IPv4 packet (IP-in-IP). */
    public static final int NEXT_IPV4 = 4;
    /** Next header of a tunnelled IPv6 packet. */
    public static final int NEXT_IPV6 = 41;
    /** RFC 4303 2.6: "no next header", a dummy packet to be discarded. */
    public static final int NEXT_NONE = 59;
    /** RFC 3173: an IPComp header follows (passed up, decompressed by a later stage). */
    public static final int NEXT_IPCOMP = 108;

    /** Largest pad length the one-byte field can carry. */
    public static final int MAX_PAD_LENGTH = 255;

    private EspDescriptor() {
    }

    /** @return the index of the IV for a packet whose ESP header starts at {@code espStart} */
    public static int ivOffset(int espStart) {
        return espStart + HEADER_LENGTH;
    }

    /** @return the pad length that makes {@code payloadLength} plus trailer a multiple of {@code alignment} */
    public static int padLength(int payloadLength, int alignment) {
        int r = (payloadLength + TRAILER_LENGTH) % alignment;
        return r == 0 ? 0 : alignment - r;
    }
}
