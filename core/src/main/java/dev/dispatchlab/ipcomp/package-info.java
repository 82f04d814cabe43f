/**
 * IPComp, IP payload compression (RFC 3173), receive side, with the DEFLATE transform (RFC 2394).
 *
 * <h2>What</h2>
 * {@link dev.dispatchlab.ipcomp.IpcompDescriptor} draws the 4-byte header;
 * {@link dev.dispatchlab.ipcomp.IpcompInput} is {@code ipcomp_input}: it inflates the payload of an
 * IP packet with protocol 108 into the buffer's spare array and hands the plain packet back to
 * {@code ip_input}, as ESP does with its plaintext.
 *
 * <h2>Why it is here</h2>
 * IPsec gateways negotiate IPComp beside ESP (compress, then encrypt), so captures of real tunnels
 * carry ESP whose next header is 108: Openswan's KLIPS regression captures do. ESP hands such a
 * packet up like a transport-mode payload; what happens next is a choice of whoever runs the path.
 * The benchmark path never compresses, so it leaves IPComp alone (a delivery sink sees protocol 108);
 * the {@code decrypt} command either writes the packets as they are or, when asked, runs them through
 * this stage. It is a stage of its own, beside {@code esp}, so that the receive path could call it
 * like any other once a model needs it.
 *
 * <h2>Cost</h2>
 * Inflate over the payload (tens of MB/s to a few hundred per core, far slower than AES-GCM, one
 * reason IPComp is rarely used on fast links); one inflater per stage context, reset per packet;
 * no allocation per packet.
 *
 * <h2>Not implemented</h2>
 * Compression (output); LZS (RFC 2395) and LZJH (RFC 3051); IPComp SAs and their CPI table (every
 * DEFLATE-looking CPI is accepted, see {@code IpcompInput}); the RFC 3173 rule that a node without
 * the SA drops the packet (a capture decryptor has no IPComp SAs to check).
 */
package dev.dispatchlab.ipcomp;
