package dev.dispatchlab.proto;

import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;

/**
 * Layout of an Ethernet II frame header and of 802.1Q / 802.1ad VLAN tags, with static accessors
 * and writers over {@code (byte[] data, int at)}.
 *
 * <pre>
 *  Ethernet II (IEEE 802.3 clause 3.2.6 "Length/Type" >= 0x0600), 14 octets:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Destination MAC (octets 0-3)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Destination MAC (octets 4-5)  |    Source MAC (octets 0-1)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Source MAC (octets 2-5)                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           EtherType           |   payload (IPv4, IPv6, tag) ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  A VLAN tag sits where the EtherType was; its TPID (0x8100 C-tag, 0x88A8 S-tag, 0x9100 the
 *  pre-standard Q-in-Q) takes the EtherType's place and the real EtherType follows the tag:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      TPID (at offset 12)      | PCP |D|        VLAN ID        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  EtherType or next TPID       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * MAC addresses are held in the low 48 bits of a {@code long}, first octet most significant, so a
 * writer takes no array. The frame check sequence is not part of the header; a capture that keeps
 * it leaves four trailing bytes that IP validation trims like any other link padding.
 *
 * <p>Threading: stateless, any thread.
 */
public final class EthernetDescriptor {

    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int ETHER_TYPE = 12;
    public static final int HEADER_LENGTH = 14;
    /** Bytes one VLAN tag adds (TPID and TCI). */
    public static final int TAG_LENGTH = 4;
    /** The Tag Control Information within a tag, counted from the tag's TPID. */
    public static final int TAG_TCI = 2;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_IPV6 = 0x86DD;
    /** 802.1Q customer tag. */
    public static final int TYPE_VLAN = 0x8100;
    /** 802.1ad service tag (Q-in-Q outer tag). */
    public static final int TYPE_QINQ = 0x88A8;
    /** Pre-standard Q-in-Q outer tag still sent by some switches. */
    public static final int TYPE_QINQ_LEGACY = 0x9100;
    /** Values below this are an 802.3 length, not an EtherType. */
    public static final int MIN_ETHER_TYPE = 0x0600;

    private EthernetDescriptor() {
    }

    /** @return true for the TPIDs of 802.1Q and 802.1ad tags */
    public static boolean isTag(int etherType) {
        return etherType == TYPE_VLAN || etherType == TYPE_QINQ || etherType == TYPE_QINQ_LEGACY;
    }

    /** @return the 48-bit MAC address at {@code at} in the low bits of a long */
    public static long mac(byte[] b, int at) {
        return ((long) Bytes.u16(b, at) << 32) | Bytes.u32(b, at + 2);
    }

    public static void putMac(byte[] b, int at, long mac) {
        Bytes.put16(b, at, (int) (mac >>> 32));
        Bytes.put32(b, at + 2, (int) mac);
    }

    public static long destination(byte[] b, int eth) {
        return mac(b, eth + DESTINATION);
    }

    public static long source(byte[] b, int eth) {
        return mac(b, eth + SOURCE);
    }

    public static int etherType(byte[] b, int eth) {
        return Bytes.u16(b, eth + ETHER_TYPE);
    }

    /** @return the 12-bit VLAN ID of the tag whose TPID is at {@code tag} */
    public static int vlanId(byte[] b, int tag) {
        return Bytes.u16(b, tag + TAG_TCI) & 0x0FFF;
    }

    /** Writes an untagged header at {@code at}, and returns the index after it */
    public static int write(byte[] b, int at, long destination, long source, int etherType) {
        putMac(b, at + DESTINATION, destination);
        putMac(b, at + SOURCE, source);
        Bytes.put16(b, at + ETHER_TYPE, etherType);
        return at + HEADER_LENGTH;
    }

    /**
     * Writes a header with one VLAN tag: {@code tpid} (one of the {@code TYPE_VLAN/QINQ} values) and
     * {@code tci} (PCP, DEI, VLAN ID) before {@code etherType}, and returns the index after it
     */
    public static int writeTagged(byte[] b, int at, long destination, long source, int tpid, int tci, int etherType) {
        putMac(b, at + DESTINATION, destination);
        putMac(b, at + SOURCE, source);
        Bytes.put16(b, at + ETHER_TYPE, tpid);
        Bytes.put16(b, at + ETHER_TYPE + TAG_TCI, tci);
        Bytes.put16(b, at + ETHER_TYPE + TAG_LENGTH, etherType);
        return at + HEADER_LENGTH + TAG_LENGTH;
    }

    /** Prepends an untagged header to the packet (send side) and returns its index. Throws without headroom. */
    public static int prepend(PacketBuffer p, long destination, long source, int etherType) {
        int at = p.prepend(HEADER_LENGTH);
        write(p.data(), at, destination, source, etherType);
        return at;
    }

    /** Prepends a header with one VLAN tag (send side) and returns its index. Throws without headroom. */
    public static int prependTagged(PacketBuffer p, long destination, long source, int tpid, int tci, int etherType) {
        int at = p.prepend(HEADER_LENGTH + TAG_LENGTH);
        writeTagged(p.data(), at, destination, source, tpid, tci, etherType);
        return at;
    }
}
