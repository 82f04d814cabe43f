/**
 * ESP, the IPsec Encapsulating Security Payload (RFC 4303), in both directions: the stage of the
 * receive path that turns a protected packet back into a plain IP packet, and the encapsulation the
 * traffic sources and tests use to make protected packets.
 *
 * <h2>What</h2>
 * <ul>
 *   <li>{@link dev.dispatchlab.esp.SecurityAssociation}: SPI, endpoints, mode, crypto session, ESN,
 *       NAT-T ports, the anti-replay window, the outbound sequence counter and IV generator, counters.</li>
 *   <li>{@link dev.dispatchlab.esp.SaDatabase}: SPI (and addresses) to SA, copy-on-write, lock-free and
 *       allocation-free for readers.</li>
 *   <li>{@link dev.dispatchlab.esp.ReplayWindow}: RFC 6479 ring bitmap, RFC 4303 Appendix A ESN.</li>
 *   <li>{@link dev.dispatchlab.esp.EspInput}: {@code esp_input} in two halves around the crypto request.</li>
 *   <li>{@link dev.dispatchlab.esp.EspOutput}: tunnel and transport encapsulation, NAT-T.</li>
 *   <li>{@link dev.dispatchlab.esp.SaConfigReader}: Wireshark {@code esp_sa} tables and {@code ip xfrm
 *       state} commands or listings, with file:line errors.</li>
 *   <li>{@link dev.dispatchlab.esp.EspDescriptor}: the wire format, drawn.</li>
 * </ul>
 *
 * <h2>The inbound path</h2>
 * <pre>
 *   ip_input (outer header checked, UDP 4500 stripped)
 *     │
 *     ▼  EspInput.input(ctx, p, target)              submitting context
 *        depth ≤ limit? ─ no ─► NESTING_TOO_DEEP
 *        length ≥ SPI+seq? ─ no ─► ESP_TRUNCATED
 *        SA for SPI, dst[, src]? ─ no ─► NO_SA
 *        IV, ICV, trailer fit; whole blocks? ─ no ─► ESP_TRUNCATED / ESP_BAD_LENGTH
 *        window.check(seq) (ESN high half guessed) ─ replay/too old ─► REPLAY
 *        session.submit(request in p.attachment)
 *     │
 *     ▼  crypto driver: verify ICV, then decrypt (out of place into p.spare(), swapped)
 *     │
 *     ▼  EspInput.cryptoDone(request, ctx')          completing context chosen by target
 *        status ≠ OK ─► INTEGRITY / CRYPTO_QUEUE_FULL / SESSION_CLOSED / ...
 *        window.update(seq) ─ lost a race to its twin ─► REPLAY
 *        padding 1,2,3,...? ─ no ─► BAD_PADDING;  next header 59 ─► DUMMY_PACKET
 *        tunnel: inner IPv4/IPv6 ─ bad ─► INNER_BAD / BAD_NEXT_HEADER
 *        transport (and IPComp 108): outer header rebuilt in the headroom
 *     │
 *     ▼  Sink.decapsulated(ctx', p)  ─► ip_input again (nested ESP: depth + 1)
 * </pre>
 *
 * <h2>Why so</h2>
 * The split at the crypto request is the whole point of the project's comparison: with the software
 * driver both halves run in one context, with the offload driver the second half runs wherever the
 * dispatch model sends the completion, and the ESP code is the same. The replay pre-check sits before
 * the integrity check so that replayed floods cost no cryptography (RFC 4303 3.4.3), and the window
 * moves only after it so that forgeries cannot move it; the two may run on different threads, so the
 * window is thread-safe (lock-free check, short monitor for the update). Decryption out of place into
 * the spare array is the only copy of the payload; transport mode then copies the outer header (20 or
 * 40 bytes) in front of the plaintext instead of moving the payload.
 *
 * <h2>Cost, per inbound packet</h2>
 * One SA lookup (a volatile read, a hash probe, a few address compares), one lock-free window check,
 * the cryptography (JCA: AES-NI, CLMUL), one uncontended monitor enter/exit for the window update,
 * a padding scan, and for transport mode a 20-40 byte copy and an IPv4 checksum. No allocation of
 * ours: the request lives in the buffer's attachment. The JCA allocates on every cipher init
 * (about 1-2 KB for AEAD), which the bare-cipher baseline pays too. Contended SAs (many contexts, one
 * SA) serialise on the window's monitor and share its cache lines and the counters' LongAdder cells.
 *
 * <h2>Threading</h2>
 * {@code EspInput}, {@code EspOutput} and the reader are stateless and shared. SAs and the SA database
 * are safe for any number of concurrent contexts; see each class for what a call costs.
 *
 * <h2>Not implemented</h2>
 * <ul>
 *   <li>Policy (SPD) checks of the inner packet against the SA's selectors (drop reason {@code POLICY}
 *       is reserved for the stack); SA lifetimes and rekeying; acquiring SAs (that is IKE's job).</li>
 *   <li>Trying the next ESN high half after an integrity failure (RFC 4303 Appendix A3, for more than
 *       2^32 lost packets).</li>
 *   <li>TFC padding on output (RFC 4303 2.7); on input the caller's IP length check trims it.</li>
 *   <li>AES-CTR, AES-CCM, RFC 8750 implicit IVs, AH, IPComp decompression, espinudp-nonike and
 *       TCP encapsulation (RFC 8229); multicast SAs.</li>
 *   <li>IP header handling is a stopgap ({@code IpHeaders}) until the {@code proto} package lands.</li>
 * </ul>
 */
package dev.dispatchlab.esp;
