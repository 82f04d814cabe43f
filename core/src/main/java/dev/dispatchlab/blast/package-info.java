/**
 * The traffic generator ({@code dispatchlab blast}): a process of its own that sends a workload's
 * real ESP traffic as ESP-in-UDP (RFC 3948) to a receiver's socket source, at an open-loop rate, and
 * writes the SA file the receiver needs.
 *
 * <h2>Overview</h2>
 * <pre>
 *   blast process                                         receiver process
 *   ─────────────                                         ────────────────
 *   Workload ─► TrafficSet.plan (keys, SPIs, payloads)    SaConfigReader ◄── --write-sa FILE (esp_sa | xfrm)
 *   thread t: lane of socket s                                  │
 *     next(): encrypt with the SPI's next seq ──┐                ▼
 *     fill send ring (one copy)                 │          SocketIngress (recvmmsg, SO_REUSEPORT rings)
 *     sendmmsg(batch) ── UDP, source port of s ─┴─ kernel ──►   synthetic IP+UDP header ─► ReceivePath ─► user
 *   pacing: batch b due at start + b·batch/rate (open loop)
 * </pre>
 * Two commands: {@code dispatchlab blast --to 127.0.0.1:4500 --write-sa sa.conf --duration 60}, then the
 * receiver with {@code sa.conf}. The file is written whole before the first datagram; sends refused
 * while nothing listens are counted, not fatal.
 *
 * <h2>Sequence numbers across processes: the choice</h2>
 * Every valid datagram is encrypted as it is sent, with its SPI's next sequence number
 * ({@code TrafficSet.Sender}). A receiver in another process cannot have its anti-replay windows
 * re-armed as the in-process synthetic wire does, so pre-built packets replayed a second time would
 * all be replays. Encrypting on the fly keeps every receiver window ordinary (1024 in the SA file)
 * and every run as long as wanted. It costs the generator one encryption per datagram, about what
 * the receiver pays to decrypt it; the report gives the rate achieved beside the rate asked for, so a
 * generator that could not keep up is seen, and {@code --threads} spreads the lanes over more
 * threads. Rejected: fresh SPIs per round of pre-built packets (the same encryption done earlier,
 * plus an SA file that grows with the run) and a receiver without a window (it would skip a stage of
 * the path under test).
 *
 * <h2>What a run reports</h2>
 * A status line a second (rate of the last second, total, largest lag), and at the end
 * ({@link dev.dispatchlab.blast.BlastReport}): datagrams and bytes sent, rate achieved against rate
 * asked for, valid/repeat/bad-ICV/malformed counts (the drops the receiver must show), batches, late
 * batches, largest lag, refused sends.
 *
 * <h2>Cost</h2>
 * Per datagram: one AEAD or cipher+HMAC encryption (the JCA allocates about 0.8 KB per cipher init,
 * as on the receive path), the inner packet written into a pooled buffer, one copy into the send
 * ring; per batch one {@code sendmmsg}. Nothing of ours is allocated per datagram or batch.
 * On loopback the kernel's receive work for the datagram (IP and UDP input, the enqueue on the
 * receiver's socket) runs in the sender's system call and is charged to the generator's CPU, not the
 * receiver's.
 *
 * <p>Measured (Linux 6.18, 2 vCPUs shared with other engineers' builds, load average 5 to 8, JDK
 * 25; 64-byte payloads, AES-128-GCM, 4 SAs on 4 sockets, one thread, {@code --rate max}, against
 * {@code device.SocketReceiveBaseline} in another JVM): 1,500,000 datagrams in 11.3 s, 132 k/s, for
 * 7.1 s of the generator process's CPU (user 3.4 s, system 3.6 s, JVM start and JIT included: about
 * 4 µs a datagram); the receiver's accounting closed at offered 1,500,000 = delivered 1,463,982 +
 * 36,018 kernel drops and shutdown discards. Other 10-s runs gave 38 - 310 k/s, the CPU the
 * generator got being the difference. Command:
 * <pre>
 *   ./dispatchlab blast --to 127.0.0.1:4500 --packets 1500000 --quiet     # beside a receiver on :4500
 * </pre>
 *
 * <h2>Not implemented</h2>
 * Per-datagram (Poisson) pacing: pacing is per batch. Outer IPv6 (the target decides) is tested on
 * {@code ::1} but not measured. No IKE, no NAT keepalives, no fragmentation of large datagrams by the generator
 * (the kernel fragments above the path MTU). Sequence numbers of an SPI run out after 2^32 - 1
 * datagrams without ESN (hours at these rates): the run stops saying so.
 */
package dev.dispatchlab.blast;
