package dev.dispatchlab.proto;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.packet.PacketBuffer;

/**
 * IP header validation, the path's {@code ip_input} / {@code ip6_input} up to the protocol demux:
 * checks the header a packet starts with, trims link padding after it, and finds the upper-layer
 * header. Used for outer packets after {@link LinkInput#demux} and for inner packets after ESP
 * decapsulation alike.
 *
 * <p>Calling context: any stage context, on a buffer it owns whose offset is at the IP header. On
 * success: the buffer's length is the IP packet's (trailing bytes trimmed),
 * {@link PacketBuffer#networkOffset()} is the IP header, {@link PacketBuffer#transportOffset()} and
 * {@link PacketBuffer#transportProtocol()} the upper-layer header and its protocol number. The
 * offset itself is not moved. An IPv4 fragment passes validation (its transport fields describe
 * the fragment's payload); {@link #isFragment} tells the caller to hand it to an
 * {@link Ipv4Reassembler}. The upper-layer protocol is not judged here: the caller drops what it
 * does not handle with {@link DropReason#IP_UNSUPPORTED_PROTOCOL}.
 *
 * <p>Return convention: null on success, else the reason the caller drops with. No allocation, and
 * no input makes these methods throw.
 *
 * <p>Threading: stateless, any thread.
 */
public final class IpInput {

    /**
     * Most IPv6 extension headers walked before the upper-layer header; a longer chain is dropped as
     * {@link DropReason#IP_BAD_EXTENSION}. Eight covers every order RFC 8200 section 4.1 recommends
     * (each header once, Destination Options twice) with room to spare.
     */
    public static final int MAX_EXTENSION_HEADERS = 8;

    private IpInput() {
    }

    /** Validates an IPv4 or IPv6 packet, chosen by its version nibble; see the class note. */
    public static DropReason validate(PacketBuffer p) {
        return validate(p, true);
    }

    /**
     * {@link #validate(PacketBuffer)}, optionally without the IPv4 header checksum (a capture taken
     * where the header was left for the device to finish); every other check stays.
     */
    public static DropReason validate(PacketBuffer p, boolean verifyChecksum) {
        if (p.length() < 1) {
            return DropReason.IP_TRUNCATED;
        }
        return switch ((p.data()[p.offset()] & 0xFF) >>> 4) {
            case 4 -> validateIpv4(p, verifyChecksum);
            case 6 -> validateIpv6(p);
            default -> DropReason.IP_BAD_VERSION;
        };
    }

    /** @return true when the (validated) IPv4 packet at {@code p}'s network offset is a fragment */
    public static boolean isFragment(PacketBuffer p) {
        int ip = p.networkOffset();
        byte[] b = p.data();
        return Ipv4Descriptor.version(b, ip) == 4 && Ipv4Descriptor.isFragment(b, ip);
    }

    /**
     * Validates an IPv4 header: version 4, IHL at least 5, header and total length within the bytes
     * present (longer data is trimmed to the total length), header checksum (RFC 1071), options
     * well formed, addresses acceptable.
     *
     * <p>Addresses: a multicast (224/4) or limited-broadcast source and an unspecified (0.0.0.0)
     * destination are dropped as {@link DropReason#IP_BAD_ADDRESS}. Loopback (127/8) is accepted, as
     * captures taken on a loopback interface carry it.
     *
     * <p>Options: walked as EOL, NOP or type-length-value with length at least 2, none running past
     * the header; their meaning (source routes, timestamps) is not interpreted.
     */
    public static DropReason validateIpv4(PacketBuffer p) {
        return validateIpv4(p, true);
    }

