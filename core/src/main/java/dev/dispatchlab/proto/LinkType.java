package dev.dispatchlab.proto;

/**
 * The link types the receive path decodes, numbered as pcap's {@code LINKTYPE_*} values (the
 * number in a pcap file header or pcapng interface block; {@link dev.dispatchlab.packet.PacketBuffer#linkType()}
 * holds it). Each constant says which header {@link LinkInput#demux} strips.
 */
public enum LinkType {
    /** BSD loopback: a 4-byte address family in the writer's byte order ({@link LoopbackDescriptor}). */
    NULL(0),
    /** Ethernet II, with up to {@link LinkInput#MAX_VLAN_TAGS} 802.1Q/802.1ad tags ({@link EthernetDescriptor}). */
    ETHERNET(1),
    /** No link header; IPv4 or IPv6 told apart by the version nibble. */
    RAW(101),
    /** OpenBSD loopback: a 4-byte address family, big-endian ({@link LoopbackDescriptor}). */
    LOOP(108),
    /** Linux cooked capture v1, 16 bytes ({@link LinuxCookedDescriptor}). */
    LINUX_SLL(113),
    /** No link header; IPv4 only. */
    IPV4(228),
    /** No link header; IPv6 only. */
    IPV6(229),
    /** Linux cooked capture v2, 20 bytes ({@link LinuxCookedDescriptor}). */
    LINUX_SLL2(276);

    private final int code;

    LinkType(int code) {
        this.code = code;
    }

    /** @return the pcap LINKTYPE_ number */
    public int code() {
        return code;
    }

    /** @return the link type with pcap number {@code code}, or null when the path does not decode it; no allocation */
    public static LinkType of(int code) {
        return switch (code) {
            case 0 -> NULL;
            case 1 -> ETHERNET;
            case 101 -> RAW;
            case 108 -> LOOP;
            case 113 -> LINUX_SLL;
            case 228 -> IPV4;
            case 229 -> IPV6;
            case 276 -> LINUX_SLL2;
            default -> null;
        };
    }
}
