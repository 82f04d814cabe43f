package dev.dispatchlab.proto;

/**
 * IANA "Assigned Internet Protocol Numbers" the path names: the IPv4 protocol field, the IPv6 next
 * header field and the ESP trailer's next header field share this numbering. Plain {@code int}
 * constants rather than an enum, so that a stage compares the byte it read without a lookup.
 */
public final class IpProtocol {

    /** IPv6 Hop-by-Hop Options (only directly after the IPv6 header). */
    public static final int HOPOPT = 0;
    public static final int ICMP = 1;
    /** IPv4 in IP: the ESP tunnel-mode inner packet is IPv4. */
    public static final int IPV4 = 4;
    public static final int TCP = 6;
    public static final int UDP = 17;
    /** IPv6 in IP: the ESP tunnel-mode inner packet is IPv6. */
    public static final int IPV6 = 41;
    /** IPv6 Routing header. */
    public static final int ROUTING = 43;
    /** IPv6 Fragment header. */
    public static final int FRAGMENT = 44;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    /** IPv6 No Next Header; in ESP, a dummy packet (RFC 4303 section 2.6). */
    public static final int NO_NEXT_HEADER = 59;
    /** IPv6 Destination Options. */
    public static final int DSTOPTS = 60;
    public static final int IPCOMP = 108;

    private IpProtocol() {
    }
}
