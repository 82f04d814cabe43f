/**
 * The operating system's own interfaces, called through the foreign function and memory API:
 * thread ids, CPU affinity, a batched UDP socket, the kernel's UDP socket table.
 *
 * <h2>What</h2>
 * <ul>
 *   <li>{@link dev.dispatchlab.os.CurrentThread}: {@code gettid()}, {@code sched_getaffinity} and
 *       {@code sched_setaffinity} of the calling thread, with {@link dev.dispatchlab.os.CpuSet} as
 *       {@code cpu_set_t}; {@link dev.dispatchlab.os.Cpus}: CPUs online and configured.</li>
 *   <li>{@link dev.dispatchlab.os.BatchUdpSocket}: IPv4/IPv6 UDP with SO_REUSEPORT, SO_RCVBUF and
 *       SO_SNDBUF (the size the kernel really gave is reported), SO_RXQ_OVFL drop counts parsed from
 *       each datagram's control message, SO_RCVTIMEO, {@code recvmmsg}/{@code sendmmsg} over rings of
 *       native buffers built once ({@code MessageRing} draws the structs), and
 *       {@code shutdown(SHUT_RD)} to wake a blocked receiver when a run stops.</li>
 *   <li>{@link dev.dispatchlab.os.UdpSocketTable}: {@code /proc/net/udp} and {@code udp6}, the
 *       second source of a socket's drops (by inode or by port).</li>
 *   <li>{@link dev.dispatchlab.os.SystemCallException}: every failed call names itself and carries
 *       the errno captured at the call ({@code Linker.Option.captureCallState("errno")}).</li>
 *   <li>{@link dev.dispatchlab.os.Tracefs}: the kernel's scheduler trace ({@code sched_switch},
 *       {@code sched_wakeup}) switched on for a window through tracefs's files, its text copied out,
 *       the tracing state put back; plain file reads and writes, no FFM needed.</li>
 * </ul>
 *
 * <pre>
 *   kernel socket queue ─recvmmsg (1 call, up to 64)─► receive ring (native) ─copyTo(i, p)─► PacketBuffer
 *   PacketBuffer ─fill(i, p)─► send ring (native) ─sendmmsg (1 call)─► kernel
 * </pre>
 *
 * <h2>Why FFM, why batches</h2>
 * The JDK exposes none of gettid, affinity, SO_RXQ_OVFL, SO_REUSEPORT drops or batched receive;
 * the FFM API reaches them without JNI's build step. Batching is the point of the socket source:
 * a {@code recvmmsg} call drains what the kernel has queued, as a NIC driver drains its ring, so one
 * system call and one user/kernel crossing are shared by the batch.
 *
 * <h2>Measured: recvmmsg batches against one datagram per call (loopback)</h2>
 * {@code dev.dispatchlab.bench.os.UdpReceiveComparison} in the bench module (a main, not JMH: the
 * figures are those of a two-thread pipeline, offered and received rates, drops and the receiver's
 * CPU per datagram, which a JMH score of one call would hide). Sender: one thread on CPU 0 sending
 * {@code sendmmsg} batches of 64 as fast as it can; receiver: one thread on CPU 1 copying every
 * datagram into a {@code PacketBuffer}. Linux 6.18 (Firecracker VM, 2 vCPUs), JDK 25.0.3; three
 * runs of 5 s after 2 s of warm-up, median and range:
 * <pre>
 *                                  64-byte payload                  1400-byte payload
 *   receiver                     datagrams/s      CPU ns/dgram    datagrams/s      CPU ns/dgram
 *   recvmmsg, batch 64           416k (361-451k)    652-776       349k (173-417k)    673-1131
 *   recvmmsg, batch 1            189k (156-214k)   1809-2119      152k  (98-189k)   2073-2216
 *   DatagramChannel.receive      201k (162-219k)   1656-1944       97k  (53-110k)   1977-2049
 *   DatagramChannel.read (conn.) 151k (138-259k)   1641-1913       95k  (59-130k)   1991-2025
 * </pre>
 * Other engineers' builds shared the two CPUs during every run (load average 3.5 to 5): the
 * receiver thread got only 12-47% of its CPU and the sender far outran it (drops in every row), so
 * the datagrams/s are those of a receiver with about a third of a CPU and vary by 2x. The receiver's
 * CPU time per datagram (schedstat) does not depend on how much CPU it got and is the figure to
 * compare: a batch costs about 0.7 µs a datagram, one call per datagram about 2 µs whether native
 * or through the JDK, so the saving is the system call, not the JDK (per CPU-second: about 1.4
 * million datagrams against 0.5 million). The fewer datagrams a call finds (4.5 to 45 here), the
 * more a batch costs per datagram. Command:
 * <pre>
 *   mvn -q -B -pl core,bench -am package -DskipTests
 *   java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *        dev.dispatchlab.bench.os.UdpReceiveComparison 5 2      # seconds measured, seconds warm-up
 * </pre>
 * Chosen: {@code recvmmsg} batches for the socket source, with the batch as the unit a puller or
 * interrupt thread drains; one datagram per call stays available as batch 1 for comparison.
 *
 * <h2>Cost</h2>
 * A socket allocates its rings once: per message 64 (mmsghdr) + 16 (iovec) + 32 (address) + 64
 * (control) bytes plus the message size. A receive is one native call plus three stores per message
 * to restore the lengths the kernel overwrote; nothing is allocated per call. Affinity calls and
 * errors allocate (a confined arena, the exception): they are not per packet.
 *
 * <h2>Not implemented</h2>
 * Linux on x86_64 only (struct layouts, option numbers): other platforms get an
 * {@code UnsupportedOperationException} saying so. No per-message destination on send (the socket is
 * connected), no receive timestamps (SO_TIMESTAMPNS), no GRO/GSO segmentation offload, no
 * {@code io_uring}, no busy polling (SO_BUSY_POLL), no multicast.
 */
package dev.dispatchlab.os;
