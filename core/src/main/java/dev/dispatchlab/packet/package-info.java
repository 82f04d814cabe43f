/**
 * Packet buffers and the context stage code runs in.
 *
 * <h2>What</h2>
 * {@link dev.dispatchlab.packet.PacketBuffer} is an mbuf-like buffer: one byte array with headroom in
 * front and tailroom behind the packet, so every layer decapsulates and encapsulates by moving
 * offsets; a spare array of the same size receives out-of-place decryption. Buffers come from a
 * {@link dev.dispatchlab.packet.PacketPool}, allocated once and recycled through a lock-free free
 * list. {@link dev.dispatchlab.packet.Bytes} reads and writes network byte order at absolute indices;
 * the header flyweights of {@code proto} and {@code esp} are built on it.
 * {@link dev.dispatchlab.packet.StageContext} is what a stage receives from whoever runs it:
 * counters, clock and a slot for per-context caches.
 *
 * <h2>Why</h2>
 * The cost being measured is a few hundred nanoseconds per packet; an object graph per packet (a
 * header object per layer, a fresh byte array per copy) would cost as much as the dispatch designs
 * differ by, and garbage collection would add noise to every latency figure. So the steady-state
 * path allocates nothing of its own, and copies a packet's bytes only where it must: the device
 * placing a frame in a buffer (DMA), decryption (into the spare array), reassembly (fragments into
 * one buffer), and the transport-mode header move.
 *
 * <h2>Cost</h2>
 * Acquire and release are one CAS-based queue operation each (about 20 ns uncontended) plus a CAS
 * on the buffer's state, which catches double release. Memory: two arrays per buffer.
 *
 * <h2>Not implemented</h2>
 * Chains of buffers (mbuf chains): a packet must fit one buffer; larger frames drop with
 * {@code TOO_LONG}. Reference counting: a buffer has exactly one owner.
 */
package dev.dispatchlab.packet;
