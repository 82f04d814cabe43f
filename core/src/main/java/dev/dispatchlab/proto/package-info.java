/**
 * The protocol layers under ESP: link demux, IPv4 and IPv6 validation, IPv4 reassembly, UDP and the
 * RFC 3948 port-4500 demux on the receive side, and header writers for the send side.
 *
 * <h2>What</h2>
 * <pre>
 *  frame ──► LinkInput.demux ──► IpInput.validate ──► IPv4 fragment? ──► Ipv4Reassembler.offer
 *            (ether_input)       (ip_input,             │ no                 │ datagram complete
 *                                 ip6_input)            ▼                    ▼
 *                                            transportProtocol: 50 ESP ─────────────► esp
 *                                                               17 UDP ──► UdpInput.validate
 *                                                                          UdpInput.classify
 *                                                                            ESP ──► esp (at the SPI)
 *                                                                            IKE ──► passed up
 *                                                                            keepalive, runt ──► drop
 *                                                               other  ──► drop IP_UNSUPPORTED_PROTOCOL
 * </pre>
 * Layouts live in {@code ...Descriptor} classes (static offsets and accessors over
 * {@code (byte[] data, int at)}, a bit diagram in each javadoc, writers for the send side); the
 * checks live in the {@code ...Input} classes, one per layer, named after the kernel function they
 * stand for. {@link dev.dispatchlab.proto.LinkType} names the pcap link types a source may deliver.
 *
 * <h2>Conventions</h2>
 * <ul>
 * <li>A check is a static function of the buffer that returns null on success or the
 *     {@link dev.dispatchlab.metrics.DropReason} the caller drops with
 *     ({@code ctx.drop(p, reason)}). Results go into the buffer's annotations, not into objects:
 *     {@code networkOffset} (the IP header), {@code transportOffset} and {@code transportProtocol}
 *     (the upper-layer header IPv4's header length or IPv6's extension chain led to). Checks leave
 *     the buffer's offset at the IP header; the ESP layer strips what it decapsulates.</li>
 * <li>No byte sequence makes a check throw: every length is checked before the bytes it covers are
 *     read. An exception out of this package means a caller broke a precondition (a buffer that was
 *     not validated first, a sender writing a 70000-byte datagram).</li>
 * <li>Addresses: IPv4 as an {@code int} (network order in the bits), IPv6 as two {@code long}s
 *     (high and low half), MAC as the low 48 bits of a {@code long}: values, so neither the path nor
 *     a writer allocates.</li>
 * </ul>
 *
 * <h2>Why this shape</h2>
 * A header object per layer per packet is the classic cost of a JVM datapath; flyweight accessors
 * over the buffer's array compile to plain loads, and returning an enum constant for a failure
 * keeps the success path free of allocation and of exceptions used for control flow. Validation
 * trims link padding (Ethernet minimum-size padding, a kept FCS) by the IP length fields, since
 * only they say where the packet ends.
 *
 * <h2>Cost</h2>
 * Per packet: a bounded number of loads per layer; one pass of the checksum over the IPv4 header
 * (20 to 60 bytes) and, where the UDP checksum is present, over the UDP datagram, eight bytes per
 * step ({@link dev.dispatchlab.proto.InternetChecksum}); the IPv6 chain walk is bounded by
 * {@link dev.dispatchlab.proto.IpInput#MAX_EXTENSION_HEADERS}. Reassembly costs a hash lookup and
 * an insertion into a sorted array of at most {@code maxFragments} per fragment, and one copy of
 * the datagram into a buffer of the reassembler's own pool when it completes (see
 * {@link dev.dispatchlab.proto.Ipv4Reassembler} for why that copy is needed). Nothing allocates
 * per packet.
 *
 * <h2>Threading</h2>
 * The {@code ...Input} and {@code ...Descriptor} classes are stateless and callable from any
 * thread on a buffer the caller owns. {@link dev.dispatchlab.proto.Ipv4Reassembler} is
 * single-threaded: one per execution context.
 *
 * <h2>Not implemented</h2>
 * <ul>
 * <li>IPv6 reassembly: a fragment other than an atomic one is dropped as
 *     {@code FRAGMENT_IPV6}. IPv6 jumbograms ({@code IP_JUMBOGRAM}).</li>
 * <li>Forwarding: no TTL or hop-limit decrement, a Routing header with segments left is dropped,
 *     IPv4 options are checked for form only (source routes are not followed).</li>
 * <li>ICMP errors are never sent; ARP, neighbour discovery and 802.3/LLC frames are not handled.</li>
 * <li>The RFC 6935 zero UDP checksum over IPv6 for tunnels; IKE itself (datagrams classified as
 *     IKE are passed up unparsed).</li>
 * <li>More than {@link dev.dispatchlab.proto.LinkInput#MAX_VLAN_TAGS} stacked VLAN tags; link
 *     types beyond {@link dev.dispatchlab.proto.LinkType}.</li>
 * <li>Sending-side IPv4 options, IPv6 extension headers and fragmentation: writers produce plain
 *     headers only.</li>
 * </ul>
 */
package dev.dispatchlab.proto;
