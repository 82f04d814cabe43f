/**
 * The devices: a NIC with receive rings, interrupt enable and coalescing, and receive-side scaling,
 * and the synthetic wire that feeds it from a device thread; and the real-socket source, UDP sockets
 * receiving ESP-in-UDP in {@code recvmmsg} batches, with its bare baseline.
 *
 * <h2>Overview</h2>
 * <pre>
 *   FrameSource ─► SyntheticWire (device thread) ─► Nic ─► RxRing[0..n) ─► InterruptLine ─► dispatch
 *   templates      rate, Poisson, burst, DMA copy    RSS    SPSC, enable,   (hard interrupt, ithread,
 *                  OFFERED, POOL_EXHAUSTED                  coalescing       puller, virtual worker)
 *                                                           RX_RING_FULL
 * </pre>
 * The device thread stands for hardware: its CPU time and switches are reported as the device's,
 * apart from the host's. It is the NIC's only producer; each ring has one consumer context.
 *
 * <h2>Receive rings</h2>
 * A {@link dev.dispatchlab.device.RxRing} is a bounded SPSC ring of packet buffers. A packet that
 * finds its ring full is dropped at once ({@code RX_RING_FULL}, charged to the wire's stage
 * context, the buffer back in its pool), as a NIC with no free descriptor counts a miss.
 *
 * <h2>Interrupts</h2>
 * Each ring has an interrupt enable bit ({@link dev.dispatchlab.device.InterruptSource}) and an
 * {@link dev.dispatchlab.device.InterruptLine}. With the interrupt enabled, the NIC raises the line
 * when {@link dev.dispatchlab.device.Coalescing} says so: N unserviced packets or T after the first
 * of them. While masked it never raises, and packets that arrive then start no timer: the consumer
 * is polling and finds them itself. The re-enable protocol (store, fence, load on both sides) is in
 * {@link dev.dispatchlab.device.InterruptSource}; the NIC pays its side with one fence per burst.
 *
 * <h2>Flow hashing</h2>
 * {@link dev.dispatchlab.device.FlowHash} is the RSS Toeplitz hash over addresses, ports and, for
 * ESP and NAT-T, the SPI; fragments hash on addresses only, so all fragments of a datagram meet on
 * one ring. A 128-entry indirection table maps hashes to rings. Templates carry their hash, so the
 * wire hashes once per template, not per packet.
 *
 * <h2>The synthetic wire</h2>
 * {@link dev.dispatchlab.device.SyntheticWire} offers templates at an open-loop rate (constant or
 * seeded Poisson), for a count or a duration. It reads the clock once per burst and stamps every
 * packet of the burst with that reading; copying the template into a pooled buffer stands for the
 * NIC's DMA. Its {@link dev.dispatchlab.device.WireReport} gives the achieved beside the offered rate
 * and the lag between due and actual placement; when lag exceeds a tolerance the wire says it fell
 * behind, and the run's rate was not what was asked for. Accounting: {@code OFFERED = placed +
 * RX_RING_FULL + POOL_EXHAUSTED} at the wire.
 *
 * <h2>The socket source</h2>
 * <pre>
 *   sender ─► kernel UDP ─► SocketIngress[0..n) ─recvmmsg─► ring ─receive(ctx, sink, budget, wait)─► sink
 *                           SO_REUSEPORT, one socket          per datagram: OFFERED, pooled copy,
 *                           per ring; SO_RXQ_OVFL,            synthetic outer IPv4/IPv6 + UDP header
 *                           /proc/net/udp → KERNEL_DROP       (link type IPV4/IPV6, arrival stamp)
 * </pre>
 * {@link dev.dispatchlab.device.SocketIngress} is the ring a model drains when the source is a real
 * socket (configured by {@link dev.dispatchlab.device.SocketConfig}; default 127.0.0.1:4500). The
 * kernel strips the IP and UDP headers; the ingress writes an equivalent header back into each
 * buffer's headroom, so that every source enters the same {@code ip_input} and the path has one
 * demux, one SA lookup by outer addresses, one code path (28 bytes and an IPv4 header checksum per
 * datagram). Its drops (POOL_EXHAUSTED, TOO_LONG) and the kernel's (KERNEL_DROP, from SO_RXQ_OVFL and
 * {@code /proc/net/udp}) are all counted as offered, so the accounting identity holds with the
 * kernel's losses in it. A model blocks in {@code receive(..., wait = true)} where a device would
 * interrupt, or polls with {@code wait = false}; {@code shutdown()} wakes it at stop.
 * {@link dev.dispatchlab.device.SocketReceiveBaseline} runs the same sockets and does nothing with
 * the packets: the baseline twin of every model on this source, batched and one datagram a call.
 * Traffic comes from {@code dispatchlab blast} (package {@code blast}).
 *
 * <h2>Costs (measured)</h2>
 * On one CPU of the 2-vCPU guest, with 64-byte frames and the ring drained in the wire's own thread
 * (a hard interrupt every 64 packets), the wire places 28 Mpps (35 ns a packet: pool acquire,
 * 64-byte copy, stamp, ring offer, release). With a consumer that releases each buffer on the other
 * CPU the pair ran at 2.4 Mpps (98% placed): every buffer's header and the pool's free list now
 * cross CPUs twice per packet. (On the same guest a bare SPSC handoff runs at 287 Mops/s and an SPSC
 * handoff that recycles through an MPMC pool at 9 - 22 Mops/s.) A per-ring buffer cache refilled in
 * batches, as NIC drivers refill descriptors, is the obvious next step if the wire must go faster.
 *
 * <h2>Not implemented</h2>
 * Transmit rings; capture replay; per-packet patching of templates (an ESP source that must not
 * replay sequence numbers has to supply enough templates, or the receiver's replay window must be
 * configured for it; the socket source's generator encrypts each packet instead). Socket source:
 * no wildcard binds (the destination address would need IP_PKTINFO), no IP identification or TTL
 * from the kernel, no GRO, no SO_BUSY_POLL, no receive timestamps from the kernel (the stamp is
 * taken when {@code recvmmsg} returns).
 */
package dev.dispatchlab.device;
