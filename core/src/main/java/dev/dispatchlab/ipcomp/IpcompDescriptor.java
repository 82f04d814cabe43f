package dev.dispatchlab.ipcomp;

import dev.dispatchlab.packet.Bytes;

/**
 * The IPComp header (RFC 3173 section 2.2), four octets between the IP header (or the ESP
 * plaintext) and the compressed payload:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |     Flags     |   Compression Parameter Index |   NEXT_HEADER = 0, FLAGS = 1, CPI = 2
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   HEADER_LENGTH = 4
 *  |                                                               |
 *  ~   compressed payload: for DEFLATE (RFC 2394) a raw deflate     ~
 *  |   stream (RFC 1951: no zlib header, no Adler-32 trailer)       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The next header is what the payload decompresses to: 4 or 41 for a tunnelled IP packet, an
 * upper-layer protocol (17 UDP, 6 TCP, 1 ICMP) in transport mode. CPIs 0-63 are IANA's well-known
 * transforms ({@link #CPI_DEFLATE} among them); 256-61439 are negotiated per SA by IKE and name
 * whatever transform was agreed; the rest are reserved.
 *
 * <p>Threading: stateless, any thread.
 */
public final class IpcompDescriptor {

    public static final int NEXT_HEADER = 0;
    public static final int FLAGS = 1;
    public static final int CPI = 2;
    public static final int HEADER_LENGTH = 4;

    /** Well-known CPI: Organisationally Unique Identifier transform (vendor specific). */
    public static final int CPI_OUI = 1;
    /** Well-known CPI: DEFLATE (RFC 2394). */
    public static final int CPI_DEFLATE = 2;
    /** Well-known CPI: LZS (RFC 2395). */
    public static final int CPI_LZS = 3;
    /** Well-known CPI: LZJH (RFC 3051). */
    public static final int CPI_LZJH = 4;
    /** The first CPI negotiated by IKE (RFC 3173 section 3.3). */
    public static final int FIRST_NEGOTIATED_CPI = 256;
    /** The last CPI negotiated by IKE; higher ones are reserved. */
    public static final int LAST_NEGOTIATED_CPI = 61439;

    private IpcompDescriptor() {
    }

    public static int nextHeader(byte[] b, int at) {
        return Bytes.u8(b, at + NEXT_HEADER);
    }

    public static int cpi(byte[] b, int at) {
        return Bytes.u16(b, at + CPI);
    }
}
