/**
 * The receive path, written once, stage by stage: what every dispatch model runs.
 *
 * <h2>What</h2>
 * {@link dev.dispatchlab.stack.ReceivePath} holds the stages as methods over
 * {@code (StageContext, PacketBuffer)}: link demux (ether_input), ip_input with IPv4 reassembly, the
 * RFC 3948 demux of UDP port 4500, esp_input and its continuation, ip_input again for the decrypted
 * packet (so nested ESP needs no special case), and delivery: {@link dev.dispatchlab.stack.UdpDelivery}
 * (udp_input into a {@link dev.dispatchlab.stack.UserSocket}) for the benchmark, a capture writer or a
 * forwarder for the tools. The {@link dev.dispatchlab.stack.Application} is the user thread: a
 * blocking receive, a check of every payload, the latency, the delivered count.
 *
 * <h2>Why it is written once</h2>
 * The argument is about dispatch, not about protocol code: if each model had its own copy of the
 * stages, a difference in the figures could come from the copies. Here a model only chooses which
 * context calls which stage method and how packets move between contexts (a queue, a continuation,
 * a direct call), and where crypto continuations run ({@link dev.dispatchlab.stack.CompletionRouting}).
 * Stages keep per-context state (each context's reassembler) in arrays indexed by the context's
 * slot, so they take no locks.
 *
 * <h2>Costs</h2>
 * No allocation per packet in our code (the JCA's cipher initialisation allocates; see
 * {@code crypto}); one copy of a packet's bytes in steady state, by the decryption itself (into the
 * spare array). Inner UDP checksums are trusted after ESP's integrity check by default (RFC 3948
 * 3.1.2), outer ones always verified.
 *
 * <h2>Not implemented</h2>
 * TCP, ICMP and forwarding of decrypted packets; SA selector (policy) checks beyond the SA lookup;
 * IPv6 reassembly.
 */
package dev.dispatchlab.stack;
