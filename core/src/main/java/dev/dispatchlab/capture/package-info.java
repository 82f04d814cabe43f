/**
 * Capture files: reading pcap, pcapng and snoop into packet buffers, writing pcap.
 *
 * <h2>What</h2>
 * <pre>
 *   CaptureReader.open(path) ── first bytes ──► PcapReader   a1b2c3d4 / a1b23c4d, either byte order
 *                                           ├─► PcapngReader 0a0d0d0a: sections, interfaces, EPB/SPB/PB
 *                                           └─► SnoopReader  "snoop\0\0\0" (RFC 1761)
 *   reader.read(p): record bytes ──(one copy from the file window)──► p.data()[p.end()...], p.linkType(LINKTYPE_*)
 *                   record facts: timestampNanos(), originalLength(), capturedLength(), recordNumber(), recordOffset()
 *   PcapWriter.write(byte[], off, len, timestampNanos) ──► pcap, µs or ns, little-endian
 * </pre>
 * Each reader class draws its format. A broken file ends in a {@link
 * dev.dispatchlab.capture.CaptureFormatException} naming the file, the record or block number and
 * the byte offset; nothing else is thrown for bad input (a property test mutates valid files to
 * hold the readers to that), apart from the stream's own {@code IOException}s.
 *
 * <h2>Why our own reader</h2>
 * Capture replay is a traffic source of the receive path, so reading must not allocate per
 * record and must fill the path's own pooled buffers. The Java pcapng readers that exist
 * (bertrandmartel/pcapng-decoder, SiliconLabs java-pcap) build an object per block and are not on
 * Maven Central; pcap4j reads files through the native libpcap. The formats are small, so a reader
 * of a few hundred lines, checked against files written by editcap and verified by tshark, costs
 * less than adapting one of those.
 *
 * <h2>Cost</h2>
 * One 64 KiB window per reader; a record costs one {@code System.arraycopy} from the window
 * to the buffer (plus the stream's read into the window). Interface tables grow on IDBs only.
 * Timestamps are converted with integer arithmetic for every pcapng resolution (10^-n and 2^-n).
 *
 * <h2>Not implemented</h2>
 * pcapng writing; pcapng options other than {@code if_tsresol} and {@code if_tsoffset} (comments,
 * EPB flags and hashes are skipped); name resolution, statistics and decryption-secrets blocks are
 * skipped, not exposed; the "modified" (Kuznetzov) pcap variants; interface description blocks
 * longer than 64 KiB; snoop datalinks other than 802.3, 802.5, Ethernet and FDDI; seeking. Records
 * that do not fit a buffer are skipped and reported as {@code TOO_LONG} for the caller to count.
 */
package dev.dispatchlab.capture;
