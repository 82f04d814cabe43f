package dev.dispatchlab.metrics;

/**
 * Why a packet left the path without being delivered: the named, counted vocabulary of every drop.
 *
 * <p>Every packet the path is offered ends in exactly one of: delivered to the user socket, passed
 * up as IKE, absorbed into a reassembled datagram (a fragment), or dropped with one of these reasons.
 * The accounting check at the end of a run adds them up (see {@code Accounting}). A drop is always
 * made through {@code StageContext.drop(packet, reason)}, which counts the reason and returns the
 * buffer to its pool in one step, so that a drop can neither go uncounted nor leak a buffer.
 *
 * <p>Constants are grouped by the stage that drops; {@link #label()} is the stable name used in
 * tables and JSON, {@link #stage()} the stage, and {@link #description()} says when it happens.
 * The ids are the ordinal; append new constants within their stage group.
 */
public enum DropReason {

    // ---- device -----------------------------------------------------------------------------
    /** The NIC's receive ring was full when the packet arrived (a real NIC's "missed" counter). */
    RX_RING_FULL("rx ring full", Stage.DEVICE, "the receive ring was full when the packet arrived"),
    /** No free packet buffer when the device needed one. */
    POOL_EXHAUSTED("pool exhausted", Stage.DEVICE, "no free packet buffer was available"),
    /** The kernel dropped datagrams for the receiving socket (socket source: /proc/net/udp drops, SO_RXQ_OVFL). */
    KERNEL_DROP("kernel drop", Stage.DEVICE, "the operating system dropped the datagram before it reached the socket source"),
    /** A frame or datagram longer than a packet buffer can hold. */
    TOO_LONG("too long", Stage.DEVICE, "the frame does not fit in a packet buffer"),

    // ---- link (ether_input) -----------------------------------------------------------------
    /** Shorter than an Ethernet header (or a VLAN tag). */
    ETHER_TRUNCATED("ether truncated", Stage.LINK, "the frame is shorter than its Ethernet header or VLAN tags"),
    /** An EtherType the path does not handle (not IPv4, IPv6 or 802.1Q), or too many stacked tags. */
    ETHER_UNSUPPORTED("ether unsupported", Stage.LINK, "the EtherType is neither IPv4, IPv6 nor 802.1Q, or tags are nested too deep"),
    /** A capture link type the path cannot decode. */
    LINK_UNSUPPORTED("link unsupported", Stage.LINK, "the capture's link type or cooked header cannot be decoded"),
    /** Shorter than a Linux cooked (SLL, SLL2) or BSD loopback header. */
    LINK_TRUNCATED("link truncated", Stage.LINK, "the frame is shorter than its cooked or loopback link header"),

    // ---- IPv4 / IPv6 (ip_input) ---------------------------------------------------------------
    /** Shorter than the IP header, or than the header length it declares. */
    IP_TRUNCATED("ip truncated", Stage.IP, "the packet is shorter than its IP header or its declared total length"),
    /** IP version field is neither 4 nor 6, or does not match the link's type. */
    IP_BAD_VERSION("ip bad version", Stage.IP, "the IP version field is not what the link type says"),
    /** IPv4 header length below 20 bytes, total length below header length, and similar. */
    IP_BAD_HEADER("ip bad header", Stage.IP, "an IP header field is impossible (header length, total length, payload length)"),
    /** IPv4 header checksum does not verify. */
    IP_BAD_CHECKSUM("ip bad checksum", Stage.IP, "the IPv4 header checksum does not verify"),
    /** IPv4 options that are malformed (bad option length, option running past the header). */
    IP_BAD_OPTIONS("ip bad options", Stage.IP, "the IPv4 options are malformed"),
    /** An IPv6 extension header that is malformed or runs past the packet. */
    IP_BAD_EXTENSION("ip bad extension", Stage.IP, "an IPv6 extension header is malformed or runs past the packet"),
    /** Source or destination address not acceptable (multicast source, unspecified destination). */
    IP_BAD_ADDRESS("ip bad address", Stage.IP, "a source or destination address that must not appear"),
    /** The upper-layer protocol is neither ESP, UDP (NAT-T) nor, inside a tunnel, one delivered to the user. */
    IP_UNSUPPORTED_PROTOCOL("ip unsupported protocol", Stage.IP, "the upper-layer protocol is not handled on this path"),
    /** Time to live / hop limit expired on a packet that would be forwarded (gateway). */
    IP_TTL_EXPIRED("ip ttl expired", Stage.IP, "the time to live ran out"),
    /** The protocol input queue between the interrupt context and softnet (ipintrq, netdev backlog) was full. */
    BACKLOG_FULL("backlog full", Stage.IP, "the protocol input queue (ipintrq) was full"),
    /** An IPv6 jumbogram (payload length 0 with a Jumbo Payload option, RFC 2675): not supported. */
    IP_JUMBOGRAM("ip jumbogram", Stage.IP, "an IPv6 jumbogram, which the path does not support"),

