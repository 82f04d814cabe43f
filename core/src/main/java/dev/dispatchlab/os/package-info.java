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
 *       native buffers built once ({@link dev.dispatchlab.os.MessageRing} draws the structs), and
 *       {@code shutdown(SHUT_RD)} to wake a blocked receiver when a run stops.</li>
 *   <li>{@link dev.dispatchlab.os.UdpSocketTable}: {@code /proc/net/udp} and {@code udp6}, the
 *       second source of a socket's drops (by inode or by port).</li>
 *   <li>{@link dev.dispatchlab.os.SystemCallException}: every failed call names itself and carries
 *       the errno captured at the call ({@code Linker.Option.captureCallState("errno")}).</li>
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
 * datagram into a {@code PacketBuffer}. Linux 6.18 (Firecracker VM, 2 vCPUs), JDK 25.0.3.
 * <pre>
 *                                64-byte payload              1400-byte payload
 *   receiver                     datagrams/s   CPU ns/dgram   datagrams/s   CPU ns/dgram
 *   recvmmsg, batch 64             472,000        590-1040      587,000        650-950
 *   recvmmsg, batch 1              116,000       1870-1990      472,000       2030-2080
 *   DatagramChannel.receive         94,000       1860-1930      166,000       1950-2020
 *   DatagramChannel.read (conn.)   317,000       1810-1930      214,000       1980-2060
 * </pre>
 * Datagrams/s are from the one run made while the machine was quiet; in three later runs other
 * builds shared the two CPUs (load average 6 to 7) and the receiver got only 13-90% of its CPU, so
 * rates varied by 2x either way. The receiver's CPU time per datagram (schedstat) does not depend on
 * how much CPU it got and was steady over four runs (ranges above): a batch costs 2 to 3 times less
 * per datagram than one call per datagram, and the one-per-call paths (native or JDK) all cost
 * about 1.9 µs, so the saving is the system call, not the JDK. Batches averaged 8 to 39 datagrams;
 * the fewer per call, the higher the cost per datagram. Command:
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
 * (control) bytes plus the message size. A receive is one native call plus two stores per message
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
