/**
 * Capture decryption: the {@code decrypt} command's engine. A capture and the keys of its SAs go in;
 * the decrypted inner packets come out as a pcap, with every frame that did not become one explained.
 *
 * <h2>What</h2>
 * <pre>
 *  SA files ──► SaConfigReader ──► SaDatabase (software crypto driver)
 *  capture  ──► CaptureReader ──► ReceivePath.input ─────────────────────────────► deliver ──► PcapWriter
 *               (pcap, pcapng,    link demux, ip_input, reassembly, ESP-in-UDP,   (depth ≥ 1:   raw IP,
 *                snoop; one       IKE, esp_input ⇄ crypto (inline), ip_input       decrypted)    ns times
 *                frame at a time) again for the inner packet (nested ESP)    ▲         │ IPComp and
 *                                 └─ anything else: IKE passed, or dropped   │         │ --decompress
 *                                    with a DropReason                       └─ IpcompInput (inflate)
 * </pre>
 * {@link dev.dispatchlab.decrypt.CaptureDecryptor#run} does it all in the caller's thread with one
 * stage context, and returns a {@link dev.dispatchlab.decrypt.DecryptReport}: frames, SAs with what
 * each decrypted and rejected, packets written, IKE passed, drops by reason, and the accounting
 * identity {@code frames = written + ike + fragments absorbed + dropped} with nothing in flight.
 *
 * <h2>Why through the receive path</h2>
 * The path the benchmarks measure is the one that decrypts here, frame by frame, with the software
 * driver and continuations run inline: a capture someone brings is then a test of that path against
 * another implementation (a KLIPS stack, Linux, scapy), and every feature the path has (reassembly,
 * NAT-T demux, nested ESP, ESN, anti-replay, the drop vocabulary) is one the decryptor has, with no
 * second implementation to keep in step. The cost of that choice is that the decryptor sees what a
 * receiver would see: it refuses what a receiver must refuse (a replayed packet, a bad ICV, a forged
 * padding) and says so, where a dissector such as Wireshark shows every packet it can decrypt.
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li><b>Output</b>: pcap with link type 101 ({@code LINKTYPE_RAW}), so IPv4 and IPv6 inner packets
 *       share one file; nanosecond timestamps, so no capture time is rounded. A written packet is what
 *       {@code ip_input} gets after the last ESP layer: tunnel mode, the inner packet; transport mode,
 *       the outer IP header rebuilt (ESP's next header, new lengths and checksum, a NAT-T UDP header
 *       removed) in front of the plaintext.</li>
 *   <li><b>Time</b>: a packet carries the capture time of the frame whose processing delivered it;
 *       for a datagram reassembled from IP fragments, the frame that completed it (as Wireshark shows a
 *       reassembled packet). Capture time also drives the reassembly timeout (30 s between a datagram's
 *       first and last fragment), never going backwards. A record without a time (a pcapng simple
 *       packet block) takes the previous record's; times pcap cannot hold are clamped and counted.</li>
 *   <li><b>Cleartext</b> is not an error: ARP and other non-IP frames ({@code ether unsupported}),
 *       plain UDP ({@code unprotected}), other IP protocols ({@code ip unsupported protocol}) and NAT-T
 *       keepalives are counted as drops and marked as cleartext in the summary; IKE is passed and
 *       counted apart. A frame the path cannot use at all (an unknown link type, a truncated packet) is
 *       a counted drop too. Only a file that breaks its format (bad magic, a cut record) stops the run.</li>
 *   <li><b>Checksums</b> of captured traffic are not a reason to drop a frame (what Wireshark does
 *       too): a capture taken on the sending host holds the partial UDP checksums transmit offload leaves
 *       for the device to finish (the pseudo-header sum only), so every NAT-T frame of it would fail.
 *       An IPv4 header or UDP checksum that does not verify is counted ({@code checksum not verified})
 *       and the frame goes on; ESP's integrity check still covers every byte it protects. TCP checksums
 *       are never verified (nothing on the path consumes TCP). {@code --verify-checksums} drops such
 *       frames as a receiving kernel does ({@code ip bad checksum}, {@code udp bad checksum}); the live
 *       paths (gateway, socket source, synthetic runs) always verify.</li>
 *   <li><b>Anti-replay</b>: each SA keeps the window its file gives (a Wireshark file gives none, so the
 *       default of 1024; {@code ip xfrm} files their {@code replay-window}). A frame captured twice then
 *       decrypts once and counts one {@code replay}, which is what a receiver would do and tells the user
 *       the capture holds duplicates; reordering within the window is harmless. {@code --replay-window 0}
 *       switches the check off (every copy is written), a larger window tolerates worse reordering.</li>
 *   <li><b>IPComp</b> (ESP next header 108): by default written as ESP hands it up, the rebuilt outer
 *       header with protocol 108 then the IPComp header and the compressed data; with
 *       {@code --decompress} inflated by {@link dev.dispatchlab.ipcomp.IpcompInput} and written as the
 *       packet it was before compression. One that does not inflate is dropped as {@code ipcomp bad}.</li>
 *   <li><b>Buffers</b>: {@value dev.dispatchlab.decrypt.CaptureDecryptor#FRAME_BUFFERS} frame buffers
 *       of 64 KiB (frames held at once, which only reassembly does); a longer frame is {@code too long},
 *       a frame arriving while every buffer holds a fragment is {@code pool exhausted}. Both are counted.</li>
 *   <li><b>Failure</b>: the pcap is written beside the target and moved into place only when the run
 *       ended with its accounting balanced; a broken capture or a failed check leaves no partial output.</li>
 * </ul>
 *
 * <h2>Cost</h2>
 * Per frame, the receive path's cost (see {@code stack}) plus one copy into the output stream; one
 * thread. Memory: the frame buffers (two 64 KiB arrays each, about 17 MB) and the reassembly pool.
 *
 * <h2>Not implemented</h2>
 * Writing pcapng (comments, interfaces kept); keeping frames the path cannot decrypt in the output;
 * AH; IPv6 reassembly (an IPv6-fragmented ESP packet is {@code fragment ipv6}); guessing SAs or keys
 * from IKE; per-SA anti-replay choices on the command line.
 */
package dev.dispatchlab.decrypt;