    /** {@link #validateIpv4(PacketBuffer)}, the header checksum verified only when {@code verifyChecksum}. */
    public static DropReason validateIpv4(PacketBuffer p, boolean verifyChecksum) {
        byte[] b = p.data();
        int ip = p.offset();
        int available = p.length();
        if (available < Ipv4Descriptor.MIN_HEADER_LENGTH) {
            return DropReason.IP_TRUNCATED;
        }
        if (Ipv4Descriptor.version(b, ip) != 4) {
            return DropReason.IP_BAD_VERSION;
        }
        int headerLength = Ipv4Descriptor.headerLength(b, ip);
        if (headerLength < Ipv4Descriptor.MIN_HEADER_LENGTH) {
            return DropReason.IP_BAD_HEADER;
        }
        if (headerLength > available) {
            return DropReason.IP_TRUNCATED;
        }
        int total = Ipv4Descriptor.totalLength(b, ip);
        if (total < headerLength) {
            return DropReason.IP_BAD_HEADER;
        }
        if (total > available) {
            return DropReason.IP_TRUNCATED;
        }
        if (verifyChecksum && !InternetChecksum.verifies(0, b, ip, headerLength)) {
            return DropReason.IP_BAD_CHECKSUM;
        }
        if (headerLength > Ipv4Descriptor.MIN_HEADER_LENGTH
                && !optionsWellFormed(b, ip + Ipv4Descriptor.MIN_HEADER_LENGTH, ip + headerLength)) {
            return DropReason.IP_BAD_OPTIONS;
        }
        int src = Ipv4Descriptor.source(b, ip);
        if ((src >>> 28) == 0xE || src == -1 || Ipv4Descriptor.destination(b, ip) == 0) {
            return DropReason.IP_BAD_ADDRESS;
        }
        if (total < available) {
            p.trimTail(available - total);
        }
        p.networkOffset(ip);
        p.transportOffset(ip + headerLength);
        p.transportProtocol(Ipv4Descriptor.protocol(b, ip));
        return null;
    }

    private static boolean optionsWellFormed(byte[] b, int at, int end) {
        while (at < end) {
            int type = b[at] & 0xFF;
            if (type == Ipv4Descriptor.OPTION_EOL) {
                return true; // the rest of the header is padding
            }
            if (type == Ipv4Descriptor.OPTION_NOP) {
                at++;
                continue;
            }
            if (end - at < 2) {
                return false;
            }
            int len = b[at + 1] & 0xFF;
            if (len < 2 || len > end - at) {
                return false;
            }
            at += len;
        }
        return true;
    }

