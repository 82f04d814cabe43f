/**
 * The peers: the ESP-in-UDP gateway written the way a Java engineer would otherwise write it, measured
 * beside the dispatch models by {@code bench}.
 *
 * <h2>Why peers, and why these two</h2>
 * The dispatch models answer "which design", but a user choosing a datapath also asks "compared with
 * what I would have written". On the JVM that is one of two things: a Netty server on the native epoll
 * transport that does the work in its event loop, or a staged pipeline on the LMAX Disruptor with one
 * thread per stage. Both are here, written well (recvmmsg batching in Netty, batched publication and
 * a wait strategy that matches the run's idle strategy in the Disruptor), so that a ratio against
 * them means something.
 *
 * <h2>Only the threading differs</h2>
 * A peer is a {@link dev.dispatchlab.dispatch.models.DispatchModel}: the runner builds it exactly as it
 * builds a model, on the socket source, with the same traffic from the same generator, the same
 * pooled buffers and synthetic outer header ({@link dev.dispatchlab.device.SocketIngress}), the same
 * receive path ({@link dev.dispatchlab.stack.ReceivePath}: ip_input, ESP with the software driver,
 * udp_input, the user socket) and the same user thread, latency histogram, counters and accounting.
 * What a peer decides is which threads run those stages and how packets move between them:
 *
 * <pre>
 *  netty:      kernel socket ─recvmmsg─► [event loop: copy, ip, esp, decrypt, udp, socket] ─► user
 *  disruptor:  kernel socket ─recvmmsg─► [rx thread] ─ring─► [decrypt: ip, esp, cipher] ─same ring,
 *              gated─► [deliver: esp completion, inner ip, udp, socket] ─► user
 * </pre>
 *
 * <h2>Accounting</h2>
 * Every datagram is counted offered when a peer takes it and then delivered or dropped by reason,
 * as in the models; the Netty peer reads the socket's descriptor itself, so the kernel's drops for
 * that socket are read from {@code /proc/net/udp} by its event loop every
 * {@value NettyPeer#KERNEL_DROP_PERIOD_MILLIS} ms and once more at the end of the run.
 */
package dev.dispatchlab.peers;