    // ---- IPv4 reassembly ----------------------------------------------------------------------
    /** The datagram was not complete within the reassembly timeout; its fragments are dropped. */
    FRAGMENT_TIMEOUT("fragment timeout", Stage.REASSEMBLY, "the datagram's fragments did not all arrive in time"),
    /** A fragment overlapped data already received (policy: drop the whole datagram, RFC 5722 style). */
    FRAGMENT_OVERLAP("fragment overlap", Stage.REASSEMBLY, "a fragment overlaps data already received"),
    /** The reassembled datagram would exceed 65535 bytes or the configured limit. */
    FRAGMENT_TOO_LARGE("fragment too large", Stage.REASSEMBLY, "the reassembled datagram would be too large"),
    /** The reassembly table (datagrams or bytes in progress) is full. */
    FRAGMENT_TABLE_FULL("fragment table full", Stage.REASSEMBLY, "no room to start another datagram's reassembly"),
    /** A fragment that is malformed (non-final fragment not a multiple of 8, conflicting last fragments). */
    FRAGMENT_BAD("fragment bad", Stage.REASSEMBLY, "a malformed fragment"),
    /** Fragments still waiting at the end of a run or on shutdown. */
    FRAGMENT_INCOMPLETE("fragment incomplete", Stage.REASSEMBLY, "the run ended before the datagram was complete"),
    /** A duplicate of a fragment already held (same offset and length). */
    FRAGMENT_DUPLICATE("fragment duplicate", Stage.REASSEMBLY, "an exact duplicate of a fragment already held"),
    /** The datagram arrived in more fragments than the per-datagram limit. */
    FRAGMENT_TOO_MANY("fragment too many", Stage.REASSEMBLY, "the datagram has more fragments than the per-datagram limit"),
    /** An IPv6 fragment (other than an atomic fragment): IPv6 reassembly is not implemented. */
    FRAGMENT_IPV6("fragment ipv6", Stage.REASSEMBLY, "an IPv6 fragment, which the path does not reassemble"),

    // ---- UDP (udp_input, NAT-T) ---------------------------------------------------------------
    /** Shorter than a UDP header, or than the UDP length field. */
    UDP_TRUNCATED("udp truncated", Stage.UDP, "the datagram is shorter than its UDP header or length field"),
    /** UDP length field inconsistent with the IP payload. */
    UDP_BAD_LENGTH("udp bad length", Stage.UDP, "the UDP length field disagrees with the IP payload length"),
    /** UDP checksum present and wrong. */
    UDP_BAD_CHECKSUM("udp bad checksum", Stage.UDP, "the UDP checksum does not verify"),
    /** A NAT-keepalive (RFC 3948: one byte 0xFF): consumed, not an error. */
    NATT_KEEPALIVE("natt keepalive", Stage.UDP, "a NAT-T keepalive, consumed"),
    /** No socket bound to the inner destination port (the user-facing demux). */
    NO_SOCKET("no socket", Stage.UDP, "no socket is bound to the destination port"),
    /** Cleartext UDP on the IPsec path that is neither IKE nor ESP-in-UDP (policy requires ESP). */
    UNPROTECTED("unprotected", Stage.UDP, "cleartext traffic where the policy requires ESP"),