    /**
     * Validates an IPv6 header and walks its extension-header chain to the upper-layer header.
     *
     * <ul>
     * <li>Version 6; payload length within the bytes present (longer data is trimmed). A payload
     *     length of 0 with a Hop-by-Hop header, or any Jumbo Payload option, is a jumbogram:
     *     {@link DropReason#IP_JUMBOGRAM}.</li>
     * <li>A multicast source or an unspecified (::) destination: {@link DropReason#IP_BAD_ADDRESS}.</li>
     * <li>The chain: Hop-by-Hop (first only), Destination Options and Routing headers are stepped
     *     over, at most {@link #MAX_EXTENSION_HEADERS} of them. Options are walked as TLVs; an
     *     option the path does not know whose type says "discard" (high bits not 00) drops the
     *     packet. A Routing header with segments left would need forwarding, which this path (a
     *     final destination) does not do. Each of these, and any header running past the payload,
     *     is {@link DropReason#IP_BAD_EXTENSION}.</li>
     * <li>A Fragment header: an atomic fragment (offset 0, M clear, RFC 6946) is stepped over; any
     *     other is dropped as {@link DropReason#FRAGMENT_IPV6} (IPv6 is not reassembled).</li>
     * <li>Anything else ends the walk: ESP (50), UDP (17), No Next Header (59), AH and every other
     *     protocol become {@code transportProtocol} at {@code transportOffset}.</li>
     * </ul>
     */
    public static DropReason validateIpv6(PacketBuffer p) {
        byte[] b = p.data();
        int ip = p.offset();
        int available = p.length();
        if (available < Ipv6Descriptor.HEADER_LENGTH) {
            return DropReason.IP_TRUNCATED;
        }
        if (Ipv6Descriptor.version(b, ip) != 6) {
            return DropReason.IP_BAD_VERSION;
        }
        int payload = Ipv6Descriptor.payloadLength(b, ip);
        int next = Ipv6Descriptor.nextHeader(b, ip);
        if (payload == 0 && next == IpProtocol.HOPOPT) {
            return DropReason.IP_JUMBOGRAM;
        }
        int total = Ipv6Descriptor.HEADER_LENGTH + payload;
        if (total > available) {
            return DropReason.IP_TRUNCATED;
        }
        if ((b[ip + Ipv6Descriptor.SOURCE] & 0xFF) == 0xFF
                || (Ipv6Descriptor.destinationHi(b, ip) == 0 && Ipv6Descriptor.destinationLo(b, ip) == 0)) {
            return DropReason.IP_BAD_ADDRESS;
        }
        int end = ip + total;
        int at = ip + Ipv6Descriptor.HEADER_LENGTH;
        for (int step = 0; ; step++) {
            int length;
            switch (next) {
                case IpProtocol.HOPOPT, IpProtocol.DSTOPTS, IpProtocol.ROUTING -> {
                    if (step == MAX_EXTENSION_HEADERS || (next == IpProtocol.HOPOPT && step != 0) || end - at < 8) {
                        return DropReason.IP_BAD_EXTENSION;
                    }
                    length = Ipv6Descriptor.extensionLength(b, at);
                    if (length > end - at) {
                        return DropReason.IP_BAD_EXTENSION;
                    }
                    if (next == IpProtocol.ROUTING) {
                        if (Bytes.u8(b, at + Ipv6Descriptor.ROUTING_SEGMENTS_LEFT) != 0) {
                            return DropReason.IP_BAD_EXTENSION;
                        }
                    } else {
                        DropReason r = options(b, at + 2, at + length);
                        if (r != null) {
                            return r;
                        }
                    }
                }
                case IpProtocol.FRAGMENT -> {
                    if (step == MAX_EXTENSION_HEADERS || end - at < Ipv6Descriptor.FRAGMENT_HEADER_LENGTH) {
                        return DropReason.IP_BAD_EXTENSION;
                    }
                    // offset (13 bits) and M (bit 0) both zero: an atomic fragment, a whole packet
                    if ((Bytes.u16(b, at + Ipv6Descriptor.FRAGMENT_OFFSET_FLAGS) & 0xFFF9) != 0) {
                        return DropReason.FRAGMENT_IPV6;
                    }
                    length = Ipv6Descriptor.FRAGMENT_HEADER_LENGTH;
                }
                default -> {
                    if (total < available) {
                        p.trimTail(available - total);
                    }
                    p.networkOffset(ip);
                    p.transportOffset(at);
                    p.transportProtocol(next);
                    return null;
                }
            }
            next = Bytes.u8(b, at + Ipv6Descriptor.EXT_NEXT_HEADER);
            at += length;
        }
    }

    private static DropReason options(byte[] b, int at, int end) {
        while (at < end) {
            int type = b[at] & 0xFF;
            if (type == Ipv6Descriptor.OPTION_PAD1) {
                at++;
                continue;
            }
            if (end - at < 2) {
                return DropReason.IP_BAD_EXTENSION;
            }
            int len = b[at + 1] & 0xFF;
            if (len > end - at - 2) {
                return DropReason.IP_BAD_EXTENSION;
            }
            if (type == Ipv6Descriptor.OPTION_JUMBO) {
                return DropReason.IP_JUMBOGRAM;
            }
            if (type != Ipv6Descriptor.OPTION_PADN && (type & 0xC0) != 0) {
                return DropReason.IP_BAD_EXTENSION;
            }
            at += 2 + len;
        }
        return null;
    }
}
