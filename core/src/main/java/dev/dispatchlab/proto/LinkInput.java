package dev.dispatchlab.proto;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;

/**
 * The link-layer demux, the path's {@code ether_input}: strips the link header(s) a frame arrived
 * with so that the packet starts at its IP header.
 *
 * <pre>
 *  ETHERNET ──► [802.1ad/802.1Q tag]{0,2} ──┐
 *  LINUX_SLL, LINUX_SLL2 ──► [tag]{0,2} ────┼─► EtherType 0x0800 / 0x86DD ──┐
 *  NULL, LOOP ──► address family ───────────┼───────────────────────────────┼─► version nibble checked,
 *  RAW, IPV4, IPV6 ─────────────────────────┘                               │   offset = IP header
 *                                                                           └── networkOffset set
 * </pre>
 *
 * <p>Calling context: any stage context, on a buffer it owns whose data starts at the link header
 * and whose {@link PacketBuffer#linkType()} the source has set. On success the buffer's offset and
 * {@link PacketBuffer#networkOffset()} are at the IP header and the first byte's version nibble is
 * the one the link header announced (4 or 6; either for {@code RAW}). The IP header itself is
 * checked by {@link IpInput}. Trailing bytes (Ethernet minimum-size padding, a kept FCS) are left
 * for IP validation to trim, as only the IP length fields say where the packet ends.
 *
 * <p>Threading: stateless, any thread.
 */
public final class LinkInput {

    /**
     * Most VLAN tags accepted in front of the EtherType: two, an 802.1ad service tag over an 802.1Q
     * customer tag. A third tag is dropped as {@link DropReason#ETHER_UNSUPPORTED}.
     */
    public static final int MAX_VLAN_TAGS = 2;

    private LinkInput() {
    }

    /**
     * Validates and strips the link header of {@code p}.
     *
     * @return null on success; otherwise the reason the caller drops it with:
     *         {@link DropReason#LINK_UNSUPPORTED} (unknown link type, address family or a netlink
     *         cooked header), {@link DropReason#LINK_TRUNCATED} (short cooked or loopback header),
     *         {@link DropReason#ETHER_TRUNCATED} (short Ethernet header or tag),
     *         {@link DropReason#ETHER_UNSUPPORTED} (EtherType neither IPv4 nor IPv6, or more than
     *         {@link #MAX_VLAN_TAGS} tags), {@link DropReason#IP_TRUNCATED} (nothing after the link
     *         header), {@link DropReason#IP_BAD_VERSION} (version nibble not what the link header says)
     */
    public static DropReason demux(PacketBuffer p) {
        LinkType type = LinkType.of(p.linkType());
        if (type == null) {
            return DropReason.LINK_UNSUPPORTED;
        }
        byte[] b = p.data();
        int at = p.offset();
        int end = p.end();
        int etherType = -1;
        int version;
        switch (type) {
            case ETHERNET -> {
                if (end - at < EthernetDescriptor.HEADER_LENGTH) {
                    return DropReason.ETHER_TRUNCATED;
                }
                etherType = EthernetDescriptor.etherType(b, at);
                at += EthernetDescriptor.HEADER_LENGTH;
                version = 0;
            }
            case LINUX_SLL -> {
                if (end - at < LinuxCookedDescriptor.SLL_HEADER_LENGTH) {
                    return DropReason.LINK_TRUNCATED;
                }
                if (LinuxCookedDescriptor.sllDeviceType(b, at) == LinuxCookedDescriptor.ARPHRD_NETLINK) {
                    return DropReason.LINK_UNSUPPORTED;
                }
                etherType = LinuxCookedDescriptor.sllProtocol(b, at);
                at += LinuxCookedDescriptor.SLL_HEADER_LENGTH;
                version = 0;
            }
            case LINUX_SLL2 -> {
                if (end - at < LinuxCookedDescriptor.SLL2_HEADER_LENGTH) {
                    return DropReason.LINK_TRUNCATED;
                }
                if (LinuxCookedDescriptor.sll2DeviceType(b, at) == LinuxCookedDescriptor.ARPHRD_NETLINK) {
                    return DropReason.LINK_UNSUPPORTED;
                }
                etherType = LinuxCookedDescriptor.sll2Protocol(b, at);
                at += LinuxCookedDescriptor.SLL2_HEADER_LENGTH;
                version = 0;
            }
            case NULL, LOOP -> {
                if (end - at < LoopbackDescriptor.HEADER_LENGTH) {
                    return DropReason.LINK_TRUNCATED;
                }
                int family = type == LinkType.NULL
                        ? LoopbackDescriptor.nullFamily(b, at) : LoopbackDescriptor.loopFamily(b, at);
                version = LoopbackDescriptor.ipVersion(family);
                if (version == 0) {
                    return DropReason.LINK_UNSUPPORTED;
                }
                at += LoopbackDescriptor.HEADER_LENGTH;
            }
            case IPV4 -> version = 4;
            case IPV6 -> version = 6;
            default -> version = 0; // RAW: the nibble decides
        }
        if (etherType >= 0) {
            for (int tags = 0; EthernetDescriptor.isTag(etherType); tags++) {
                if (tags == MAX_VLAN_TAGS) {
                    return DropReason.ETHER_UNSUPPORTED;
                }
                if (end - at < EthernetDescriptor.TAG_LENGTH) {
                    return DropReason.ETHER_TRUNCATED;
                }
                // the TPID was read as the EtherType: at is on the TCI, the next EtherType follows it
                etherType = Bytes.u16(b, at + 2);
                at += EthernetDescriptor.TAG_LENGTH;
            }
            if (etherType == EthernetDescriptor.TYPE_IPV4) {
                version = 4;
            } else if (etherType == EthernetDescriptor.TYPE_IPV6) {
                version = 6;
            } else {
                return DropReason.ETHER_UNSUPPORTED;
            }
        }
        if (at >= end) {
            return DropReason.IP_TRUNCATED;
        }
        int nibble = (b[at] & 0xFF) >>> 4;
        if (version == 0 ? nibble != 4 && nibble != 6 : nibble != version) {
            return DropReason.IP_BAD_VERSION;
        }
        p.trimHead(at - p.offset());
        p.networkOffset(at);
        return null;
    }
}