    // ---- ESP (esp_input) -----------------------------------------------------------------------
    /** Shorter than SPI, sequence number, IV and ICV, or the payload is not a whole number of blocks. */
    ESP_TRUNCATED("esp truncated", Stage.ESP, "the ESP packet is too short for its header, IV and ICV"),
    /** Ciphertext length not a multiple of the cipher block size (or of 4). */
    ESP_BAD_LENGTH("esp bad length", Stage.ESP, "the ciphertext is not a whole number of cipher blocks"),
    /** No security association for the SPI (and destination). */
    NO_SA("no sa", Stage.ESP, "no security association matches the SPI and destination"),
    /** Sequence number already seen, or to the left of the anti-replay window. */
    REPLAY("replay", Stage.ESP, "the sequence number was already seen or is left of the window"),
    /** The integrity check value does not verify (ICV, GCM/Poly1305 tag). */
    INTEGRITY("integrity", Stage.ESP, "the integrity check failed"),
    /** The padding does not follow the default 1, 2, 3, ... pattern, or pad length is impossible. */
    BAD_PADDING("bad padding", Stage.ESP, "the padding or pad length is wrong"),
    /** A next-header value the path cannot continue with. */
    BAD_NEXT_HEADER("bad next header", Stage.ESP, "the next header after ESP cannot be handled"),
    /** A dummy packet (next header 59, RFC 4303 2.6): discarded by design and counted. */
    DUMMY_PACKET("dummy packet", Stage.ESP, "a dummy packet (next header 59), discarded by design"),
    /** The decrypted inner packet is malformed (inner IP header, inner lengths). */
    INNER_BAD("inner bad", Stage.ESP, "the decrypted inner packet is malformed"),
    /** ESP nested deeper than the configured limit. */
    NESTING_TOO_DEEP("nesting too deep", Stage.ESP, "ESP nested deeper than the limit"),
    /** The inner packet's addresses do not match the SA's selectors (tunnel mode policy check). */
    POLICY("policy", Stage.ESP, "the inner packet does not match the SA's policy"),
    /** IPComp payload that cannot be decompressed (when decompression is on). */
    IPCOMP_BAD("ipcomp bad", Stage.ESP, "an IPComp payload that does not decompress"),
    /** Outbound: the SA has sent its last sequence number (RFC 4303 3.3.3); it must be rekeyed, never wrapped. */
    ESP_SEQUENCE_EXHAUSTED("esp sequence exhausted", Stage.ESP, "the outbound SA has used every sequence number and must be rekeyed"),
    /** Outbound: the buffer lacks the headroom or tailroom for the ESP header, IV, trailer and ICV. */
    ESP_NO_ROOM("esp no room", Stage.ESP, "too little headroom or tailroom to encapsulate the packet"),
    /** Outbound: not a well-formed IP packet, too large once encapsulated, or the SA cannot send (no mode, no tunnel endpoints). */
    ESP_NOT_ENCAPSULABLE("esp not encapsulable", Stage.ESP, "the packet or the SA does not allow encapsulation"),

    // ---- crypto framework ----------------------------------------------------------------------
    /** The crypto driver's submission ring was full; the request was refused at once. */
    CRYPTO_QUEUE_FULL("crypto queue full", Stage.CRYPTO, "the crypto submission ring was full"),
    /** The crypto request did not complete in time (stalled engine). */
    CRYPTO_TIMEOUT("crypto timeout", Stage.CRYPTO, "the crypto request timed out"),
    /** The crypto session was torn down with the request in flight. */
    SESSION_CLOSED("session closed", Stage.CRYPTO, "the crypto session was closed with the request in flight"),
    /** The crypto engine failed the request. */
    ENGINE_FAILURE("engine failure", Stage.CRYPTO, "the crypto engine failed"),

    // ---- socket / user ------------------------------------------------------------------------
    /** The user socket's receive buffer was full. */
    SOCKET_FULL("socket full", Stage.SOCKET, "the socket receive buffer was full"),
    /** The run was stopped with the packet still queued somewhere (counted on shutdown, never silently lost). */
    SHUTDOWN("shutdown", Stage.SOCKET, "the run stopped with the packet still queued");

    /** The stage of the receive path that drops with a reason. */
    public enum Stage { DEVICE, LINK, IP, REASSEMBLY, UDP, ESP, CRYPTO, SOCKET }

    private static final DropReason[] VALUES = values();

    private final String label;
    private final Stage stage;
    private final String description;

    DropReason(String label, Stage stage, String description) {
        this.label = label;
        this.stage = stage;
        this.description = description;
    }

    /** @return the stable name used in tables and JSON, e.g. {@code "rx ring full"} */
    public String label() {
        return label;
    }

    public Stage stage() {
        return stage;
    }

    public String description() {
        return description;
    }

    /** @return the number of reasons, the length of per-reason counter arrays */
    public static int count() {
        return VALUES.length;
    }

    /** @return the reason with ordinal {@code id}; no allocation */
    public static DropReason of(int id) {
        return VALUES[id];
    }
}
