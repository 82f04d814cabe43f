/**
 * The gateway: the receive path as an IPsec gateway's inbound side, under any dispatch model.
 *
 * <h2>What</h2>
 * {@link dev.dispatchlab.gateway.Gateway} receives ESP-in-UDP on real sockets (one per ring, with
 * {@code recvmmsg}), decrypts with SAs read from an SA file (Wireshark {@code esp_sa} or
 * {@code ip xfrm}), and sends each inner UDP datagram's payload to the local address its inner
 * destination port is mapped to ({@link dev.dispatchlab.gateway.PortMap}), in {@code sendmmsg}
 * batches, or writes the decrypted packets to a pcap file.
 *
 * <h2>Why</h2>
 * It is what a user-space IPsec datapath is for, and it makes the measured path usable: the numbers
 * dispatchlab reports are the numbers of this gateway.
 *
 * <h2>Costs</h2>
 * One copy into the packet buffer on receive (out of the socket's native ring), the decryption, one
 * copy into the send ring; a system call per receive batch and per send batch.
 *
 * <h2>Not implemented</h2>
 * The outbound side (encrypting replies), IKE (IKE packets are counted and passed up to nobody),
 * forwarding of non-UDP inner traffic (dropped with a reason).
 */
package dev.dispatchlab.gateway;
