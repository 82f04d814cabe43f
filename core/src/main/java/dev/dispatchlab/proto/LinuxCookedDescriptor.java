package dev.dispatchlab.proto;

import dev.dispatchlab.packet.Bytes;

/**
 * Layouts of the Linux "cooked" capture headers that libpcap writes for the {@code any} device and
 * for interfaces without a usable link header: {@link LinkType#LINUX_SLL} (v1, 16 octets) and
 * {@link LinkType#LINUX_SLL2} (v2, 20 octets). Their protocol field is an EtherType for every
 * device type the path can see, except {@code ARPHRD_NETLINK} where it is a netlink family.
 *
 * <pre>
 *  LINUX_SLL (113):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Packet type          |      ARPHRD_ device type      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Link-layer address length    |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |             Link-layer address (8 octets, zero padded)        |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |  Protocol (EtherType)         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  LINUX_SLL2 (276):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Protocol (EtherType)      |        Reserved (MBZ)         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Interface index                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      ARPHRD_ device type      |  Packet type  | Addr length   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |             Link-layer address (8 octets, zero padded)        |
 *  +                                                               +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Threading: stateless, any thread.
 */
public final class LinuxCookedDescriptor {

    public static final int SLL_PACKET_TYPE = 0;
    public static final int SLL_DEVICE_TYPE = 2;
    public static final int SLL_ADDRESS_LENGTH = 4;
    public static final int SLL_ADDRESS = 6;
    public static final int SLL_PROTOCOL = 14;
    public static final int SLL_HEADER_LENGTH = 16;

    public static final int SLL2_PROTOCOL = 0;
    public static final int SLL2_RESERVED = 2;
    public static final int SLL2_INTERFACE_INDEX = 4;
    public static final int SLL2_DEVICE_TYPE = 8;
    public static final int SLL2_PACKET_TYPE = 10;
    public static final int SLL2_ADDRESS_LENGTH = 11;
    public static final int SLL2_ADDRESS = 12;
    public static final int SLL2_HEADER_LENGTH = 20;

    /** Device type whose protocol field is a netlink family, not an EtherType. */
    public static final int ARPHRD_NETLINK = 824;

    private LinuxCookedDescriptor() {
    }

    public static int sllProtocol(byte[] b, int at) {
        return Bytes.u16(b, at + SLL_PROTOCOL);
    }

    public static int sllDeviceType(byte[] b, int at) {
        return Bytes.u16(b, at + SLL_DEVICE_TYPE);
    }

    public static int sll2Protocol(byte[] b, int at) {
        return Bytes.u16(b, at + SLL2_PROTOCOL);
    }

    public static int sll2DeviceType(byte[] b, int at) {
        return Bytes.u16(b, at + SLL2_DEVICE_TYPE);
    }
}
